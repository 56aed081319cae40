"""Who may do what: every role × every write, through the pages and the API, in one table.

Each cell is what the role gets:
- OK: the action is done (the page redirects or shows the result; the API answers 2xx);
- LOGIN: a page sends an anonymous visitor to sign in (302 to /accounts/login/), the API
  answers 401;
- a status code: what the role gets, and nothing changed. Pages that act on a visible record
  answer 302 back to it with the error as a message; a record the role may not see is 404 (it
  is never revealed), and so is a page that exists only for those allowed.

The practices belong to the "owner" organisation (its admin and a member); the other
organisation's member is an outsider to them with an organisation of their own. The external
reviewer is on the panels of the submitted and in-review practices; the internal reviewer is on
none. The platform admin belongs to no organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.test import Client

from migrationhub.accounts.models import ApiToken
from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_reviewer, make_user
from migrationhub.core.models import AuditEvent
from migrationhub.knowledge import services as knowledge
from migrationhub.knowledge.models import Practice, PracticeTranslation, ReviewAssignment
from migrationhub.knowledge.tests.factories import make_practice, make_published
from migrationhub.organisations import services as organisations
from migrationhub.organisations.models import JoinRequest, Membership, Organisation
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

OK, LOGIN = "ok", "login"
ROLES = (
    "anonymous",
    "outsider",
    "member",
    "org_admin",
    "other_member",
    "external_reviewer",
    "internal_reviewer",
    "platform_admin",
)

# fmt: off
#                                  anonymous outsider member org_admin other external internal platform
MATRIX: dict[str, tuple[Any, ...]] = {
    "create practice · page":        (LOGIN, 302, OK,  OK,  200, 302, 302, 302),
    "create practice · API":         (LOGIN, 403, OK,  OK,  403, 403, 403, OK),
    "edit draft · page":             (LOGIN, 404, OK,  OK,  404, 404, 404, OK),
    "edit draft · API":              (LOGIN, 404, OK,  OK,  404, 404, 404, OK),
    "submit · page":                 (LOGIN, 404, OK,  OK,  404, 404, 404, OK),
    "submit · API":                  (LOGIN, 404, OK,  OK,  404, 404, 404, OK),
    "verify practice · page":        (LOGIN, 302, OK,  OK,  302, 302, 302, OK),
    "verify practice · API":         (LOGIN, 403, OK,  OK,  403, 403, 403, OK),
    "translate · page":              (LOGIN, 302, OK,  OK,  302, 302, 302, OK),
    "translate · API":               (LOGIN, 403, OK,  OK,  403, 403, 403, OK),
    "assign reviewer · page":        (LOGIN, 404, 302, 302, 404, 302, 404, OK),
    "declare interest · page":       (LOGIN, 404, 302, 302, 404, OK,  404, 302),
    "decide · page":                 (LOGIN, 404, 302, 302, 404, OK,  404, 302),
    "create organisation · page":    (LOGIN, OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "create organisation · API":     (LOGIN, OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "update organisation · page":    (LOGIN, 404, 404, OK,  404, 404, 404, OK),
    "update organisation · API":     (LOGIN, 403, 403, OK,  403, 403, 403, OK),
    "add member · page":             (LOGIN, 302, 302, OK,  302, 302, 302, OK),
    "verify organisation · page":    (LOGIN, 404, 404, 404, 404, 404, 404, OK),
    "verify organisation · API":     (LOGIN, 403, 403, 403, 403, 403, 403, OK),
    "accept join request · page":    (LOGIN, 404, 404, OK,  404, 404, 404, OK),
    "grant reviewer role · page":    (LOGIN, 404, 404, 404, 404, 404, 404, OK),
    "revoke another's token · page": (LOGIN, 404, 404, 404, 404, 404, 404, 404),
}
# fmt: on

ROWS = [
    (action, role, expected)
    for action, cells in MATRIX.items()
    for role, expected in zip(ROLES, cells, strict=True)
]


class World:
    """The organisations, people and records every cell acts on (built lazily: each row makes
    only what its action needs)."""

    def __init__(self) -> None:
        self.org_admin, self.member = make_user(), make_user()
        self.org = make_organisation(admin=self.org_admin, name="Owner", members=[self.member])
        self.other_member = make_user()
        make_organisation(admin=self.other_member, name="Elsewhere")
        self.outsider = make_user()
        self.external_reviewer = make_reviewer("external")
        self.internal_reviewer = make_reviewer("internal")
        self.platform_admin = make_user(is_staff=True)
        self.anonymous = None
        self.candidate = make_reviewer("internal")  # whom "assign reviewer" assigns
        self.newcomer = make_user()  # whom "add member" adds, "grant reviewer role" promotes

    @cached_property
    def draft(self) -> Practice:
        return make_practice(member=self.member, organisation=self.org)

    @cached_property
    def published(self) -> Practice:
        return make_published(member=self.member, organisation=self.org)

    @cached_property
    def submitted(self) -> Practice:
        """Submitted, with the external reviewer alone on its panel, not declared yet."""
        practice = make_practice(member=self.member, organisation=self.org, submit=True)
        knowledge.review_assign(
            actor=self.staff_helper, practice=practice, reviewer=self.external_reviewer
        )
        return practice

    @cached_property
    def in_review(self) -> Practice:
        """In review, the external reviewer on its full panel, every reviewer declared."""
        practice = make_practice(member=self.member, organisation=self.org, submit=True)
        for reviewer in (make_reviewer("internal"), self.external_reviewer, make_reviewer()):
            assignment = knowledge.review_assign(
                actor=self.staff_helper, practice=practice, reviewer=reviewer
            )
            knowledge.review_declare_interest(actor=reviewer, assignment=assignment, conflict=False)
        practice.refresh_from_db()
        assert practice.status == Practice.IN_REVIEW
        return practice

    @cached_property
    def staff_helper(self) -> Any:
        return make_user(is_staff=True)

    @cached_property
    def join_request(self) -> JoinRequest:
        return organisations.join_request_create(actor=make_user(), organisation=self.org)

    @cached_property
    def victim_token(self) -> ApiToken:
        token, _key = api_token_create(user=make_user(), name="victim's")
        return token


def practice_form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Written in the matrix",
        "summary": "A partnership between employers and trade unions on fair recruitment.",
        "body": "Employers, recruiters and unions agreed a code of conduct.",
        "language": "en",
        "objectives": ["6"],
        "levels": ["national"],
        **changes,
    }


def organisation_form(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Owner",
        "stakeholder_type": "civil-society",
        "level": "national",
        "description": "Changed in the matrix",
        **changes,
    }


TRANSLATION = {"title": "Titre de la matrice", "summary": "Résumé."}


def audited(action: str) -> Callable[[World, Any], bool]:
    return lambda w, user: AuditEvent.objects.filter(action=action, actor=user).exists()


@dataclass(frozen=True)
class Action:
    request: Callable[[World, Client, dict[str, str]], Any]  # (world, client, api headers)
    done: Callable[[World, Any], bool]  # (world, acting user): did it happen?


def _json(client: Client, method: str, url: str, data: Any, headers: dict[str, str]) -> Any:
    return getattr(client, method)(url, data, content_type="application/json", **headers)


ACTIONS: dict[str, Action] = {
    "create practice · page": Action(
        lambda w, c, h: c.post("/practices/new/", practice_form(organisation=w.org.slug)),
        lambda w, u: Practice.objects.filter(title="Written in the matrix").exists(),
    ),
    "create practice · API": Action(
        lambda w, c, h: _json(
            c,
            "post",
            "/api/v1/practices/",
            {"organisation": w.org.slug, "title": "Written in the matrix", "summary": "S."},
            h,
        ),
        lambda w, u: Practice.objects.filter(title="Written in the matrix").exists(),
    ),
    "edit draft · page": Action(
        lambda w, c, h: c.post(f"/practices/{w.draft.slug}/edit/", practice_form()),
        lambda w, u: Practice.objects.filter(pk=w.draft.pk, title="Written in the matrix").exists(),
    ),
    "edit draft · API": Action(
        lambda w, c, h: _json(
            c, "patch", f"/api/v1/practices/{w.draft.slug}", {"title": "Written in the matrix"}, h
        ),
        lambda w, u: Practice.objects.filter(pk=w.draft.pk, title="Written in the matrix").exists(),
    ),
    "submit · page": Action(
        lambda w, c, h: c.post(f"/practices/{w.draft.slug}/submit/"),
        lambda w, u: Practice.objects.filter(pk=w.draft.pk, status=Practice.SUBMITTED).exists(),
    ),
    "submit · API": Action(
        lambda w, c, h: _json(c, "post", f"/api/v1/practices/{w.draft.slug}/submit", {}, h),
        lambda w, u: Practice.objects.filter(pk=w.draft.pk, status=Practice.SUBMITTED).exists(),
    ),
    "verify practice · page": Action(
        lambda w, c, h: c.post(f"/practices/{w.published.slug}/verify/"),
        audited("practice.verify"),
    ),
    "verify practice · API": Action(
        lambda w, c, h: _json(c, "post", f"/api/v1/practices/{w.published.slug}/verify", {}, h),
        audited("practice.verify"),
    ),
    "translate · page": Action(
        lambda w, c, h: c.post(
            f"/practices/{w.published.slug}/translate/", {"language": "fr", **TRANSLATION}
        ),
        lambda w, u: PracticeTranslation.objects.filter(
            proposed_title=TRANSLATION["title"]
        ).exists(),
    ),
    "translate · API": Action(
        lambda w, c, h: _json(
            c, "put", f"/api/v1/practices/{w.published.slug}/translations/fr", TRANSLATION, h
        ),
        lambda w, u: PracticeTranslation.objects.filter(
            proposed_title=TRANSLATION["title"]
        ).exists(),
    ),
    "assign reviewer · page": Action(
        lambda w, c, h: c.post(
            f"/practices/{w.submitted.slug}/review/assign/", {"reviewer": str(w.candidate.pk)}
        ),
        lambda w, u: ReviewAssignment.objects.filter(reviewer=w.candidate).exists(),
    ),
    "declare interest · page": Action(
        lambda w, c, h: c.post(
            f"/practices/{w.submitted.slug}/review/declare/", {"conflict": "no"}
        ),
        lambda w, u: ReviewAssignment.objects.filter(
            practice=w.submitted, no_conflict_declared_at__isnull=False
        ).exists(),
    ),
    "decide · page": Action(
        lambda w, c, h: c.post(
            f"/practices/{w.in_review.slug}/review/decide/", {"decision": "approve"}
        ),
        audited("review.decide"),
    ),
    "create organisation · page": Action(
        lambda w, c, h: c.post("/organisations/new/", organisation_form(name="Matrix Org")),
        lambda w, u: Organisation.objects.filter(name="Matrix Org").exists(),
    ),
    "create organisation · API": Action(
        lambda w, c, h: _json(
            c,
            "post",
            "/api/v1/organisations/",
            {"name": "Matrix Org", "stakeholder_type": "civil-society", "level": "local"},
            h,
        ),
        lambda w, u: Organisation.objects.filter(name="Matrix Org").exists(),
    ),
    "update organisation · page": Action(
        lambda w, c, h: c.post(f"/organisations/{w.org.slug}/edit/", organisation_form()),
        lambda w, u: Organisation.objects.filter(description="Changed in the matrix").exists(),
    ),
    "update organisation · API": Action(
        lambda w, c, h: _json(
            c,
            "patch",
            f"/api/v1/organisations/{w.org.slug}",
            {"description": "Changed in the matrix"},
            h,
        ),
        lambda w, u: Organisation.objects.filter(description="Changed in the matrix").exists(),
    ),
    "add member · page": Action(
        lambda w, c, h: c.post(
            f"/organisations/{w.org.slug}/members/", {"email": w.newcomer.email, "role": "member"}
        ),
        lambda w, u: Membership.objects.filter(organisation=w.org, user=w.newcomer).exists(),
    ),
    "verify organisation · page": Action(
        lambda w, c, h: c.post(f"/organisations/{w.org.slug}/verify/", {"evidence": "Checked"}),
        lambda w, u: Organisation.objects.filter(pk=w.org.pk, verified_at__isnull=False).exists(),
    ),
    "verify organisation · API": Action(
        lambda w, c, h: _json(
            c, "post", f"/api/v1/organisations/{w.org.slug}/verify", {"evidence": "Checked"}, h
        ),
        lambda w, u: Organisation.objects.filter(pk=w.org.pk, verified_at__isnull=False).exists(),
    ),
    "accept join request · page": Action(
        lambda w, c, h: c.post(
            f"/organisations/{w.org.slug}/requests/{w.join_request.pk}/", {"decision": "accept"}
        ),
        lambda w, u: JoinRequest.objects.filter(status=JoinRequest.ACCEPTED).exists(),
    ),
    "grant reviewer role · page": Action(
        lambda w, c, h: c.post(
            "/account/reviewers/", {"email": w.newcomer.email, "role": "external"}
        ),
        lambda w, u: (
            type(w.newcomer).objects.filter(pk=w.newcomer.pk, reviewer_role="external").exists()
        ),
    ),
    "revoke another's token · page": Action(
        lambda w, c, h: c.post(f"/account/tokens/{w.victim_token.pk}/revoke/"),
        lambda w, u: ApiToken.objects.filter(
            pk=w.victim_token.pk, revoked_at__isnull=False
        ).exists(),
    ),
}


def test_every_action_of_the_matrix_has_a_request():
    assert set(ACTIONS) == set(MATRIX)


@pytest.mark.parametrize(
    ("action", "role", "expected"), ROWS, ids=[f"{a} · {r}" for a, r, _ in ROWS]
)
def test_authorization_matrix(reference, client, action, role, expected):
    # given
    world = World()
    user = getattr(world, role)
    headers: dict[str, str] = {}
    if user is not None:
        client.force_login(user)
        if action.endswith("API"):
            _token, key = api_token_create(user=user, name="matrix")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if action.endswith("API"):
        client.logout()  # the API knows the token, never the session
    # when
    response = ACTIONS[action].request(world, client, headers)
    # then
    done = ACTIONS[action].done(world, user)
    if expected == OK:
        assert response.status_code < 400, response.content[:300]
        assert done, f"{role} should be able to {action}"
    elif expected == LOGIN:
        if action.endswith("API"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not done
    else:
        assert (response.status_code, done) == (expected, False)
