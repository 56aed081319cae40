"""What the search index holds for partnerships and pledges: text, and the facets their lists
filter by (including the scorecard's band and the status light, which the services keep in step
and `partnerships-refresh` refreshes daily as days pass).

Every partnership and pledge is public, so all are indexed. Called inside the writing service's
transaction (ADR 0001).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from migrationhub.core import progress
from migrationhub.search import services as search_services
from migrationhub.taxonomy.selectors import countries_with_regions

from . import scoring
from .models import TAG_FIELDS, Goal, Member, Partnership, Pledge, Pledger

KIND = "partnership"
PLEDGE_KIND = "pledge"
YES, NO = "yes", "no"


def _regions(countries: Iterable[Any]) -> list[str]:
    return [
        r.m49
        for country in countries
        for r in (country.region, country.subregion, country.intermediate_region)
        if r
    ]


def partnership_document(p: Partnership) -> dict[str, Any]:
    countries = list(p.countries.all())
    members = [m for m in p.members.all() if m.status == Member.ACTIVE]
    translations = list(p.translations.all())
    goals = list(p.goals.all())
    types = {
        m.organisation.stakeholder_type.code
        for m in members
        if not m.organisation.claims_public_body
    }
    body = "\n".join(
        part
        for part in [
            p.purpose,
            " ".join(f"{m.organisation.name} {m.organisation.acronym}" for m in members),
            " ".join(g.indicator for g in goals),
            " ".join(c.title for c in countries),
            *[f"{t.name}\n{t.purpose}" for t in translations],
        ]
        if part
    )
    objectives = {o.number for o in p.objectives.all()} | {
        o.number for g in goals for o in g.objectives.all()
    }
    return {
        "kind": KIND,
        "object_id": p.pk,
        "title": p.name,
        "body": body,
        "language": p.language_id,
        "sort_date": p.created_at.date() if p.created_at else None,
        "facets": {
            "objective": sorted(objectives),
            "status": [p.status],
            "light": [p.light],
            "score": [scoring.band(p.score)],
            "level": [lv.code for lv in p.levels.all()],
            "country": [c.iso3 for c in countries],
            "region": _regions(countries),
            "stakeholder_type": sorted(types),
            "area": [a.code for a in p.areas.all()],
            "sdg_target": [t.code for t in p.sdg_targets.all()],
            "principle": [pr.code for pr in p.principles.all()],
        },
    }


def indexable(ids: Iterable[int]) -> QuerySet[Partnership]:
    return Partnership.objects.filter(pk__in=list(ids)).prefetch_related(
        Prefetch("countries", queryset=countries_with_regions()),
        Prefetch(
            "members",
            queryset=Member.objects.select_related("organisation__stakeholder_type"),
        ),
        Prefetch("goals", queryset=Goal.objects.prefetch_related("objectives")),
        "translations",
        *(f for f in TAG_FIELDS if f != "countries"),
    )


def partnership_reindex(partnership: Partnership) -> None:
    search_services.document_upsert(**partnership_document(indexable([partnership.pk]).get()))


def partnerships_index_new(ids: list[int]) -> int:
    """Index many new partnerships at once (imports, demo, benchmarks)."""
    documents = (partnership_document(p) for p in indexable(ids).iterator(chunk_size=500))
    return search_services.documents_bulk_add(
        progress.track(documents, _("indexing"), total=len(ids))
    )


def pledge_document(pledge: Pledge) -> dict[str, Any]:
    pledgers = [p for p in pledge.pledgers.all() if p.status == Pledger.ACTIVE]
    body = "\n".join(
        part
        for part in [
            pledge.narrative,
            " ".join(f"{p.organisation.name} {p.organisation.acronym}" for p in pledgers),
            pledge.partnership.name if pledge.partnership else "",
        ]
        if part
    )
    return {
        "kind": PLEDGE_KIND,
        "object_id": pledge.pk,
        "title": pledge.title,
        "body": body,
        "sort_date": pledge.pledged_on,
        "facets": {
            "type": [pledge.kind],
            "status": [pledge.status],
            "light": [pledge.light],
            "joint": [YES if len(pledgers) > 1 else NO],
            "objective": [o.number for o in pledge.objectives.all()],
        },
    }


def _pledges(ids: Iterable[int]) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(pk__in=list(ids))
        .select_related("partnership")
        .prefetch_related(
            Prefetch("pledgers", queryset=Pledger.objects.select_related("organisation")),
            "objectives",
        )
    )


def pledge_reindex(pledge: Pledge) -> None:
    search_services.document_upsert(**pledge_document(_pledges([pledge.pk]).get()))


def reindex_all() -> int:
    n = 0
    ids = list(Partnership.objects.values_list("pk", flat=True))
    for partnership in progress.track(indexable(ids), _("re-indexing partnerships")):
        search_services.document_upsert(**partnership_document(partnership))
        n += 1
    for pledge in _pledges(Pledge.objects.values_list("pk", flat=True)):
        search_services.document_upsert(**pledge_document(pledge))
        n += 1
    return n
