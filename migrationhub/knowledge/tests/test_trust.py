"""Hardening: translations of published practices are reviewed before they are public; reviewers
are e-mailed when assigned; members of unverified public bodies are not assigned; the edit page
and the API apply one rule to platform admins."""

import pytest
from django.core import mail

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.knowledge import exports, selectors, services
from migrationhub.knowledge.models import Practice, PracticeTranslation
from migrationhub.knowledge.tests.factories import make_practice, make_published
from migrationhub.organisations import services as org_services
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _translate(practice, title="Recrutement équitable", summary="Un partenariat tripartite."):
    return services.translation_upsert(
        actor=practice.created_by, practice=practice, language="fr", title=title, summary=summary
    )


def _public_fr(client, practice):
    body = client.get(f"/api/v1/practices/{practice.slug}").json()
    return [t for t in body["translations"] if t["language"] == "fr"]


# --- translations of published practices --------------------------------------------------------


def test_a_new_translation_of_a_published_practice_is_not_public_until_approved(reference, client):
    # given
    practice = make_published()
    # when a member adds a translation
    translation = _translate(practice)
    # then it waits for review: not in the API, the page, the index
    assert translation.status == PracticeTranslation.PENDING and not translation.is_public
    assert _public_fr(client, practice) == []
    assert "Recrutement" not in client.get(f"/practices/{practice.slug}/?lang=fr").content.decode()
    assert selectors.practice_search("tripartite", {}).total == 0
    # when an internal reviewer approves it
    services.translation_approve(actor=make_reviewer("internal"), translation=translation)
    # then it is public everywhere
    assert _public_fr(client, practice)[0]["title"] == "Recrutement équitable"
    assert "Recrutement" in client.get(f"/practices/{practice.slug}/?lang=fr").content.decode()
    assert selectors.practice_search("tripartite", {}).total == 1


def test_a_changed_translation_keeps_the_approved_text_until_the_change_is_approved(
    reference, client, django_capture_on_commit_callbacks
):
    # given an approved French translation
    practice = make_published()
    reviewer = make_reviewer("internal")
    services.translation_approve(actor=reviewer, translation=_translate(practice))
    # when a member changes it
    changed = _translate(practice, title="Recrutement piraté", summary="Texte non relu, spam.")
    # then readers still see the approved text
    assert _public_fr(client, practice)[0]["title"] == "Recrutement équitable"
    assert selectors.practice_search("spam", {}).total == 0
    # when the reviewer rejects the change, with a note to the translator
    with pytest.raises(ValidationFailed):
        services.translation_reject(actor=reviewer, translation=changed, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_reject(actor=reviewer, translation=changed, note="Not a translation")
    # then the approved text stays, and the translator is told why
    assert _public_fr(client, practice)[0]["title"] == "Recrutement équitable"
    assert "Not a translation" in mail.outbox[-1].body
    changed.refresh_from_db()
    assert changed.status == PracticeTranslation.REJECTED and changed.reviewed_by == reviewer
    with pytest.raises(Conflict):
        services.translation_approve(actor=reviewer, translation=changed)


def test_who_may_approve_a_translation(reference):
    # given
    member = make_user()
    org = make_organisation(admin=member)
    practice = make_published(member=member, organisation=org)
    translation = _translate(practice)
    staff_member = make_admin()
    org_services.membership_set(actor=member, organisation=org, user=staff_member)
    # then external reviewers, members and staff of the organisation involved may not
    for actor in (make_reviewer("external"), member, make_user(), staff_member):
        with pytest.raises(PermissionDenied):
            services.translation_approve(actor=actor, translation=translation)
    # and a platform admin outside the organisation may
    services.translation_approve(actor=make_admin(), translation=translation)
    translation.refresh_from_db()
    assert translation.status == PracticeTranslation.APPROVED


def test_translations_of_drafts_are_written_at_once_and_become_public_with_the_practice(
    reference,
):
    practice = make_practice(submit=False)
    translation = _translate(practice)
    assert translation.status == PracticeTranslation.APPROVED and translation.is_public


def test_translations_are_reviewed_from_the_practice_page_and_the_queue(reference, client):
    # given
    practice = make_published()
    _translate(practice)
    client.force_login(make_reviewer("internal"))
    # then the queue and the page offer the review
    queue = client.get("/practices/review/").content.decode()
    assert "Recrutement équitable" in queue and "Approve" in queue
    page = client.get(f"/practices/{practice.slug}/").content.decode()
    assert "Translations waiting for review" in page
    # when approved from the page
    response = client.post(
        f"/practices/{practice.slug}/translations/fr/review/", {"decision": "approve"}
    )
    # then
    assert response.status_code == 302
    assert PracticeTranslation.objects.get().status == PracticeTranslation.APPROVED
    assert "Recrutement équitable" not in client.get("/practices/review/").content.decode()


def test_the_translation_api_proposes_on_a_published_practice(reference, client):
    practice = make_published()
    response = client.put(
        f"/api/v1/practices/{practice.slug}/translations/fr",
        {"title": "Recrutement équitable", "summary": "Un partenariat."},
        content_type="application/json",
        **bearer(practice.created_by),
    )
    assert response.status_code == 200
    assert [t["language"] for t in response.json()["translations"]] == []
    assert PracticeTranslation.objects.get().status == PracticeTranslation.PENDING


# --- reviewers ----------------------------------------------------------------------------------


def test_reviewers_are_emailed_when_assigned(reference, django_capture_on_commit_callbacks):
    practice = make_practice(submit=True)
    reviewer = make_reviewer("external", email="peer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_assign(actor=make_admin(), practice=practice, reviewer=reviewer)
    assert mail.outbox[-1].to == ["peer@example.org"]
    assert practice.title in mail.outbox[-1].subject


def test_a_member_of_an_unverified_public_body_is_not_assigned_until_it_is_verified(reference):
    # given a reviewer who registered "their" ministry
    reviewer = make_reviewer("external")
    ministry = make_organisation(admin=reviewer, stakeholder_type="national-government")
    practice = make_practice(submit=True)
    staff = make_admin()
    # then they are not offered, nor assigned
    assert reviewer not in selectors.eligible_reviewers(practice)
    with pytest.raises(ValidationFailed) as err:
        services.review_assign(actor=staff, practice=practice, reviewer=reviewer)
    assert err.value.code == "unverified_public_body"
    # when the ministry is verified
    org_services.organisation_verify(actor=staff, organisation=ministry, evidence="Decree 4/2026")
    # then they are
    assert reviewer in selectors.eligible_reviewers(practice)
    services.review_assign(actor=staff, practice=practice, reviewer=reviewer)


def test_a_member_of_an_unverified_civil_society_organisation_may_review(reference):
    reviewer = make_reviewer("external")
    make_organisation(admin=reviewer, stakeholder_type="civil-society")
    practice = make_practice(submit=True)
    services.review_assign(actor=make_admin(), practice=practice, reviewer=reviewer)


# --- one rule for platform admins on pages and API ----------------------------------------------


def _edit_form(**changes) -> dict:
    return {
        "title": "Edited",
        "summary": "A partnership between employers and trade unions on fair recruitment.",
        "body": "Employers, recruiters and unions agreed a code of conduct.",
        "language": "en",
        "objectives": ["6"],
        "levels": ["national"],
        "countries": ["PHL"],
        **changes,
    }


def test_a_platform_admin_member_of_another_organisation_edits_a_draft_on_the_page_as_in_the_api(
    reference, client
):
    # given a platform admin who belongs to organisation A, and a draft of organisation B
    staff = make_admin()
    make_organisation(admin=staff, name="Organisation A")
    owner = make_user()
    draft = make_practice(
        member=owner, organisation=make_organisation(admin=owner, name="Organisation B")
    )
    # when they save it through the API
    api = client.patch(
        f"/api/v1/practices/{draft.slug}",
        {"title": "Edited through the API"},
        content_type="application/json",
        **bearer(staff),
    )
    # and through the page
    client.force_login(staff)
    assert client.get(f"/practices/{draft.slug}/edit/").status_code == 200
    page = client.post(f"/practices/{draft.slug}/edit/", _edit_form(title="Edited on the page"))
    # then both save
    assert api.status_code == 200 and api.json()["title"] == "Edited through the API"
    assert page.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Edited on the page"
    assert draft.organisation.name == "Organisation B"  # the owner never changes
    assert draft.status == Practice.DRAFT


def test_unreviewed_translations_are_not_in_the_open_data(reference):
    practice = make_published()
    _translate(practice, title="Titre non relu")
    rows = list(exports.practice_rows())
    assert "Titre non relu" not in repr(rows)


def test_platform_admins_see_the_assignment_form_of_a_submitted_practice(reference, client):
    practice = make_practice(submit=True)
    make_reviewer("external")
    client.force_login(make_admin())
    page = client.get(f"/practices/{practice.slug}/")
    assert page.status_code == 200 and "Assign reviewers" in page.content.decode()
