"""Practice writes: drafting, submission, peer review, publication, re-verification, imports.

Every service takes the acting user, checks permissions first (through `permissions`), runs in one
transaction, records history (django-simple-history, with the actor) and an audit event, and
keeps the search index in step. Inputs are typed (`PracticeFields`): codes of the reference
vocabularies, resolved and checked here, whoever calls (pages, API, imports, CLI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from migrationhub.core import audit, page_cache
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.imports import run_import
from migrationhub.core.slugs import free_slug, reserved_slugs, save_with_unique_slug, slug_root
from migrationhub.core.tasks import notify_on_commit
from migrationhub.organisations import permissions as org_permissions
from migrationhub.organisations import selectors as org_selectors
from migrationhub.taxonomy.selectors import Resolver, resolve_one

from . import permissions, review_rules, selectors
from .errors import Code
from .indexing import (
    evidence_index_new,
    evidence_reindex,
    evidence_text,
    practice_reindex,
    practices_index_new,
)
from .models import (
    TAG_FIELDS,
    Evidence,
    EvidenceObjective,
    Practice,
    PracticeTranslation,
    ReviewAssignment,
    ReviewDecision,
)

VOCABULARY_FIELDS = TAG_FIELDS
TITLE_MAX = 300
R = TypeVar("R")
YEAR_MIN, YEAR_MAX = 1900, 2100


@dataclass(frozen=True, kw_only=True)
class PracticeFields:
    """What a submitter writes about a practice: its texts, and codes of the reference
    vocabularies (GCM objective numbers, principle, area, level and stakeholder-type codes, ISO
    3166 alpha-3 countries, language codes) and slugs of the organisations involved."""

    title: str
    summary: str
    body: str = ""
    language: str = "en"
    objectives: Sequence[int | str] = ()
    principles: Sequence[str] = ()
    areas: Sequence[str] = ()
    countries: Sequence[str] = ()
    levels: Sequence[str] = ()
    stakeholder_types: Sequence[str] = ()
    sdg_targets: Sequence[str] = ()
    organisations: Sequence[str] = ()
    period_start: int | None = None
    period_end: int | None = None
    results: str = ""
    source: str = ""

    @classmethod
    def of(cls, practice: Practice) -> PracticeFields:
        """The practice's current fields (prefetched by `selectors.practice_get`), e.g. to apply a
        partial change with `dataclasses.replace`."""
        return cls(
            title=practice.title,
            summary=practice.summary,
            body=practice.body,
            language=practice.language_id,
            objectives=[o.number for o in practice.objectives.all()],
            principles=[p.code for p in practice.principles.all()],
            areas=[a.code for a in practice.areas.all()],
            countries=[c.iso3 for c in practice.countries.all()],
            levels=[lv.code for lv in practice.levels.all()],
            stakeholder_types=[s.code for s in practice.stakeholder_types.all()],
            sdg_targets=[t.code for t in practice.sdg_targets.all()],
            organisations=[o.slug for o in practice.organisations.all()],
            period_start=practice.period_start,
            period_end=practice.period_end,
            results=practice.results,
            source=practice.source,
        )


@dataclass(frozen=True, kw_only=True)
class CuratedPractice:
    """A record reviewed elsewhere (the demo content, a migration from another platform), which a
    platform admin publishes directly with its provenance. `last_verified_at` None means never
    verified; `verified_today` marks it verified on import."""

    fields: PracticeFields
    organisation: str = ""  # slug of the owning organisation; empty: curated by the platform
    slug: str = ""
    provenance: Sequence[dict[str, Any]] = ()
    last_verified_at: dt.date | None = None
    verified_today: bool = False


@dataclass(frozen=True)
class _Resolved:
    """`PracticeFields` checked, with the reference rows they name."""

    fields: PracticeFields
    language: Any  # taxonomy's Language row
    related: dict[str, list[Any]] = field(default_factory=dict)


def _year(value: object, name: str, errors: dict[str, list[str]]) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        errors[name] = [_("must be a year")]
    elif not YEAR_MIN <= value <= YEAR_MAX:
        errors[name] = [_("must be a year between 1900 and 2100")]


def _resolve(fields: PracticeFields, resolver: Resolver | None = None) -> _Resolved:
    """Check `fields` and look up what they name; every problem at once, as field errors.
    Imports pass one `resolver` for all their records, so vocabularies are read once."""
    resolver = resolver or Resolver()
    errors: dict[str, list[str]] = {}
    if not fields.title.strip():
        errors["title"] = [_("required")]
    elif len(fields.title.strip()) > TITLE_MAX:
        errors["title"] = [_("at most 300 characters")]
    if not fields.summary.strip():
        errors["summary"] = [_("required")]
    _year(fields.period_start, "period_start", errors)
    _year(fields.period_end, "period_end", errors)
    if (
        "period_start" not in errors
        and "period_end" not in errors
        and fields.period_start
        and fields.period_end
        and fields.period_end < fields.period_start
    ):
        errors["period_end"] = [_("must not be before the start")]
    related: dict[str, list[Any]] = {}
    language = None
    try:
        language = resolver.one("languages", fields.language)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    for name in VOCABULARY_FIELDS:
        try:
            related[name] = resolver.many(name, getattr(fields, name))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    slugs = [s for s in fields.organisations if s]
    organisations = list(org_selectors.organisations_by_slug(slugs))
    missing = sorted(set(slugs) - {o.slug for o in organisations})
    if missing:
        errors["organisations"] = [_("unknown: %(codes)s") % {"codes": ", ".join(missing)}]
    related["organisations"] = organisations
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    assert language is not None
    return _Resolved(fields=fields, language=language, related=related)


def _apply(practice: Practice, resolved: _Resolved) -> None:
    f = resolved.fields
    practice.title = f.title.strip()
    practice.summary = f.summary.strip()
    practice.body = f.body.strip()
    practice.results = f.results.strip()
    practice.source = f.source.strip()
    practice.language = resolved.language
    practice.period_start = f.period_start
    practice.period_end = f.period_end


def _set_related(practice: Practice, resolved: _Resolved) -> None:
    for name, rows in resolved.related.items():
        getattr(practice, name).set(rows)


def _save(practice: Practice, actor: Any, *, slug_from: str | None = None) -> None:
    audit.by(practice, actor)
    if slug_from is not None:
        save_with_unique_slug(practice, slug_from, fallback="practice")
    else:
        practice.save()


def _create(actor: Any, organisation: Any, resolved: _Resolved, slug: str = "") -> Practice:
    practice = Practice(
        organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None
    )
    _apply(practice, resolved)
    _save(practice, actor, slug_from=slug or practice.title)
    _set_related(practice, resolved)
    if organisation is not None and organisation not in resolved.related["organisations"]:
        practice.organisations.add(organisation)
    return practice


@transaction.atomic
def practice_create(
    *, actor: Any, organisation: Any, fields: PracticeFields, submit: bool = False
) -> Practice:
    """A new draft owned by `organisation`; only its members may create one."""
    org_permissions.require_member(actor, organisation)
    practice = _create(actor, organisation, _resolve(fields))
    audit.record(actor=actor, action="practice.create", target=practice)
    if submit:
        practice = practice_submit(actor=actor, practice=practice)
    return practice


@transaction.atomic
def practice_update(*, actor: Any, practice: Practice, fields: PracticeFields) -> Practice:
    """Edit a draft or a returned practice; only members of the submitting organisation may."""
    permissions.require_editor(actor, practice)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not practice.is_editable:
        raise Conflict(
            _("Only drafts and practices returned for more information can be edited."),
            code=Code.NOT_EDITABLE,
        )
    resolved = _resolve(fields)
    _apply(practice, resolved)
    _save(practice, actor)
    _set_related(practice, resolved)
    audit.record(actor=actor, action="practice.update", target=practice)
    return practice


def _completeness(practice: Practice) -> dict[str, list[str]]:
    missing = {}
    if not practice.body.strip():
        missing["body"] = [_("required before submission")]
    if not practice.objectives.exists():
        missing["objectives"] = [_("choose at least one GCM objective")]
    if not practice.levels.exists():
        missing["levels"] = [_("choose at least one governance level")]
    return missing


@transaction.atomic
def practice_submit(*, actor: Any, practice: Practice) -> Practice:
    """Send a draft (or a returned practice, after changes) to peer review.

    A resubmitted practice opens a new review round with the same panel, so reviewers see the
    changes they asked for; a first submission waits for a panel to be assigned.
    """
    permissions.require_editor(actor, practice)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status not in (Practice.DRAFT, Practice.RETURNED):
        raise Conflict(
            _("Only drafts and returned practices can be submitted."), code=Code.NOT_SUBMITTABLE
        )
    missing = _completeness(practice)
    if missing:
        raise ValidationFailed(_("The practice is not complete enough to review."), fields=missing)
    practice.review_round += 1
    practice.submitted_at = timezone.now()
    practice.status = Practice.SUBMITTED
    _save(practice, actor)
    audit.record(
        actor=actor, action="practice.submit", target=practice, round=practice.review_round
    )
    _start_review_if_panel_complete(practice, actor)
    return practice


def _active_assignments(practice: Practice) -> Any:
    return practice.assignments.filter(withdrawn_at__isnull=True).select_related("reviewer")


def _start_review_if_panel_complete(practice: Practice, actor: Any) -> None:
    if practice.status != Practice.SUBMITTED:
        return
    kinds = [a.kind for a in _active_assignments(practice)]
    if not review_rules.panel_problems(kinds):
        practice.status = Practice.IN_REVIEW
        audit.by(practice, actor)
        practice.save(update_fields=["status", "updated_at"])


@transaction.atomic
def review_assign(*, actor: Any, practice: Practice, reviewer: Any) -> ReviewAssignment:
    """Put `reviewer` on the practice's panel. Platform admins assign; the reviewer's kind
    (internal/external) comes from their platform role."""
    permissions.require_review_coordinator(actor)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status not in (Practice.SUBMITTED, Practice.IN_REVIEW, Practice.RETURNED):
        raise Conflict(_("Reviewers are assigned to submitted practices."), code=Code.NOT_IN_REVIEW)
    if not reviewer.is_reviewer:
        raise ValidationFailed(
            _("This user is not a reviewer."), fields={"reviewer": [_("not a reviewer")]}
        )
    if permissions.has_conflict_by_membership(reviewer, practice):
        raise PermissionDenied(
            _("Nobody reviews a practice of their own organisation."), code=Code.OWN_ORGANISATION
        )
    if org_selectors.belongs_to_unverified_public_body(reviewer):
        # Who they are rests on a claim nobody checked yet (ADR 0004): verify the body first.
        raise ValidationFailed(
            _(
                "This reviewer belongs to a public body that is not verified yet. Verify the "
                "organisation first, or choose another reviewer."
            ),
            fields={"reviewer": [_("member of an unverified public body")]},
            code=Code.UNVERIFIED_PUBLIC_BODY,
        )
    assignment, created = ReviewAssignment.objects.get_or_create(
        practice=practice,
        reviewer=reviewer,
        defaults={"kind": reviewer.reviewer_role, "assigned_by": actor},
    )
    if not created:
        if assignment.withdrawn_at is not None:
            raise Conflict(
                _("This reviewer recused themselves from this practice."), code=Code.RECUSED
            )
        raise Conflict(_("This reviewer is already on the panel."), code=Code.ALREADY_ASSIGNED)
    audit.record(
        actor=actor,
        action="review.assign",
        target=practice,
        reviewer=reviewer.pk,
        kind=assignment.kind,
    )
    _start_review_if_panel_complete(practice, actor)
    notify_on_commit(
        lambda: _("[MigrationHub] Please review: %(title)s") % {"title": practice.title},
        lambda: (
            _(
                "You were assigned to review “%(title)s”. Open it from your review queue, declare "
                "whether you have a conflict of interest, then decide."
            )
            % {"title": practice.title}
        ),
        [reviewer.email],
    )
    return assignment


@transaction.atomic
def review_declare_interest(
    *, actor: Any, assignment: ReviewAssignment, conflict: bool, statement: str = ""
) -> ReviewAssignment:
    """The reviewer declares whether they have a conflict of interest. A conflict withdraws
    them from the panel (recusal); no conflict lets them decide."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the assigned reviewer can make this declaration."))
    if assignment.withdrawn_at is not None:
        raise Conflict(_("You have withdrawn from this review."), code=Code.RECUSED)
    now = timezone.now()
    assignment.conflict_statement = statement.strip()
    practice = assignment.practice
    if conflict:
        assignment.withdrawn_at = now
        if practice.status == Practice.IN_REVIEW:
            # The panel is incomplete again: the practice waits for a replacement.
            practice.status = Practice.SUBMITTED
            audit.by(practice, actor)
            practice.save(update_fields=["status", "updated_at"])
    else:
        assignment.no_conflict_declared_at = now
    assignment.save()
    audit.record(
        actor=actor,
        action="review.recuse" if conflict else "review.declare_no_conflict",
        target=practice,
        reason=assignment.conflict_statement,
    )
    return assignment


@transaction.atomic
def review_decide(
    *, actor: Any, assignment: ReviewAssignment, decision: str, comment: str = ""
) -> Practice:
    """Record a reviewer's decision for the current round and apply the panel's majority."""
    if decision not in dict(ReviewDecision.DECISIONS):
        raise ValidationFailed(
            _("Unknown decision."),
            fields={"decision": [_("unknown: %(codes)s") % {"codes": decision}]},
        )
    assignment = ReviewAssignment.objects.select_related("practice").get(pk=assignment.pk)
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the assigned reviewer can decide."))
    if not actor.is_reviewer:
        raise PermissionDenied(_("Only reviewers decide."))
    practice = Practice.objects.select_for_update().get(pk=assignment.practice_id)
    if permissions.has_conflict_by_membership(actor, practice):
        raise PermissionDenied(
            _("Nobody reviews a practice of their own organisation."), code=Code.OWN_ORGANISATION
        )
    if assignment.withdrawn_at is not None:
        raise Conflict(_("You have withdrawn from this review."), code=Code.RECUSED)
    if assignment.no_conflict_declared_at is None:
        raise Conflict(
            _("Declare that you have no conflict of interest before deciding."),
            code=Code.COI_REQUIRED,
        )
    if practice.status != Practice.IN_REVIEW:
        raise Conflict(_("This practice is not in review."), code=Code.NOT_IN_REVIEW)
    if decision in (ReviewDecision.REVISE, ReviewDecision.REJECT) and not comment.strip():
        raise ValidationFailed(
            _("Say what is missing or why: the organisation needs your comment."),
            fields={"comment": [_("required when returning or rejecting")]},
        )
    if ReviewDecision.objects.filter(assignment=assignment, round=practice.review_round).exists():
        raise Conflict(_("You have already decided in this round."), code=Code.ALREADY_DECIDED)
    ReviewDecision.objects.create(
        assignment=assignment,
        round=practice.review_round,
        decision=decision,
        comment=comment.strip(),
    )
    audit.record(
        actor=actor,
        action="review.decide",
        target=practice,
        reason=comment.strip(),
        decision=decision,
        round=practice.review_round,
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
    _save(practice, actor)
    audit.record(actor=actor, action=f"practice.review_{outcome}", target=practice)
    practice_reindex(practice)
    if practice.status == Practice.PUBLISHED:
        page_cache.changed("practices")
    _notify_organisation(practice, outcome)
    return practice


def _notify_organisation(practice: Practice, outcome: str) -> None:
    if practice.organisation is None:
        return
    emails = org_selectors.member_emails(practice.organisation)
    subjects = {
        review_rules.APPROVE: lambda: _("[MigrationHub] Your practice was published: %(title)s"),
        review_rules.REVISE: lambda: _(
            "[MigrationHub] Your practice needs more information: %(title)s"
        ),
        review_rules.REJECT: lambda: _("[MigrationHub] Your practice was not accepted: %(title)s"),
    }
    notify_on_commit(
        lambda: subjects[outcome]() % {"title": practice.title},
        lambda: (
            _(
                "Review round %(round)s of “%(title)s” has ended: %(status)s. See the reviewers' "
                "comments on the practice page."
            )
            % {
                "round": practice.review_round,
                "title": practice.title,
                "status": practice.get_status_display(),
            }
        ),
        emails,
    )


@transaction.atomic
def practice_verify(*, actor: Any, practice: Practice) -> Practice:
    """A member of the submitting organisation confirms the practice is still accurate."""
    permissions.require_editor(actor, practice)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != Practice.PUBLISHED:
        raise Conflict(_("Only published practices are verified."), code=Code.NOT_PUBLISHED)
    practice.last_verified_at = timezone.localdate()
    practice.reverification_requested_at = None
    _save(practice, actor)
    audit.record(actor=actor, action="practice.verify", target=practice)
    page_cache.changed("practices")
    return practice


@transaction.atomic
def practice_archive(*, actor: Any, practice: Practice, reason: str = "") -> Practice:
    permissions.require_review_coordinator(actor)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    was_public = practice.status == Practice.PUBLISHED
    practice.status = Practice.ARCHIVED
    _save(practice, actor)
    audit.record(actor=actor, action="practice.archive", target=practice, reason=reason)
    practice_reindex(practice)
    if was_public:
        page_cache.changed("practices")
    return practice


@transaction.atomic
def translation_upsert(
    *, actor: Any, practice: Practice, language: str, title: str, summary: str, body: str = ""
) -> PracticeTranslation:
    """Add or replace the practice's translation into `language`.

    A published practice's translation is a proposal: readers keep the approved text (if any)
    until an internal reviewer or a platform admin approves it (`translation_approve`), so that
    nothing reaches the public unreviewed. Before publication the text is written as it is and
    becomes public with the practice, whose panel reviews it."""
    permissions.require_editor(actor, practice)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    lang = resolve_one("languages", language)
    if lang.code == practice.language_id:
        raise ValidationFailed(
            _("This is the practice's original language."),
            fields={"language": [_("original language")]},
        )
    errors = {
        name: [_("required")]
        for name, value in (("title", title), ("summary", summary))
        if not value.strip()
    }
    if len(title.strip()) > TITLE_MAX:
        errors["title"] = [_("at most 300 characters")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    translation = (
        PracticeTranslation.objects.select_for_update()
        .filter(practice=practice, language=lang)
        .first()
    ) or PracticeTranslation(practice=practice, language=lang)
    text = (title.strip(), summary.strip(), body.strip())
    proposal = practice.status == Practice.PUBLISHED
    if proposal:
        translation.proposed_title, translation.proposed_summary, translation.proposed_body = text
        translation.status = PracticeTranslation.PENDING
        translation.reviewed_by, translation.reviewed_at, translation.review_note = None, None, ""
    else:
        translation.title, translation.summary, translation.body = text
        translation.proposed_title = translation.proposed_summary = translation.proposed_body = ""
        translation.status = PracticeTranslation.APPROVED
    translation.proposed_by = actor if getattr(actor, "pk", None) else None
    audit.by(translation, actor)
    translation.save()
    audit.record(
        actor=actor,
        action="translation.propose" if proposal else "practice.translate",
        target=practice,
        language=lang.code,
    )
    if not proposal:
        practice_reindex(practice)
    return translation


def _translation_reviewed(
    actor: Any, translation: PracticeTranslation, note: str
) -> PracticeTranslation:
    """Lock a pending proposal that `actor` may review, and mark it reviewed by them."""
    locked = (
        PracticeTranslation.objects.select_for_update(of=("self",))
        .select_related("practice", "language", "proposed_by")
        .get(pk=translation.pk)
    )
    permissions.require_translation_reviewer(actor, locked.practice)
    if locked.status != PracticeTranslation.PENDING:
        raise Conflict(
            _("This translation is not waiting for review."), code=Code.TRANSLATION_NOT_PENDING
        )
    if locked.proposed_by_id == actor.pk:
        raise PermissionDenied(
            _("Someone other than its author reviews a translation."), code=Code.OWN_TRANSLATION
        )
    locked.reviewed_by, locked.reviewed_at, locked.review_note = actor, timezone.now(), note
    return locked


def _notify_translator(
    translation: PracticeTranslation, subject: Callable[[], str], body: Callable[[], str]
) -> None:
    if translation.proposed_by is not None:
        notify_on_commit(subject, body, [translation.proposed_by.email])


@transaction.atomic
def translation_approve(
    *, actor: Any, translation: PracticeTranslation, note: str = ""
) -> PracticeTranslation:
    """One internal reviewer or platform admin, outside the organisations involved, approves a
    proposed translation of a published practice: it replaces the public text and is indexed."""
    translation = _translation_reviewed(actor, translation, note.strip())
    translation.title = translation.proposed_title
    translation.summary = translation.proposed_summary
    translation.body = translation.proposed_body
    translation.proposed_title = translation.proposed_summary = translation.proposed_body = ""
    translation.status = PracticeTranslation.APPROVED
    audit.by(translation, actor)
    translation.save()
    practice = translation.practice
    audit.record(
        actor=actor,
        action="translation.approve",
        target=practice,
        reason=translation.review_note,
        language=translation.language_id,
    )
    practice_reindex(practice)
    page_cache.changed("practices")
    _notify_translator(
        translation,
        lambda: _("[MigrationHub] Translation published: %(title)s") % {"title": practice.title},
        lambda: (
            _("Your translation (%(language)s) of “%(title)s” was approved and is now public.")
            % {"language": translation.language.name, "title": practice.title}
        ),
    )
    return translation


@transaction.atomic
def translation_reject(
    *, actor: Any, translation: PracticeTranslation, note: str
) -> PracticeTranslation:
    """Refuse a proposed translation, saying why; readers keep the approved text, if any, and
    the proposal stays for its author to correct."""
    if not note.strip():
        raise ValidationFailed(
            _("Say why: the translator needs your comment."),
            fields={"note": [_("required when rejecting")]},
        )
    translation = _translation_reviewed(actor, translation, note.strip())
    translation.status = PracticeTranslation.REJECTED
    audit.by(translation, actor)
    translation.save()
    practice = translation.practice
    audit.record(
        actor=actor,
        action="translation.reject",
        target=practice,
        reason=translation.review_note,
        language=translation.language_id,
    )
    _notify_translator(
        translation,
        lambda: _("[MigrationHub] Translation not accepted: %(title)s") % {"title": practice.title},
        lambda: (
            _("Your translation (%(language)s) of “%(title)s” was not accepted: %(note)s")
            % {
                "language": translation.language.name,
                "title": practice.title,
                "note": translation.review_note,
            }
        ),
    )
    return translation


def _ask_to_reverify(practice: Practice) -> None:
    if practice.organisation is None:
        return
    notify_on_commit(
        lambda: _("[MigrationHub] Please re-verify: %(title)s") % {"title": practice.title},
        lambda: (
            _(
                "“%(title)s” was last verified on %(date)s. Readers now see it flagged as stale. "
                "Open it on MigrationHub and choose “Confirm still accurate”, or edit it."
            )
            % {"title": practice.title, "date": practice.last_verified_at or _("never")}
        ),
        org_selectors.member_emails(practice.organisation),
    )


@transaction.atomic
def practices_request_reverification(*, today: dt.date | None = None) -> int:
    """Ask the organisations of stale published practices to re-verify them (once per staleness)."""
    cutoff = selectors.stale_cutoff(today)
    stale = Practice.objects.filter(
        status=Practice.PUBLISHED, reverification_requested_at__isnull=True
    ).filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lte=cutoff))
    count = 0
    for practice in stale.select_related("organisation"):
        practice.reverification_requested_at = timezone.now()
        practice.save(update_fields=["reverification_requested_at"])
        audit.record(actor=None, action="practice.request_reverification", target=practice)
        _ask_to_reverify(practice)
        count += 1
    return count


# --- bulk imports ------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _insert_many(
    actor: Any, prepared: list[tuple[Practice, _Resolved, str]], *, action: str
) -> list[Practice]:
    """Insert many new practices in a few statements: an import's write is short, so it holds
    the database's write lock for seconds, not minutes, and readers and writers barely wait.

    Slugs are chosen from the free ones in memory; if a concurrent writer takes one meanwhile,
    the unique index refuses the batch and the practices are inserted one by one with retries.
    History, related rows and audit events are written in bulk too.
    """
    taken = selectors.practice_slugs() | reserved_slugs(Practice)
    for practice, _resolved, slug_text in prepared:
        practice.slug = free_slug(slug_root(slug_text, fallback="practice"), taken)
        taken.add(practice.slug)
    practices = [practice for practice, _resolved, _text in prepared]
    try:
        with transaction.atomic():
            created = bulk_create_with_history(practices, Practice, default_user=_user(actor))
    except IntegrityError:
        created = []
        for practice, _resolved, slug_text in prepared:
            practice.pk = None
            _save(practice, actor, slug_from=slug_text)
            created.append(practice)
    by_slug = {p.slug: p for p in created}
    related: dict[str, list[Any]] = {}
    for practice, resolved, _text in prepared:
        pk = by_slug[practice.slug].pk
        for name, rows in resolved.related.items():
            if name == "organisations" and practice.organisation_id:
                rows = [r for r in rows if r.pk != practice.organisation_id]
                rows.append(practice.organisation)
            related.setdefault(name, []).extend((pk, row.pk) for row in rows)
    for name, pairs in related.items():
        field = Practice._meta.get_field(name)
        through = field.remote_field.through  # type: ignore[union-attr]
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
        through.objects.bulk_create(
            [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs],
            batch_size=2000,
        )
    ordered = [by_slug[p.slug] for p, _r, _t in prepared]
    audit.record_many(actor=actor, action=action, targets=ordered)
    return ordered


def _same(record: Any) -> Any:
    return record


def practices_import_drafts(
    *,
    actor: Any,
    organisation: Any,
    records: Iterable[R],
    convert: Callable[[R], PracticeFields] = _same,
) -> list[Practice]:
    """Drafts for `organisation`, one per record, all or none (`core.imports.ImportFailed`
    lists every bad record); only its members may import. `convert` turns a file's record into
    fields (its shape errors are row errors too)."""
    org_permissions.require_member(actor, organisation)

    def write(valid: list[_Resolved]) -> list[Practice]:
        prepared = []
        for resolved in valid:
            practice = Practice(organisation=organisation, created_by=_user(actor))
            _apply(practice, resolved)
            prepared.append((practice, resolved, practice.title))
        return _insert_many(actor, prepared, action="practice.import")

    resolver = Resolver()
    return run_import(records, validate=lambda r: _resolve(convert(r), resolver), write=write)


def practices_import_published(
    *,
    actor: Any,
    records: Iterable[R],
    convert: Callable[[R], CuratedPractice] = _same,
) -> list[Practice]:
    """Publish curated records directly, all or none; only platform administrators (or the
    platform itself, `actor` None, loading the demo) may: these records skip peer review."""
    if actor is not None and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only platform administrators import published records."))

    resolver = Resolver()

    def validate(raw: R) -> tuple[CuratedPractice, Any, _Resolved]:
        record = convert(raw)
        owner = None
        if record.organisation:
            owner = org_selectors.organisation_get(record.organisation)
            if owner is None:
                raise ValidationFailed(
                    _("Unknown organisation %(slug)s.") % {"slug": record.organisation},
                    fields={"organisation": [_("unknown")]},
                )
        return record, owner, _resolve(record.fields, resolver)

    def write(valid: list[tuple[CuratedPractice, Any, _Resolved]]) -> list[Practice]:
        now, today = timezone.now(), timezone.localdate()
        prepared = []
        for record, owner, resolved in valid:
            practice = Practice(
                organisation=owner,
                created_by=_user(actor),
                status=Practice.PUBLISHED,
                published_at=now,
                provenance=list(record.provenance),
                last_verified_at=today if record.verified_today else record.last_verified_at,
            )
            _apply(practice, resolved)
            prepared.append((practice, resolved, record.slug or practice.title))
        published = _insert_many(actor, prepared, action="practice.import_published")
        practices_index_new(published)
        page_cache.changed("practices")
        return published

    return run_import(records, validate=validate, write=write)


# -- the evidence library ------------------------------------------------------------------------

SUGGESTED_OBJECTIVES = 3  # the tagger's suggestions kept per evaluation
MIN_CONFIDENCE = 0.1  # below this a suggestion is not worth a curator's look


@dataclass(frozen=True, kw_only=True)
class EvidenceRecord:
    """One evaluation as an import reads it (`importers.EvidenceReader`): codes of the reference
    vocabularies (ISO 3166 alpha-3 countries, language codes), the rest as the source says it."""

    title: str
    year: int | None = None
    published_on: dt.date | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    languages: Sequence[str] = ()
    countries: Sequence[str] = ()
    countries_as_written: Sequence[str] = ()
    coverage: str = ""
    offices: Sequence[str] = ()
    themes: Sequence[str] = ()
    crosscutting: Sequence[str] = ()
    scope: Sequence[str] = ()
    timing: str = ""
    evaluator: str = ""
    level: str = ""
    commissioner: str = ""
    donor: str = ""
    projects: str = ""
    project_code: str = ""
    documents: Sequence[dict[str, str]] = ()
    has_executive_summary: bool = False
    has_lessons: bool = False
    has_management_response: bool = False


def _suggest_objectives(tagger: Any, records: Sequence[Evidence]) -> list[EvidenceObjective]:
    rows = []
    objective_pks = selectors.objective_pks()
    for evidence in records:
        text = f"{evidence.title}\n{evidence_text(evidence)}"
        for s in tagger.suggest(text, evidence.language_id or "en", k=SUGGESTED_OBJECTIVES):
            if s.confidence >= MIN_CONFIDENCE:
                rows.append(
                    EvidenceObjective(
                        evidence=evidence,
                        objective_id=objective_pks[int(s.code)],
                        confidence=s.confidence,
                    )
                )
    return rows


def evidence_import(
    *,
    actor: Any,
    records: Iterable[R],
    convert: Callable[[R], EvidenceRecord] = _same,
    source: str = "",
) -> list[Evidence]:
    """Add evaluations to the evidence library, all or none (platform admins, or the platform
    itself loading the shipped export). Each gets the tagger's suggested GCM objectives, marked
    machine-suggested until a curator confirms them. `source` names the file; each record keeps
    its row number there."""
    if actor is not None and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only platform administrators import evidence."))
    resolver = Resolver()

    def validate(raw: R) -> tuple[EvidenceRecord, Any, list[Any]]:
        record = convert(raw)
        errors: dict[str, list[str]] = {}
        language = None
        if record.languages:
            try:
                language = resolver.one("languages", record.languages[0])
            except ValidationFailed as exc:
                errors.update(exc.fields)
        countries: list[Any] = []
        try:
            countries = resolver.many("countries", record.countries)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
        return record, language, countries

    def write(valid: list[tuple[EvidenceRecord, Any, list[Any]]]) -> list[Evidence]:
        taken = selectors.evidence_slugs()
        prepared = []
        for number, (record, language, _countries) in enumerate(valid, start=1):
            root = slug_root(f"{record.title} {record.year or ''}", fallback="evaluation")
            slug = free_slug(root[:100], taken)
            taken.add(slug)
            prepared.append(
                Evidence(
                    slug=slug,
                    language=language,
                    source=source[:300],
                    source_row=number if source else None,
                    title=record.title,
                    year=record.year,
                    published_on=record.published_on,
                    period_from=record.period_from,
                    period_to=record.period_to,
                    languages=list(record.languages),
                    countries_as_written=list(record.countries_as_written),
                    coverage=record.coverage,
                    offices=list(record.offices),
                    themes=list(record.themes),
                    crosscutting=list(record.crosscutting),
                    scope=list(record.scope),
                    timing=record.timing,
                    evaluator=record.evaluator,
                    level=record.level,
                    commissioner=record.commissioner,
                    donor=record.donor,
                    projects=record.projects,
                    project_code=record.project_code,
                    documents=[dict(d) for d in record.documents],
                    has_executive_summary=record.has_executive_summary,
                    has_lessons=record.has_lessons,
                    has_management_response=record.has_management_response,
                )
            )
        try:
            with transaction.atomic():
                created = bulk_create_with_history(prepared, Evidence, default_user=_user(actor))
        except IntegrityError as exc:  # a concurrent import took one of the slugs meanwhile
            raise Conflict(
                _("Another import of evaluations ran at the same time; nothing was imported.")
                + " "
                + _("Please try again.")
            ) from exc
        by_slug = {e.slug: e for e in created}
        created = [by_slug[e.slug] for e in prepared]
        through = Evidence.countries.through
        through.objects.bulk_create(
            [
                through(evidence_id=e.pk, country_id=c.pk)
                for e, (_r, _l, countries) in zip(created, valid, strict=True)
                for c in countries
            ],
            batch_size=2000,
        )
        tags = _suggest_objectives(selectors.tagger(), created)
        bulk_create_with_history(tags, EvidenceObjective, default_user=_user(actor))
        audit.record_many(actor=actor, action="evidence.import", targets=list(created))
        evidence_index_new(created)
        page_cache.changed("practices")
        return created

    return run_import(records, validate=validate, write=write)


def _evidence_tag(evidence: Evidence, objective: int) -> EvidenceObjective:
    tag = (
        EvidenceObjective.objects.select_for_update()
        .filter(evidence=evidence, objective__number=objective)
        .first()
    )
    if tag is None:
        raise ValidationFailed(
            _("Objective %(number)s is not suggested for this evaluation.") % {"number": objective},
            fields={"objective": [_("not suggested")]},
            code=Code.NOT_A_SUGGESTION,
        )
    return tag


@transaction.atomic
def evidence_objective_confirm(*, actor: Any, evidence: Evidence, objective: int) -> Evidence:
    """A curator confirms a suggested GCM objective: it becomes a curated tag (and trains the
    tagger). Confirming twice changes nothing."""
    permissions.require_curator(actor)
    tag = _evidence_tag(evidence, objective)
    if tag.status != EvidenceObjective.CONFIRMED:
        tag.status, tag.confirmed_by, tag.confirmed_at = (
            EvidenceObjective.CONFIRMED,
            actor,
            timezone.now(),
        )
        audit.by(tag, actor)
        tag.save()
        audit.record(
            actor=actor, action="evidence.confirm_objective", target=evidence, objective=objective
        )
        evidence_reindex(evidence)
        page_cache.changed("practices")
    return evidence


@transaction.atomic
def evidence_objective_reject(*, actor: Any, evidence: Evidence, objective: int) -> Evidence:
    """A curator removes a suggested (or confirmed) GCM objective that does not fit."""
    permissions.require_curator(actor)
    tag = _evidence_tag(evidence, objective)
    audit.by(tag, actor)
    tag.delete()
    audit.record(
        actor=actor, action="evidence.reject_objective", target=evidence, objective=objective
    )
    evidence_reindex(evidence)
    page_cache.changed("practices")
    return evidence


@transaction.atomic
def evidence_objective_add(*, actor: Any, evidence: Evidence, objective: int) -> Evidence:
    """A curator tags an evaluation with an objective the tagger did not suggest (confirmed)."""
    permissions.require_curator(actor)
    row = resolve_one("objectives", objective)
    tag, created = EvidenceObjective.objects.get_or_create(
        evidence=evidence,
        objective=row,
        defaults={
            "status": EvidenceObjective.CONFIRMED,
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
            "confidence": 0.0,
        },
    )
    if not created and tag.status != EvidenceObjective.CONFIRMED:
        return evidence_objective_confirm(actor=actor, evidence=evidence, objective=objective)
    if created:
        audit.record(
            actor=actor, action="evidence.add_objective", target=evidence, objective=objective
        )
        evidence_reindex(evidence)
        page_cache.changed("practices")
    return evidence
