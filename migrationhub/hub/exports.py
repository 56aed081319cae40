"""Open data of the connection hub (declared once here; `core.open_data` writes CSV, JSON, HXL
and the data package).

Only what anyone may read is published: requests once screened and not kept private (never a
person: no users, e-mail addresses, curators' names or notes on who did what), and every offer
with its organisation (a slug, joining `organisations.csv`). Values are codes of the reference
vocabularies, so rows join to `/api/v1/reference/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

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
from migrationhub.taxonomy.selectors import codes

from . import selectors, workflow
from .models import SupportKind

KIND_CODES = tuple(SupportKind.values)


def _kinds_column(name: str, description: str) -> Column:
    return Column(name, "string", description, multiple=True, codes=lambda: list(KIND_CODES))


def request_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        chunk = selectors.support_request_list_public(page=page, page_size=500)
        for r in chunk.items:
            yield {
                "slug": r.slug,
                "title": r.title,
                "need": r.need,
                "language": r.language_id,
                "requester": r.requester.slug,
                "country": r.country.iso3,
                "objectives": [o.number for o in r.objectives.all()],
                "levels": [lv.code for lv in r.levels.all()],
                "outcomes": list(r.outcomes),
                "support_kinds": list(r.support_kinds),
                "partner_types": [t.code for t in r.partner_types.all()],
                "start_date": r.start_date,
                "end_date": r.end_date,
                "budget_min": r.budget_min,
                "budget_max": r.budget_max,
                "currency": r.currency,
                "status": r.status,
                "partnership": r.partnership.slug if r.partnership else None,
                "url": page_url("hub:request_detail", base_url, slug=r.slug),
            }
        if page >= chunk.pages:
            return
        page += 1


def offer_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    today = timezone.localdate()
    for o in selectors.offer_list().iterator(chunk_size=500):
        yield {
            "slug": o.slug,
            "title": o.title,
            "description": o.description,
            "language": o.language_id,
            "organisation": o.organisation.slug,
            "kinds": list(o.kinds),
            "objectives": [x.number for x in o.objectives.all()],
            "regions": [r.m49 for r in o.regions.all()],
            "languages": [lang.code for lang in o.languages.all()],
            "capacity": o.capacity,
            "ends_on": o.ends_on,
            "status": "withdrawn"
            if o.status == "withdrawn"
            else ("open" if o.ends_on >= today else "ended"),
            "url": page_url("hub:offer_detail", base_url, slug=o.slug),
        }


REQUESTS = Table(
    name="hub-requests",
    title="Requests for support (connection hub)",
    description="Requests for support from national governments and local or regional "
    "authorities, once screened by the hub's curators and unless the requester asked for them "
    "to stay private, with their status in the hub's workflow.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the request.",
            hxl="#activity+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("title", "string", "Title.", hxl="#activity+name", required=True),
        Column("need", "string", "The need, as the requester states it.", hxl="#description"),
        vocabulary_column("language"),
        Column(
            "requester",
            "string",
            "The requesting organisation (slug in organisations.csv).",
            hxl="#org+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column(
            "country",
            "string",
            "Country (ISO 3166-1 alpha-3).",
            hxl="#country+code",
            pattern="[A-Z]{3}",
        ),
        vocabulary_column("objectives", "GCM objectives the request is about, separated by ';'."),
        vocabulary_column("levels", "Governance levels the request spans, separated by ';'."),
        Column("outcomes", "string", "Outcomes sought, separated by ';'.", multiple=True),
        _kinds_column("support_kinds", "Kinds of support asked for, separated by ';'."),
        Column(
            "partner_types",
            "string",
            "Preferred partner types (stakeholder type codes), separated by ';'.",
            hxl="#org+type",
            multiple=True,
            codes=codes("stakeholder_types"),
        ),
        Column("start_date", "date", "Timeframe: from.", hxl="#date+start"),
        Column("end_date", "date", "Timeframe: until.", hxl="#date+end"),
        Column("budget_min", "number", "Budget range: from (in `currency`).", hxl="#value+min"),
        Column("budget_max", "number", "Budget range: up to (in `currency`).", hxl="#value+max"),
        Column(
            "currency",
            "string",
            "ISO 4217 currency of the budget range.",
            hxl="#currency",
            pattern="[A-Z]{3}|",
        ),
        Column(
            "status",
            "string",
            "Status in the hub's workflow.",
            hxl="#status",
            codes=lambda: list(workflow.STATUS_LABELS),
        ),
        Column(
            "partnership",
            "string",
            "The partnership an accepted proposal became (slug in partnerships.csv).",
            pattern=SLUG_PATTERN,
        ),
        URL_COLUMN,
    ),
    rows=request_rows,
    foreign_keys=(ForeignKey("requester", "organisations", "slug"),),
)

OFFERS = Table(
    name="hub-offers",
    title="Offers of support (connection hub)",
    description="What organisations offer (expertise, funding, peer exchange, data, training), "
    "by GCM objective, region and language, with capacity and end date.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the offer.",
            hxl="#activity+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("title", "string", "Title.", hxl="#activity+name", required=True),
        Column("description", "string", "What is offered.", hxl="#description"),
        vocabulary_column("language"),
        Column(
            "organisation",
            "string",
            "The offering organisation (slug in organisations.csv).",
            hxl="#org+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        _kinds_column("kinds", "Kinds of support offered, separated by ';'."),
        vocabulary_column("objectives"),
        vocabulary_column(
            "regions", "UN M49 regions where it is offered (none: anywhere), separated by ';'."
        ),
        Column(
            "languages",
            "string",
            "Languages it is offered in (codes), separated by ';'.",
            multiple=True,
        ),
        Column("capacity", "string", "How much is offered."),
        Column("ends_on", "date", "Open until.", hxl="#date+end"),
        Column(
            "status",
            "string",
            "open, ended or withdrawn.",
            hxl="#status",
            codes=lambda: ["open", "ended", "withdrawn"],
        ),
        URL_COLUMN,
    ),
    rows=offer_rows,
    foreign_keys=(ForeignKey("organisation", "organisations", "slug"),),
)

TABLES: tuple[Table, ...] = (REQUESTS, OFFERS)
PACKAGES: tuple[Package, ...] = (
    Package(
        name="hub",
        title="MigrationHub connection hub",
        description="Public requests for support and offers of support, with the organisations "
        "they name.",
        tables=("hub-requests", "hub-offers", "organisations"),
        keywords=("migration", "GCM", "capacity-building", "connection hub"),
    ),
)
