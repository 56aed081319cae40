"""The partnership and pledge API: the registry's search with facets and filters, the detail
(members, goals and progress, commitments, outputs, scorecard, status light), IATI XML, and the
token-authenticated writes with their object-level permissions and JSON errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from lxml import etree

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.tests.factories import make_published
from migrationhub.partnerships import services
from migrationhub.partnerships.models import Member

from .factories import (
    commit,
    join,
    make_goal,
    make_org,
    make_partnership,
    make_pledge,
    partnership_fields,
    report,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, payload, user=None):
    return client.post(url, payload, content_type=JSON, **(bearer(user) if user else {}))


def patch(client, url, payload, user=None):
    return client.patch(url, payload, content_type=JSON, **(bearer(user) if user else {}))


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    assert body["code"] == code, body
    if field is not None:
        assert field in body["fields"], body
    return body


def inactive_partnership(**fields):
    """A curated record whose source is three years old and which never reported: red."""
    lead = make_org()
    return services.partnership_create(
        actor=None,
        lead=lead,
        fields=partnership_fields(start_date=None, end_date=None, **fields),
        as_of=timezone.localdate() - dt.timedelta(days=3 * 366),
    )


@pytest.fixture
def rich(reference):
    """A partnership with two accepted members, a goal with progress, money committed and a
    published practice as an output."""
    lead = make_org(name="Ministry of Labour", stakeholder_type="national-government")
    union = make_org(name="Harbour Workers Union", stakeholder_type="trade-union")
    diaspora = make_org(name="Diaspora Network", stakeholder_type="migrant-diaspora")
    p = make_partnership(
        lead=lead, name="Fair recruitment corridor", objectives=[6], countries=["PHL"]
    )
    join(p, union, roles=["implementing", "technical"])
    join(p, diaspora, roles=["migrant_representative"])
    goal = make_goal(p)
    report(goal, union, value=Decimal("120"), on=timezone.localdate() - dt.timedelta(days=3))
    commit(p, union, amount=Decimal("1000.50"), currency="USD")
    practice = make_published(title="Fair recruitment code of conduct")
    services.output_add(actor=lead.test_admin, partnership=p, practice_slug=practice.slug)
    p.union, p.diaspora, p.goal, p.practice = union, diaspora, goal, practice
    return p


# --- reads ---------------------------------------------------------------------------------


def test_list_searches_with_facets_filters_and_sort(reference, client):
    # given a broad, resourced partnership and a thin one elsewhere
    broad = make_partnership(name="Fair recruitment corridor", objectives=[6], countries=["PHL"])
    join(broad, make_org(stakeholder_type="trade-union"), roles=["implementing"])
    make_goal(broad)
    thin = make_partnership(
        name="Diaspora bonds initiative",
        purpose="Diaspora investors finance clinics at home.",
        objectives=[19],
        countries=["GHA"],
        levels=["local"],
    )
    # when searching by text
    body = client.get("/api/v1/partnerships/", {"q": "recruitment"}).json()
    # then one ranked hit, highlighted, with facet counts over every match
    assert body["meta"]["count"] == 1
    item = body["items"][0]
    assert item["slug"] == broad.slug and "<mark>" in item["title_html"]
    assert item["lead"] == broad.lead.slug and item["objectives"] == [6]
    assert item["light"] == "green" and item["inactive"] is False
    assert {f["value"]: f["count"] for f in body["facets"]["objective"]} == {"6": 1}
    assert {"status", "light", "score", "country", "level", "stakeholder_type"} <= set(
        body["facets"]
    )
    # filters: OR within a facet, AND across facets, codes in any case for countries
    assert (
        client.get("/api/v1/partnerships/", {"objective": ["6", "19"]}).json()["meta"]["count"] == 2
    )
    assert (
        client.get("/api/v1/partnerships/", {"country": "gha"}).json()["items"][0]["slug"]
        == thin.slug
    )
    assert (
        client.get("/api/v1/partnerships/", {"level": "local", "objective": "6"}).json()["meta"][
            "count"
        ]
        == 0
    )
    unions = client.get("/api/v1/partnerships/", {"stakeholder_type": "trade-union"}).json()
    assert [i["slug"] for i in unions["items"]] == [broad.slug]
    assert client.get("/api/v1/partnerships/", {"status": "active"}).json()["meta"]["count"] == 2
    # sorted by the scorecard, the best first
    ranked = client.get("/api/v1/partnerships/", {"sort": "score"}).json()["items"]
    assert [i["slug"] for i in ranked] == [broad.slug, thin.slug]
    assert ranked[0]["score"] > ranked[1]["score"]


def test_list_filters_by_light_and_inactive(reference, client):
    # given an active partnership and one that never reported in three years
    fresh = make_partnership(name="Fresh partnership")
    stale = inactive_partnership(name="Forgotten partnership")
    assert stale.light == "red"
    # then inactive=true lists the red one only, inactive=false the others, light=red the same
    inactive = client.get("/api/v1/partnerships/", {"inactive": "true"}).json()
    assert [i["slug"] for i in inactive["items"]] == [stale.slug]
    assert inactive["items"][0]["inactive"] is True
    active = client.get("/api/v1/partnerships/", {"inactive": "false"}).json()
    assert [i["slug"] for i in active["items"]] == [fresh.slug]
    red = client.get("/api/v1/partnerships/", {"light": "red"}).json()
    assert [i["slug"] for i in red["items"]] == [stale.slug]
    # and both at once must both hold
    both = client.get("/api/v1/partnerships/", {"light": ["red", "green"], "inactive": "true"})
    assert [i["slug"] for i in both.json()["items"]] == [stale.slug]
    none = client.get("/api/v1/partnerships/", {"light": "green", "inactive": "true"}).json()
    assert none["meta"]["count"] == 0 and none["items"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sort": "name"}, "sort"),
        ({"page": "first"}, "page"),
        ({"inactive": "perhaps"}, "inactive"),
        ({"colour": "red"}, "colour"),  # unknown parameters are refused by name
    ],
)
def test_list_refuses_bad_parameters(reference, client, params, field):
    assert_error(client.get("/api/v1/partnerships/", params), 422, "validation_failed", field)


def test_detail_has_members_goals_commitments_outputs_scorecard_and_light(rich, client):
    # when
    response = client.get(f"/api/v1/partnerships/{rich.slug}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Fair recruitment corridor" and body["lead"] == rich.lead.slug
    members = {m["organisation"]: m for m in body["members"]}
    assert members[rich.lead.slug]["is_lead"] is True
    assert members[rich.union.slug]["roles"] == ["implementing", "technical"]
    assert members[rich.diaspora.slug]["stakeholder_type"] == "migrant-diaspora"
    assert {m["status"] for m in body["members"]} == {"active"}
    [goal] = body["goals"]
    assert goal["id"] == rich.goal.pk and goal["smart"] is True and goal["smart_problems"] == []
    assert goal["latest_value"] == "120" and goal["reports"][0]["organisation"] == (rich.union.slug)
    [commitment] = body["commitments"]
    assert (commitment["amount"], commitment["currency"]) == ("1000.50", "USD")
    assert body["outputs"] == [{"practice": rich.practice.slug, "title": rich.practice.title}]
    # the scorecard: three dimensions, each with the reasons for its points
    card = body["scorecard"]
    assert [d["name"] for d in card["dimensions"]] == ["breadth", "focus", "resources"]
    for dimension in card["dimensions"]:
        assert dimension["score"] == sum(r["points"] for r in dimension["reasons"])
        assert all(r["message"] for r in dimension["reasons"]) and dimension["question"]
    assert card["overall"] == body["score"]
    # the light: green, a report being recent
    assert body["light"] == "green" and body["inactive"] is False
    assert body["status_light"]["colour"] == "green" and body["status_light"]["due"]
    assert body["last_reported_on"] == (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert body["iati_identifier"].endswith(rich.slug)


def test_detail_of_an_unknown_partnership_is_a_json_404(reference, client):
    assert_error(client.get("/api/v1/partnerships/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v1/partnerships/no-such-thing/iati.xml"), 404, "not_found")


def test_an_inactive_partnership_says_so_in_its_detail(reference, client):
    stale = inactive_partnership()
    body = client.get(f"/api/v1/partnerships/{stale.slug}").json()
    assert body["light"] == "red" and body["inactive"] is True
    assert body["status_light"]["inactive"] is True


def test_a_partnership_as_an_iati_activity(rich, client):
    # when
    response = client.get(f"/api/v1/partnerships/{rich.slug}/iati.xml")
    # then an iati-activities file holding the one activity
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    [activity] = root.findall("iati-activity")
    assert activity.findtext("iati-identifier").endswith(rich.slug)
    assert activity.findtext("title/narrative") == "Fair recruitment corridor"
    assert len(activity.findall("participating-org")) >= 3
    assert activity.find("recipient-country").get("code") == "PH"


def test_the_registry_as_one_iati_activities_file(rich, client):
    other = make_partnership(name="Second partnership")
    response = client.get("/api/v1/partnerships/iati.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    identifiers = {a.findtext("iati-identifier") for a in root.findall("iati-activity")}
    assert len(identifiers) == 2
    assert any(i.endswith(other.slug) for i in identifiers)


def test_a_write_shows_on_the_cached_reads_at_once(reference, client):
    # given the anonymous list and IATI file are stored
    p = make_partnership(name="Cached corridor partnership")
    urls = ["/api/v1/partnerships/", "/api/v1/partnerships/iati.xml"]
    for url in urls:
        assert b"Renamed corridor partnership" not in client.get(url).content
    # when its admin renames it through the API
    renamed = patch(
        client,
        f"/api/v1/partnerships/{p.slug}",
        {"name": "Renamed corridor partnership"},
        p.test_admin,
    )
    assert renamed.status_code == 200
    # then every stored read shows it
    for url in [*urls, f"/api/v1/partnerships/{p.slug}"]:
        assert b"Renamed corridor partnership" in client.get(url).content, url


# --- partnerships: writes ----------------------------------------------------------------------


def _create_payload(organisation, **overrides) -> dict:
    return {
        "lead": organisation.slug,
        "name": "Skills mobility partnership",
        "purpose": "Vocational schools and employers train nurses before they migrate.",
        "objectives": [18],
        "levels": ["national"],
        "countries": ["phl", "DEU"],
        "start_date": "2025-01-01",
        "end_date": "2028-12-31",
        **overrides,
    }


def test_writes_need_a_token(reference, client):
    lead = make_org()
    assert_error(post(client, "/api/v1/partnerships/", _create_payload(lead)), 401, "unauthorized")
    assert_error(post(client, "/api/v1/pledges/", {}), 401, "unauthorized")


def test_an_organisation_admin_registers_a_partnership(reference, client):
    lead = make_org()
    response = post(client, "/api/v1/partnerships/", _create_payload(lead), lead.test_admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lead"] == lead.slug and body["countries"] == ["DEU", "PHL"]
    assert [(m["organisation"], m["roles"]) for m in body["members"]] == [
        (lead.slug, ["accountable"])
    ]
    assert body["scorecard"]["overall"] == body["score"]
    assert client.get(f"/api/v1/partnerships/{body['slug']}").status_code == 200


def test_registering_for_an_organisation_you_do_not_administer_is_403(reference, client):
    lead = make_org()
    response = post(client, "/api/v1/partnerships/", _create_payload(lead), make_user())
    assert_error(response, 403, "permission_denied")


def test_an_unverified_lead_is_refused(reference, client):
    lead = make_org(verified=False)
    response = post(client, "/api/v1/partnerships/", _create_payload(lead), lead.test_admin)
    assert_error(response, 403, "lead_not_verified")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"countries": ["XXX"]}, "countries"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"status": "dormant"}, "status"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"roles": ["sponsor"]}, "roles"),
        ({"lead": "no-such-organisation"}, "lead"),
        ({"start_date": "01/01/2025"}, "start_date"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(reference, client, overrides, field):
    lead = make_org()
    response = post(
        client, "/api/v1/partnerships/", _create_payload(lead, **overrides), lead.test_admin
    )
    assert_error(response, 422, "validation_failed", field)


def test_only_the_lead_organisations_admins_edit(reference, client):
    p = make_partnership()
    member = make_org()
    join(p, member)
    url = f"/api/v1/partnerships/{p.slug}"
    # a member organisation's admin, and a stranger, may not
    for user in (member.test_admin, make_user()):
        assert_error(patch(client, url, {"name": "Taken over"}, user), 403, "permission_denied")
    # the lead's admin may; a null leaves a field as it is, an end date can be cleared
    response = patch(
        client, url, {"name": "Renamed", "purpose": None, "end_date": None}, p.test_admin
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Renamed" and body["purpose"] == p.purpose and body["end_date"] is None
    assert_error(patch(client, url, {"status": "paused"}, p.test_admin), 422, "validation_failed")
    assert_error(
        patch(client, "/api/v1/partnerships/nope", {"name": "x"}, p.test_admin), 404, "not_found"
    )


def test_invitation_is_accepted_only_by_the_invited_organisations_own_admins(
    reference, client, django_capture_on_commit_callbacks
):
    # given a partnership and an organisation it invites
    p = make_partnership()
    invited = make_org(name="Invited Union")
    stranger = make_org()
    url = f"/api/v1/partnerships/{p.slug}/members"
    # only the partnership's admins invite
    payload = {"organisation": invited.slug, "roles": ["implementing"], "message": "Join us"}
    assert_error(post(client, url, payload, stranger.test_admin), 403, "permission_denied")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, payload, p.test_admin)
    assert response.status_code == 201, response.content
    assert response.json() | {"name": None} == {
        "organisation": invited.slug,
        "name": None,
        "stakeholder_type": "civil-society",
        "level": "national",
        "roles": ["implementing"],
        "is_lead": False,
        "status": "invited",
        "source": "consent",
    }
    assert mail.outbox and invited.test_admin.email in mail.outbox[-1].to
    # not a member until it accepts
    detail = client.get(f"/api/v1/partnerships/{p.slug}").json()
    assert invited.slug not in {m["organisation"] for m in detail["members"]}
    # when others try to accept in its name: the lead's admin, another organisation's admin
    accept = f"{url}/{invited.slug}/accept"
    for user in (p.test_admin, stranger.test_admin):
        assert_error(post(client, accept, {}, user), 403, "permission_denied")
    # then its own admin accepts, choosing its roles
    response = post(client, accept, {"roles": ["technical"]}, invited.test_admin)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active" and response.json()["roles"] == ["technical"]
    detail = client.get(f"/api/v1/partnerships/{p.slug}").json()
    assert invited.slug in {m["organisation"] for m in detail["members"]}
    # an invitation is answered once; a member is not invited twice
    assert_error(post(client, accept, {}, invited.test_admin), 409, "not_invited")
    assert_error(post(client, url, payload, p.test_admin), 409, "already_member")


def test_an_invitation_is_declined_by_its_own_admins(reference, client):
    p = make_partnership()
    invited = make_org()
    post(
        client,
        f"/api/v1/partnerships/{p.slug}/members",
        {"organisation": invited.slug, "roles": ["advisory"]},
        p.test_admin,
    )
    decline = f"/api/v1/partnerships/{p.slug}/members/{invited.slug}/decline"
    assert_error(client.post(decline, **bearer(make_org().test_admin)), 403, "permission_denied")
    response = client.post(decline, **bearer(invited.test_admin))
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert Member.objects.get(partnership=p, organisation=invited).status == Member.DECLINED


def test_invitation_errors(reference, client):
    p = make_partnership()
    invited = make_org()
    url = f"/api/v1/partnerships/{p.slug}/members"
    assert_error(
        post(client, url, {"organisation": "nobody", "roles": ["funding"]}, p.test_admin),
        422,
        "validation_failed",
        "organisation",
    )
    assert_error(
        post(client, url, {"organisation": invited.slug, "roles": []}, p.test_admin),
        422,
        "validation_failed",
        "roles",
    )
    assert_error(
        post(client, url, {"organisation": invited.slug}, p.test_admin),
        422,
        "validation_failed",
        "roles",
    )
    assert_error(
        post(client, f"{url}/{invited.slug}/accept", {}, invited.test_admin), 404, "not_found"
    )
    assert_error(
        post(
            client,
            "/api/v1/partnerships/nope/members",
            {"organisation": invited.slug, "roles": ["funding"]},
            p.test_admin,
        ),
        404,
        "not_found",
    )


def test_goals_are_set_by_the_partnerships_admins(reference, client):
    p = make_partnership()
    url = f"/api/v1/partnerships/{p.slug}/goals"
    payload = {
        "indicator": "Nurses trained before departure",
        "unit": "nurses",
        "baseline": 0,
        "target": "500",
        "due_date": "2027-06-30",
        "objectives": [18],
        "sdg_targets": ["10.7"],
    }
    assert_error(post(client, url, payload, make_user()), 403, "permission_denied")
    response = post(client, url, payload, p.test_admin)
    assert response.status_code == 201, response.content
    goal = response.json()
    assert goal["smart"] is True and goal["target"] == "500" and goal["reports"] == []
    vague = post(client, url, {"indicator": "More cooperation"}, p.test_admin).json()
    assert vague["smart"] is False and "measurable" in vague["smart_problems"]
    assert_error(
        post(client, url, {"indicator": ""}, p.test_admin), 422, "validation_failed", "indicator"
    )
    assert_error(
        post(client, url, {"indicator": "x", "target": "lots"}, p.test_admin),
        422,
        "validation_failed",
        "target",
    )


def test_progress_is_reported_by_people_of_an_active_member(reference, client):
    # given a partnership with a goal and a member organisation
    p = make_partnership()
    union = make_org()
    join(p, union)
    goal = make_goal(p)
    url = f"/api/v1/partnerships/{p.slug}/goals/{goal.pk}/progress"
    today = timezone.localdate().isoformat()
    payload = {
        "organisation": union.slug,
        "value": "42",
        "reported_on": today,
        "narrative": "First cohort",
        "evidence_url": "https://example.org/report.pdf",
    }
    # an outsider, or a member reporting in another organisation's name, may not
    outsider = make_org()
    assert_error(post(client, url, payload, outsider.test_admin), 403, "permission_denied")
    assert_error(
        post(client, url, payload | {"organisation": outsider.slug}, outsider.test_admin),
        403,
        "permission_denied",
    )
    # a person of the member organisation (not only its admin) reports
    colleague = make_user()
    from migrationhub.organisations.models import Membership

    Membership.objects.create(organisation=union, user=colleague)
    response = post(client, url, payload, colleague)
    assert response.status_code == 201, response.content
    assert response.json()["value"] == "42" and response.json()["goal"] == goal.pk
    detail = client.get(f"/api/v1/partnerships/{p.slug}").json()
    assert detail["last_reported_on"] == today and detail["goals"][0]["latest_value"] == "42"
    # bad input
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert_error(
        post(client, url, payload | {"reported_on": tomorrow}, colleague),
        422,
        "validation_failed",
        "reported_on",
    )
    assert_error(
        post(client, url, payload | {"evidence_url": "ftp://x"}, colleague),
        422,
        "validation_failed",
        "evidence_url",
    )
    assert_error(
        post(client, url, {k: v for k, v in payload.items() if k != "value"}, colleague),
        422,
        "validation_failed",
        "value",
    )
    assert_error(
        post(client, f"/api/v1/partnerships/{p.slug}/goals/999999/progress", payload, colleague),
        404,
        "not_found",
    )


def test_commitments_are_made_by_a_members_own_admins(reference, client):
    p = make_partnership()
    union = make_org()
    join(p, union)
    url = f"/api/v1/partnerships/{p.slug}/commitments"
    money = {
        "organisation": union.slug,
        "kind": "financial",
        "amount": "25000.00",
        "currency": "eur",
    }
    # the lead's admin may not commit another member's money
    assert_error(post(client, url, money, p.test_admin), 403, "permission_denied")
    response = post(client, url, money, union.test_admin)
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["currency"]) == ("25000.00", "EUR")
    expertise = post(
        client,
        url,
        {"organisation": union.slug, "kind": "expertise", "description": "Two labour inspectors"},
        union.test_admin,
    )
    assert expertise.status_code == 201
    # bad input, and an organisation that is not a member
    assert_error(
        post(client, url, money | {"currency": "XYZ"}, union.test_admin),
        422,
        "validation_failed",
        "currency",
    )
    assert_error(
        post(client, url, money | {"amount": "-5"}, union.test_admin),
        422,
        "validation_failed",
        "amount",
    )
    assert_error(
        post(client, url, money | {"kind": "goodwill"}, union.test_admin),
        422,
        "validation_failed",
        "kind",
    )
    outsider = make_org()
    assert_error(
        post(client, url, money | {"organisation": outsider.slug}, outsider.test_admin),
        409,
        "not_a_member",
    )
    detail = client.get(f"/api/v1/partnerships/{p.slug}").json()
    assert len(detail["commitments"]) == 2


# --- pledges -----------------------------------------------------------------------------------


def test_pledges_list_and_detail(reference, client):
    lead, partner = make_org(), make_org()
    joint = make_pledge(lead=lead, co_pledgers=[partner], title="Joint pledge on recruitment")
    services.pledger_accept(
        actor=partner.test_admin, pledger=joint.pledgers.get(organisation=partner)
    )
    single = make_pledge(
        kind="financial", amount=Decimal("5000"), currency="USD", title="Money for inspectors"
    )
    # the list, with facets and filters
    body = client.get("/api/v1/pledges/").json()
    assert body["meta"]["count"] == 2
    assert {f["value"]: f["count"] for f in body["facets"]["type"]} == {
        "technical": 1,
        "financial": 1,
    }
    joint_only = client.get("/api/v1/pledges/", {"joint": "yes"}).json()
    assert [i["slug"] for i in joint_only["items"]] == [joint.slug]
    assert joint_only["items"][0]["joint"] is True
    found = client.get("/api/v1/pledges/", {"q": "money"}).json()
    assert [i["slug"] for i in found["items"]] == [single.slug]
    assert client.get("/api/v1/pledges/", {"inactive": "true"}).json()["meta"]["count"] == 0
    # the detail
    detail = client.get(f"/api/v1/pledges/{single.slug}").json()
    assert (detail["amount"], detail["currency"], detail["kind"]) == ("5000.00", "USD", "financial")
    assert detail["light"] == "green" and detail["status_light"]["colour"] == "green"
    joint_detail = client.get(f"/api/v1/pledges/{joint.slug}").json()
    assert {p["organisation"] for p in joint_detail["pledgers"]} == {lead.slug, partner.slug}
    assert_error(client.get("/api/v1/pledges/none-such"), 404, "not_found")
    assert_error(client.get("/api/v1/pledges/", {"kind": "x"}), 422, "validation_failed", "kind")


def test_a_pledge_is_made_by_its_organisations_admins(reference, client):
    p = make_partnership()
    lead = p.lead
    partner = make_org()
    payload = {
        "lead": lead.slug,
        "co_pledgers": [partner.slug],
        "title": "Joint pledge: 200 inspectors trained",
        "narrative": "We train labour inspectors on fair recruitment.",
        "kind": "financial",
        "amount": "100000",
        "currency": "USD",
        "due_date": "2027-12-31",
        "partnership": p.slug,
        "objectives": [6],
    }
    assert_error(
        post(client, "/api/v1/pledges/", payload, partner.test_admin), 403, "permission_denied"
    )
    response = post(client, "/api/v1/pledges/", payload, p.test_admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partnership"] == p.slug and body["lead"] == lead.slug
    # the co-pledger is invited, not yet pledging: the pledge is not joint until it accepts
    assert [x["organisation"] for x in body["pledgers"]] == [lead.slug] and body["joint"] is False
    assert client.get(f"/api/v1/partnerships/{p.slug}").json()["pledges"] == [body["slug"]]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "technical"}, "amount"),  # an amount is for financial pledges
        ({"currency": "ZZZ"}, "currency"),
        ({"title": ""}, "title"),
        ({"co_pledgers": ["nobody-here"]}, "co_pledgers"),
        ({"lead": "nobody-here"}, "lead"),
        ({"partnership": "no-such-partnership"}, "partnership"),
        ({"due_date": "2001-01-01"}, "due_date"),
    ],
)
def test_bad_pledges_are_a_422_naming_the_field(reference, client, overrides, field):
    lead = make_org()
    payload = {
        "lead": lead.slug,
        "title": "Money for inspectors",
        "narrative": "We pay for labour inspectors.",
        "kind": "financial",
        "amount": "100",
        "currency": "USD",
        **overrides,
    }
    response = post(client, "/api/v1/pledges/", payload, lead.test_admin)
    assert_error(response, 422, "validation_failed", field)


def test_reads_cost_the_same_number_of_queries_however_large(reference, client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        cache.clear()  # measure the rendering, not the page cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(p) -> None:
        member = make_org()
        join(p, member)
        report(make_goal(p), member)
        commit(p, member)
        make_pledge(co_pledgers=[make_org()])

    p = make_partnership()
    grow(p)
    urls = [f"/api/v1/partnerships/{p.slug}", "/api/v1/partnerships/", "/api/v1/pledges/"]
    before = [queries(url) for url in urls]
    for _ in range(3):
        grow(p)
        make_partnership()
    assert [queries(url) for url in urls] == before
