"""What the search index holds for a practice: searchable text and facet values.

Only published practices are indexed: the index backs public search. Called inside the writing
service's transaction, so the index never disagrees with the practice.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from migrationhub.core import progress
from migrationhub.search import services as search_services
from migrationhub.taxonomy.selectors import countries_with_regions

from .models import TAG_FIELDS, Evidence, EvidenceObjective, Practice

KIND = "practice"
MAX_YEARS = 50  # a period longer than this is tagged with its first fifty years


def _regions(countries) -> list[str]:
    codes = []
    for country in countries:
        codes.extend(
            r.m49 for r in (country.region, country.subregion, country.intermediate_region) if r
        )
    return codes


def practice_document(practice: Practice) -> dict:
    countries = list(practice.countries.all())
    organisations = list(practice.organisations.all())
    # Only approved text: a proposed change to a published translation waits for review.
    translations = [t for t in practice.translations.all() if t.is_public]
    body = "\n".join(
        part
        for part in [
            practice.summary,
            practice.body,
            practice.results,
            " ".join(f"{o.name} {o.acronym}" for o in organisations),
            " ".join(c.title for c in countries),
            *[f"{t.title}\n{t.summary}\n{t.body}" for t in translations],
        ]
        if part
    )
    # A practice's years are those of its own period, never the day it was published or loaded.
    years: list[int] = []
    if practice.period_start:
        last = min(practice.period_end or practice.period_start, practice.period_start + MAX_YEARS)
        years = list(range(practice.period_start, last + 1))
    languages = [practice.language_id, *[t.language_id for t in translations]]
    return {
        "kind": KIND,
        "object_id": practice.pk,
        "title": practice.title,
        "body": body,
        "language": practice.language_id,
        "sort_date": practice.published_at.date() if practice.published_at else None,
        "facets": {
            "objective": [o.number for o in practice.objectives.all()],
            "principle": [p.code for p in practice.principles.all()],
            "area": [a.code for a in practice.areas.all()],
            "country": [c.iso3 for c in countries],
            "region": _regions(countries),
            "level": [lv.code for lv in practice.levels.all()],
            "stakeholder_type": [s.code for s in practice.stakeholder_types.all()],
            "language": languages,
            "sdg_target": [t.code for t in practice.sdg_targets.all()],
            "year": years,
        },
    }


def _indexable(ids: Iterable[int]) -> QuerySet[Practice]:
    """Practices with everything their document needs, in a fixed number of queries."""
    return Practice.objects.filter(pk__in=list(ids)).prefetch_related(
        Prefetch("countries", queryset=countries_with_regions()),
        "organisations",
        "translations",
        *(f for f in TAG_FIELDS if f != "countries"),
    )


def practice_reindex(practice: Practice) -> None:
    if practice.status == Practice.PUBLISHED:
        search_services.document_upsert(**practice_document(_indexable([practice.pk]).get()))
    else:
        search_services.document_delete(kind=KIND, object_id=practice.pk)


def practices_index_new(practices: list[Practice]) -> int:
    """Index many newly published practices at once (imports): bulk inserts, one bitset update."""
    published = [p.pk for p in practices if p.status == Practice.PUBLISHED]
    documents = (practice_document(p) for p in _indexable(published).iterator(chunk_size=500))
    return search_services.documents_bulk_add(
        progress.track(documents, _("indexing"), total=len(published))
    )


def reindex_all() -> int:
    n = 0
    published = Practice.objects.filter(status=Practice.PUBLISHED).values_list("pk", flat=True)
    for practice in progress.track(_indexable(published), _("re-indexing practices")):
        search_services.document_upsert(**practice_document(practice))
        n += 1
    return n + evidence_reindex_all()


# -- the evidence library ------------------------------------------------------------------------

EVIDENCE_KIND = "evidence"


def evidence_text(evidence: Any) -> str:
    """What an evaluation says about itself in the export (it holds no summary text): its
    themes, cross-cutting themes, projects, scope, and the places it covers."""
    return "\n".join(
        part
        for part in [
            "; ".join(evidence.themes),
            "; ".join(evidence.crosscutting),
            evidence.projects,
            "; ".join(evidence.scope),
            "; ".join(evidence.countries_as_written),
            "; ".join(evidence.offices),
        ]
        if part
    )


def evidence_document(evidence: Any) -> dict:
    countries = list(evidence.countries.all())
    languages = evidence.languages or ([evidence.language_id] if evidence.language_id else [])
    return {
        "kind": EVIDENCE_KIND,
        "object_id": evidence.pk,
        "title": evidence.title,
        "body": evidence_text(evidence),
        "language": evidence.language_id or "en",
        "sort_date": evidence.published_on
        or (dt.date(evidence.year, 1, 1) if evidence.year else None),
        "facets": {
            # Suggested and confirmed alike: a search by objective finds the evaluations the
            # tagger placed there, and the page says which are machine-suggested.
            "objective": [t.objective.number for t in evidence.tags.all()],
            "country": [c.iso3 for c in countries],
            "region": _regions(countries),
            "language": languages,
            "year": [evidence.year] if evidence.year else [],
        },
    }


def _evidence_indexable(ids: Iterable[int]) -> QuerySet[Evidence]:
    return Evidence.objects.filter(pk__in=list(ids)).prefetch_related(
        Prefetch("countries", queryset=countries_with_regions()),
        Prefetch("tags", queryset=EvidenceObjective.objects.select_related("objective")),
    )


def evidence_reindex(evidence: Evidence) -> None:
    search_services.document_upsert(**evidence_document(_evidence_indexable([evidence.pk]).get()))


def evidence_index_new(records: list[Evidence]) -> int:
    ids = [e.pk for e in records]
    documents = (evidence_document(e) for e in _evidence_indexable(ids).iterator(chunk_size=500))
    return search_services.documents_bulk_add(
        progress.track(documents, _("indexing"), total=len(ids))
    )


def evidence_reindex_all() -> int:
    n = 0
    for evidence in progress.track(
        _evidence_indexable(Evidence.objects.values_list("pk", flat=True)),
        _("re-indexing evidence"),
    ):
        search_services.document_upsert(**evidence_document(evidence))
        n += 1
    return n
