"""The fund's pages, API, open data and IATI: what the public sees, what each role may do."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from lxml import etree

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_user
from migrationhub.fund import services
from migrationhub.fund.models import Contribution, Proposal
from migrationhub.partnerships import iati as partnership_iati
from migrationhub.partnerships.tests.factories import make_org, make_partnership

from .factories import (
    check_fields,
    make_approved,
    make_committee,
    make_contribution,
    make_manager,
    make_proposal,
)

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _funded(manager=None):
    manager = manager or make_manager()
    contributor = make_org(name="Kingdom of Examplia", stakeholder_type="national-government")
    make_contribution(manager=manager, contributor=contributor, amount="500000")
    proposal = make_approved(manager=manager)
    allocation = services.allocation_create(actor=manager, proposal=proposal, amount="200000")
    services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("80000"))
    services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("120000"))
    return proposal, allocation


def test_the_public_financial_table_shows_the_money_and_no_person(reference, client):
    manager = make_manager(email="secret.manager@example.org")
    proposal, _allocation = _funded(manager)
    # when
    page = client.get("/fund/")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kingdom of Examplia" in html and "500000.00" in html and "200000.00" in html
    assert "secret.manager" not in html
    assert proposal.title in html
    for path in ("/fund/proposals/", "/fund/contributions/", "/fund/ledger/", "/fund/portfolio/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "secret.manager" not in response.content.decode()
    detail = client.get(f"/fund/proposals/{proposal.pk}/").content.decode()
    assert "80000.00" in detail and "120000.00" in detail and "secret.manager" not in detail
    assert "Approved by the steering committee" in detail and "Tranche disbursed" in detail


def test_the_financial_table_changes_at_once_on_the_cached_page(reference, client):
    client.get("/fund/")
    make_contribution(amount="1234.56")
    assert "1234.56" in client.get("/fund/").content.decode()


def test_a_proposal_in_screening_is_not_public(reference, client):
    proposal = make_proposal()
    assert client.get(f"/fund/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/api/v1/fund/proposals/{proposal.pk}").status_code == 404
    client.force_login(make_manager())
    assert client.get(f"/fund/proposals/{proposal.pk}/").status_code == 200


def test_api_amounts_are_exact_strings(reference):
    _funded()
    data = Client().get("/api/v1/fund/").json()
    [total] = data["totals"]
    assert total == {
        "earmark": "",
        "currency": "USD",
        "deposited": "500000.00",
        "allocated": "200000.00",
        "disbursed": "200000.00",
        "unallocated": "300000.00",
        "allocated_undisbursed": "0.00",
    }
    [transfer] = data["transfers"]
    assert transfer["tranches"] == 2
    movements = Client().get("/api/v1/fund/movements").json()
    assert movements["meta"]["count"] == 4
    assert all(isinstance(e["amount"], str) for m in movements["items"] for e in m["entries"])


def test_the_whole_pipeline_over_the_api(reference):
    # given
    manager, committee = make_manager(), make_committee()
    partnership = make_partnership()
    contributor = make_org()
    # when: money in
    r = _api(manager).post(
        "/api/v1/fund/contributions",
        {
            "contributor": contributor.slug,
            "amount": "1000.50",
            "currency": "eur",
            "date": "2026-02-01",
            "deposited": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "1000.50" and r.json()["currency"] == "EUR"
    # a concept note
    r = _api(partnership.test_admin).post(
        "/api/v1/fund/proposals",
        {
            "partnership": partnership.slug,
            "title": "Safe corridors",
            "summary": "A note.",
            "amount": "900",
            "currency": "EUR",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    principles = {code: {"rating": "meets", "note": "ok"} for code in check_fields().principles}
    r = _api(manager).post(
        f"/api/v1/fund/proposals/{pk}/check",
        {"complete": True, "principles": principles, "gender_marker": 1, "human_rights_marker": 2},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = _api(committee).post(
        f"/api/v1/fund/proposals/{pk}/decision",
        {"approve": True, "reason": "Good."},
        content_type="application/json",
    )
    assert r.json()["status"] == "approved"
    r = _api(manager).post(
        f"/api/v1/fund/proposals/{pk}/allocations",
        {"amount": "900"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    allocation = r.json()["id"]
    r = _api(manager).post(
        f"/api/v1/fund/allocations/{allocation}/disbursements",
        {"amount": "1000"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "fund_exceeds_allocation"
    r = _api(manager).post(
        f"/api/v1/fund/allocations/{allocation}/disbursements",
        {"amount": "400"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["remaining"] == "500.00"


@pytest.mark.parametrize(
    "payload",
    [
        {"amount": "abc"},
        {"amount": "1e400"},
        {"amount": "-1"},
        {"amount": "0.001"},
        {"amount": 10.5},
        {"currency": "US"},
        {"date": "2026-13-01"},
        {"earmark": "region-xyz"},
        {"contributor": "nobody"},
    ],
)
def test_hostile_contributions_are_422_and_nothing_is_written(reference, payload):
    contributor = make_org()
    body = {
        "contributor": contributor.slug,
        "amount": "10",
        "currency": "USD",
        "date": "2026-01-01",
    }
    body.update(payload)
    r = _api(make_manager()).post(
        "/api/v1/fund/contributions", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422, (payload, r.content)
    assert Contribution.objects.count() == 0


def test_writes_need_the_role(reference):
    contributor = make_org()
    body = {
        "contributor": contributor.slug,
        "amount": "10",
        "currency": "USD",
        "date": "2026-01-01",
    }
    assert (
        Client()
        .post("/api/v1/fund/contributions", body, content_type="application/json")
        .status_code
        == 401
    )
    r = _api(make_user()).post("/api/v1/fund/contributions", body, content_type="application/json")
    assert r.status_code == 403


def test_open_data_tables(reference):
    _funded()
    csv = Client().get("/api/v1/open-data/fund-balances.csv").content.decode()
    assert "none,USD,500000.00,200000.00,200000.00,300000.00" in csv.replace("\r", "")
    contributions = Client().get("/api/v1/open-data/fund-contributions.json").json()
    assert "Kingdom of Examplia" in json.dumps(contributions)
    transfers = Client().get("/api/v1/open-data/fund-transfers.csv").content.decode()
    assert "200000.00" in transfers


def test_iati_partnership_activity_carries_the_funds_flows_and_is_valid(reference):
    proposal, _allocation = _funded()
    data = Client().get(f"/api/v1/partnerships/{proposal.partnership.slug}/iati.xml").content
    assert partnership_iati.validate(data) == []
    tree = etree.fromstring(data)
    types = [t.get("code") for t in tree.iter("transaction-type")]
    assert types == ["2", "3", "3"]
    values = [v.text for v in tree.iter("value") if v.getparent().tag == "transaction"]
    assert values == ["200000", "80000", "120000"]
    fund = Client().get("/api/v1/fund/iati.xml").content
    assert partnership_iati.validate(fund) == []
    fund_types = [t.get("code") for t in etree.fromstring(fund).iter("transaction-type")]
    assert fund_types == ["1", "2", "3", "3"]


def test_forms_for_each_role(reference, client):
    manager, committee = make_manager(), make_committee()
    make_contribution(manager=manager, amount="1000")
    partnership = make_partnership()
    client.force_login(partnership.test_admin)
    r = client.post(
        f"/fund/proposals/new/{partnership.slug}/",
        {
            "title": "Fair recruitment",
            "summary": "Note",
            "amount": "0.001",
            "currency": "USD",
            "earmark": "none",
        },
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()  # kept, with the error
    r = client.post(
        f"/fund/proposals/new/{partnership.slug}/",
        {
            "title": "Fair recruitment",
            "summary": "Note",
            "amount": "600",
            "currency": "USD",
            "earmark": "none",
        },
    )
    proposal = Proposal.objects.get()
    assert r.status_code == 302
    client.force_login(manager)
    data = {"complete": "on", "gender_marker": "2", "human_rights_marker": "1", "note": ""}
    for code in check_fields().principles:
        data[f"principle_{code}"] = "meets"
        data[f"note_{code}"] = "Fine."
    assert client.post(f"/fund/proposals/{proposal.pk}/check/", data).status_code == 302
    client.force_login(committee)
    r = client.post(
        f"/fund/proposals/{proposal.pk}/decide/", {"decision": "approve", "reason": "Yes."}
    )
    assert r.status_code == 302
    client.force_login(manager)
    r = client.post(
        f"/fund/proposals/{proposal.pk}/allocate/", {"amount": "2000", "earmark": "none"}
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    r = client.post(
        f"/fund/proposals/{proposal.pk}/allocate/", {"amount": "600", "earmark": "none"}
    )
    assert r.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.FUNDED


def test_public_pages_do_not_query_per_row(
    reference, client, settings, django_assert_max_num_queries
):
    settings.MIGRATIONHUB_PAGE_CACHE = False  # render every time
    manager = make_manager()
    for _ in range(3):
        _funded(manager)
    for path in ("/fund/", "/fund/proposals/", "/fund/contributions/", "/fund/ledger/"):
        client.get(path)  # vocabularies cached
        with django_assert_max_num_queries(20):
            assert client.get(path).status_code == 200


def test_an_organisations_profile_shows_its_contributions(reference, client):
    contributor = make_org(name="Foundation for Examplia")
    make_contribution(contributor=contributor, amount="750.25", currency="CHF")
    page = client.get(f"/organisations/{contributor.slug}/").content.decode()
    assert "Contributions to the start-up fund" in page and "750.25" in page
