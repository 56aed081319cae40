"""Open data of the knowledge platform: every published practice (declared once here; the
kernel's registry, `core.open_data`, writes CSV, JSON, HXL and the data packages).

Drafts, practices in review and archived practices are never published, and nothing personal is:
no users, e-mail addresses, memberships, reviewers, review decisions or comments, `created_by`,
history or provenance notes. Values are codes of the reference vocabularies (GCM objective
numbers, principle, area, level and stakeholder-type codes, ISO 3166-1 alpha-3 countries, UN M49
regions, language codes) and slugs for organisations, so a row joins to `/api/v1/reference/` and
to `organisations.csv`. Rows are read through the selectors (prefetched): the number of queries
does not grow with the number of rows.
"""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings

from migrationhub.core.open_data import (
    SLUG_PATTERN,
    URL_COLUMN,
    Column,
    ForeignKey,
    Package,
    Table,
    page_url,
)
from migrationhub.taxonomy.columns import vocabulary_column
from migrationhub.taxonomy.selectors import region_codes_by_pk

from . import selectors


def _regions(countries: list[Any], m49_by_pk: dict[int, str]) -> list[str]:
    """The UN M49 regions, sub-regions and intermediate regions of `countries`, as in search."""
    found: list[str] = []
    for country in countries:
        for pk in (country.region_id, country.subregion_id, country.intermediate_region_id):
            if pk is not None and m49_by_pk[pk] not in found:
                found.append(m49_by_pk[pk])
    return found


def practice_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """One row per published practice, ordered by slug."""
    m49_by_pk = region_codes_by_pk()
    for practice in selectors.practice_list_published().order_by("slug"):
        countries = list(practice.countries.all())
        yield {
            "slug": practice.slug,
            "title": practice.title,
            "summary": practice.summary,
            "body": practice.body,
            "language": practice.language_id,
            "organisation": practice.organisation.slug if practice.organisation else None,
            "organisations": [o.slug for o in practice.organisations.all()],
            "objectives": [o.number for o in practice.objectives.all()],
            "principles": [p.code for p in practice.principles.all()],
            "areas": [a.code for a in practice.areas.all()],
            "countries": [c.iso3 for c in countries],
            "regions": _regions(countries, m49_by_pk),
            "levels": [lv.code for lv in practice.levels.all()],
            "stakeholder_types": [s.code for s in practice.stakeholder_types.all()],
            "sdg_targets": [t.code for t in practice.sdg_targets.all()],
            "period_start": practice.period_start,
            "period_end": practice.period_end,
            "results": practice.results,
            "source": practice.source,
            "published_at": practice.published_at,
            "last_verified_at": practice.last_verified_at,
            "stale": practice.is_stale,
            "url": page_url("knowledge:detail", base_url, slug=practice.slug),
        }


PRACTICES = Table(
    name="practices",
    title="Practices",
    description="Every published practice of the MigrationHub knowledge platform, tagged to the "
    "GCM objectives and guiding principles. Drafts and practices in review are not included.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the practice.",
            hxl="#activity+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column(
            "title",
            "string",
            "Title, in the original language.",
            hxl="#activity+name",
            required=True,
            constraints=(("maxLength", 300),),
        ),
        Column("summary", "string", "Summary, in the original language.", hxl="#description"),
        Column("body", "string", "Full description.", hxl="#description+text"),
        vocabulary_column("language"),
        Column(
            "organisation",
            "string",
            "Slug of the submitting organisation (organisations.csv); empty for records "
            "curated by the platform.",
            hxl="#org+code",
            pattern=SLUG_PATTERN,
        ),
        Column(
            "organisations",
            "string",
            "Slugs of the organisations involved, separated by ';'.",
            hxl="#org+code+impl",
            multiple=True,
            pattern=SLUG_PATTERN,
        ),
        vocabulary_column("objectives"),
        vocabulary_column("principles"),
        vocabulary_column("areas"),
        vocabulary_column("countries"),
        vocabulary_column("regions"),
        vocabulary_column("levels"),
        vocabulary_column("stakeholder_types"),
        vocabulary_column(
            "sdg_targets",
            "SDG targets the practice serves (e.g. 10.7, 10.c), separated by ';'.",
        ),
        Column(
            "period_start",
            "integer",
            "Year the practice started.",
            hxl="#date+start",
            constraints=(("minimum", 1900), ("maximum", 2100)),
        ),
        Column(
            "period_end",
            "integer",
            "Year the practice ended or will end.",
            hxl="#date+end",
            constraints=(("minimum", 1900), ("maximum", 2100)),
        ),
        Column("results", "string", "Results and evidence.", hxl="#output+text"),
        Column("source", "string", "Where the practice is documented.", hxl="#meta+source"),
        Column(
            "published_at",
            "datetime",
            "When peer review approved the practice (UTC).",
            hxl="#date+approved",
        ),
        Column(
            "last_verified_at",
            "date",
            "When the practice was last confirmed accurate; empty if never.",
            hxl="#date+reported",
        ),
        Column(
            "stale",
            "boolean",
            f"Not verified for {settings.MIGRATIONHUB_STALE_AFTER_MONTHS} months or more.",
            required=True,
        ),
        URL_COLUMN,
    ),
    rows=practice_rows,
    foreign_keys=(ForeignKey("organisation", "organisations", "slug"),),
)


def evidence_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """One row per evaluation of the evidence library, ordered by slug. Authors are not kept
    (many are persons); commissioners and donors are organisations."""
    m49_by_pk = region_codes_by_pk()
    for evidence in selectors.evidence_queryset().order_by("slug").iterator(chunk_size=500):
        countries = list(evidence.countries.all())
        tags = list(evidence.tags.all())
        yield {
            "slug": evidence.slug,
            "title": evidence.title,
            "year": evidence.year,
            "published_on": evidence.published_on,
            "language": evidence.language_id,
            "countries": [c.iso3 for c in countries],
            "regions": _regions(countries, m49_by_pk),
            "countries_as_written": evidence.countries_as_written,
            "coverage": evidence.coverage,
            "themes": evidence.themes,
            "crosscutting": evidence.crosscutting,
            "scope": evidence.scope,
            "timing": evidence.timing,
            "evaluator": evidence.evaluator,
            "commissioner": evidence.commissioner,
            "donor": evidence.donor,
            "projects": evidence.projects,
            "objectives": [t.objective.number for t in tags if t.is_confirmed],
            "objectives_suggested": [t.objective.number for t in tags if not t.is_confirmed],
            "has_executive_summary": evidence.has_executive_summary,
            "has_lessons": evidence.has_lessons,
            "report_url": evidence.report_url,
            "source": f"{evidence.source}, row {evidence.source_row}"
            if evidence.source_row
            else evidence.source,
            "url": page_url("knowledge:evidence", base_url, slug=evidence.slug),
        }


def _listed(name: str, description: str) -> Column:
    return Column(name, "string", description + " Separated by ';'.", multiple=True)


EVIDENCE = Table(
    name="evidence",
    title="Evidence: programme evaluations",
    description="The evidence library: IOM's programme evaluations as the IOM Evaluation "
    "Repository lists them (export of 2025-11-13), with the GCM objectives curators confirmed "
    "and those a program suggested. Authors are not included.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier.",
            hxl="#activity+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("title", "string", "Title of the evaluation.", hxl="#activity+name", required=True),
        Column("year", "integer", "Year of the evaluation.", hxl="#date+year"),
        Column("published_on", "date", "Date of publication.", hxl="#date+published"),
        replace(
            vocabulary_column(
                "language", "First language of the report, if one of the platform's."
            ),
            required=False,
        ),
        vocabulary_column("countries", "Countries covered (ISO 3166-1 alpha-3), separated by ';'."),
        vocabulary_column("regions"),
        _listed("countries_as_written", "Countries covered, as the source names them."),
        Column("coverage", "string", "Country, multi-country, regional or global."),
        _listed("themes", "IOM migration thematic areas."),
        _listed("crosscutting", "Cross-cutting themes."),
        _listed("scope", "Type of evaluation scope."),
        Column("timing", "string", "Type of evaluation timing."),
        Column("evaluator", "string", "Type of evaluator (internal, external, ...)."),
        Column("commissioner", "string", "Who commissioned the evaluation.", hxl="#org+funder"),
        Column("donor", "string", "Donor of the project evaluated.", hxl="#org+donor"),
        Column("projects", "string", "Projects evaluated.", hxl="#activity+project"),
        vocabulary_column("objectives", "GCM objectives confirmed by a curator, separated by ';'."),
        replace(
            vocabulary_column("objectives"),
            name="objectives_suggested",
            description="GCM objectives suggested by a program and not yet confirmed, separated by ';'.",
            hxl="#sector+suggested",
        ),
        Column("has_executive_summary", "boolean", "The report has an executive summary."),
        Column("has_lessons", "boolean", "The report has best practices or lessons learnt."),
        Column("report_url", "string", "Link to the report.", format="uri"),
        Column("source", "string", "Where the record comes from.", hxl="#meta+source"),
        URL_COLUMN,
    ),
    rows=evidence_rows,
)

TABLES = (PRACTICES, EVIDENCE)
PACKAGES = (
    Package(
        name="knowledge",
        title="MigrationHub knowledge platform: practices and organisations",
        description="Open data of MigrationHub, the global knowledge platform of the Global "
        "Compact for Migration: every published practice and the organisations behind them. "
        "Multi-valued fields hold codes of the reference vocabularies separated by ';'.",
        tables=("practices", "evidence", "organisations"),
        keywords=("migration", "GCM", "Global Compact for Migration", "partnerships"),
    ),
)
