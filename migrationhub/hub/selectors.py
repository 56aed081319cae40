"""Connection hub reads: requests (prefetched), their transitions and proposals, the offers
board's faceted search, and what matching needs as plain data.

Matching reads every organisation's features once into an `OrganisationTable` (a few queries of
plain rows, no model instances) and keeps it in this process until organisations, partnerships,
practices or offers change (the page cache's generations say when), so a request is ranked
against 10k organisations in milliseconds (bench/hub_bench.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrationhub.accounts import permissions as account_permissions
from migrationhub.core import audit, page_cache
from migrationhub.core.models import AuditEvent
from migrationhub.core.pagination import Page, paginate
from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.permissions import organisation_ids_of
from migrationhub.partnerships import selectors as partnership_selectors
from migrationhub.search.faceted import Facet, FacetedResult, FacetedSearch
from migrationhub.search.selectors import search
from migrationhub.taxonomy.selectors import countries_with_regions

from . import matching, workflow
from .indexing import ENDED, KIND, OPEN
from .models import (
    Offer,
    Proposal,
    ProposalMember,
    SupportKind,
    SupportRequest,
    Transition,
)

CLOSED_PARTNERSHIP = ("completed", "cancelled")
INACTIVE_LIGHT = "red"
TEXT_CANDIDATES = 200  # organisations the full-text ranking scores for a request
PRACTICE_TEXT = 0.8  # a practice's likeness to the request, against a profile's
POOL = 120  # best-ranked organisations the consortium builder chooses from
MATCH_DOMAINS = ("organisations", "partnerships", "practices", "hub")


# --- requests --------------------------------------------------------------------------------


def support_request_queryset() -> QuerySet[SupportRequest]:
    return SupportRequest.objects.select_related(
        "requester__stakeholder_type",
        "requester__level",
        "country__region",
        "country__subregion",
        "language",
        "partnership",
    ).prefetch_related(
        "objectives", "levels", "partner_types", "languages", "translations", "transitions"
    )


def support_request_get(slug: str) -> SupportRequest | None:
    """One request by slug, prefetched (its visibility is `permissions.request_for`'s
    business). The fund links proposals to requests through this."""
    return support_request_queryset().filter(slug=slug).first()


def support_request_by_id(pk: int) -> SupportRequest | None:
    return support_request_queryset().filter(pk=pk).first()


def support_request_list_public(*, page: int = 1, page_size: int = 20) -> Page[SupportRequest]:
    """Requests anyone may read (screened, not kept private), newest first."""
    qs = support_request_queryset().filter(screened_at__isnull=False, private=False)
    return paginate(qs, page, page_size)


def support_requests_visible(user: Any, *, status: str = "") -> QuerySet[SupportRequest]:
    """What `user` may read: the public requests, their own organisations' requests, and every
    request for curators."""
    qs = support_request_queryset()
    if not account_permissions.is_hub_curator(user):
        mine = organisation_ids_of(user)
        qs = qs.filter(Q(screened_at__isnull=False, private=False) | Q(requester_id__in=mine))
    if status:
        qs = qs.filter(status=status)
    return qs


def curation_queue() -> dict[str, list[SupportRequest]]:
    """Open requests by status, oldest first: what curators work on."""
    queue: dict[str, list[SupportRequest]] = {
        s: [] for s in (*workflow.OPEN_BEFORE_ACCEPTANCE, workflow.ACCEPTED)
    }
    for r in support_request_queryset().filter(status__in=list(queue)).order_by("created_at"):
        queue[r.status].append(r)
    return queue


def requests_of_user(user: Any) -> QuerySet[SupportRequest]:
    return support_request_queryset().filter(requester_id__in=organisation_ids_of(user))


def transitions(request: SupportRequest) -> list[Transition]:
    return list(request.transitions.select_related("actor"))


def proposals(request: SupportRequest) -> list[Proposal]:
    return list(
        request.proposals.prefetch_related(
            Prefetch(
                "members",
                queryset=ProposalMember.objects.select_related(
                    "organisation__stakeholder_type", "organisation__level"
                ),
            )
        )
    )


def proposal_get(request: SupportRequest, pk: int) -> Proposal | None:
    return request.proposals.select_related("request__requester").filter(pk=pk).first()


def request_history(request: SupportRequest) -> QuerySet[AuditEvent]:
    return audit.events_for(request)


def request_versions(request: SupportRequest) -> list[Any]:
    return list(request.history.select_related("history_user").order_by("-history_date")[:50])


def requester_choices(user: Any) -> list[Any]:
    """The verified governments and authorities `user` administers (who may ask)."""
    from .services import REQUESTER_TYPES

    admin_of = partnership_selectors.admin_organisation_ids(user)
    return [
        o
        for o in org_selectors.organisations_of(user).select_related("stakeholder_type")
        if o.pk in admin_of and o.stakeholder_type.code in REQUESTER_TYPES and o.is_verified
    ]


def offer_organisation_choices(user: Any) -> list[Any]:
    admin_of = partnership_selectors.admin_organisation_ids(user)
    return [o for o in org_selectors.organisations_of(user) if o.pk in admin_of]


# --- offers ------------------------------------------------------------------------------------


def offer_queryset() -> QuerySet[Offer]:
    return Offer.objects.select_related(
        "organisation__stakeholder_type", "language"
    ).prefetch_related("objectives", "regions", "languages", "translations")


def offer_get(slug: str) -> Offer | None:
    return offer_queryset().filter(slug=slug).first()


def offer_list() -> QuerySet[Offer]:
    return offer_queryset().order_by("pk")


def offers_of_organisation(organisation: Any) -> QuerySet[Offer]:
    """An organisation's open offers, soonest ending first (its profile shows them)."""
    return (
        Offer.objects.filter(
            organisation=organisation, status=Offer.OPEN, ends_on__gte=timezone.localdate()
        )
        .select_related("language")
        .order_by("ends_on", "pk")
    )


def offers_ended(today: dt.date) -> QuerySet[Offer]:
    """Open offers whose end date has passed."""
    return Offer.objects.filter(status=Offer.OPEN, ends_on__lt=today)


OFFER_SEARCH = FacetedSearch(
    kind=KIND,
    facets=(
        Facet("kind", _("Kind of support"), labels=dict(SupportKind.choices)),
        Facet("objective", _("GCM objective"), "objectives"),
        Facet("region", _("Region"), "regions"),
        Facet("language", _("Language"), "languages"),
        Facet("stakeholder_type", _("Offered by"), "stakeholder_types"),
        Facet("status", _("Status"), labels={OPEN: _("Open"), ENDED: _("Ended")}),
    ),
    load=lambda ids: offer_queryset().in_bulk(ids),
)


def offer_search(
    query: str | None, filters: dict[str, list[str]], *, page: int = 1, page_size: int = 20
) -> FacetedResult:
    """The offers board: open offers matching `query` and `filters`, ranked, with facets."""
    return OFFER_SEARCH.run(query, filters, page=page, page_size=page_size)


# --- matching: plain data ----------------------------------------------------------------------


def _m49(region: Any) -> str:
    return str(region.m49) if region is not None else ""


def request_facts(request: SupportRequest) -> matching.RequestFacts:
    """The request as codes (prefetched by `support_request_get`)."""
    country = request.country
    return matching.RequestFacts(
        country=country.iso3,
        subregion=_m49(country.subregion),
        region=_m49(country.region),
        objectives=frozenset(o.number for o in request.objectives.all()),
        levels=frozenset(lv.code for lv in request.levels.all()),
        partner_types=frozenset(t.code for t in request.partner_types.all()),
        languages=frozenset(lang.code for lang in request.languages.all()),
        kinds=frozenset(request.support_kinds),
        requester_id=request.requester_id,
    )


def organisation_rows(today: dt.date | None = None) -> list[matching.OrganisationRow]:
    """Every organisation that may be proposed, with its profile and record, as plain rows (a
    fixed number of queries). An unverified public body is left out: it only claims to be one
    (ADR 0004). The cyclic garbage collector pauses meanwhile: walking the hundreds of thousands
    of small objects being built cost more than building them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _organisation_rows(today or timezone.localdate())
    finally:
        if enabled:
            gc.enable()


def _organisation_rows(today: dt.date) -> list[matching.OrganisationRow]:
    rows = org_selectors.organisation_match_rows()
    regions = {c.iso3: (_m49(c.subregion), _m49(c.region)) for c in countries_with_regions()}
    countries: dict[int, set[str]] = defaultdict(set)
    for org_id, iso3 in rows["countries"]:
        countries[org_id].add(iso3)
    objectives: dict[int, set[int]] = defaultdict(set)
    for org_id, number in rows["objectives"]:
        objectives[org_id].add(number)
    languages: dict[int, set[str]] = defaultdict(set)
    for org_id, code in rows["languages"]:
        languages[org_id].add(code)

    p_objectives: dict[int, list[int]] = defaultdict(list)
    for partnership_id, number in partnership_selectors.partnership_objective_rows():
        p_objectives[partnership_id].append(number)
    active: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    completed: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    inactive: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    scores: dict[int, list[int]] = defaultdict(list)
    load: dict[int, int] = defaultdict(int)
    for org_id, partnership_id, status, light, score in partnership_selectors.member_track_rows():
        if status == "completed":
            bucket = completed
        elif status == "cancelled":
            continue
        elif light == INACTIVE_LIGHT:
            bucket = inactive
        else:
            bucket = active
            load[org_id] += 1
        for number in p_objectives.get(partnership_id, ()):
            bucket[org_id][number] += 1
        scores[org_id].append(score)
    practices: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for org_id, number in partnership_selectors.published_practice_objective_rows():
        practices[org_id][number] += 1
    for org_id in ProposalMember.objects.filter(proposal__status=Proposal.PROPOSED).values_list(
        "organisation_id", flat=True
    ):
        load[org_id] += 1
    funders = {
        org
        for org, kinds in Offer.objects.filter(status=Offer.OPEN, ends_on__gte=today).values_list(
            "organisation_id", "kinds"
        )
        if "funding" in kinds
    }

    result = []
    for pk, name, type_code, level_code, home, verified, public_body in rows["organisations"]:
        if public_body and not verified:
            continue
        places = set(countries.get(pk, ()))
        if home:
            places.add(home)
        subs = {regions[c][0] for c in places if c in regions and regions[c][0]}
        regs = {regions[c][1] for c in places if c in regions and regions[c][1]}
        mean = sum(scores[pk]) / len(scores[pk]) if scores.get(pk) else 0.0
        result.append(
            matching.OrganisationRow(
                id=pk,
                name=name,
                type=type_code,
                level=level_code,
                countries=frozenset(places),
                subregions=frozenset(subs),
                regions=frozenset(regs),
                objectives=frozenset(objectives.get(pk, ())),
                languages=frozenset(languages.get(pk, ())),
                active=dict(active.get(pk, {})),
                completed=dict(completed.get(pk, {})),
                inactive=dict(inactive.get(pk, {})),
                practices=dict(practices.get(pk, {})),
                score=float(mean),
                load=load.get(pk, 0),
                funder=type_code in matching.FUNDER_TYPES or pk in funders,
            )
        )
    return result


_table_lock = threading.Lock()
_table: dict[str, Any] = {}


def organisation_table() -> matching.OrganisationTable:
    """The features of every organisation, rebuilt when organisations, partnerships, practices
    or hub offers changed (their page-cache generations), else reused in this process."""
    stamp = tuple(sorted(page_cache.generations(MATCH_DOMAINS).items()))
    with _table_lock:
        if _table.get("stamp") == stamp:
            cached: matching.OrganisationTable = _table["table"]
            return cached
    table = matching.OrganisationTable(organisation_rows())
    with _table_lock:
        _table.update(stamp=stamp, table=table)
    return table


def _request_text(request: SupportRequest) -> str:
    words = f"{request.title} {request.need}".split()
    return " ".join(words[:40])


def text_scores(request: SupportRequest) -> dict[int, float]:
    """How close the request's title and need are to each organisation's profile, and to the
    published practices it took part in (a practice counts 0.8 of a profile), each ranking
    scaled to its best (1). From the search engine: its hybrid ranking (words and sentence
    vectors) where vectors are configured, its lexical ranking otherwise, with the any-word
    fallback, so that a long text still finds its closest matches."""
    text = _request_text(request)
    scores: dict[int, float] = {}
    profiles = search(
        text, kinds=["organisation"], limit=TEXT_CANDIDATES, match="some", semantic=True
    ).hits
    best = max((float(h.score) for h in profiles), default=0.0)
    for hit in profiles:
        if best > 0:
            scores[hit.object_id] = max(scores.get(hit.object_id, 0.0), float(hit.score) / best)
    practices = search(text, kinds=["practice"], limit=50, match="some", semantic=True).hits
    best = max((float(h.score) for h in practices), default=0.0)
    by_practice = {h.object_id: float(h.score) / best for h in practices if best > 0}
    if by_practice:
        for practice, org in partnership_selectors.published_practice_organisation_rows(
            list(by_practice)
        ):
            scores[org] = max(scores.get(org, 0.0), PRACTICE_TEXT * by_practice[practice])
    return scores


def organisation_slugs(ids: list[int]) -> dict[int, str]:
    """`{organisation id: slug}` for the ranked organisations (the API names them by slug)."""
    return dict(
        org_selectors.organisation_list(ids=ids, related=False).order_by().values_list("pk", "slug")
    )


def request_matches(request: SupportRequest, *, limit: int = 20) -> list[matching.Match]:
    """The organisations best matching `request`, with each component's value and weight."""
    return organisation_table().rank(request_facts(request), text_scores(request), limit=limit)


def request_consortium(
    request: SupportRequest, size: int, *, exclude: Sequence[str] = ()
) -> matching.Consortium:
    """The consortium the builder proposes from the best-ranked organisations."""
    facts = request_facts(request)
    pool = organisation_table().rank(facts, text_scores(request), limit=POOL)
    if exclude:
        excluded = set(org_selectors.organisations_by_slug(exclude).values_list("pk", flat=True))
        pool = [m for m in pool if m.id not in excluded]
    return matching.build_consortium(facts, pool, size)


@dataclass
class RankedOffer:
    offer: Offer
    score: float
    components: dict[str, float]


def request_offers(request: SupportRequest, *, limit: int = 10) -> list[RankedOffer]:
    """Open offers for `request`, best first (`matching.rank_offers`)."""
    today = timezone.localdate()
    offers = list(
        offer_queryset().filter(status=Offer.OPEN, ends_on__gte=today).order_by("pk")[:2000]
    )
    rows = [
        matching.OfferRow(
            id=o.pk,
            organisation_id=o.organisation_id,
            kinds=frozenset(o.kinds),
            objectives=frozenset(x.number for x in o.objectives.all()),
            regions=frozenset(r.m49 for r in o.regions.all()),
            languages=frozenset(lang.code for lang in o.languages.all()),
        )
        for o in offers
        if o.organisation_id != request.requester_id
    ]
    by_id = {o.pk: o for o in offers}
    return [
        RankedOffer(by_id[row.id], score, parts)
        for row, score, parts in matching.rank_offers(request_facts(request), rows, limit=limit)
    ]


@dataclass
class Solution:
    kind: str  # "practice" or "partnership"
    title: str
    slug: str
    snippet_html: str
    score: float


def similar_solutions(request: SupportRequest, *, limit: int = 5) -> list[Solution]:
    """The published practices and partnerships most like the request (full-text relevance of
    its title and need, within its objectives first), for peer exchange and replication."""
    text = _request_text(request)
    objectives = [str(o.number) for o in request.objectives.all()]
    found: list[Solution] = []
    for kind, links in (
        ("practice", partnership_selectors.published_practice_links),
        ("partnership", partnership_selectors.partnership_links),
    ):
        result = search(
            text,
            kinds=[kind],
            filters={"objective": objectives},
            limit=limit,
            match="some",
            semantic=True,
        )
        if not result.hits:
            result = search(text, kinds=[kind], limit=limit, match="some", semantic=True)
        named = links([h.object_id for h in result.hits])
        for hit in result.hits:
            if hit.object_id in named:
                slug, title = named[hit.object_id]
                found.append(Solution(kind, title, slug, hit.snippet_html, float(hit.score)))
    return found
