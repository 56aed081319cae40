"""Practice writes: drafting, submission, peer review, publication, re-verification.

Every service takes the acting user, checks permissions through `permissions`, runs in one
transaction, records history (django-simple-history, with the actor) and keeps the search index
in step.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.tasks import notify_on_commit
from migrationhub.organisations import permissions as org_permissions
from migrationhub.organisations.models import Membership, Organisation
from migrationhub.taxonomy.selectors import resolve_many, resolve_one

from . import freshness, permissions, review_rules
from .indexing import practice_reindex
from .models import Practice, PracticeTranslation, ReviewAssignment, ReviewDecision

log = logging.getLogger(__name__)

M2M_FIELDS = {
    "objectives": "objectives",
    "principles": "principles",
    "areas": "areas",
    "countries": "countries",
    "levels": "levels",
    "stakeholder_types": "stakeholder_types",
}
TEXT_FIELDS = ("title", "summary", "body", "results", "source")


def unique_slug(title: str, exclude_pk=None) -> str:
    root = slugify(title)[:100] or "practice"
    slug, n = root, 2
    while Practice.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


def apply_fields(practice: Practice, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    for field in TEXT_FIELDS:
        if field in data and data[field] is not None:
            setattr(practice, field, str(data[field]).strip())
    if "provenance" in data and data["provenance"] is not None:
        practice.provenance = data["provenance"]
    if data.get("language"):
        practice.language = resolve_one("languages", data["language"])
    for field in ("period_start", "period_end"):
        if field in data:
            value = data[field]
            if value in (None, ""):
                setattr(practice, field, None)
                continue
            try:
                year = int(value)
            except (TypeError, ValueError):
                errors[field] = ["must be a year"]
                continue
            if not 1900 <= year <= 2100:
                errors[field] = ["must be a year between 1900 and 2100"]
            setattr(practice, field, year)
    if (
        practice.period_start
        and practice.period_end
        and practice.period_end < practice.period_start
    ):
        errors["period_end"] = ["must not be before the start"]
    if not (practice.title or "").strip():
        errors["title"] = ["required"]
    elif len(practice.title) > 300:
        errors["title"] = ["at most 300 characters"]
    if not (practice.summary or "").strip():
        errors["summary"] = ["required"]
    if errors:
        raise ValidationFailed("Please correct the marked fields.", fields=errors)
    related = {}
    for field in M2M_FIELDS:
        if data.get(field) is not None:
            related[field] = resolve_many(field, data[field])
    if data.get("organisations") is not None:
        slugs = [s for s in data["organisations"] if s]
        orgs = list(Organisation.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {o.slug for o in orgs})
        if missing:
            raise ValidationFailed(
                f"Unknown organisations: {', '.join(missing)}",
                fields={"organisations": [f"unknown: {', '.join(missing)}"]},
            )
        related["organisations"] = orgs
    return related


def set_related(practice: Practice, related: dict) -> None:
    for field, rows in related.items():
        getattr(practice, field).set(rows)


@transaction.atomic
def practice_create(
    *, actor, organisation: Organisation, data: dict, submit: bool = False
) -> Practice:
    """A new draft owned by `organisation`; only its members may create one."""
    org_permissions.require_member(actor, organisation)
    practice = Practice(organisation=organisation, created_by=actor)
    data = {"language": "en", **data}
    related = apply_fields(practice, data)
    practice.slug = unique_slug(data.get("slug") or practice.title)
    practice._history_user = actor
    practice.save()
    set_related(practice, related)
    if organisation not in related.get("organisations", []):
        practice.organisations.add(organisation)
    if submit:
        practice = practice_submit(actor=actor, practice=practice)
    return practice


@transaction.atomic
def practice_update(*, actor, practice: Practice, data: dict) -> Practice:
    """Edit a draft or a returned practice; only members of the submitting organisation may."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    permissions.require_editor(actor, practice)
    if not practice.is_editable:
        raise Conflict(
            "Only drafts and practices returned for more information can be edited.",
            code="not_editable",
        )
    related = apply_fields(practice, data)
    practice._history_user = actor
    practice.save()
    set_related(practice, related)
    return practice


def _completeness(practice: Practice) -> dict[str, list[str]]:
    missing = {}
    if not practice.body.strip():
        missing["body"] = ["required before submission"]
    if not practice.objectives.exists():
        missing["objectives"] = ["choose at least one GCM objective"]
    if not practice.levels.exists():
        missing["levels"] = ["choose at least one governance level"]
    return missing


@transaction.atomic
def practice_submit(*, actor, practice: Practice) -> Practice:
    """Send a draft (or a returned practice, after changes) to peer review.

    A resubmitted practice opens a new review round with the same panel, so reviewers see the
    changes they asked for; a first submission waits for a panel to be assigned.
    """
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    permissions.require_editor(actor, practice)
    if practice.status not in (Practice.DRAFT, Practice.RETURNED):
        raise Conflict(
            "Only drafts and returned practices can be submitted.", code="not_submittable"
        )
    missing = _completeness(practice)
    if missing:
        raise ValidationFailed("The practice is not complete enough to review.", fields=missing)
    practice.review_round += 1
    practice.submitted_at = timezone.now()
    practice.status = Practice.SUBMITTED
    practice._history_user = actor
    practice.save()
    _start_review_if_panel_complete(practice, actor)
    return practice


def _active_assignments(practice: Practice):
    return practice.assignments.filter(withdrawn_at__isnull=True).select_related("reviewer")


def _start_review_if_panel_complete(practice: Practice, actor) -> None:
    if practice.status != Practice.SUBMITTED:
        return
    kinds = [a.kind for a in _active_assignments(practice)]
    if not review_rules.panel_problems(kinds):
        practice.status = Practice.IN_REVIEW
        practice._history_user = actor
        practice.save(update_fields=["status", "updated_at"])


@transaction.atomic
def review_assign(*, actor, practice: Practice, reviewer) -> ReviewAssignment:
    """Put `reviewer` on the practice's panel. Platform admins assign; the reviewer's kind
    (internal/external) comes from their platform role."""
    permissions.require_review_coordinator(actor)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status not in (Practice.SUBMITTED, Practice.IN_REVIEW, Practice.RETURNED):
        raise Conflict("Reviewers are assigned to submitted practices.", code="not_in_review")
    if not reviewer.is_reviewer:
        raise ValidationFailed(
            "This user is not a reviewer.", fields={"reviewer": ["not a reviewer"]}
        )
    if permissions.has_conflict_by_membership(reviewer, practice):
        raise PermissionDenied(
            "Nobody reviews a practice of their own organisation.", code="own_organisation"
        )
    assignment, created = ReviewAssignment.objects.get_or_create(
        practice=practice,
        reviewer=reviewer,
        defaults={"kind": reviewer.reviewer_role, "assigned_by": actor},
    )
    if not created:
        if assignment.withdrawn_at is not None:
            raise Conflict("This reviewer recused themselves from this practice.", code="recused")
        raise Conflict("This reviewer is already on the panel.", code="already_assigned")
    _start_review_if_panel_complete(practice, actor)
    return assignment


@transaction.atomic
def review_declare_interest(
    *, actor, assignment: ReviewAssignment, conflict: bool, statement: str = ""
) -> ReviewAssignment:
    """The reviewer declares whether they have a conflict of interest. A conflict withdraws
    them from the panel (recusal); no conflict lets them decide."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied("Only the assigned reviewer can make this declaration.")
    if assignment.withdrawn_at is not None:
        raise Conflict("You have withdrawn from this review.", code="recused")
    now = timezone.now()
    assignment.conflict_statement = statement.strip()
    if conflict:
        assignment.withdrawn_at = now
        practice = assignment.practice
        if practice.status == Practice.IN_REVIEW:
            # The panel is incomplete again: the practice waits for a replacement.
            practice.status = Practice.SUBMITTED
            practice._history_user = actor
            practice.save(update_fields=["status", "updated_at"])
    else:
        assignment.no_conflict_declared_at = now
    assignment.save()
    return assignment


@transaction.atomic
def review_decide(
    *, actor, assignment: ReviewAssignment, decision: str, comment: str = ""
) -> Practice:
    """Record a reviewer's decision for the current round and apply the panel's majority."""
    if decision not in dict(ReviewDecision.DECISIONS):
        raise ValidationFailed("Unknown decision.", fields={"decision": [f"unknown: {decision}"]})
    assignment = ReviewAssignment.objects.select_related("practice").get(pk=assignment.pk)
    practice = Practice.objects.select_for_update().get(pk=assignment.practice_id)
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied("Only the assigned reviewer can decide.")
    if not actor.is_reviewer:
        raise PermissionDenied("Only reviewers decide.")
    if permissions.has_conflict_by_membership(actor, practice):
        raise PermissionDenied(
            "Nobody reviews a practice of their own organisation.", code="own_organisation"
        )
    if assignment.withdrawn_at is not None:
        raise Conflict("You have withdrawn from this review.", code="recused")
    if assignment.no_conflict_declared_at is None:
        raise Conflict(
            "Declare that you have no conflict of interest before deciding.", code="coi_required"
        )
    if practice.status != Practice.IN_REVIEW:
        raise Conflict("This practice is not in review.", code="not_in_review")
    if decision in (ReviewDecision.REVISE, ReviewDecision.REJECT) and not comment.strip():
        raise ValidationFailed(
            "Say what is missing or why: the organisation needs your comment.",
            fields={"comment": ["required when returning or rejecting"]},
        )
    if ReviewDecision.objects.filter(assignment=assignment, round=practice.review_round).exists():
        raise Conflict("You have already decided in this round.", code="already_decided")
    ReviewDecision.objects.create(
        assignment=assignment,
        round=practice.review_round,
        decision=decision,
        comment=comment.strip(),
    )
    active = list(_active_assignments(practice))
    decisions = ReviewDecision.objects.filter(
        assignment__in=active, round=practice.review_round
    ).values_list("decision", flat=True)
    outcome = review_rules.round_outcome(len(active), list(decisions))
    if outcome is None:
        return practice
    now = timezone.now()
    if outcome == review_rules.APPROVE:
        practice.status = Practice.PUBLISHED
        practice.published_at = practice.published_at or now
        practice.last_verified_at = timezone.localdate()
    elif outcome == review_rules.REVISE:
        practice.status = Practice.RETURNED
    else:
        practice.status = Practice.ARCHIVED
    practice._history_user = actor
    practice.save()
    practice_reindex(practice)
    _notify_organisation(practice, outcome)
    return practice


def _notify_organisation(practice: Practice, outcome: str) -> None:
    emails = list(
        Membership.objects.filter(organisation=practice.organisation).values_list(
            "user__email", flat=True
        )
    )
    if not emails:
        return
    subjects = {
        review_rules.APPROVE: "Your practice was published",
        review_rules.REVISE: "Your practice needs more information",
        review_rules.REJECT: "Your practice was not accepted",
    }
    notify_on_commit(
        f"[MigrationHub] {subjects[outcome]}: {practice.title}",
        f"Review round {practice.review_round} of “{practice.title}” has ended: "
        f"{practice.get_status_display()}. See the reviewers' comments on the practice page.",
        emails,
    )


@transaction.atomic
def practice_verify(*, actor, practice: Practice) -> Practice:
    """A member of the submitting organisation confirms the practice is still accurate."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    permissions.require_editor(actor, practice)
    if practice.status != Practice.PUBLISHED:
        raise Conflict("Only published practices are verified.", code="not_published")
    practice.last_verified_at = timezone.localdate()
    practice.reverification_requested_at = None
    practice._history_user = actor
    practice.save()
    return practice


@transaction.atomic
def practice_archive(*, actor, practice: Practice) -> Practice:
    permissions.require_review_coordinator(actor)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    practice.status = Practice.ARCHIVED
    practice._history_user = actor
    practice.save()
    practice_reindex(practice)
    return practice


@transaction.atomic
def translation_upsert(
    *, actor, practice: Practice, language: str, data: dict
) -> PracticeTranslation:
    permissions.require_editor(actor, practice)
    lang = resolve_one("languages", language)
    if lang.code == practice.language_id:
        raise ValidationFailed(
            "This is the practice's original language.", fields={"language": ["original language"]}
        )
    errors = {f: ["required"] for f in ("title", "summary") if not str(data.get(f) or "").strip()}
    if errors:
        raise ValidationFailed("Please correct the marked fields.", fields=errors)
    translation, _ = PracticeTranslation.objects.update_or_create(
        practice=practice,
        language=lang,
        defaults={
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
            "body": (data.get("body") or "").strip(),
        },
    )
    practice_reindex(practice)
    return translation


@transaction.atomic
def practices_request_reverification(*, today=None) -> int:
    """Ask the organisations of stale published practices to re-verify them (once per staleness)."""
    cutoff = freshness.stale_cutoff(today)
    stale = Practice.objects.filter(
        status=Practice.PUBLISHED, reverification_requested_at__isnull=True
    ).filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lte=cutoff))
    count = 0
    for practice in stale.select_related("organisation"):
        practice.reverification_requested_at = timezone.now()
        practice.save(update_fields=["reverification_requested_at"])
        emails = list(
            Membership.objects.filter(organisation=practice.organisation).values_list(
                "user__email", flat=True
            )
        )
        notify_on_commit(
            f"[MigrationHub] Please re-verify: {practice.title}",
            f"“{practice.title}” was last verified on {practice.last_verified_at or 'never'}. "
            "Readers now see it flagged as stale. Open it on MigrationHub and choose "
            "“Confirm still accurate”, or edit it.",
            emails,
        )
        count += 1
    return count
