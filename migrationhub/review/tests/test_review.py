"""The review end to end on a hand-built registry: coverage, gaps, network, trends, reports
(pages, API, open data), with the answers that must come out."""

import pytest
from django.test import Client

from migrationhub.review import selectors
from migrationhub.review.coverage import Filters

from .factories import make_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(reference):
    return make_registry()


def test_coverage_counts_the_registry(registry):
    view = selectors.coverage_view(rows="objective", cols="region")
    # Africa is 002: one partnership on 5, one on 6, one practice on 7
    assert view.table.cells[("5", "002")]["partnership"] == 1
    assert view.table.cells[("6", "002")]["partnership"] == 1
    assert view.table.cells[("7", "002")]["practice"] == 1
    assert ("5", "019") not in view.table.cells
    senegal = selectors.coverage_view(
        rows="objective", cols="level", filters=Filters(country="SEN")
    )
    assert senegal.table.total["partnership"] == 1
    assert senegal.table.count("5", "national") == 1 and senegal.table.count("6", "national") == 0


def test_the_country_gap_is_what_its_neighbour_has(registry):
    # Senegal lacks objective 6 (Ghana has a partnership) and 7 (Ghana has a practice); it has 5
    found = {g.gap.objective: g.gap for g in selectors.country_gap_list("SEN")}
    assert set(found) == {"6", "7"}
    assert found["6"].region_partnerships == 1 and found["7"].region_practices == 1
    assert [g.gap.objective for g in selectors.country_gap_list("GHA")] == ["5"]


def test_gaps_rank_the_empty_neighbourhood_first(registry):
    found = selectors.gap_list(objective="5")
    covered = ("5", "national", "011")
    assert covered not in {(g.gap.objective, g.gap.level, g.gap.region) for g in found}
    # Western Africa's local cell for objective 5 has a covered neighbour (its national level):
    # it is less isolated than Eastern Africa's, whose neighbours are all empty
    west = next(g for g in found if g.gap.region == "011" and g.gap.level == "local")
    east = next(g for g in found if g.gap.region == "014" and g.gap.level == "local")
    assert west.gap.isolation < east.gap.isolation
    assert found.index(east) < found.index(west)


def test_the_broker_and_the_isolate(registry):
    facts = selectors.network_facts()
    assert facts.brokers[0].id == registry.broker.pk
    assert registry.lonely.pk in facts.isolates
    assert facts.largest_component == 4
    # every link crosses a level or a type: government–NGO (levels and types) ...
    assert facts.cross_type == facts.links


def test_pages_answer_and_link_a_gap_to_its_region(registry):
    client = Client()
    page = client.get("/review/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>" in html and 'scope="col"' in html and "<svg" in html
    assert "/review/regions/" in html
    for url in (
        "/review/gaps/",
        "/review/gaps/?country=SEN",
        "/review/network/",
        "/review/trends/",
        "/review/countries/SEN/",
        "/review/countries/sen/",
        "/review/regions/011/",
        "/review/regions/002/",
        "/review/objectives/5/",
        "/review/?rows=level&cols=type&year_from=2020&kinds=partnership",
    ):
        assert client.get(url).status_code == 200, url
    report = client.get("/review/countries/SEN/").content.decode()
    assert "Ministry of Senegalese Abroad" not in report or "Regional Mobility Agency" in report
    assert registry.senegal.name in report
    assert "@" not in report.split("<main", 1)[-1].split("</main>", 1)[0]  # no e-mail address


@pytest.mark.parametrize(
    "url",
    [
        "/review/?year_from=abc",
        "/review/?country=XXX",
        "/review/?year_from=2024&year_to=2020",
        "/review/gaps/?depth=planet",
        "/review/gaps/?country=%00",
    ],
)
def test_bad_filters_are_form_errors(reference, url):
    response = Client().get(url)
    assert response.status_code == 422


def test_the_same_dimension_twice_is_co_occurrence(registry):
    # rows and columns both objectives: how many records work on both of two objectives
    data = Client().get("/api/v1/review/coverage?rows=objective&cols=objective").json()
    diagonal = {c["row"]: c for c in data["cells"] if c["row"] == c["col"]}
    by_objective = Client().get("/api/v1/review/coverage?rows=objective&cols=level").json()
    for total in by_objective["row_totals"]:
        if total["code"] in diagonal:
            assert diagonal[total["code"]]["partnerships"] == total["partnerships"]
    assert Client().get("/review/?rows=region&cols=region").status_code == 200


@pytest.mark.parametrize(
    "url", ["/review/countries/XXX/", "/review/regions/999/", "/review/objectives/99/"]
)
def test_unknown_scopes_are_404(reference, url):
    assert Client().get(url).status_code == 404


def test_api_coverage_gaps_network_trends_report(registry):
    client = Client()
    coverage = client.get("/api/v1/review/coverage?rows=objective&cols=region").json()
    cell = next(c for c in coverage["cells"] if c["row"] == "5" and c["col"] == "002")
    assert cell["partnerships"] == 1
    # a well-formed code the registry does not know is a 404 naming the parameter
    unknown = client.get("/api/v1/review/coverage?country=XXX")
    assert unknown.status_code == 404 and "country" in unknown.json()["fields"]
    assert client.get("/api/v1/review/gaps?within=999").status_code == 404
    assert client.get("/api/v1/review/coverage?kinds=rumour").status_code == 422
    empty = client.get("/api/v1/review/coverage?year_from=2024&year_to=2020").json()
    assert empty["total"]["partnerships"] == 0
    gaps = client.get("/api/v1/review/gaps?objective=5&page_size=5").json()
    assert (
        gaps["meta"]["page_size"] == 5
        and gaps["items"][0]["isolation"] >= gaps["items"][-1]["isolation"]
    )
    country = client.get("/api/v1/review/gaps/countries/SEN").json()
    assert {g["objective"] for g in country} == {"6", "7"}
    network = client.get("/api/v1/review/network").json()
    assert network["brokers"][0]["slug"] == registry.broker.slug
    assert registry.lonely.slug in {o["slug"] for o in network["isolated_organisations"]}
    assert client.get("/api/v1/review/network?country=SEN").json()["organisations"] == 3
    history = client.get("/api/v1/review/network/history").json()
    # every organisation was registered this year: the last year's isolated are the directory's
    # isolated, and its top broker is the whole network's
    assert history[-1]["isolated"] == len(selectors.network_facts().isolates) >= 1
    assert history[-1]["brokers"][0]["slug"] == registry.broker.slug
    assert history[-1]["brokers_exact"] is True
    assert all(y["isolated"] == 0 for y in history[:-1])
    page = client.get("/review/network/").content.decode()
    assert "Top brokers" in page and registry.broker.name in page.split('id="history"')[1]
    trends = client.get("/api/v1/review/trends").json()
    assert sum(y["new_partnerships"] for y in trends) == 2
    report = client.get("/api/v1/review/reports/country/SEN").json()
    assert (
        report["partnerships_total"] == 1
        and report["partnerships"][0]["slug"] == registry.senegal.slug
    )
    assert client.get("/api/v1/review/reports/country/XXX").status_code == 404


def test_open_data_coverage_cube(registry):
    response = Client().get("/api/v1/open-data/review-coverage.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        text.splitlines()[0]
        == "objective,level,region,stakeholder_type,partnerships,pledges,practices"
    )
    assert "5,national,011,national-government,1,0,0" in text
    assert "@" not in text


def test_a_write_shows_on_the_review_at_once(registry):
    from migrationhub.partnerships.tests.factories import make_partnership

    client = Client()
    before = client.get("/api/v1/review/gaps/countries/SEN").json()
    assert {g["objective"] for g in before} == {"6", "7"}
    make_partnership(
        lead=registry.government,
        objectives=[6],
        levels=["national"],
        countries=["SEN"],
        sdg_targets=[],
    )
    after = client.get("/api/v1/review/gaps/countries/SEN").json()
    assert {g["objective"] for g in after} == {"7"}


def test_a_report_reads_a_fixed_number_of_queries_whatever_the_registry(
    registry, django_assert_max_num_queries
):
    from migrationhub.partnerships.tests.factories import join, make_org, make_partnership

    client = Client()

    def cold_report_queries():
        selectors.forget()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/review/countries/SEN/").status_code == 200
        return len(queries)

    before = cold_report_queries()
    for i in range(3):
        p = make_partnership(
            lead=registry.government, objectives=[i + 8], countries=["SEN"], sdg_targets=[]
        )
        join(p, make_org(name=f"Extra {i}", home_country="SEN"))
    after = cold_report_queries()
    assert after == before
    # with the facts in memory, a report reads nothing but the cache's bookkeeping
    with django_assert_max_num_queries(3):
        assert client.get("/review/objectives/5/").status_code == 200


def test_the_region_filter_restricts_every_table(registry):
    view = selectors.coverage_view(rows="objective", cols="level", filters=Filters(region="011"))
    assert view.table.total["partnership"] == 2  # Senegal's and Ghana's
    eastern = selectors.coverage_view(rows="objective", cols="level", filters=Filters(region="014"))
    assert eastern.table.total == {"partnership": 0, "pledge": 0, "practice": 0}
    page = Client().get("/review/?rows=objective&cols=level&within=014")
    assert page.status_code == 200


HOSTILE = ["%00", "x" * 5000, "'; DROP TABLE x;--", "%E2%80%AE", "-1", "9" * 30, "<script>"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_is_refused_never_a_server_error(reference, value):
    client = Client()
    urls = [
        f"/api/v1/review/coverage?country={value}",
        f"/api/v1/review/coverage?within={value}",
        f"/api/v1/review/coverage?year_from={value}",
        f"/api/v1/review/coverage?kinds={value}",
        f"/api/v1/review/gaps?objective={value}&page={value}",
        f"/api/v1/review/gaps/countries/{value}",
        f"/api/v1/review/network?region={value}",
        f"/api/v1/review/reports/country/{value}",
        f"/review/?country={value}&year_to={value}",
        f"/review/gaps/?within={value}&country={value}",
        f"/review/countries/{value}/",
        f"/review/regions/{value}/report.pdf",
    ]
    for url in urls:
        status = client.get(url).status_code
        assert status in (200, 404, 422), (url[:80], status)


def test_a_write_shows_on_the_cached_report_page_at_once(registry):
    from migrationhub.partnerships.tests.factories import make_partnership

    client = Client()
    first = client.get("/review/countries/SEN/").content.decode()
    assert "Migrant return corridor" not in first
    again = client.get("/review/countries/SEN/")
    assert again.content.decode() == first  # served from the page cache
    make_partnership(
        lead=registry.government,
        name="Migrant return corridor",
        objectives=[21],
        levels=["national"],
        countries=["SEN"],
        sdg_targets=[],
    )
    assert "Migrant return corridor" in client.get("/review/countries/SEN/").content.decode()


def test_a_report_shows_which_goals_reported(registry):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from migrationhub.partnerships import services
    from migrationhub.partnerships.tests.factories import goal_fields

    goal = services.goal_add(
        actor=registry.senegal.test_admin,
        partnership=registry.senegal,
        fields=goal_fields(objectives=[5], sdg_targets=[]),
    )
    services.goal_add(
        actor=registry.senegal.test_admin,
        partnership=registry.senegal,
        fields=goal_fields(objectives=[5], sdg_targets=[]),
    )
    services.progress_report(
        actor=registry.government.test_admin,
        goal=goal,
        organisation=registry.government,
        fields=services.ProgressFields(
            reported_on=timezone.localdate() - dt.timedelta(days=3), value=Decimal("10")
        ),
    )
    row = Client().get("/api/v1/review/reports/country/SEN").json()["partnerships"][0]
    assert (row["goals"], row["goals_reported"]) == (2, 1)
