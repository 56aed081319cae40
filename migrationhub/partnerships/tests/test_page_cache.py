"""Partnership pages in the page cache: every write that changes what visitors see of a
partnership or a pledge shows at once on the cached pages and in the API, writes that change
nothing public retire nothing, and an admin's page (with pending invitations) is never stored."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from migrationhub.core import page_cache
from migrationhub.knowledge.tests.factories import make_published
from migrationhub.partnerships import selectors, services

from .factories import (
    commit,
    goal_fields,
    join,
    make_goal,
    make_org,
    make_partnership,
    make_pledge,
    partnership_fields,
    pledge_fields,
    report,
)

pytestmark = pytest.mark.django_db


def generation() -> str:
    return page_cache.generations(["partnerships"])["partnerships"]


def client_for(user) -> Client:
    other = Client()
    other.force_login(user)
    return other


@pytest.fixture
def p(reference):
    lead = make_org(name="Harbour Employers Federation")
    partnership = make_partnership(lead=lead, name="Harbour recruitment partnership")
    partnership.lead_org = lead  # with its admin (`test_admin`)
    partnership.member_org = make_org(name="Coastal Workers Union")
    join(partnership, partnership.member_org)
    return partnership


def test_a_new_partnership_shows_on_the_cached_registry_and_api_at_once(p, client):
    # given the registry, its API and the lead's profile are stored
    pages = ["/partnerships/", "/api/v1/partnerships/", f"/organisations/{p.lead.slug}/"]
    for url in pages:
        assert b"Orchard labour mobility compact" not in client.get(url).content
    # when its lead registers another partnership
    make_partnership(lead=p.lead_org, name="Orchard labour mobility compact")
    # then every page that lists partnerships shows it at once
    for url in pages:
        assert b"Orchard labour mobility compact" in client.get(url).content, url


def test_a_goal_and_a_progress_report_show_on_the_cached_detail_at_once(p, client):
    # given the partnership's page and its API answer are stored
    detail, answer = f"/partnerships/{p.slug}/", f"/api/v1/partnerships/{p.slug}"
    history = f"/partnerships/{p.slug}/history/"
    assert b"Seasonal workers placed" not in client.get(detail).content
    assert b"Seasonal workers placed" not in client.get(answer).content
    assert b"progress.report" not in client.get(history).content
    # when its admin adds a goal and a member reports on it
    goal = make_goal(p, indicator="Seasonal workers placed")
    for url in (detail, answer):
        assert b"Seasonal workers placed" in client.get(url).content, url
    report(goal, p.member_org, value=Decimal("321"), narrative="Placed through the union hall")
    # then
    assert b"Placed through the union hall" in client.get(detail).content
    assert b"progress.report" in client.get(history).content


@pytest.mark.parametrize(
    "write",
    [
        "partnership_update",
        "translation_upsert",
        "member_accept",
        "member_roles_set",
        "member_leave",
        "goal_add",
        "goal_update",
        "goal_remove",
        "commitment_add",
        "commitment_remove",
        "output_add",
        "progress_report",
        "member_invite",  # the public history shows invitations
        "member_decline",
        "pledge_create",
        "pledge_update",
        "pledge_status_set",
        "pledge_report",
        "pledger_accept",
    ],
)
def test_every_write_visitors_see_retires_the_partnership_pages(p, write):
    admin, union = p.test_admin, p.member_org
    goal = make_goal(p)
    pledge = make_pledge(lead=p.lead_org)
    stranger = make_org(name="Inland Returnees Network")
    prepared = {
        "member_accept": lambda: services.member_invite(
            actor=admin, partnership=p, organisation=stranger, roles=["technical"]
        ),
        "member_decline": lambda: services.member_invite(
            actor=admin, partnership=p, organisation=stranger, roles=["technical"]
        ),
        "commitment_remove": lambda: commit(p, union),
        "pledger_accept": lambda: services.pledger_invite(
            actor=admin, pledge=pledge, organisation=stranger
        ),
    }.get(write, lambda: None)()
    union_member = p.members.get(organisation=union)
    writes = {
        "partnership_update": lambda: services.partnership_update(
            actor=admin, partnership=p, fields=partnership_fields(name="Renamed partnership")
        ),
        "translation_upsert": lambda: services.translation_upsert(
            actor=admin, partnership=p, language="fr", name="Partenariat portuaire"
        ),
        "member_accept": lambda: services.member_accept(actor=stranger.test_admin, member=prepared),
        "member_roles_set": lambda: services.member_roles_set(
            actor=union.test_admin, member=union_member, roles=["funding"]
        ),
        "member_leave": lambda: services.member_leave(actor=union.test_admin, member=union_member),
        "goal_add": lambda: make_goal(p, indicator="Another goal"),
        "goal_update": lambda: services.goal_update(
            actor=admin, goal=goal, fields=goal_fields(indicator="Workers placed fairly")
        ),
        "goal_remove": lambda: services.goal_remove(actor=admin, goal=goal),
        "commitment_add": lambda: commit(p, union, kind="expertise"),
        "commitment_remove": lambda: services.commitment_remove(
            actor=union.test_admin, commitment=prepared
        ),
        "output_add": lambda: services.output_add(
            actor=admin, partnership=p, practice_slug=make_published().slug
        ),
        "progress_report": lambda: report(goal, union),
        "member_invite": lambda: services.member_invite(
            actor=admin, partnership=p, organisation=stranger, roles=["technical"]
        ),
        "member_decline": lambda: services.member_decline(
            actor=stranger.test_admin, member=prepared
        ),
        "pledge_create": lambda: make_pledge(lead=p.lead_org),
        "pledge_update": lambda: services.pledge_update(
            actor=admin, pledge=pledge, fields=pledge_fields(title="A renamed pledge")
        ),
        "pledge_status_set": lambda: services.pledge_status_set(
            actor=admin, pledge=pledge, status="fulfilled"
        ),
        "pledge_report": lambda: services.pledge_report(
            actor=admin,
            pledge=pledge,
            organisation=p.lead_org,
            fields=services.ProgressFields(reported_on=dt.date.today(), narrative="Trained"),
        ),
        "pledger_accept": lambda: services.pledger_accept(
            actor=stranger.test_admin, pledger=prepared
        ),
    }
    before = generation()
    writes[write]()
    assert generation() != before


def test_partnership_writes_leave_the_other_domains_pages_stored(
    p, client, django_assert_num_queries
):
    # given a practice list and a remittance page are stored
    client.get("/practices/")
    client.get("/remittances/")
    others = page_cache.generations(["practices", "remittances", "organisations"])
    # when partnerships change
    make_goal(p, indicator="Workers placed")
    make_pledge(lead=p.lead_org)
    # then those pages are still served from the cache, untouched
    assert page_cache.generations(["practices", "remittances", "organisations"]) == others
    with django_assert_num_queries(0):
        client.get("/practices/")
        client.get("/remittances/")


def test_an_admin_never_gets_the_anonymous_page_nor_gives_theirs(p, client):
    # given a pending invitation, which only the partnership's admins see
    services.member_invite(
        actor=p.test_admin,
        partnership=p,
        organisation=make_org(name="Delta Migrant Association"),
        roles=["technical"],
    )
    detail = f"/partnerships/{p.slug}/"
    anonymous = client.get(detail)
    assert b"Delta Migrant Association" not in anonymous.content
    # when the admin opens the page
    mine = client_for(p.test_admin).get(detail)
    # then they get their own page, never stored, and the next visitor still gets theirs
    assert b"Invited, waiting for their answer" in mine.content
    assert mine["Cache-Control"] == "private, no-store" and "ETag" not in mine
    again = client.get(detail)
    assert again.content == anonymous.content
    assert b"csrfmiddlewaretoken" not in again.content


def test_the_list_of_partnerships_is_not_rendered_again_while_nothing_changes(
    p, client, django_assert_num_queries
):
    client.get("/partnerships/")
    client.get(f"/partnerships/{p.slug}/")
    # the scorecard's recomputation by the daily refresh changes nothing here
    services.partnerships_refresh()
    with django_assert_num_queries(0):
        assert client.get("/partnerships/").status_code == 200
        assert client.get(f"/partnerships/{p.slug}/").status_code == 200
    assert selectors.partnership_get(p.slug) is not None
