"""Connection hub writes: requests for support and their workflow (submit, screen, move on,
propose, accept), offers, and translations.

Every service takes the acting user, checks permissions first (`permissions`, `workflow`), locks
the request row (`select_for_update`, so two curators or a curator and the requester acting at
once are serialised and the loser gets a clear 409, never a 500), runs in one transaction,
records the transition (`Transition`: who, when, from, to, why), an audit event and history
(django-simple-history, with the actor), e-mails the requester's admins (and the curators on
submission) on commit, and retires the cached public pages (`page_cache.changed("hub")`).
Accepting a proposal creates the partnership through the partnerships app's services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.accounts import selectors as account_selectors
from migrationhub.core import audit, page_cache
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.imports import text_problem
from migrationhub.core.slugs import save_with_unique_slug
from migrationhub.core.tasks import notify_on_commit
from migrationhub.organisations import selectors as org_selectors
from migrationhub.partnerships import selectors as partnership_selectors
from migrationhub.partnerships import services as partnership_services
from migrationhub.taxonomy.selectors import principle_list, resolve_many, resolve_one

from . import permissions, selectors, workflow
from .errors import Code
from .indexing import offer_reindex
from .models import (
    STATUS_TITLES,
    Offer,
    OfferTranslation,
    Proposal,
    ProposalMember,
    SupportKind,
    SupportRequest,
    SupportRequestTranslation,
    Transition,
)

DOMAIN = "hub"
REQUESTER_TYPES = frozenset({"national-government", "local-authority"})
TITLE_MAX = 300
TEXT_MAX = 20_000
OUTCOMES_MAX = 20
AMOUNT_MAX = Decimal("1e16")
CONSORTIUM_SIZES = range(3, 9)


# --- typed inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RequestFields:
    """What a government says it needs: texts, dates, a budget range in one ISO 4217 currency,
    and codes of the reference vocabularies (ISO 3166 alpha-3 country, GCM objective numbers,
    level, stakeholder type and language codes, SupportKind codes)."""

    title: str
    need: str
    country: str
    objectives: Sequence[int | str]
    outcomes: Sequence[str] = ()
    language: str = "en"
    levels: Sequence[str] = ()
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str = ""
    support_kinds: Sequence[str] = ()
    partner_types: Sequence[str] = ()
    languages: Sequence[str] = ()
    private: bool = False


@dataclass(frozen=True, kw_only=True)
class OfferFields:
    """What an organisation offers: kinds (SupportKind codes), GCM objectives, UN M49 regions
    (none: anywhere), languages, capacity, and until when."""

    title: str
    description: str
    ends_on: dt.date
    kinds: Sequence[str]
    objectives: Sequence[int | str] = ()
    regions: Sequence[str] = ()
    languages: Sequence[str] = ()
    capacity: str = ""
    language: str = "en"


@dataclass(frozen=True, kw_only=True)
class PrincipleCheck:
    """A curator's finding on one of the ten guiding principles."""

    principle: str  # taxonomy Principle code
    met: bool
    note: str = ""


# --- checks ----------------------------------------------------------------------------------


def _text(
    errors: dict[str, list[str]],
    name: str,
    value: str,
    *,
    required: bool = False,
    limit: int = TEXT_MAX,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("required")]
    elif value:
        problem = text_problem(value)
        if problem:
            errors[name] = [problem]
        elif len(value) > limit:
            errors[name] = [_("at most %(n)s characters") % {"n": limit}]
    return value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


def _kinds(
    errors: dict[str, list[str]], name: str, kinds: Sequence[str], required: bool
) -> list[str]:
    values = list(dict.fromkeys(str(k).strip() for k in kinds if str(k).strip()))
    unknown = [k for k in values if k not in SupportKind.values]
    if unknown:
        errors[name] = [_("unknown: %(codes)s") % {"codes": ", ".join(unknown)}]
    elif required and not values:
        errors[name] = [_("choose at least one")]
    return values


def _resolve(
    errors: dict[str, list[str]], field: str, codes: Any, vocabulary: str = ""
) -> list[Any]:
    try:
        return resolve_many(vocabulary or field, codes)
    except ValidationFailed as exc:
        errors[field] = [m for ms in exc.fields.values() for m in ms]
        return []


def _one(errors: dict[str, list[str]], field: str, code: Any, vocabulary: str) -> Any:
    try:
        return resolve_one(vocabulary, code)
    except ValidationFailed as exc:
        errors[field] = [m for ms in exc.fields.values() for m in ms]
        return None


def _budget(errors: dict[str, list[str]], f: RequestFields) -> str:
    currency = (f.currency or "").strip().upper()
    amounts = {"budget_min": f.budget_min, "budget_max": f.budget_max}
    for name, amount in amounts.items():
        if amount is None:
            continue
        if not amount.is_finite() or amount < 0:
            errors[name] = [_("a positive amount")]
        elif amount >= AMOUNT_MAX or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            errors[name] = [_("at most 16 digits and 2 decimals")]
    if (
        f.budget_min is not None
        and f.budget_max is not None
        and "budget_max" not in errors
        and "budget_min" not in errors
        and f.budget_max < f.budget_min
    ):
        errors["budget_max"] = [_("must not be below the minimum")]
    if any(a is not None for a in amounts.values()):
        if not currency:
            errors["currency"] = [_("required with an amount")]
        elif currency not in partnership_selectors.currency_codes():
            errors["currency"] = [_("not an ISO 4217 currency code: %(code)s") % {"code": currency}]
    elif currency and currency not in partnership_selectors.currency_codes():
        errors["currency"] = [_("not an ISO 4217 currency code: %(code)s") % {"code": currency}]
    return currency


@dataclass
class _RequestValues:
    values: dict[str, Any]
    related: dict[str, list[Any]]


def _request_values(f: RequestFields) -> _RequestValues:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", f.title, required=True, limit=TITLE_MAX)
    need = _text(errors, "need", f.need, required=True)
    outcomes = []
    for i, outcome in enumerate(o for o in f.outcomes if (o or "").strip()):
        text = _text(errors, "outcomes", outcome, limit=TITLE_MAX)
        if i >= OUTCOMES_MAX:
            errors["outcomes"] = [_("at most %(n)s outcomes") % {"n": OUTCOMES_MAX}]
            break
        outcomes.append(text)
    if not outcomes and "outcomes" not in errors:
        errors["outcomes"] = [_("name at least one outcome sought")]
    if f.start_date and f.end_date and f.end_date < f.start_date:
        errors["end_date"] = [_("must not be before the start")]
    currency = _budget(errors, f)
    kinds = _kinds(errors, "support_kinds", f.support_kinds, required=True)
    country = _one(errors, "country", f.country, "countries")
    language = _one(errors, "language", f.language, "languages")
    related = {
        "objectives": _resolve(errors, "objectives", f.objectives),
        "levels": _resolve(errors, "levels", f.levels),
        "partner_types": _resolve(errors, "partner_types", f.partner_types, "stakeholder_types"),
        "languages": _resolve(errors, "languages", f.languages),
    }
    if not related["objectives"] and "objectives" not in errors:
        errors["objectives"] = [_("choose at least one GCM objective")]
    _raise(errors)
    return _RequestValues(
        values={
            "title": title,
            "need": need,
            "outcomes": outcomes,
            "start_date": f.start_date,
            "end_date": f.end_date,
            "budget_min": f.budget_min,
            "budget_max": f.budget_max,
            "currency": currency,
            "support_kinds": kinds,
            "country": country,
            "language": language,
            "private": bool(f.private),
        },
        related=related,
    )


def _lock(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)


def _link(request: SupportRequest) -> str:
    return reverse("hub:request_detail", kwargs={"slug": request.slug})


Text = Callable[[dict[str, Any]], str]


def _tell_requester(request: SupportRequest, subject: Text, body: Text, **values: Any) -> None:
    """E-mail the requesting organisation's admins, on commit, each in their language
    (`subject` and `body` translate when called, with `title`, `link` and `values`)."""
    context = {"title": request.title, "link": _link(request), **values}
    notify_on_commit(
        lambda: subject(context),
        lambda: body(context),
        org_selectors.admin_emails(request.requester),
    )


def _move(
    actor: Any, request: SupportRequest, target: str, reason: str = "", *, dedicated: bool = False
) -> Transition:
    """Check the workflow table, then record the move (who, when, from, to, why)."""
    rule = workflow.rule(request.status, target)
    roles = permissions.roles_of(actor, request)
    if rule is None or (rule.dedicated and not dedicated):
        raise Conflict(
            _("A request that is %(status)s cannot become %(target)s.")
            % {
                "status": str(STATUS_TITLES[request.status]).lower(),
                "target": str(STATUS_TITLES.get(target, target)).lower(),
            },
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if not rule.roles & roles:
        raise PermissionDenied(
            _("Only %(who)s may do this.")
            % {
                "who": _("hub curators")
                if workflow.CURATOR in rule.roles and workflow.REQUESTER not in rule.roles
                else _("the requesting organisation's administrators")
                if workflow.CURATOR not in rule.roles
                else _("hub curators or the requesting organisation's administrators")
            }
        )
    reason = (reason or "").strip()
    if rule.reason_required and not reason:
        raise ValidationFailed(
            _("Please give a reason."),
            fields={"reason": [_("required")]},
            code=Code.REASON_REQUIRED,
        )
    if reason and text_problem(reason):
        raise ValidationFailed(
            _("Please correct the reason."), fields={"reason": [text_problem(reason) or ""]}
        )
    source = request.status
    request.status = target
    audit.by(request, actor)
    request.save()
    move = Transition.objects.create(
        request=request,
        from_status=source,
        to_status=target,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action=f"support_request.{target}",
        target=request,
        reason=reason,
        status=[source, target],
    )
    page_cache.changed(DOMAIN)
    return move


# --- requests --------------------------------------------------------------------------------


@transaction.atomic
def request_submit(*, actor: Any, requester: Any, fields: RequestFields) -> SupportRequest:
    """A national government or local or regional authority asks for support; its admins may
    (a platform admin too, on its behalf). It must be verified: an unverified organisation only
    claims to be a public body (ADR 0004). Curators are told by e-mail."""
    permissions.require_requester_org(actor, requester)
    if requester.stakeholder_type.code not in REQUESTER_TYPES:
        raise PermissionDenied(
            _("Only national governments and local or regional authorities ask for support."),
            code=Code.NOT_A_GOVERNMENT,
        )
    if not requester.is_verified:
        raise PermissionDenied(
            _(
                "%(name)s is not verified yet: a platform administrator verifies public bodies "
                "before they ask for support."
            )
            % {"name": requester.display_name},
            code=Code.REQUESTER_NOT_VERIFIED,
        )
    resolved = _request_values(fields)
    request = SupportRequest(
        requester=requester,
        created_by=actor if getattr(actor, "pk", None) else None,
        **resolved.values,
    )
    audit.by(request, actor)
    save_with_unique_slug(request, request.title, fallback="request")
    for name, rows in resolved.related.items():
        getattr(request, name).set(rows)
    Transition.objects.create(
        request=request,
        from_status="",
        to_status=workflow.SUBMITTED,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="support_request.submit", target=request)
    context = {"title": request.title, "name": requester.name, "link": _link(request)}
    notify_on_commit(
        lambda: _("[MigrationHub] New request for support: %(title)s") % context,
        lambda: (
            _(
                "%(name)s asks for support on MigrationHub: “%(title)s”. As a hub curator, screen "
                "it for completeness and against the guiding principles: %(link)s"
            )
            % context
        ),
        account_selectors.hub_curator_emails(),
    )
    _tell_requester(
        request,
        lambda c: _("[MigrationHub] Your request for support was received") % c,
        lambda c: (
            _(
                "Your request “%(title)s” was received; hub curators will screen it. Follow it here: "
                "%(link)s"
            )
            % c
        ),
    )
    page_cache.changed(DOMAIN)
    return request


@transaction.atomic
def request_update(*, actor: Any, request: SupportRequest, fields: RequestFields) -> SupportRequest:
    """The requester corrects the request while it is not yet accepted."""
    permissions.require_requester(actor, request)
    locked = _lock(request)
    if locked.status not in workflow.OPEN_BEFORE_ACCEPTANCE:
        raise Conflict(
            _("This request can no longer be changed."), code=Code.TRANSITION_NOT_ALLOWED
        )
    resolved = _request_values(fields)
    for name, value in resolved.values.items():
        setattr(locked, name, value)
    audit.by(locked, actor)
    locked.save()
    for name, rows in resolved.related.items():
        getattr(locked, name).set(rows)
    audit.record(actor=actor, action="support_request.update", target=locked)
    page_cache.changed(DOMAIN)
    return locked


@transaction.atomic
def request_screen(
    *,
    actor: Any,
    request: SupportRequest,
    complete: bool,
    principles: Sequence[PrincipleCheck],
    note: str = "",
) -> SupportRequest:
    """A curator screens a submitted request: is it complete, and how does it stand against each
    of the ten guiding principles (with notes)? An incomplete request is not screened: decline it
    with a reason, or ask the requester to complete it."""
    permissions.require_curator(actor)
    locked = _lock(request)
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note)
    known = {p.code for p in principle_list()}
    findings: dict[str, dict[str, Any]] = {}
    for check in principles:
        if check.principle not in known:
            errors["principles"] = [_("unknown: %(codes)s") % {"codes": check.principle}]
            continue
        findings[check.principle] = {
            "met": bool(check.met),
            "note": _text(errors, f"note_{check.principle}", check.note, limit=2000),
        }
    missing = sorted(known - set(findings))
    if missing:
        errors["principles"] = [
            _("a finding on every guiding principle; missing: %(codes)s")
            % {"codes": ", ".join(missing)}
        ]
    if not complete:
        errors["complete"] = [
            _("only a complete request is screened; decline it with a reason instead")
        ]
    _raise(errors)
    _move(actor, locked, workflow.SCREENED, note, dedicated=True)
    locked.screening = {
        "complete": True,
        "principles": findings,
        "note": note,
        "by": getattr(actor, "pk", None),
    }
    locked.screened_at = timezone.now()
    audit.by(locked, actor)
    locked.save(update_fields=["screening", "screened_at", "updated_at"])
    _tell_requester(
        locked,
        lambda c: _("[MigrationHub] Your request for support was screened") % c,
        lambda c: (
            _(
                "Your request “%(title)s” was screened by the hub's curators. %(visibility)s Follow it "
                "here: %(link)s"
            )
            % c
        ),
        visibility=_("It stays private, as you asked.")
        if locked.private
        else _("It is now public on MigrationHub."),
    )
    return locked


@transaction.atomic
def request_transition(
    *, actor: Any, request: SupportRequest, to: str, reason: str = ""
) -> SupportRequest:
    """Any move of the workflow table that has no form of its own (start matching, decline,
    withdraw, set a proposal aside, start implementation, close), by whoever it names, with a
    reason where it asks for one."""
    if to not in workflow.STATUS_LABELS:
        raise ValidationFailed(
            _("Unknown status."), fields={"to": [_("unknown: %(codes)s") % {"codes": to}]}
        )
    if not (permissions.is_curator(actor) or permissions.is_requester(actor, request)):
        raise PermissionDenied(_("Only hub curators and the requester may move this request."))
    locked = _lock(request)
    source = locked.status
    _move(actor, locked, to, reason)
    if source == workflow.PROPOSED and to == workflow.MATCHING:
        Proposal.objects.filter(request=locked, status=Proposal.PROPOSED).update(
            status=Proposal.SET_ASIDE
        )
    if to == workflow.WITHDRAWN:
        context = {"title": locked.title, "name": locked.requester.name, "reason": reason.strip()}
        notify_on_commit(
            lambda: _("[MigrationHub] %(name)s withdrew a request for support") % context,
            lambda: _("%(name)s withdrew “%(title)s”: %(reason)s") % context,
            account_selectors.hub_curator_emails(),
        )
    _tell_requester(
        locked,
        lambda c: _("[MigrationHub] Your request for support: %(status)s") % c,
        lambda c: _("Your request “%(title)s” is now: %(status)s. %(reason)s\n\n%(link)s") % c,
        status=str(STATUS_TITLES[to]).lower(),
        reason=reason.strip(),
    )
    return locked


@transaction.atomic
def request_translate(
    *, actor: Any, request: SupportRequest, language: str, title: str, need: str = ""
) -> SupportRequestTranslation:
    """The request's title and need in another language; its requesters write them."""
    permissions.require_requester(actor, request)
    locked = _lock(request)
    errors: dict[str, list[str]] = {}
    lang = _one(errors, "language", language, "languages")
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    need = _text(errors, "need", need)
    if lang is not None and lang.code == locked.language_id:
        errors["language"] = [_("original language")]
    _raise(errors)
    translation = SupportRequestTranslation.objects.filter(
        request=locked, language=lang
    ).first() or SupportRequestTranslation(request=locked, language=lang)
    translation.title, translation.need = title, need
    audit.by(translation, actor)
    translation.save()
    audit.record(actor=actor, action="support_request.translate", target=locked, language=lang.code)
    page_cache.changed(DOMAIN)
    return translation


# --- proposals -------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    request: SupportRequest,
    size: int,
    note: str = "",
    exclude: Sequence[str] = (),
) -> Proposal:
    """A curator proposes a consortium of `size` organisations for a request in matching (or
    revises the current proposal): the builder's result (`matching.build_consortium`) over the
    ranked candidates, leaving out the organisations whose slugs are in `exclude`, stored with
    what each member brings and which requirements it meets. The requester is told."""
    permissions.require_curator(actor)
    if size not in CONSORTIUM_SIZES:
        raise ValidationFailed(
            _("Choose a consortium of 3 to 8 organisations."),
            fields={"size": [_("from 3 to 8")]},
        )
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note)
    _raise(errors)
    locked = _lock(request)
    if locked.status not in (workflow.MATCHING, workflow.PROPOSED):
        raise Conflict(
            _("Start matching before proposing a consortium."), code=Code.TRANSITION_NOT_ALLOWED
        )
    consortium = selectors.request_consortium(locked, size, exclude=exclude)
    if not consortium.members:
        raise Conflict(_("No organisation matches this request yet."), code=Code.EMPTY_CONSORTIUM)
    Proposal.objects.filter(request=locked, status=Proposal.PROPOSED).update(
        status=Proposal.SET_ASIDE
    )
    proposal = Proposal(
        request=locked,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
        guarantees={
            "requirements": consortium.requirements,
            "covered": sorted(consortium.covered),
            "missing": sorted(consortium.missing),
            "size": size,
        },
    )
    audit.by(proposal, actor)
    proposal.save()
    ProposalMember.objects.bulk_create(
        [
            ProposalMember(
                proposal=proposal,
                organisation_id=member.id,
                roles=list(member.roles),
                score=Decimal(str(round(member.score, 4))),
                brings={
                    "objectives": sorted(member.objectives),
                    "new_objectives": sorted(member.new_objectives),
                    "type": member.type,
                    "level": member.level,
                    "fulfils": list(member.fulfils),
                },
                position=i,
            )
            for i, member in enumerate(consortium.members)
        ]
    )
    _move(actor, locked, workflow.PROPOSED, note, dedicated=True)
    audit.record(
        actor=actor,
        action="proposal.create",
        target=locked,
        proposal=proposal.pk,
        members=[m.id for m in consortium.members],
    )
    _tell_requester(
        locked,
        lambda c: _("[MigrationHub] A consortium is proposed for your request") % c,
        lambda c: (
            _(
                "The hub's curators propose a consortium of %(n)s organisations for “%(title)s”, with "
                "what each brings. As an administrator of the requesting organisation, accept it (it "
                "becomes a partnership and the members are invited) or set it aside: %(link)s"
            )
            % c
        ),
        n=len(consortium.members),
    )
    return proposal


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal) -> Proposal:
    """The requester accepts a proposal: the partnership is registered (led by the requesting
    organisation, from the request's title, need, objectives, levels, country and timeframe),
    each member is invited with its proposed roles (it joins when its own admins accept), and
    each outcome sought becomes a goal. Only the requesting organisation's own admins may."""
    request = proposal.request
    permissions.require_own_requester(actor, request)
    locked = _lock(request)
    fresh = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if fresh.status != Proposal.PROPOSED or locked.status != workflow.PROPOSED:
        raise Conflict(
            _("This proposal is no longer open: it was accepted or set aside."),
            code=Code.PROPOSAL_NOT_OPEN,
        )
    full = selectors.support_request_get(locked.slug)
    assert full is not None
    partnership = partnership_services.partnership_create(
        actor=actor,
        lead=locked.requester,
        fields=partnership_services.PartnershipFields(
            name=locked.title,
            purpose=locked.need,
            language=locked.language_id,
            status="planned",
            start_date=locked.start_date,
            end_date=locked.end_date,
            objectives=[o.number for o in full.objectives.all()],
            levels=[lv.code for lv in full.levels.all()],
            countries=[full.country.iso3],
            principles=sorted(
                code
                for code, finding in (locked.screening.get("principles") or {}).items()
                if finding.get("met")
            ),
        ),
        roles=("accountable",),
    )
    message = _("Proposed by the connection hub for the request “%(title)s”.") % {
        "title": locked.title
    }
    for member in fresh.members.select_related("organisation"):
        if member.organisation_id == locked.requester_id:
            continue
        partnership_services.member_invite(
            actor=actor,
            partnership=partnership,
            organisation=member.organisation,
            roles=member.roles or ["implementing"],
            message=message,
        )
    for outcome in locked.outcomes:
        partnership_services.goal_add(
            actor=actor,
            partnership=partnership,
            fields=partnership_services.GoalFields(
                indicator=outcome[:TITLE_MAX],
                due_date=locked.end_date,
                objectives=[o.number for o in full.objectives.all()],
            ),
        )
    fresh.status = Proposal.ACCEPTED
    audit.by(fresh, actor)
    fresh.save()
    locked.partnership = partnership
    _move(actor, locked, workflow.ACCEPTED, dedicated=True)
    audit.record(
        actor=actor,
        action="proposal.accept",
        target=locked,
        proposal=fresh.pk,
        partnership=partnership.slug,
    )
    curators = account_selectors.hub_curator_emails()
    context = {"title": locked.title, "name": locked.requester.name, "link": _link(locked)}
    notify_on_commit(
        lambda: _("[MigrationHub] %(name)s accepted a proposal") % context,
        lambda: (
            _(
                "%(name)s accepted the consortium proposed for “%(title)s”; the partnership is "
                "registered and its members invited: %(link)s"
            )
            % context
        ),
        curators,
    )
    return fresh


# --- offers ----------------------------------------------------------------------------------


def _offer_values(f: OfferFields, *, today: dt.date | None = None) -> _RequestValues:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", f.title, required=True, limit=TITLE_MAX)
    description = _text(errors, "description", f.description, required=True)
    capacity = _text(errors, "capacity", f.capacity, limit=TITLE_MAX)
    kinds = _kinds(errors, "kinds", f.kinds, required=True)
    today = today or timezone.localdate()
    if f.ends_on is None:
        errors["ends_on"] = [_("required")]
    elif f.ends_on < today:
        errors["ends_on"] = [_("must not be in the past")]
    language = _one(errors, "language", f.language, "languages")
    related = {
        "objectives": _resolve(errors, "objectives", f.objectives),
        "regions": _resolve(errors, "regions", f.regions),
        "languages": _resolve(errors, "languages", f.languages),
    }
    _raise(errors)
    return _RequestValues(
        values={
            "title": title,
            "description": description,
            "capacity": capacity,
            "kinds": kinds,
            "ends_on": f.ends_on,
            "language": language,
        },
        related=related,
    )


def _save_offer(offer: Offer, actor: Any, resolved: _RequestValues) -> Offer:
    for name, value in resolved.values.items():
        setattr(offer, name, value)
    audit.by(offer, actor)
    if offer.pk is None:
        save_with_unique_slug(offer, offer.title, fallback="offer")
    else:
        offer.save()
    for name, rows in resolved.related.items():
        getattr(offer, name).set(rows)
    offer_reindex(offer)
    page_cache.changed(DOMAIN)
    return offer


@transaction.atomic
def offer_create(*, actor: Any, organisation: Any, fields: OfferFields) -> Offer:
    """Any organisation posts what it offers; its admins may."""
    permissions.require_offer_org_admin(actor, organisation)
    offer = Offer(
        organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None
    )
    _save_offer(offer, actor, _offer_values(fields))
    audit.record(actor=actor, action="offer.create", target=offer)
    return offer


@transaction.atomic
def offer_update(*, actor: Any, offer: Offer, fields: OfferFields) -> Offer:
    permissions.require_offer_admin(actor, offer)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status == Offer.WITHDRAWN:
        raise Conflict(_("This offer was withdrawn."), code=Code.OFFER_WITHDRAWN)
    _save_offer(locked, actor, _offer_values(fields))
    audit.record(actor=actor, action="offer.update", target=locked)
    return locked


@transaction.atomic
def offer_withdraw(*, actor: Any, offer: Offer, reason: str = "") -> Offer:
    permissions.require_offer_admin(actor, offer)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status == Offer.WITHDRAWN:
        raise Conflict(_("This offer was withdrawn."), code=Code.OFFER_WITHDRAWN)
    locked.status = Offer.WITHDRAWN
    audit.by(locked, actor)
    locked.save()
    offer_reindex(locked)
    audit.record(actor=actor, action="offer.withdraw", target=locked, reason=reason.strip())
    page_cache.changed(DOMAIN)
    return locked


@transaction.atomic
def offer_translate(
    *, actor: Any, offer: Offer, language: str, title: str, description: str = ""
) -> OfferTranslation:
    permissions.require_offer_admin(actor, offer)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    errors: dict[str, list[str]] = {}
    lang = _one(errors, "language", language, "languages")
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    description = _text(errors, "description", description)
    if lang is not None and lang.code == locked.language_id:
        errors["language"] = [_("original language")]
    _raise(errors)
    translation = OfferTranslation.objects.filter(offer=locked, language=lang).first() or (
        OfferTranslation(offer=locked, language=lang)
    )
    translation.title, translation.description = title, description
    audit.by(translation, actor)
    translation.save()
    offer_reindex(locked)
    audit.record(actor=actor, action="offer.translate", target=locked, language=lang.code)
    page_cache.changed(DOMAIN)
    return translation


def principle_checks(findings: Mapping[str, tuple[bool, str]]) -> list[PrincipleCheck]:
    """`{principle code: (met, note)}` as the screening service takes it."""
    return [
        PrincipleCheck(principle=code, met=met, note=note) for code, (met, note) in findings.items()
    ]


@transaction.atomic
def offers_refresh(*, today: dt.date | None = None) -> int:
    """Re-index the open offers past their end date (the board's `status` facet says "ended"
    only from the index; days pass without a write). Run daily by `hub_refresh`."""
    today = today or timezone.localdate()
    ended = list(selectors.offers_ended(today))
    for offer in ended:
        offer_reindex(offer, today)
    if ended:
        page_cache.changed(DOMAIN)
    return len(ended)
