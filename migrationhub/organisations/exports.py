"""Open data of the directory: every organisation's public profile, never its members (declared
once here; the kernel's registry, `core.open_data`, writes every format)."""

from collections.abc import Iterator
from typing import Any

from migrationhub.core.open_data import SLUG_PATTERN, URL_COLUMN, Column, Package, Table, page_url
from migrationhub.taxonomy.selectors import codes

from . import selectors


def organisation_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """One row per organisation, ordered by slug: the public profile, never its members."""
    for org in selectors.organisation_queryset().order_by("slug"):
        yield {
            "slug": org.slug,
            "name": org.name,
            "acronym": org.acronym,
            "stakeholder_type": org.stakeholder_type.code,
            "level": org.level.code,
            "home_country": org.home_country.iso3 if org.home_country else None,
            "countries": [c.iso3 for c in org.countries.all()],
            "objectives": [o.number for o in org.objectives.all()],
            "languages": [lang.code for lang in org.languages.all()],
            "description": org.description,
            "website": org.website,
            "verified": org.is_verified,
            "url": page_url("organisations:detail", base_url, slug=org.slug),
        }


ORGANISATIONS = Table(
    name="organisations",
    title="Organisations",
    description="Every stakeholder organisation in the MigrationHub directory: its public "
    "profile, never its members.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the organisation.",
            hxl="#org+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("name", "string", "Name.", hxl="#org+name", required=True),
        Column("acronym", "string", "Acronym."),
        Column(
            "stakeholder_type",
            "string",
            "Stakeholder type (code of /api/v1/reference/stakeholder-types).",
            hxl="#org+type",
            required=True,
            codes=codes("stakeholder_types"),
        ),
        Column(
            "level",
            "string",
            "Governance level: local, national, regional or global.",
            required=True,
            codes=codes("levels"),
        ),
        Column(
            "home_country",
            "string",
            "Country of its seat (ISO 3166-1 alpha-3); empty for global bodies.",
            hxl="#country+code",
            pattern="[A-Z]{3}",
        ),
        Column(
            "countries",
            "string",
            "Countries of operation (ISO 3166-1 alpha-3), separated by ';'.",
            multiple=True,
            pattern="[A-Z]{3}",
        ),
        Column(
            "objectives",
            "integer",
            "GCM objectives of expertise (1-23), separated by ';'.",
            hxl="#sector+code",
            multiple=True,
            codes=codes("objectives"),
        ),
        Column(
            "languages",
            "string",
            "Working languages (codes), separated by ';'.",
            multiple=True,
            codes=codes("languages"),
        ),
        Column("description", "string", "What the organisation does.", hxl="#description"),
        Column("website", "string", "Its own website.", hxl="#org+url", format="uri"),
        Column(
            "verified",
            "boolean",
            "Verified by the platform's administrators (who it is was checked). An unverified "
            "organisation of a public-body type only claims to be one.",
            required=True,
        ),
        URL_COLUMN,
    ),
    rows=organisation_rows,
)

TABLES = (ORGANISATIONS,)
PACKAGES = (
    Package(
        name="organisations",
        title="MigrationHub directory of organisations",
        description="Every stakeholder organisation in the MigrationHub directory: its public "
        "profile, never its members.",
        tables=("organisations",),
    ),
)
