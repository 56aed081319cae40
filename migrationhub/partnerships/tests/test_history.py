"""The audit trail: every domain write records who did what on which partnership or pledge, and
a version of what changed; the history page shows them (without people's e-mail addresses)."""

import datetime as dt
from decimal import Decimal

import pytest

from migrationhub.core.audit import events_for
from migrationhub.knowledge.tests.factories import make_published
from migrationhub.partnerships import selectors, services
from migrationhub.partnerships.models import Goal, Member, Pledger

from .factories import (
    commit,
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


def _actions(target) -> list[tuple[str, object]]:
    return [(e.action, e.actor) for e in events_for(target).order_by("pk")]


def test_every_write_on_a_partnership_is_an_audit_event_with_its_author(reference):
    lead = make_org(stakeholder_type="national-government")
    union, ngo = make_org(), make_org()
    admin = lead.test_admin
    p = make_partnership(lead=lead)
    services.partnership_update(
        actor=admin,
        partnership=p,
        fields=partnership_fields(name="Renamed", status="suspended"),
    )
    services.translation_upsert(actor=admin, partnership=p, language="fr", name="Renommé")
    member = join(p, union, roles=["implementing"])
    services.member_roles_set(actor=union.test_admin, member=member, roles=["technical"])
    declined = services.member_invite(
        actor=admin, partnership=p, organisation=ngo, roles=["advisory"]
    )
    services.member_decline(actor=ngo.test_admin, member=declined)
    goal = make_goal(p)
    services.goal_update(
        actor=admin, goal=goal, fields=services.GoalFields(indicator="Workers recruited fairly")
    )
    report(goal, union, value=Decimal("4"), on=dt.date.today())
    commitment = commit(p, union, kind="expertise")
    services.commitment_remove(actor=union.test_admin, commitment=commitment)
    practice = make_published(organisation=lead, member=admin)
    output = services.output_add(actor=admin, partnership=p, practice_slug=practice.slug)
    services.output_remove(actor=admin, output=output)
    services.goal_remove(actor=admin, goal=Goal.objects.get(pk=goal.pk))
    services.member_leave(actor=union.test_admin, member=member, reason="Ended")

    assert _actions(p) == [
        ("partnership.create", admin),
        ("partnership.update", admin),
        ("partnership.translate", admin),
        ("member.invite", admin),
        ("member.accept", union.test_admin),
        ("member.roles", union.test_admin),
        ("member.invite", admin),
        ("member.decline", ngo.test_admin),
        ("goal.add", admin),
        ("goal.update", admin),
        ("progress.report", union.test_admin),
        ("commitment.add", union.test_admin),
        ("commitment.remove", union.test_admin),
        ("output.add", admin),
        ("output.remove", admin),
        ("goal.remove", admin),
        ("member.leave", union.test_admin),
    ]
    events = list(events_for(p).order_by("pk"))
    assert events[1].data["status"] == ["active", "suspended"]
    assert events[3].data == {"organisation": union.slug, "roles": ["implementing"]}
    assert events[-1].reason == "Ended"

    # the versions name their authors too
    version = p.history.order_by("-history_date").first()
    assert (version.name, version.history_user) == ("Renamed", admin)
    member_versions = Member.history.filter(id=member.pk).order_by("history_date")
    assert [v.history_user for v in member_versions] == [
        admin,
        union.test_admin,
        union.test_admin,
        union.test_admin,
    ]


def test_the_platforms_own_writes_are_recorded_without_an_author(reference):
    lead = make_org()
    p = services.partnership_create(actor=None, lead=lead, fields=partnership_fields())
    services.member_record(actor=None, partnership=p, organisation=make_org(), roles=["funding"])
    assert _actions(p) == [("partnership.create", None), ("member.record", None)]


def test_every_write_on_a_pledge_is_an_audit_event(reference):
    lead, union = make_org(), make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[union])
    services.pledger_accept(
        actor=union.test_admin, pledger=Pledger.objects.get(pledge=pledge, organisation=union)
    )
    services.pledge_update(
        actor=lead.test_admin, pledge=pledge, fields=pledge_fields(title="Renamed pledge")
    )
    services.pledge_report(
        actor=union.test_admin,
        pledge=pledge,
        organisation=union,
        fields=services.ProgressFields(reported_on=dt.date.today(), narrative="Half done"),
    )
    services.pledge_status_set(
        actor=lead.test_admin, pledge=pledge, status="fulfilled", reason="All trained"
    )
    assert _actions(pledge) == [
        ("pledge.create", lead.test_admin),
        ("pledge.invite", lead.test_admin),
        ("pledge.accept", union.test_admin),
        ("pledge.update", lead.test_admin),
        ("pledge.report", union.test_admin),
        ("pledge.status", lead.test_admin),
    ]
    last = events_for(pledge).order_by("pk").last()
    assert (last.data["status"], last.reason) == (["open", "fulfilled"], "All trained")


def test_the_history_page_lists_events_and_versions_without_email_addresses(reference, client):
    lead, union = make_org(), make_org()
    p = make_partnership(lead=lead, name="Corridor")
    join(p, union)
    services.partnership_update(
        actor=lead.test_admin, partnership=p, fields=partnership_fields(name="Corridor renamed")
    )
    page = client.get(f"/partnerships/{p.slug}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    for action in ("partnership.create", "member.accept", "partnership.update"):
        assert action in html
    assert "member.invite" not in html  # only once accepted is an organisation shown with it
    declined = make_org()
    services.member_decline(
        actor=declined.test_admin,
        member=services.member_invite(
            actor=lead.test_admin, partnership=p, organisation=declined, roles=["funding"]
        ),
    )
    html = client.get(f"/partnerships/{p.slug}/history/").content.decode()
    assert "member.decline" not in html and declined.slug not in html
    client.force_login(lead.test_admin)
    html = client.get(f"/partnerships/{p.slug}/history/").content.decode()
    assert "member.invite" in html and "member.decline" in html
    client.logout()
    assert "Corridor renamed" in html and "Corridor" in html
    assert lead.test_admin.email not in html and union.test_admin.email not in html
    assert client.get("/partnerships/no-such-partnership/history/").status_code == 404
    # a write shows on the (cached) history page at once
    services.translation_upsert(
        actor=lead.test_admin, partnership=p, language="es", name="Corredor"
    )
    assert (
        "partnership.translate" in client.get(f"/partnerships/{p.slug}/history/").content.decode()
    )


def test_the_history_selector_is_the_partnerships_trail(reference):
    p = make_partnership()
    assert [e.action for e in selectors.partnership_history(p)] == ["partnership.create"]
