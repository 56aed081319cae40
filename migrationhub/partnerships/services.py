"""Partnership and pledge writes: registration, membership by consent, goals, resources, outputs,
progress, translations, pledges, the daily refresh and reminders, and the IATI import.

Every service takes the acting user (None: the platform itself, loading the demo or an operator's
import), checks permissions first (`permissions`), runs in one transaction, records history
(django-simple-history, with the actor) and an audit event on the partnership, keeps the stored
scorecard, status light and search document in step (`_refresh`), and retires the cached public
pages that show partnerships (`page_cache.changed("partnerships")`). E-mails leave on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.core import audit, page_cache
from migrationhub.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from migrationhub.core.imports import text_problem
from migrationhub.core.slugs import save_with_unique_slug
from migrationhub.core.tasks import notify_on_commit
from migrationhub.knowledge import selectors as knowledge_selectors
from migrationhub.organisations import selectors as org_selectors
from migrationhub.taxonomy.selectors import Resolver, resolve_one

from . import iati, lights, permissions, selectors
from .errors import Code
from .indexing import partnership_reindex, pledge_reindex
from .models import (
    TAG_FIELDS,
    Commitment,
    Goal,
    Member,
    OrganisationRef,
    Output,
    Partnership,
    PartnershipTranslation,
    Pledge,
    Pledger,
    ProgressReport,
    Role,
)

NAME_MAX = 300
REMIND_EVERY = dt.timedelta(days=30)
WEBSITE = URLValidator(schemes=["http", "https"])
DOMAIN = "partnerships"
AMOUNT_MAX = Decimal("1e16")


# --- typed inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PartnershipFields:
    """What a partnership's admins say about it: texts, dates, and codes of the reference
    vocabularies (GCM objective numbers, principle, area and level codes, ISO 3166 alpha-3
    countries, SDG target codes, a language code)."""

    name: str
    purpose: str
    language: str = "en"
    status: str = Partnership.ACTIVE
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    objectives: Sequence[int | str] = ()
    principles: Sequence[str] = ()
    areas: Sequence[str] = ()
    countries: Sequence[str] = ()
    levels: Sequence[str] = ()
    sdg_targets: Sequence[str] = ()
    website: str = ""

    @classmethod
    def of(cls, p: Partnership) -> PartnershipFields:
        """The partnership's current fields (prefetched by `selectors.partnership_get`)."""
        return cls(
            name=p.name,
            purpose=p.purpose,
            language=p.language_id,
            status=p.status,
            start_date=p.start_date,
            end_date=p.end_date,
            objectives=[o.number for o in p.objectives.all()],
            principles=[x.code for x in p.principles.all()],
            areas=[a.code for a in p.areas.all()],
            countries=[c.iso3 for c in p.countries.all()],
            levels=[lv.code for lv in p.levels.all()],
            sdg_targets=[t.code for t in p.sdg_targets.all()],
            website=p.website,
        )


@dataclass(frozen=True, kw_only=True)
class GoalFields:
    """A goal: its indicator and unit, baseline and target (numbers), due date, and the GCM
    objectives and SDG targets it serves."""

    indicator: str
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    due_date: dt.date | None = None
    objectives: Sequence[int | str] = ()
    sdg_targets: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class CommitmentFields:
    """A resource a member commits: `financial` (an amount and an ISO 4217 currency),
    `in_kind` (optionally its estimated value) or `expertise`."""

    kind: str
    description: str = ""
    amount: Decimal | None = None
    currency: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class ProgressFields:
    """A progress report: the indicator's value on a date (for a goal), what happened, and
    where the evidence is."""

    reported_on: dt.date
    value: Decimal | None = None
    narrative: str = ""
    evidence_url: str = ""


@dataclass(frozen=True, kw_only=True)
class PledgeFields:
    """A pledge: its type, what is pledged, the amount and currency when financial, when it is
    due, the partnership that delivers it (slug), the pledge it matches (slug)."""

    title: str
    narrative: str
    kind: str
    amount: Decimal | None = None
    currency: str = ""
    due_date: dt.date | None = None
    pledged_on: dt.date | None = None
    partnership: str = ""
    matches: str = ""
    objectives: Sequence[int | str] = ()


@dataclass(frozen=True)
class _Resolved:
    fields: PartnershipFields
    language: Any
    related: dict[str, list[Any]] = field(default_factory=dict)


# --- checks ----------------------------------------------------------------------------------


def _text(errors: dict[str, list[str]], name: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("required")]
    elif value:
        problem = text_problem(value)
        if problem:
            errors[name] = [problem]
        elif name in ("name", "title", "indicator") and len(value) > NAME_MAX:
            errors[name] = [_("at most 300 characters")]
    return value


def _url(errors: dict[str, list[str]], name: str, value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            WEBSITE(value)
        except DjangoValidationError:
            errors[name] = [_("an address starting with http:// or https://")]
    return value


def _period(
    errors: dict[str, list[str]], start: dt.date | None, end: dt.date | None, name: str
) -> None:
    if start and end and end < start:
        errors[name] = [_("must not be before the start")]


def _money(
    errors: dict[str, list[str]], amount: Decimal | None, currency: str, *, required: bool
) -> str:
    currency = (currency or "").strip().upper()
    if amount is None:
        if required:
            errors["amount"] = [_("required")]
        if currency and not required:
            errors["amount"] = [_("required with a currency")]
        return currency
    if not amount.is_finite() or amount <= 0:
        errors["amount"] = [_("a positive amount")]
    elif amount >= AMOUNT_MAX or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["amount"] = [_("at most 16 digits and 2 decimals")]
    if not currency:
        errors["currency"] = [_("required with an amount")]
    elif currency not in selectors.currency_codes():
        errors["currency"] = [_("not an ISO 4217 currency code: %(code)s") % {"code": currency}]
    return currency


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


def _resolve(fields: PartnershipFields, resolver: Resolver | None = None) -> _Resolved:
    resolver = resolver or Resolver()
    errors: dict[str, list[str]] = {}
    _text(errors, "name", fields.name, required=True)
    _text(errors, "purpose", fields.purpose, required=True)
    _url(errors, "website", fields.website)
    if fields.status not in dict(Partnership.STATUSES):
        errors["status"] = [_("unknown: %(codes)s") % {"codes": fields.status}]
    _period(errors, fields.start_date, fields.end_date, "end_date")
    language = None
    try:
        language = resolver.one("languages", fields.language)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    related: dict[str, list[Any]] = {}
    for name in TAG_FIELDS:
        try:
            related[name] = resolver.many(name, getattr(fields, name))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _raise(errors)
    return _Resolved(fields=fields, language=language, related=related)


def _apply(p: Partnership, resolved: _Resolved) -> None:
    f = resolved.fields
    p.name = f.name.strip()
    p.purpose = f.purpose.strip()
    p.language = resolved.language
    p.status = f.status
    p.start_date, p.end_date = f.start_date, f.end_date
    p.website = f.website.strip()


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(r.strip() for r in roles if r and r.strip()))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown role."),
            fields={"roles": [_("unknown: %(codes)s") % {"codes": ", ".join(unknown)}]},
        )
    if not roles:
        raise ValidationFailed(
            _("Choose at least one role."), fields={"roles": [_("choose at least one role")]}
        )
    return roles


def _require_verified_lead(organisation: Any) -> None:
    if not organisation.is_verified:
        raise PermissionDenied(
            _(
                "%(name)s is not verified yet: only verified organisations lead partnerships and "
                "make pledges. A platform administrator verifies organisations."
            )
            % {"name": organisation.display_name},
            code=Code.LEAD_NOT_VERIFIED,
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _lock(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _open(partnership: Partnership) -> None:
    if partnership.status == Partnership.CANCELLED:
        raise Conflict(
            _("This partnership was cancelled; it no longer changes."),
            code=Code.PARTNERSHIP_CLOSED,
        )


# --- keeping the stored figures in step ------------------------------------------------------------


def _refresh(partnership: Partnership, *, today: dt.date | None = None) -> Partnership:
    """Recompute the partnership's scorecard and light from its data, store them, re-index it
    and retire the cached pages that show partnerships."""
    fresh = selectors.partnership_get(partnership.slug)
    assert fresh is not None
    card = selectors.partnership_scorecard(fresh)
    fresh.last_reported_on = selectors.last_report_on(fresh)
    light = selectors.partnership_light(fresh, today)
    Partnership.objects.filter(pk=fresh.pk).update(
        score=card.overall,
        score_breadth=card.breadth.score,
        score_focus=card.focus.score,
        score_resources=card.resources.score,
        light=light.colour,
        last_reported_on=fresh.last_reported_on,
    )
    fresh.score, fresh.light = card.overall, light.colour
    partnership_reindex(fresh)
    for pledge in fresh.pledges.all():
        _refresh_pledge(pledge, today=today)
    page_cache.changed(DOMAIN)
    return fresh


def _refresh_pledge(pledge: Pledge, *, today: dt.date | None = None) -> None:
    fresh = Pledge.objects.select_related("partnership").get(pk=pledge.pk)
    fresh.last_reported_on = selectors.pledge_last_report_on(fresh)
    light = selectors.pledge_light(fresh, today)
    Pledge.objects.filter(pk=fresh.pk).update(
        light=light.colour, last_reported_on=fresh.last_reported_on
    )
    pledge_reindex(fresh)
    page_cache.changed(DOMAIN)


# --- partnerships ----------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    actor: Any,
    lead: Any,
    fields: PartnershipFields,
    roles: Sequence[str] = (Role.ACCOUNTABLE,),
    slug: str = "",
    provenance: Sequence[dict[str, Any]] = (),
    as_of: dt.date | None = None,
    iati_identifier: str = "",
) -> Partnership:
    """Register a partnership led by `lead`, a verified organisation; its admins (or a platform
    admin, or the platform itself loading curated records) may. The lead is its first member,
    with `roles`; the other organisations join by invitation."""
    if actor is not None:
        permissions.require_lead_admin(actor, lead)
    _require_verified_lead(lead)
    roles = _check_roles(roles)
    resolved = _resolve(fields)
    p = Partnership(
        lead=lead,
        created_by=_user(actor),
        provenance=list(provenance),
        as_of=as_of,
        iati_identifier=iati_identifier,
    )
    _apply(p, resolved)
    audit.by(p, actor)
    save_with_unique_slug(p, slug or p.name, fallback="partnership")
    for name, rows in resolved.related.items():
        getattr(p, name).set(rows)
    member = Member(
        partnership=p,
        organisation=lead,
        roles=roles,
        is_lead=True,
        status=Member.ACTIVE,
        source=Member.CONSENT if actor is not None else Member.RECORD,
        invited_by=_user(actor),
        responded_by=_user(actor),
        responded_at=timezone.now(),
    )
    audit.by(member, actor)
    member.save()
    audit.record(actor=actor, action="partnership.create", target=p)
    return _refresh(p)


@transaction.atomic
def partnership_update(
    *, actor: Any, partnership: Partnership, fields: PartnershipFields
) -> Partnership:
    """Change what the partnership says about itself; its admins may."""
    permissions.require_partnership_admin(actor, partnership)
    p = _lock(partnership)
    _open(p)  # cancelled is final: nothing, not even its status, changes any more
    resolved = _resolve(fields)
    before = p.status
    _apply(p, resolved)
    audit.by(p, actor)
    p.save()
    for name, rows in resolved.related.items():
        getattr(p, name).set(rows)
    status_change: dict[str, Any] = {"status": [before, p.status]} if before != p.status else {}
    audit.record(
        actor=actor,
        action="partnership.update",
        target=p,
        **status_change,
    )
    return _refresh(p)


@transaction.atomic
def translation_upsert(
    *, actor: Any, partnership: Partnership, language: str, name: str, purpose: str = ""
) -> PartnershipTranslation:
    """The partnership's name and purpose in another language; its admins write them."""
    permissions.require_partnership_admin(actor, partnership)
    p = _lock(partnership)
    lang = resolve_one("languages", language)
    if lang.code == p.language_id:
        raise ValidationFailed(
            _("This is the partnership's original language."),
            fields={"language": [_("original language")]},
        )
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, required=True)
    purpose = _text(errors, "purpose", purpose)
    _raise(errors)
    translation = PartnershipTranslation.objects.filter(
        partnership=p, language=lang
    ).first() or PartnershipTranslation(partnership=p, language=lang)
    translation.name, translation.purpose = name, purpose
    audit.by(translation, actor)
    translation.save()
    audit.record(actor=actor, action="partnership.translate", target=p, language=lang.code)
    _refresh(p)
    return translation


# --- members: by invitation and consent ----------------------------------------------------------


def _site_link(view: str, **kwargs: Any) -> str:
    return reverse(view, kwargs=kwargs)


@transaction.atomic
def member_invite(
    *,
    actor: Any,
    partnership: Partnership,
    organisation: Any,
    roles: Sequence[str],
    message: str = "",
) -> Member:
    """The partnership's admins invite an organisation with proposed `roles`; its own admins
    are e-mailed and decide (`member_accept`, `member_decline`). Until then it is not a member."""
    permissions.require_partnership_admin(actor, partnership)
    p = _lock(partnership)
    _open(p)
    _require_verified_lead(p.lead)
    roles = _check_roles(roles)
    member = Member.objects.filter(partnership=p, organisation=organisation).first()
    if member is not None and member.status in (Member.ACTIVE, Member.INVITED):
        raise Conflict(
            _("%(name)s is already a member or invited.") % {"name": organisation.display_name},
            code=Code.ALREADY_MEMBER,
        )
    member = member or Member(partnership=p, organisation=organisation)
    member.roles, member.status, member.source = roles, Member.INVITED, Member.CONSENT
    member.message = message.strip()
    member.invited_by, member.responded_by, member.responded_at = _user(actor), None, None
    audit.by(member, actor)
    member.save()
    audit.record(
        actor=actor,
        action="member.invite",
        target=p,
        organisation=organisation.slug,
        roles=roles,
    )
    link = _site_link("partnerships:invitations")
    notify_on_commit(
        lambda: (
            _("[MigrationHub] %(lead)s invites %(name)s to a partnership")
            % {"lead": p.lead.name, "name": organisation.name}
        ),
        lambda: (
            _(
                "%(lead)s invites %(name)s to join the partnership “%(partnership)s” on "
                "MigrationHub, as %(roles)s.\n\n%(message)s\n\nAs an administrator of %(name)s, "
                "accept or decline on your invitations page: %(link)s"
            )
            % {
                "lead": p.lead.name,
                "name": organisation.name,
                "partnership": p.name,
                "roles": ", ".join(member.role_labels()),
                "message": member.message,
                "link": link,
            }
        ),
        selectors.admin_emails_of(organisation),
    )
    page_cache.changed(DOMAIN)  # the partnership's public history shows the invitation
    return member


def _answer(actor: Any, member: Member) -> Member:
    locked = (
        Member.objects.select_for_update()
        .select_related("organisation", "partnership")
        .get(pk=member.pk)
    )
    permissions.require_own_admin(actor, locked.organisation)
    if locked.status != Member.INVITED:
        raise Conflict(_("This invitation is not open."), code=Code.NOT_INVITED)
    return locked


@transaction.atomic
def member_accept(*, actor: Any, member: Member, roles: Sequence[str] | None = None) -> Member:
    """An admin of the invited organisation accepts (with the proposed roles, or others it
    chooses): the organisation becomes an active member."""
    locked = _answer(actor, member)
    _open(locked.partnership)
    if roles is not None:
        locked.roles = _check_roles(roles)
    locked.status, locked.responded_by, locked.responded_at = (
        Member.ACTIVE,
        _user(actor),
        timezone.now(),
    )
    audit.by(locked, actor)
    locked.save()
    p = locked.partnership
    audit.record(
        actor=actor,
        action="member.accept",
        target=p,
        organisation=locked.organisation.slug,
        roles=locked.roles,
    )
    notify_on_commit(
        lambda: (
            _("[MigrationHub] %(name)s joined “%(partnership)s”")
            % {"name": locked.organisation.name, "partnership": p.name}
        ),
        lambda: (
            _("%(name)s accepted your invitation and is now a member of “%(partnership)s”.")
            % {"name": locked.organisation.name, "partnership": p.name}
        ),
        selectors.admin_emails_of(p.lead),
    )
    _refresh(p)
    return locked


@transaction.atomic
def member_decline(*, actor: Any, member: Member) -> Member:
    locked = _answer(actor, member)
    locked.status, locked.responded_by, locked.responded_at = (
        Member.DECLINED,
        _user(actor),
        timezone.now(),
    )
    audit.by(locked, actor)
    locked.save()
    audit.record(
        actor=actor,
        action="member.decline",
        target=locked.partnership,
        organisation=locked.organisation.slug,
    )
    page_cache.changed(DOMAIN)  # the partnership's public history shows the answer
    return locked


@transaction.atomic
def member_roles_set(*, actor: Any, member: Member, roles: Sequence[str]) -> Member:
    """An organisation's roles in a partnership are its own to set: its admins change them."""
    locked = (
        Member.objects.select_for_update()
        .select_related("organisation", "partnership")
        .get(pk=member.pk)
    )
    permissions.require_own_admin(actor, locked.organisation)
    if locked.status != Member.ACTIVE:
        raise Conflict(_("Only members have roles."), code=Code.NOT_A_MEMBER)
    locked.roles = _check_roles(roles)
    audit.by(locked, actor)
    locked.save()
    audit.record(
        actor=actor,
        action="member.roles",
        target=locked.partnership,
        organisation=locked.organisation.slug,
        roles=locked.roles,
    )
    _refresh(locked.partnership)
    return locked


@transaction.atomic
def member_leave(*, actor: Any, member: Member, reason: str = "") -> Member:
    """An organisation leaves (its own admins), or the partnership's admins end its membership.
    The lead cannot leave: it is the partnership's accountable party."""
    locked = (
        Member.objects.select_for_update()
        .select_related("organisation", "partnership")
        .get(pk=member.pk)
    )
    own = permissions.is_own_admin(actor, locked.organisation)
    if not own:
        permissions.require_partnership_admin(actor, locked.partnership)
    if locked.is_lead:
        raise Conflict(_("The lead organisation cannot leave."), code=Code.LEAD_CANNOT_LEAVE)
    if locked.status not in (Member.ACTIVE, Member.INVITED):
        raise Conflict(_("This organisation is not a member."), code=Code.NOT_A_MEMBER)
    locked.status = Member.LEFT
    audit.by(locked, actor)
    locked.save()
    audit.record(
        actor=actor,
        action="member.leave" if own else "member.remove",
        target=locked.partnership,
        reason=reason.strip(),
        organisation=locked.organisation.slug,
    )
    _refresh(locked.partnership)
    return locked


@transaction.atomic
def member_record(
    *, actor: Any, partnership: Partnership, organisation: Any, roles: Sequence[str]
) -> Member:
    """The platform itself (curated records: the demo, an operator's import) records a member
    that a published source names; shown as such ("as published by the source"). People invite."""
    if actor is not None:
        raise PermissionDenied(_("Organisations join by invitation."))
    roles = _check_roles(roles)
    member, _created = Member.objects.update_or_create(
        partnership=partnership,
        organisation=organisation,
        defaults={"roles": roles, "status": Member.ACTIVE, "source": Member.RECORD},
    )
    audit.record(
        actor=None,
        action="member.record",
        target=partnership,
        organisation=organisation.slug,
        roles=roles,
    )
    _refresh(partnership)
    return member


# --- goals, resources, outputs ---------------------------------------------------------------------


def _goal_values(
    fields: GoalFields, resolver: Resolver | None = None
) -> tuple[dict[str, Any], list[Any], list[Any]]:
    resolver = resolver or Resolver()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "indicator": _text(errors, "indicator", fields.indicator, required=True),
        "unit": _text(errors, "unit", fields.unit),
        "baseline": fields.baseline,
        "target": fields.target,
        "due_date": fields.due_date,
    }
    if len(values["unit"]) > 60:
        errors["unit"] = [_("at most 60 characters")]
    for name in ("baseline", "target"):
        number = values[name]
        if number is not None and (not number.is_finite() or abs(number) >= AMOUNT_MAX):
            errors[name] = [_("a number of at most 16 digits")]
    objectives: list[Any] = []
    targets: list[Any] = []
    try:
        objectives = resolver.many("objectives", fields.objectives)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        targets = resolver.many("sdg_targets", fields.sdg_targets)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    _raise(errors)
    return values, objectives, targets


@transaction.atomic
def goal_add(*, actor: Any, partnership: Partnership, fields: GoalFields) -> Goal:
    """A goal of the partnership; its admins set goals (the platform itself records those a
    published source states)."""
    if actor is not None:
        permissions.require_partnership_admin(actor, partnership)
    p = _lock(partnership)
    _open(p)
    values, objectives, targets = _goal_values(fields)
    goal = Goal(partnership=p, **values)
    audit.by(goal, actor)
    goal.save()
    goal.objectives.set(objectives)
    goal.sdg_targets.set(targets)
    audit.record(actor=actor, action="goal.add", target=p, goal=goal.pk)
    _refresh(p)
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, fields: GoalFields) -> Goal:
    permissions.require_partnership_admin(actor, goal.partnership)
    p = _lock(goal.partnership)
    _open(p)
    values, objectives, targets = _goal_values(fields)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    for name, value in values.items():
        setattr(goal, name, value)
    audit.by(goal, actor)
    goal.save()
    goal.objectives.set(objectives)
    goal.sdg_targets.set(targets)
    audit.record(actor=actor, action="goal.update", target=p, goal=goal.pk)
    _refresh(p)
    return goal


@transaction.atomic
def goal_remove(*, actor: Any, goal: Goal) -> None:
    permissions.require_partnership_admin(actor, goal.partnership)
    p = _lock(goal.partnership)
    audit.record(
        actor=actor, action="goal.remove", target=p, goal=goal.pk, indicator=goal.indicator
    )
    Goal.objects.filter(pk=goal.pk).delete()
    _refresh(p)


def _commitment_values(fields: CommitmentFields) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if fields.kind not in dict(Commitment.KINDS):
        errors["kind"] = [_("unknown: %(codes)s") % {"codes": fields.kind}]
    description = _text(errors, "description", fields.description)
    if fields.kind == Commitment.EXPERTISE and fields.amount is not None:
        errors["amount"] = [_("expertise has no amount: describe it")]
    currency = _money(
        errors, fields.amount, fields.currency, required=fields.kind == Commitment.FINANCIAL
    )
    if fields.kind != Commitment.FINANCIAL and not description:
        errors["description"] = [_("say what is committed")]
    _period(errors, fields.period_start, fields.period_end, "period_end")
    _raise(errors)
    return {
        "kind": fields.kind,
        "description": description,
        "amount": fields.amount,
        "currency": currency if fields.amount is not None else "",
        "period_start": fields.period_start,
        "period_end": fields.period_end,
    }


def _active_member(partnership: Partnership, organisation: Any) -> Member:
    member = Member.objects.filter(
        partnership=partnership, organisation=organisation, status=Member.ACTIVE
    ).first()
    if member is None:
        raise Conflict(
            _("%(name)s is not a member of this partnership.")
            % {"name": organisation.display_name},
            code=Code.NOT_A_MEMBER,
        )
    return member


@transaction.atomic
def commitment_add(
    *, actor: Any, partnership: Partnership, organisation: Any, fields: CommitmentFields
) -> Commitment:
    """A member commits a resource. Only its own admins commit in its name (the platform itself
    may record what a published source states)."""
    if actor is not None:
        permissions.require_own_admin(actor, organisation)
    p = _lock(partnership)
    _open(p)
    _active_member(p, organisation)
    commitment = Commitment(
        partnership=p,
        organisation=organisation,
        created_by=_user(actor),
        **_commitment_values(fields),
    )
    audit.by(commitment, actor)
    commitment.save()
    audit.record(
        actor=actor,
        action="commitment.add",
        target=p,
        organisation=organisation.slug,
        kind=commitment.kind,
        amount=str(commitment.amount) if commitment.amount is not None else None,
        currency=commitment.currency,
    )
    _refresh(p)
    return commitment


@transaction.atomic
def commitment_remove(*, actor: Any, commitment: Commitment) -> None:
    """The committing organisation's admins withdraw a commitment."""
    permissions.require_own_admin(actor, commitment.organisation)
    p = _lock(commitment.partnership)
    audit.record(
        actor=actor,
        action="commitment.remove",
        target=p,
        organisation=commitment.organisation.slug,
        kind=commitment.kind,
    )
    Commitment.objects.filter(pk=commitment.pk).delete()
    _refresh(p)


@transaction.atomic
def output_add(*, actor: Any, partnership: Partnership, practice_slug: str) -> Output:
    """Link a published practice of the knowledge platform as an output; the partnership's
    admins may."""
    if actor is not None:
        permissions.require_partnership_admin(actor, partnership)
    p = _lock(partnership)
    practice = knowledge_selectors.practice_get(practice_slug.strip())
    if practice is None:
        raise ValidationFailed(
            _("No such practice."),
            fields={"practice": [_("unknown: %(codes)s") % {"codes": practice_slug}]},
        )
    if practice.status != "published":
        raise Conflict(
            _("Only published practices are outputs: they are what the platform shares."),
            fields={"practice": [_("not published")]},
            code=Code.PRACTICE_NOT_PUBLISHED,
        )
    if Output.objects.filter(partnership=p, practice=practice).exists():
        raise Conflict(_("This practice is already an output."), code=Code.ALREADY_LINKED)
    output = Output.objects.create(partnership=p, practice=practice, added_by=_user(actor))
    audit.record(actor=actor, action="output.add", target=p, practice=practice.slug)
    _refresh(p)
    return output


@transaction.atomic
def output_remove(*, actor: Any, output: Output) -> None:
    permissions.require_partnership_admin(actor, output.partnership)
    p = _lock(output.partnership)
    audit.record(actor=actor, action="output.remove", target=p, practice=output.practice.slug)
    Output.objects.filter(pk=output.pk).delete()
    _refresh(p)


# --- progress ------------------------------------------------------------------------------


def _progress_values(
    fields: ProgressFields, *, value_required: bool, today: dt.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if fields.reported_on > today:
        errors["reported_on"] = [_("not in the future")]
    elif fields.reported_on.year < 1900:
        errors["reported_on"] = [_("after 1900")]
    if value_required and fields.value is None:
        errors["value"] = [_("the indicator's value on that date")]
    if fields.value is not None and (
        not fields.value.is_finite() or abs(fields.value) >= AMOUNT_MAX
    ):
        errors["value"] = [_("a number of at most 16 digits")]
    narrative = _text(errors, "narrative", fields.narrative)
    evidence = _url(errors, "evidence_url", fields.evidence_url)
    if len(evidence) > 500:
        errors["evidence_url"] = [_("at most 500 characters")]
    _raise(errors)
    return {
        "reported_on": fields.reported_on,
        "value": fields.value,
        "narrative": narrative,
        "evidence_url": evidence,
    }


@transaction.atomic
def progress_report(
    *, actor: Any, goal: Goal, organisation: Any, fields: ProgressFields
) -> ProgressReport:
    """A member reports the value of a goal's indicator on a date, in the name of its
    organisation (an active member it belongs to). The partnership's light turns green."""
    partnership = selectors.partnership_get(goal.partnership.slug)
    assert partnership is not None
    if actor is not None:
        permissions.require_reporter(actor, partnership, organisation)
    p = _lock(partnership)
    _open(p)
    report = ProgressReport(
        partnership=p,
        goal=goal,
        organisation=organisation,
        created_by=_user(actor),
        **_progress_values(fields, value_required=True),
    )
    audit.by(report, actor)
    report.save()
    audit.record(
        actor=actor,
        action="progress.report",
        target=p,
        goal=goal.pk,
        organisation=organisation.slug,
        value=str(report.value),
        reported_on=report.reported_on.isoformat(),
    )
    _refresh(p)
    return report


# --- the daily refresh and reminders --------------------------------------------------------------


@transaction.atomic
def partnerships_refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """Recompute every stored scorecard and light (days pass; organisations are verified or
    renamed) and re-index those that changed. Returns how many changed."""
    today = today or timezone.localdate()
    cards = selectors.scorecards_all()
    changed_partnerships = 0
    for p in selectors.partnerships_to_refresh().iterator(chunk_size=2000):
        card = cards.get(p.pk)
        light = selectors.partnership_light(p, today).colour
        values: dict[str, Any] = {"light": light}
        if card is not None:
            values |= {
                "score": card.overall,
                "score_breadth": card.breadth.score,
                "score_focus": card.focus.score,
                "score_resources": card.resources.score,
            }
        if any(getattr(p, k) != v for k, v in values.items()):
            Partnership.objects.filter(pk=p.pk).update(**values)
            for k, v in values.items():
                setattr(p, k, v)
            partnership_reindex(p)
            changed_partnerships += 1
    changed_pledges = 0
    for pledge in selectors.pledges_to_refresh().iterator(chunk_size=2000):
        light = selectors.pledge_light(pledge, today).colour
        if light != pledge.light:
            Pledge.objects.filter(pk=pledge.pk).update(light=light)
            pledge.light = light
            pledge_reindex(pledge)
            changed_pledges += 1
    if changed_partnerships or changed_pledges:
        page_cache.changed(DOMAIN)
    return {"partnerships": changed_partnerships, "pledges": changed_pledges}


@transaction.atomic
def partnerships_remind(*, today: dt.date | None = None) -> int:
    """E-mail the admins of every open partnership whose report is overdue (amber) or which is
    inactive (red), at most once every 30 days, through the task queue. Returns how many."""
    now = timezone.now()
    count = 0
    for p in selectors.partnerships_needing_reminder(reminded_before=now - REMIND_EVERY):
        light = selectors.partnership_light(p, today)
        if light.colour not in (lights.AMBER, lights.RED):
            continue
        Partnership.objects.filter(pk=p.pk).update(reminded_at=now)
        audit.record(actor=None, action="partnership.remind", target=p, light=light.colour)
        _remind(p, light)
        count += 1
    if count:
        page_cache.changed(DOMAIN)  # the partnerships' public histories show the reminders
    return count


def _remind(p: Partnership, light: lights.Light) -> None:
    reference = light.reference.isoformat() if light.reference else "—"
    inactive_on = light.inactive_on.isoformat() if light.inactive_on else "—"
    if light.colour == lights.RED:
        body = lambda: (  # noqa: E731
            _(
                "“%(name)s” has not reported progress since %(date)s. It is now flagged inactive "
                "in the registry, the API and the open data. Report progress on one of its goals "
                "to make it active again, or mark it completed or cancelled."
            )
            % {"name": p.name, "date": reference}
        )
    else:
        body = lambda: (  # noqa: E731
            _(
                "“%(name)s” has not reported progress since %(date)s: a report is overdue. "
                "Report progress on one of its goals; without a report it will be flagged "
                "inactive on %(inactive)s."
            )
            % {"name": p.name, "date": reference, "inactive": inactive_on}
        )
    notify_on_commit(
        lambda: _("[MigrationHub] Progress report due: %(name)s") % {"name": p.name},
        body,
        selectors.admin_emails_of(p.lead),
    )


# --- pledges ---------------------------------------------------------------------------------


def _pledge_values(
    fields: PledgeFields, resolver: Resolver | None = None
) -> tuple[dict[str, Any], list[Any]]:
    resolver = resolver or Resolver()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "title": _text(errors, "title", fields.title, required=True),
        "narrative": _text(errors, "narrative", fields.narrative, required=True),
        "kind": fields.kind,
        "due_date": fields.due_date,
        "pledged_on": fields.pledged_on or timezone.localdate(),
    }
    if fields.kind not in dict(Pledge.KINDS):
        errors["kind"] = [_("unknown: %(codes)s") % {"codes": fields.kind}]
    values["currency"] = (
        _money(errors, fields.amount, fields.currency, required=False)
        if fields.amount is not None or fields.currency
        else ""
    )
    values["amount"] = fields.amount
    if fields.amount is not None and fields.kind != Pledge.FINANCIAL:
        errors["amount"] = [_("an amount is for financial pledges")]
    _period(errors, values["pledged_on"], fields.due_date, "due_date")
    objectives: list[Any] = []
    try:
        objectives = resolver.many("objectives", fields.objectives)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    values["partnership"] = None
    if fields.partnership:
        values["partnership"] = Partnership.objects.filter(slug=fields.partnership).first()
        if values["partnership"] is None:
            errors["partnership"] = [_("unknown: %(codes)s") % {"codes": fields.partnership}]
    values["matches"] = None
    if fields.matches:
        values["matches"] = Pledge.objects.filter(slug=fields.matches).first()
        if values["matches"] is None:
            errors["matches"] = [_("unknown: %(codes)s") % {"codes": fields.matches}]
    _raise(errors)
    return values, objectives


def _check_delivery(partnership: Partnership | None, lead: Any) -> None:
    """A pledge is delivered by a partnership its lead organisation belongs to."""
    if (
        partnership is not None
        and not Member.objects.filter(
            partnership=partnership, organisation=lead, status=Member.ACTIVE
        ).exists()
    ):
        raise ValidationFailed(
            _("A pledge is delivered by a partnership its organisation is a member of."),
            fields={"partnership": [_("not a member of this partnership")]},
        )


@transaction.atomic
def pledge_create(
    *,
    actor: Any,
    lead: Any,
    fields: PledgeFields,
    co_pledgers: Sequence[Any] = (),
    slug: str = "",
    provenance: Sequence[dict[str, Any]] = (),
    as_of: dt.date | None = None,
) -> Pledge:
    """A pledge by `lead` (a verified organisation; its admins make it). `co_pledgers` are
    invited and join only when their own admins accept: the pledge is joint from then on."""
    if actor is not None:
        permissions.require_lead_admin(actor, lead)
    _require_verified_lead(lead)
    values, objectives = _pledge_values(fields)
    _check_delivery(values["partnership"], lead)
    pledge = Pledge(lead=lead, created_by=_user(actor), provenance=list(provenance), as_of=as_of)
    for name, value in values.items():
        setattr(pledge, name, value)
    audit.by(pledge, actor)
    save_with_unique_slug(pledge, slug or pledge.title, fallback="pledge")
    pledge.objectives.set(objectives)
    Pledger.objects.create(
        pledge=pledge,
        organisation=lead,
        status=Pledger.ACTIVE,
        invited_by=_user(actor),
        responded_by=_user(actor),
        responded_at=timezone.now(),
    )
    audit.record(actor=actor, action="pledge.create", target=pledge)
    for organisation in co_pledgers:
        _pledger_invite(actor, pledge, organisation, record=actor is None)
    _refresh_pledge(pledge)
    return pledge


def _pledger_invite(actor: Any, pledge: Pledge, organisation: Any, *, record: bool) -> Pledger:
    existing = Pledger.objects.filter(pledge=pledge, organisation=organisation).first()
    if existing is not None and existing.status != Pledger.DECLINED:
        raise Conflict(
            _("%(name)s is already pledging or invited.") % {"name": organisation.display_name},
            code=Code.ALREADY_MEMBER,
        )
    pledger = existing or Pledger(pledge=pledge, organisation=organisation)
    # The platform itself records co-pledgers that a published source names (the demo).
    pledger.status = Pledger.ACTIVE if record else Pledger.INVITED
    pledger.invited_by = _user(actor)
    audit.by(pledger, actor)
    pledger.save()
    audit.record(actor=actor, action="pledge.invite", target=pledge, organisation=organisation.slug)
    if not record:
        link = _site_link("partnerships:invitations")
        notify_on_commit(
            lambda: (
                _("[MigrationHub] %(lead)s asks %(name)s to join a pledge")
                % {"lead": pledge.lead.name, "name": organisation.name}
            ),
            lambda: (
                _(
                    "%(lead)s asks %(name)s to make the pledge “%(pledge)s” jointly with it. As "
                    "an administrator of %(name)s, accept or decline: %(link)s"
                )
                % {
                    "lead": pledge.lead.name,
                    "name": organisation.name,
                    "pledge": pledge.title,
                    "link": link,
                }
            ),
            selectors.admin_emails_of(organisation),
        )
    return pledger


@transaction.atomic
def pledger_invite(*, actor: Any, pledge: Pledge, organisation: Any) -> Pledger:
    permissions.require_pledge_admin(actor, pledge)
    if pledge.is_closed:
        raise Conflict(_("This pledge is closed."), code=Code.PLEDGE_CLOSED)
    pledger = _pledger_invite(actor, pledge, organisation, record=False)
    _refresh_pledge(pledge)
    return pledger


def _pledger_answer(actor: Any, pledger: Pledger, status: str) -> Pledger:
    locked = (
        Pledger.objects.select_for_update()
        .select_related("organisation", "pledge")
        .get(pk=pledger.pk)
    )
    permissions.require_own_admin(actor, locked.organisation)
    if locked.status != Pledger.INVITED:
        raise Conflict(_("This invitation is not open."), code=Code.NOT_INVITED)
    if status == Pledger.ACTIVE and locked.pledge.is_closed:
        raise Conflict(_("This pledge is closed."), code=Code.PLEDGE_CLOSED)
    locked.status, locked.responded_by, locked.responded_at = status, _user(actor), timezone.now()
    audit.by(locked, actor)
    locked.save()
    audit.record(
        actor=actor,
        action="pledge.accept" if status == Pledger.ACTIVE else "pledge.decline",
        target=locked.pledge,
        organisation=locked.organisation.slug,
    )
    _refresh_pledge(locked.pledge)
    return locked


@transaction.atomic
def pledger_accept(*, actor: Any, pledger: Pledger) -> Pledger:
    """An admin of the invited organisation co-signs the pledge: it becomes joint."""
    return _pledger_answer(actor, pledger, Pledger.ACTIVE)


@transaction.atomic
def pledger_decline(*, actor: Any, pledger: Pledger) -> Pledger:
    return _pledger_answer(actor, pledger, Pledger.DECLINED)


@transaction.atomic
def pledge_update(*, actor: Any, pledge: Pledge, fields: PledgeFields) -> Pledge:
    permissions.require_pledge_admin(actor, pledge)
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.is_closed:
        raise Conflict(_("This pledge is closed."), code=Code.PLEDGE_CLOSED)
    values, objectives = _pledge_values(fields)
    _check_delivery(values["partnership"], locked.lead)
    matched = values["matches"]
    while matched is not None:  # no pledge matches itself, directly or through others
        if matched.pk == locked.pk:
            raise ValidationFailed(
                _("A pledge cannot match itself."),
                fields={"matches": [_("matches itself")]},
                code=Code.MATCHING_ITSELF,
            )
        matched = matched.matches
    for name, value in values.items():
        setattr(locked, name, value)
    audit.by(locked, actor)
    locked.save()
    locked.objectives.set(objectives)
    audit.record(actor=actor, action="pledge.update", target=locked)
    _refresh_pledge(locked)
    return locked


@transaction.atomic
def pledge_status_set(*, actor: Any, pledge: Pledge, status: str, reason: str = "") -> Pledge:
    """Mark a pledge fulfilled or withdrawn (or open again); its lead's admins may (the platform
    itself records the status a published source states: the demo)."""
    if actor is not None:
        permissions.require_pledge_admin(actor, pledge)
    if status not in dict(Pledge.STATUSES):
        raise ValidationFailed(
            _("Unknown status."), fields={"status": [_("unknown: %(codes)s") % {"codes": status}]}
        )
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    before, locked.status = locked.status, status
    audit.by(locked, actor)
    locked.save()
    audit.record(
        actor=actor, action="pledge.status", target=locked, reason=reason, status=[before, status]
    )
    _refresh_pledge(locked)
    return locked


@transaction.atomic
def pledge_report(
    *, actor: Any, pledge: Pledge, organisation: Any, fields: ProgressFields
) -> ProgressReport:
    """A pledging organisation's people report what was done on the pledge."""
    active = {
        p.organisation_id for p in Pledger.objects.filter(pledge=pledge, status=Pledger.ACTIVE)
    }
    if organisation.pk not in active:
        raise Conflict(
            _("%(name)s does not make this pledge.") % {"name": organisation.display_name},
            code=Code.NOT_A_MEMBER,
        )
    if actor is not None and organisation.pk not in _member_org_ids(actor):
        raise PermissionDenied(_("Only people of a pledging organisation report on a pledge."))
    if pledge.is_closed:
        raise Conflict(_("This pledge is closed."), code=Code.PLEDGE_CLOSED)
    report = ProgressReport(
        pledge=pledge,
        organisation=organisation,
        created_by=_user(actor),
        **_progress_values(fields, value_required=False),
    )
    audit.by(report, actor)
    report.save()
    audit.record(
        actor=actor,
        action="pledge.report",
        target=pledge,
        organisation=organisation.slug,
        reported_on=report.reported_on.isoformat(),
    )
    _refresh_pledge(pledge)
    return report


def _member_org_ids(user: Any) -> set[int]:
    return {o.pk for o in org_selectors.organisations_of(user)}


def require_found(value: Any, message: str) -> Any:
    if value is None:
        raise NotFound(message)
    return value


def iati_publisher_ref() -> str:
    return str(settings.MIGRATIONHUB_IATI_PUBLISHER_REF)


# --- IATI import -----------------------------------------------------------------------------


@dataclass
class _Directory:
    """What an IATI import matches against, read once per import."""

    by_ref: dict[str, Any]
    by_name: dict[str, Any]
    iso2: dict[str, str]
    taken_identifiers: set[str]
    refs_of: dict[int, str]

    @classmethod
    def load(cls) -> _Directory:
        organisations = list(org_selectors.organisation_list(related=False))
        by_id = {o.pk: o for o in organisations}
        by_name: dict[str, Any] = {}
        for o in organisations:
            for name in [o.name, *(o.names or {}).values()]:
                if name:
                    by_name.setdefault(" ".join(name.split()).casefold(), o)
        refs = selectors.organisation_refs()
        return cls(
            by_ref={ref: by_id[pk] for pk, ref in refs.items() if pk in by_id},
            by_name=by_name,
            iso2=selectors.country_iso2_map(),
            taken_identifiers=selectors.iati_identifiers(),
            refs_of=refs,
        )

    def match(self, org: Any) -> Any:
        if org.ref and org.ref in self.by_ref:
            return self.by_ref[org.ref]
        return self.by_name.get(" ".join(org.name.split()).casefold()) if org.name else None


@dataclass
class _Imported:
    """One IATI activity, checked: what the write creates."""

    identifier: str
    lead: Any
    fields: PartnershipFields
    resolved: _Resolved
    members: dict[int, tuple[Any, list[str]]]
    commitments: list[tuple[Any, dict[str, Any]]]
    goals: list[tuple[dict[str, Any], list[Any], list[Any], list[dict[str, Any]]]]
    new_refs: dict[str, Any]
    as_of: dt.date | None
    translations: dict[str, tuple[str, str]]


def _iati_check(
    activity: Any, directory: _Directory, resolver: Resolver, seen: set[str]
) -> _Imported:
    """An IATI activity (`iati.ParsedActivity`) as a partnership to create, or ValidationFailed
    naming the activity and every element at fault."""
    errors: dict[str, list[str]] = {}

    def fault(where: str, message: str) -> None:
        errors.setdefault(where, []).append(message)

    for problem in activity.problems:
        fault(problem.where, problem.message)
    identifier = activity.identifier
    if identifier and (identifier in directory.taken_identifiers or identifier in seen):
        fault("iati-identifier", _("already registered: %(id)s") % {"id": identifier})
    seen.add(identifier)
    members: dict[int, tuple[Any, list[str]]] = {}
    new_refs: dict[str, Any] = {}
    lead = None
    for org in activity.participating:
        found = directory.match(org)
        where = f"participating-org (line {org.line})" if org.line else "participating-org"
        if found is None:
            fault(
                where,
                _(
                    "no organisation named “%(name)s”%(ref)s in the directory: register it "
                    "first (imports never create organisations)"
                )
                % {"name": org.name or "—", "ref": f" (ref {org.ref})" if org.ref else ""},
            )
            continue
        if org.ref and org.ref not in directory.by_ref and found.pk not in directory.refs_of:
            new_refs[org.ref] = found
        try:
            roles = _check_roles(org.roles)
        except ValidationFailed as exc:
            fault(where, exc.message)
            continue
        known = members.get(found.pk, (found, []))[1]
        members[found.pk] = (found, list(dict.fromkeys([*known, *roles])))
        if org.lead and lead is None:
            lead = found
    if lead is None:
        accountable = [o for o, roles in members.values() if Role.ACCOUNTABLE in roles]
        funding = [o for o, roles in members.values() if Role.FUNDING in roles]
        reporting = directory.match(activity.reporting_org) if activity.reporting_org else None
        if accountable:
            lead = accountable[0]
        elif reporting is not None:
            lead = reporting
        elif funding:
            lead = funding[0]
        elif members:
            lead = next(iter(members.values()))[0]
    if lead is None:
        fault("participating-org", _("no organisation of the directory leads it"))
    elif not lead.is_verified:
        fault(
            "participating-org",
            _("%(name)s, which would lead it, is not verified") % {"name": lead.display_name},
        )
    elif lead.pk not in members:
        members[lead.pk] = (lead, [Role.ACCOUNTABLE])
    countries = []
    for code in activity.countries:
        if code in directory.iso2:
            countries.append(directory.iso2[code])
        else:
            fault("recipient-country", _("unknown country code %(code)s") % {"code": code[:10]})
    fields = PartnershipFields(
        name=activity.title,
        purpose=activity.description,
        language=activity.language if activity.language in _languages(resolver) else "en",
        status=activity.status or Partnership.ACTIVE,
        start_date=activity.start,
        end_date=activity.end,
        objectives=activity.objectives,
        countries=countries,
        sdg_targets=activity.sdg_targets,
        website=activity.website,
    )
    resolved = None
    try:
        resolved = _resolve(fields, resolver)
    except ValidationFailed as exc:
        for name, messages in exc.fields.items():
            for message in messages:
                fault(_IATI_ELEMENTS.get(name, name), message)
    commitments: list[tuple[Any, dict[str, Any]]] = []
    funders = [o for o, roles in members.values() if Role.FUNDING in roles]
    values = activity.disbursements or activity.budgets
    for value in values:
        where = (
            f"{'planned-disbursement' if activity.disbursements else 'budget'} (line {value.line})"
        )
        provider = directory.match(value.provider) if value.provider else None
        committing = (
            provider
            if provider is not None and provider.pk in members
            else (funders[0] if funders else lead)
        )
        if value.amount == 0 or committing is None:
            continue  # a zero budget commits nothing
        try:
            commitment = _commitment_values(
                CommitmentFields(
                    kind=Commitment.FINANCIAL,
                    amount=value.amount,
                    currency=value.currency,
                    period_start=value.start,
                    period_end=value.end,
                )
            )
        except ValidationFailed as exc:
            fault(where, "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items()))
            continue
        commitments.append((committing, commitment))
    goals = []
    today = timezone.localdate()
    for indicator in activity.indicators:
        where = f"indicator (line {indicator.line})"
        try:
            goal, objectives, targets = _goal_values(
                GoalFields(
                    indicator=indicator.title,
                    unit=indicator.unit,
                    baseline=indicator.baseline,
                    target=indicator.target,
                    due_date=indicator.due,
                    objectives=indicator.objectives,
                    sdg_targets=indicator.sdg_targets,
                ),
                resolver,
            )
            reports = [
                _progress_values(
                    ProgressFields(reported_on=day, value=value, narrative=comment),
                    value_required=False,
                    today=today,
                )
                for day, value, comment in indicator.actuals
                if value is not None
            ]
        except ValidationFailed as exc:
            fault(where, "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items()))
            continue
        goals.append((goal, objectives, targets, reports))
    if errors:
        raise ValidationFailed(
            _("Activity %(id)s cannot be imported.")
            % {"id": identifier or _("#%(n)d (no identifier)") % {"n": activity.position}},
            fields=errors,
        )
    assert resolved is not None
    return _Imported(
        identifier=identifier,
        lead=lead,
        fields=fields,
        resolved=resolved,
        members=members,
        commitments=commitments,
        goals=goals,
        new_refs=new_refs,
        as_of=activity.last_updated,
        translations={
            lang: texts
            for lang, texts in activity.translations.items()
            if lang in _languages(resolver) and lang != fields.language
        },
    )


_IATI_ELEMENTS = {
    "name": "title",
    "purpose": "description",
    "end_date": "activity-date",
    "website": "document-link",
    "countries": "recipient-country",
    "sdg_targets": "tag",
    "objectives": "tag",
    "status": "activity-status",
}


def _languages(resolver: Resolver) -> set[str]:
    return set(resolver._vocabulary("languages"))


def _iati_write(items: list[_Imported]) -> list[Partnership]:
    created = []
    for item in items:
        p = Partnership(
            lead=item.lead,
            provenance=[{"source": "IATI", "iati_identifier": item.identifier}],
            as_of=item.as_of,
            iati_identifier=item.identifier,
        )
        _apply(p, item.resolved)
        audit.by(p, None)
        save_with_unique_slug(p, p.name, fallback="partnership")
        for name, rows in item.resolved.related.items():
            getattr(p, name).set(rows)
        Member.objects.bulk_create(
            [
                Member(
                    partnership=p,
                    organisation=org,
                    roles=roles,
                    is_lead=org.pk == item.lead.pk,
                    status=Member.ACTIVE,
                    source=Member.RECORD,
                )
                for org, roles in item.members.values()
            ]
        )
        Commitment.objects.bulk_create(
            [
                Commitment(partnership=p, organisation=org, **values)
                for org, values in item.commitments
            ]
        )
        for values, objectives, targets, reports in item.goals:
            goal = Goal.objects.create(partnership=p, **values)
            goal.objectives.set(objectives)
            goal.sdg_targets.set(targets)
            ProgressReport.objects.bulk_create(
                [
                    ProgressReport(partnership=p, goal=goal, organisation=item.lead, **report)
                    for report in reports
                ]
            )
        for language, (name, purpose) in item.translations.items():
            if name:
                PartnershipTranslation.objects.create(
                    partnership=p,
                    language=resolve_one("languages", language),
                    name=name[:NAME_MAX],
                    purpose=purpose,
                )
        for ref, org in item.new_refs.items():
            if not OrganisationRef.objects.filter(ref=ref).exists():
                OrganisationRef.objects.get_or_create(organisation=org, defaults={"ref": ref})
        audit.record(actor=None, action="partnership.import_iati", target=p, iati=item.identifier)
        created.append(_refresh(p))
    return created


def partnerships_import_iati(*, actor: Any, activities: Iterable[Any]) -> list[Partnership]:
    """Create a partnership from each IATI activity (`iati.parse`), all or none
    (`core.imports.ImportFailed` names every bad activity, its identifier and the elements at
    fault). Organisations are matched by IATI `ref` or by name, never created; members are
    recorded as the file publishes them. Platform administrators or the platform itself (an
    operator's command) import."""
    from migrationhub.accounts.permissions import is_platform_admin
    from migrationhub.core.imports import run_import

    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Only platform administrators import IATI files."))
    directory = _Directory.load()
    resolver = Resolver()
    seen: set[str] = set()
    return run_import(
        activities,
        validate=lambda a: _iati_check(a, directory, resolver, seen),
        write=_iati_write,
    )


def partnerships_import_iati_file(
    *, actor: Any, data: bytes, max_bytes: int = iati.MAX_BYTES
) -> list[Partnership]:
    """Read an IATI activity file safely (`iati.parse`: no network, no document type or entity,
    a size limit, no huge tree) and import its activities, all or none
    (`partnerships_import_iati`). A file that cannot be read at all is refused, saying why
    (`ValidationFailed`, code `iati_unreadable`); nothing is written."""
    from migrationhub.accounts.permissions import is_platform_admin

    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Only platform administrators import IATI files."))
    try:
        activities = iati.parse(data, max_bytes=max_bytes)
    except iati.Unreadable as exc:
        raise ValidationFailed(
            _("This IATI file cannot be read: %(reason)s") % {"reason": exc},
            fields={"file": [str(exc)]},
            code=Code.IATI_UNREADABLE,
        ) from exc
    return partnerships_import_iati(actor=actor, activities=activities)
