"""The connection hub over the API (mounted at /api/v1/hub/): public requests and offers (the
offers board's faceted search), a request's ranked matches with every component, and
token-authenticated writes through the services (submit, screen, move, propose, accept; post and
withdraw offers). A private or unscreened request answers 404 to anyone but its requesters and
the hub's curators."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, request_user, token_user
from migrationhub.core.errors import NotFound, PermissionDenied, ValidationFailed
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import FacetValueOut, PageMeta, SearchMeta, errors, related_keys
from migrationhub.organisations.selectors import organisation_get

from . import permissions, selectors, services
from .models import Offer, Proposal, SupportRequest

router = Router(tags=["hub"])
DOMAINS = ("hub", "organisations", "taxonomy", "partnerships")
CENT = Decimal("0.01")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(CENT):f}"


# --- schemas -----------------------------------------------------------------------------------


class TransitionOut(Schema):
    """One recorded change of status (who is not published: a person)."""

    from_status: str
    to_status: str
    at: dt.datetime
    reason: str


class SupportRequestOut(Schema):
    slug: str
    title: str
    need: str
    language: str
    requester: str
    country: str
    objectives: list[int]
    levels: list[str]
    outcomes: list[str]
    support_kinds: list[str]
    partner_types: list[str]
    languages: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    budget_min: str | None
    budget_max: str | None
    currency: str
    private: bool
    status: str
    screening: dict[str, Any]
    partnership: str | None

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id

    @staticmethod
    def resolve_requester(obj: Any) -> Any:
        return obj.requester.slug

    @staticmethod
    def resolve_country(obj: Any) -> Any:
        return obj.country.iso3

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_levels(obj: Any) -> Any:
        return related_keys(obj, "levels", "code")

    @staticmethod
    def resolve_partner_types(obj: Any) -> Any:
        return related_keys(obj, "partner_types", "code")

    @staticmethod
    def resolve_languages(obj: Any) -> Any:
        return related_keys(obj, "languages", "code")

    @staticmethod
    def resolve_budget_min(obj: Any) -> Any:
        return _money(obj.budget_min)

    @staticmethod
    def resolve_budget_max(obj: Any) -> Any:
        return _money(obj.budget_max)

    @staticmethod
    def resolve_screening(obj: Any) -> Any:
        """The curators' findings (who screened is not published)."""
        return {k: v for k, v in (obj.screening or {}).items() if k != "by"}

    @staticmethod
    def resolve_partnership(obj: Any) -> Any:
        return obj.partnership.slug if obj.partnership else None


class SupportRequestDetailOut(SupportRequestOut):
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(obj: Any) -> Any:
        return list(obj.transitions.all())


class SupportRequestListOut(Schema):
    meta: PageMeta
    items: list[SupportRequestOut]


class ComponentOut(Schema):
    name: str
    value: float
    weight: float
    points: float


class MatchOut(Schema):
    """A ranked organisation: its score is the sum of the components' points."""

    organisation: str
    name: str
    stakeholder_type: str
    level: str
    score: float
    components: list[ComponentOut]


class RankedOfferOut(Schema):
    offer: str
    title: str
    organisation: str
    score: float
    components: dict[str, float]


class SolutionOut(Schema):
    kind: str
    slug: str
    title: str


class MatchesOut(Schema):
    organisations: list[MatchOut]
    offers: list[RankedOfferOut]
    similar_solutions: list[SolutionOut]


class ProposalMemberOut(Schema):
    organisation: str
    roles: list[str]
    score: float
    brings: dict[str, Any]

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug

    @staticmethod
    def resolve_score(obj: Any) -> Any:
        return float(obj.score)


class ConsortiumProposalOut(Schema):
    id: int
    status: str
    note: str
    guarantees: dict[str, Any]
    members: list[ProposalMemberOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_members(obj: Any) -> Any:
        return list(obj.members.all())


class RequestCreateIn(Schema):
    requester: str
    title: str
    need: str
    country: str
    objectives: list[int]
    outcomes: list[str]
    language: str = "en"
    levels: list[str] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str = ""
    support_kinds: list[str]
    partner_types: list[str] = []
    languages: list[str] = []
    private: bool = False


class PrincipleIn(Schema):
    principle: str
    met: bool
    note: str = ""


class ScreenIn(Schema):
    complete: bool
    principles: list[PrincipleIn]
    note: str = ""


class TransitionIn(Schema):
    to: str
    reason: str = ""


class ConsortiumProposalIn(Schema):
    size: int = 4
    note: str = ""
    exclude: list[str] = []


class OfferOut(Schema):
    slug: str
    title: str
    description: str
    language: str
    organisation: str
    kinds: list[str]
    objectives: list[int]
    regions: list[str]
    languages: list[str]
    capacity: str
    ends_on: dt.date
    status: str

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_regions(obj: Any) -> Any:
        return related_keys(obj, "regions", "m49")

    @staticmethod
    def resolve_languages(obj: Any) -> Any:
        return related_keys(obj, "languages", "code")


class OfferHitOut(OfferOut):
    title_html: str
    snippet_html: str


class OfferSearchOut(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[OfferHitOut]


class OfferFilters(Schema):
    q: str | None = None
    kind: list[str] = []
    objective: list[str] = []
    region: list[str] = []
    language: list[str] = []
    stakeholder_type: list[str] = []
    status: list[str] = []
    page: int = 1
    page_size: int = 20


class OfferCreateIn(Schema):
    organisation: str
    title: str
    description: str
    ends_on: dt.date
    kinds: list[str]
    objectives: list[int] = []
    regions: list[str] = []
    languages: list[str] = []
    capacity: str = ""
    language: str = "en"


class HubTranslationOut(Schema):
    language: str
    title: str
    text: str


class RequestTranslationIn(Schema):
    title: str
    need: str = ""


class OfferTranslationIn(Schema):
    title: str
    description: str = ""


class WithdrawIn(Schema):
    reason: str = ""


# --- helpers -----------------------------------------------------------------------------------


def _request(request: HttpRequest, slug: str) -> SupportRequest:
    return permissions.request_for(request_user(request), selectors.support_request_get(slug))


def _detail(slug: str) -> SupportRequest:
    found = selectors.support_request_get(slug)
    if found is None:  # pragma: no cover - just written
        raise NotFound(_("No such request for support."))
    return found


def _organisation(slug: str, field: str) -> Any:
    organisation = organisation_get(slug)
    if organisation is None:
        raise ValidationFailed(
            _("No such organisation."), fields={field: [_("unknown: %(codes)s") % {"codes": slug}]}
        )
    return organisation


def _offer(slug: str) -> Offer:
    return permissions.offer_for(selectors.offer_get(slug))


# --- requests ----------------------------------------------------------------------------------


@router.get(
    "/requests",
    response={200: SupportRequestListOut, **errors(422)},
    summary="Public requests for support (screened, not kept private), newest first",
    operation_id="hub_request_list",
)
@decorate_view(cached_api(*DOMAINS))
def request_list(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    found = selectors.support_request_list_public(page=page, page_size=page_size)
    return {"meta": PageMeta.of(found), "items": found.items}


@router.get(
    "/requests/{slug}",
    response={200: SupportRequestDetailOut, **errors(404, 422)},
    summary="One request for support, with its recorded workflow",
    operation_id="hub_request_detail",
)
def request_detail(request: HttpRequest, slug: str) -> SupportRequest:
    """Public once screened; a private or unscreened request only for its requesters and the
    hub's curators (send a token), else 404."""
    return _request(request, slug)


@router.post(
    "/requests",
    response={201: SupportRequestDetailOut, **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Ask for support (admins of a verified national government or local authority)",
    operation_id="hub_request_submit",
)
def request_submit(request: HttpRequest, payload: RequestCreateIn) -> Status[Any]:
    data = payload.dict()
    requester = _organisation(data.pop("requester"), "requester")
    created = services.request_submit(
        actor=token_user(request), requester=requester, fields=services.RequestFields(**data)
    )
    return Status(201, _detail(created.slug))


@router.post(
    "/requests/{slug}/screen",
    response={200: SupportRequestDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Screen a submitted request: completeness and the ten guiding principles (curators)",
    operation_id="hub_request_screen",
)
def request_screen(request: HttpRequest, slug: str, payload: ScreenIn) -> SupportRequest:
    found = _request(request, slug)
    services.request_screen(
        actor=token_user(request),
        request=found,
        complete=payload.complete,
        principles=[services.PrincipleCheck(**p.dict()) for p in payload.principles],
        note=payload.note,
    )
    return _detail(slug)


@router.post(
    "/requests/{slug}/transition",
    response={200: SupportRequestDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Move a request on: matching, declined, withdrawn, in implementation, closed",
    operation_id="hub_request_transition",
)
def request_transition(request: HttpRequest, slug: str, payload: TransitionIn) -> SupportRequest:
    """Allowed moves and who may make them are the workflow table's (hub/workflow.py); declining,
    withdrawing and setting a proposal aside need a `reason`."""
    services.request_transition(
        actor=token_user(request),
        request=_request(request, slug),
        to=payload.to,
        reason=payload.reason,
    )
    return _detail(slug)


@router.get(
    "/requests/{slug}/matches",
    response={200: MatchesOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Ranked organisations (each component with value and weight), offers, similar solutions",
    operation_id="hub_request_matches",
)
def request_matches(request: HttpRequest, slug: str, limit: int = 20) -> dict[str, Any]:
    """For the hub's curators and the requester."""
    found = _request(request, slug)
    if not permissions.can_see_matches(token_user(request), found):
        raise PermissionDenied(_("Only hub curators and the requester see the matches."))
    matches = selectors.request_matches(found, limit=max(1, min(limit, 100)))
    slugs = selectors.organisation_slugs([m.id for m in matches])
    return {
        "organisations": [
            {
                "organisation": slugs.get(m.id, ""),
                "name": m.name,
                "stakeholder_type": m.type,
                "level": m.level,
                "score": m.score,
                "components": [
                    {"name": c, "value": v, "weight": w, "points": round(p, 6)}
                    for c, v, w, p in m.explained()
                ],
            }
            for m in matches
        ],
        "offers": [
            {
                "offer": r.offer.slug,
                "title": r.offer.title,
                "organisation": r.offer.organisation.slug,
                "score": r.score,
                "components": r.components,
            }
            for r in selectors.request_offers(found)
        ],
        "similar_solutions": [
            {"kind": s.kind, "slug": s.slug, "title": s.title}
            for s in selectors.similar_solutions(found)
        ],
    }


@router.get(
    "/requests/{slug}/proposals",
    response={200: list[ConsortiumProposalOut], **errors(404, 422)},
    summary="The consortia proposed for a request, with what each member brings",
    operation_id="hub_proposal_list",
)
def proposal_list(request: HttpRequest, slug: str) -> list[Proposal]:
    return selectors.proposals(_request(request, slug))


@router.post(
    "/requests/{slug}/proposals",
    response={201: ConsortiumProposalOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Propose a consortium of a chosen size (curators)",
    operation_id="hub_proposal_create",
)
def proposal_create(request: HttpRequest, slug: str, payload: ConsortiumProposalIn) -> Status[Any]:
    found = _request(request, slug)
    proposal = services.proposal_create(
        actor=token_user(request),
        request=found,
        size=payload.size,
        note=payload.note,
        exclude=payload.exclude,
    )
    created = next(p for p in selectors.proposals(found) if p.pk == proposal.pk)
    return Status(201, created)


@router.post(
    "/requests/{slug}/proposals/{proposal_id}/accept",
    response={200: SupportRequestDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Accept a proposal: the partnership is registered and its members invited (the requester's own admins)",
    operation_id="hub_proposal_accept",
)
def proposal_accept(request: HttpRequest, slug: str, proposal_id: int) -> SupportRequest:
    found = _request(request, slug)
    proposal = selectors.proposal_get(found, proposal_id)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    services.proposal_accept(actor=token_user(request), proposal=proposal)
    return _detail(slug)


@router.put(
    "/requests/{slug}/translations/{language}",
    response={200: HubTranslationOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Add or replace a request's title and need in another language (the requester)",
    operation_id="hub_request_translation_put",
)
def request_translation(
    request: HttpRequest, slug: str, language: str, payload: RequestTranslationIn
) -> dict[str, Any]:
    saved = services.request_translate(
        actor=token_user(request),
        request=_request(request, slug),
        language=language,
        title=payload.title,
        need=payload.need,
    )
    return {"language": saved.language_id, "title": saved.title, "text": saved.need}


# --- offers ------------------------------------------------------------------------------------


@router.get(
    "/offers",
    response={200: OfferSearchOut, **errors(422)},
    summary="Search the offers board, with facets",
    operation_id="hub_offer_list",
)
@decorate_view(cached_api(*DOMAINS))
def offer_list(request: HttpRequest, filters: Query[OfferFilters]) -> dict[str, Any]:
    """Open offers (withdrawn ones leave the board; `status=ended` finds those past their end
    date), ranked by full-text relevance, filters AND across facets and OR within one."""
    result = selectors.offer_search(
        filters.q,
        selectors.OFFER_SEARCH.filters_from(filters.dict()),
        page=filters.page,
        page_size=filters.page_size,
    )
    items = []
    for item in result.page.items:
        offer = item.object
        offer.title_html, offer.snippet_html = item.title_html, item.snippet_html
        items.append(offer)
    return {"meta": result.meta(), "facets": result.facet_counts(), "items": items}


@router.get(
    "/offers/{slug}",
    response={200: OfferOut, **errors(404, 422)},
    summary="One offer",
    operation_id="hub_offer_detail",
)
@decorate_view(cached_api(*DOMAINS))
def offer_detail(request: HttpRequest, slug: str) -> Offer:
    return _offer(slug)


@router.post(
    "/offers",
    response={201: OfferOut, **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Post an offer in your organisation's name (its admins)",
    operation_id="hub_offer_create",
)
def offer_create(request: HttpRequest, payload: OfferCreateIn) -> Status[Any]:
    data = payload.dict()
    organisation = _organisation(data.pop("organisation"), "organisation")
    offer = services.offer_create(
        actor=token_user(request), organisation=organisation, fields=services.OfferFields(**data)
    )
    return Status(201, selectors.offer_get(offer.slug))


class OfferUpdateIn(Schema):
    title: str | None = None
    description: str | None = None
    ends_on: dt.date | None = None
    kinds: list[str] | None = None
    objectives: list[int] | None = None
    regions: list[str] | None = None
    languages: list[str] | None = None
    capacity: str | None = None
    language: str | None = None


@router.patch(
    "/offers/{slug}",
    response={200: OfferOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Edit an offer (its organisation's admins); fields left out keep their values",
    operation_id="hub_offer_update",
)
def offer_update(request: HttpRequest, slug: str, payload: OfferUpdateIn) -> Offer | None:
    offer = _offer(slug)
    current: dict[str, Any] = {
        "title": offer.title,
        "description": offer.description,
        "ends_on": offer.ends_on,
        "kinds": list(offer.kinds),
        "objectives": related_keys(offer, "objectives", "number"),
        "regions": related_keys(offer, "regions", "m49"),
        "languages": related_keys(offer, "languages", "code"),
        "capacity": offer.capacity,
        "language": offer.language_id,
    }
    current.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    services.offer_update(
        actor=token_user(request), offer=offer, fields=services.OfferFields(**current)
    )
    return selectors.offer_get(slug)


@router.post(
    "/offers/{slug}/withdraw",
    response={200: OfferOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Withdraw an offer (its organisation's admins)",
    operation_id="hub_offer_withdraw",
)
def offer_withdraw(request: HttpRequest, slug: str, payload: WithdrawIn) -> Offer | None:
    services.offer_withdraw(actor=token_user(request), offer=_offer(slug), reason=payload.reason)
    return selectors.offer_get(slug)


@router.put(
    "/offers/{slug}/translations/{language}",
    response={200: HubTranslationOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Add or replace an offer's title and description in another language (its admins)",
    operation_id="hub_offer_translation_put",
)
def offer_translation(
    request: HttpRequest, slug: str, language: str, payload: OfferTranslationIn
) -> dict[str, Any]:
    saved = services.offer_translate(
        actor=token_user(request),
        offer=_offer(slug),
        language=language,
        title=payload.title,
        description=payload.description,
    )
    return {"language": saved.language_id, "title": saved.title, "text": saved.description}
