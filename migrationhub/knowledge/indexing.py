"""What the search index holds for a practice: searchable text and facet values.

Only published practices are indexed: the index backs public search. Called inside the writing
service's transaction, so the index never disagrees with the practice.
"""

from migrationhub.search import services as search_services

from .models import Practice

KIND = "practice"


def _regions(countries) -> list[str]:
    codes = []
    for country in countries:
        codes.extend(
            r.m49 for r in (country.region, country.subregion, country.intermediate_region) if r
        )
    return codes


def practice_document(practice: Practice) -> dict:
    countries = list(
        practice.countries.select_related("region", "subregion", "intermediate_region")
    )
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
    year = practice.period_start or (practice.published_at.year if practice.published_at else None)
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
            "year": [year] if year else [],
        },
    }


def practice_reindex(practice: Practice) -> None:
    if practice.status == Practice.PUBLISHED:
        search_services.document_upsert(**practice_document(practice))
    else:
        search_services.document_delete(kind=KIND, object_id=practice.pk)


def reindex_all() -> int:
    n = 0
    for practice in Practice.objects.filter(status=Practice.PUBLISHED):
        practice_reindex(practice)
        n += 1
    return n
