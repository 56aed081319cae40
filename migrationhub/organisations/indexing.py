"""What the search index holds for an organisation."""

from migrationhub.search import services as search_services

from .models import Organisation

KIND = "organisation"
VERIFIED, UNVERIFIED = "yes", "no"  # values of the "verified" facet


def organisation_document(org: Organisation) -> dict:
    countries = list(org.countries.select_related("region", "subregion"))
    if org.home_country_id and org.home_country not in countries:
        countries.append(org.home_country)
    regions = [r.m49 for c in countries for r in (c.region, c.subregion) if r]
    body = "\n".join(
        p
        for p in [
            org.acronym,
            org.description,
            " ".join(org.names.values()),
            " ".join(c.title for c in countries),
        ]
        if p
    )
    return {
        "kind": KIND,
        "object_id": org.pk,
        "title": f"{org.name} ({org.acronym})" if org.acronym else org.name,
        "body": body,
        "sort_date": org.created_at.date() if org.created_at else None,
        "facets": {
            # An unverified public body is not counted (nor found) under the type it claims
            # until a platform admin verifies it (ADR 0004).
            "stakeholder_type": [] if org.claims_public_body else [org.stakeholder_type.code],
            "verified": [VERIFIED if org.is_verified else UNVERIFIED],
            "level": [org.level.code],
            "country": [c.iso3 for c in countries],
            "region": regions,
            "objective": [o.number for o in org.objectives.all()],
            "language": [lang.code for lang in org.languages.all()],
        },
    }


def organisation_reindex(org: Organisation) -> None:
    search_services.document_upsert(**organisation_document(org))


def reindex_all() -> int:
    n = 0
    for org in Organisation.objects.select_related(
        "stakeholder_type", "level", "home_country__region", "home_country__subregion"
    ).prefetch_related("objectives", "languages"):
        organisation_reindex(org)
        n += 1
    return n
