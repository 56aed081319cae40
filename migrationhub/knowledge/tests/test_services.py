"""Practice life cycle: drafting, submission, review panel, majority, conflicts, permissions."""

import datetime as dt
from dataclasses import replace

import pytest
from django.core import mail

from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.knowledge import selectors, services
from migrationhub.knowledge.models import Practice
from migrationhub.knowledge.services import PracticeFields
from migrationhub.knowledge.tests.factories import (
    make_panel,
    make_practice,
    make_published,
    practice_fields,
)
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_member_creates_a_draft_owned_by_the_organisation(reference):
    # given
    member = make_user()
    org = make_organisation(admin=member)
    # when
    practice = make_practice(member=member, organisation=org)
    # then
    assert practice.status == Practice.DRAFT
    assert practice.organisation == org
    assert list(practice.objectives.values_list("number", flat=True)) == [6]
    assert practice.history.first().history_user == member


def test_non_member_cannot_create_or_edit(reference):
    member, outsider = make_user(), make_user()
    org = make_organisation(admin=member)
    with pytest.raises(PermissionDenied):
        make_practice(member=outsider, organisation=org)
    practice = make_practice(member=member, organisation=org)
    with pytest.raises(PermissionDenied):
        services.practice_update(
            actor=outsider, practice=practice, fields=practice_fields(title="Hijacked")
        )


def test_unknown_codes_are_rejected_with_field_errors(reference):
    with pytest.raises(ValidationFailed) as err:
        make_practice(objectives=[6, 99])
    assert "objectives" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        make_practice(countries=["XXX"])
    assert err.value.fields["countries"] == ["unknown: XXX"]


def test_period_must_be_ordered(reference):
    with pytest.raises(ValidationFailed) as err:
        make_practice(period_start=2020, period_end=2018)
    assert "period_end" in err.value.fields


def test_incomplete_practice_cannot_be_submitted(reference):
    practice = make_practice(body="", objectives=[])
    with pytest.raises(ValidationFailed) as err:
        services.practice_submit(actor=practice.created_by, practice=practice)
    assert {"body", "objectives"} <= set(err.value.fields)
    practice.refresh_from_db()
    assert practice.status == Practice.DRAFT


def test_review_starts_only_with_a_complete_panel(reference):
    practice = make_practice(submit=True)
    admin = make_admin()
    services.review_assign(actor=admin, practice=practice, reviewer=make_reviewer("external"))
    services.review_assign(actor=admin, practice=practice, reviewer=make_reviewer("external"))
    practice.refresh_from_db()
    assert practice.status == Practice.SUBMITTED  # no internal reviewer yet
    services.review_assign(actor=admin, practice=practice, reviewer=make_reviewer("internal"))
    practice.refresh_from_db()
    assert practice.status == Practice.IN_REVIEW


def test_only_platform_admins_assign(reference):
    practice = make_practice(submit=True)
    with pytest.raises(PermissionDenied):
        services.review_assign(
            actor=make_reviewer("internal"), practice=practice, reviewer=make_reviewer()
        )


def test_non_reviewer_cannot_be_assigned(reference):
    practice = make_practice(submit=True)
    with pytest.raises(ValidationFailed):
        services.review_assign(actor=make_admin(), practice=practice, reviewer=make_user())


def test_nobody_reviews_their_own_organisation(reference):
    member = make_user()
    org = make_organisation(admin=member)
    colleague = make_reviewer("external")
    make_organisation(admin=colleague)  # unrelated org: fine
    practice = make_practice(member=member, organisation=org, submit=True)
    services.review_assign(actor=make_admin(), practice=practice, reviewer=colleague)
    insider = make_reviewer("external")
    org.memberships.create(user=insider)
    with pytest.raises(PermissionDenied) as err:
        services.review_assign(actor=make_admin(), practice=practice, reviewer=insider)
    assert err.value.code == "own_organisation"


def test_involved_organisation_members_are_conflicted_too(reference):
    partner_member = make_reviewer("external")
    partner = make_organisation(admin=partner_member)
    practice = make_practice(submit=True, organisations=[partner.slug])
    with pytest.raises(PermissionDenied):
        services.review_assign(actor=make_admin(), practice=practice, reviewer=partner_member)


def test_decision_requires_a_declaration_of_no_conflict(reference):
    practice = make_practice(submit=True)
    assignments = make_panel(practice, declare=False)
    with pytest.raises(Conflict) as err:
        services.review_decide(
            actor=assignments[0].reviewer, assignment=assignments[0], decision="approve"
        )
    assert err.value.code == "coi_required"


def test_declared_conflict_withdraws_and_reopens_the_panel(reference):
    practice = make_practice(submit=True)
    assignments = make_panel(practice, declare=False)
    practice.refresh_from_db()
    assert practice.status == Practice.IN_REVIEW
    services.review_declare_interest(
        actor=assignments[1].reviewer,
        assignment=assignments[1],
        conflict=True,
        statement="I advised them",
    )
    practice.refresh_from_db()
    assert practice.status == Practice.SUBMITTED
    with pytest.raises(Conflict):
        services.review_decide(
            actor=assignments[1].reviewer, assignment=assignments[1], decision="approve"
        )


def test_only_the_assigned_reviewer_decides(reference):
    practice = make_practice(submit=True)
    assignments = make_panel(practice)
    with pytest.raises(PermissionDenied):
        services.review_decide(
            actor=assignments[1].reviewer, assignment=assignments[0], decision="approve"
        )


def test_majority_publishes_and_indexes(reference):
    practice = make_practice(submit=True, title="Zanzibar seasonal workers code")
    a = make_panel(practice)
    practice = services.review_decide(actor=a[0].reviewer, assignment=a[0], decision="approve")
    assert practice.status == Practice.IN_REVIEW  # one of three is not a majority
    assert selectors.practice_search("zanzibar", {}).total == 0
    practice = services.review_decide(actor=a[1].reviewer, assignment=a[1], decision="approve")
    assert practice.status == Practice.PUBLISHED
    assert practice.last_verified_at is not None
    found = selectors.practice_search("zanzibar", {}).page.items
    assert [r.object.pk for r in found] == [practice.pk]


def test_returned_with_comment_then_resubmitted_and_published(
    reference, django_capture_on_commit_callbacks
):
    practice = make_practice(submit=True)
    member = practice.created_by
    a = make_panel(practice)
    with pytest.raises(ValidationFailed):
        services.review_decide(
            actor=a[0].reviewer, assignment=a[0], decision="revise", comment="  "
        )
    services.review_decide(
        actor=a[0].reviewer, assignment=a[0], decision="revise", comment="Add results"
    )
    with django_capture_on_commit_callbacks(execute=True):
        practice = services.review_decide(
            actor=a[1].reviewer, assignment=a[1], decision="revise", comment="Which countries?"
        )
    assert practice.status == Practice.RETURNED
    assert any("more information" in m.subject for m in mail.outbox)
    # the reviewers cannot decide again in the closed round
    with pytest.raises(Conflict):
        services.review_decide(actor=a[2].reviewer, assignment=a[2], decision="approve")
    services.practice_update(
        actor=member,
        practice=practice,
        fields=replace(PracticeFields.of(practice), results="1,200 workers placed"),
    )
    practice = services.practice_submit(actor=member, practice=practice)
    assert practice.status == Practice.IN_REVIEW and practice.review_round == 2
    for assignment in a:
        practice = services.review_decide(
            actor=assignment.reviewer, assignment=assignment, decision="approve"
        )
        if practice.status == Practice.PUBLISHED:
            break
    assert practice.status == Practice.PUBLISHED
    assert selectors.review_history(practice).count() == 4


def test_split_panel_returns_for_more_information(reference):
    practice = make_practice(submit=True)
    a = make_panel(practice)
    services.review_decide(actor=a[0].reviewer, assignment=a[0], decision="approve")
    services.review_decide(
        actor=a[1].reviewer, assignment=a[1], decision="reject", comment="Out of scope"
    )
    practice = services.review_decide(
        actor=a[2].reviewer, assignment=a[2], decision="revise", comment="More evidence"
    )
    assert practice.status == Practice.RETURNED


def test_majority_rejection_archives(reference):
    practice = make_practice(submit=True)
    a = make_panel(practice)
    services.review_decide(
        actor=a[0].reviewer, assignment=a[0], decision="reject", comment="Not a practice"
    )
    practice = services.review_decide(
        actor=a[1].reviewer, assignment=a[1], decision="reject", comment="Advertising"
    )
    assert practice.status == Practice.ARCHIVED


def test_published_practice_cannot_be_edited(reference):
    practice = make_published()
    with pytest.raises(Conflict):
        services.practice_update(
            actor=practice.created_by, practice=practice, fields=practice_fields(title="x")
        )


def test_stale_practices_are_flagged_and_organisations_asked(
    reference, django_capture_on_commit_callbacks
):
    practice = make_published()
    Practice.objects.filter(pk=practice.pk).update(
        last_verified_at=dt.date.today() - dt.timedelta(days=800)
    )
    practice.refresh_from_db()
    assert practice.is_stale
    assert list(selectors.practice_list_stale()) == [practice]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.practices_request_reverification() == 1
    assert mail.outbox and "re-verify" in mail.outbox[0].subject
    assert services.practices_request_reverification() == 0  # asked once
    services.practice_verify(actor=practice.created_by, practice=practice)
    practice.refresh_from_db()
    assert not practice.is_stale and practice.reverification_requested_at is None


def test_visibility_of_unpublished_work(reference):
    from migrationhub.core.errors import NotFound
    from migrationhub.knowledge.permissions import practice_for

    practice = make_practice()
    assert practice_for(practice.created_by, practice) == practice
    with pytest.raises(NotFound):
        practice_for(make_user(), practice)


def test_translation_is_searchable_once_approved(reference):
    practice = make_published()
    translation = services.translation_upsert(
        actor=practice.created_by,
        practice=practice,
        language="fr",
        title="Recrutement équitable",
        summary="Un partenariat tripartite.",
    )
    assert selectors.practice_search("tripartite", {}).total == 0  # proposed, not reviewed
    services.translation_approve(actor=make_reviewer("internal"), translation=translation)
    assert selectors.practice_search("tripartite", {}).total == 1
    with pytest.raises(ValidationFailed):
        services.translation_upsert(
            actor=practice.created_by,
            practice=practice,
            language="en",
            title="t",
            summary="s",
        )


def test_practices_are_tagged_with_sdg_targets_and_found_by_them(reference, client):
    # given
    practice = make_published(title="Cheaper remittance corridor", sdg_targets=["10.c", "10.7"])
    make_published(title="Another practice")
    # when
    result = selectors.practice_search(None, {"sdg_target": ["10.c"]})
    # then
    assert [r.object.pk for r in result.page.items] == [practice.pk]
    labels = {v.value: v.label for f in result.facets if f.name == "sdg_target" for v in f.values}
    assert labels["10.c"].startswith("10.c ")
    api = client.get("/api/v1/practices/", {"sdg_target": "10.7"}).json()
    assert [i["slug"] for i in api["items"]] == [practice.slug]
    assert sorted(api["items"][0]["sdg_targets"]) == ["10.7", "10.c"]
    with pytest.raises(ValidationFailed) as err:
        make_practice(sdg_targets=["99.9"])
    assert "sdg_targets" in err.value.fields


def test_the_year_facet_is_the_practice_period_not_the_day_it_was_published(reference):
    # given
    dated = make_published(title="Dated", period_start=2016, period_end=2018)
    make_published(title="Undated", period_start=None, period_end=None)
    # when
    result = selectors.practice_search(None, {})
    # then
    years = {v.value: v.count for f in result.facets if f.name == "year" for v in f.values}
    assert years == {"2016": 1, "2017": 1, "2018": 1}
    assert selectors.practice_search(None, {"year": ["2017"]}).page.items[0].object.pk == dated.pk
