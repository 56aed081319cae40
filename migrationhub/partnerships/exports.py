"""Open data of the partnership registry (declared once here; `core.open_data` writes CSV, JSON,
HXL and the data packages), and the IATI 2.03 activity files (`partnerships/iati.py`).

Nothing personal is published: no users, e-mail addresses, invitations' notes, who reported or
who accepted. Members are organisations; only active members are listed (an invitation is not
a membership). Every partnership and pledge carries its status light and an `inactive` flag
(no report for 24 months, lights.py) beside its scorecard (scoring.py). Values are codes of the
reference vocabularies and slugs, so rows join to `/api/v1/reference/` and `organisations.csv`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from migrationhub.core import hooks
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

from . import iati, lights, scoring, selectors
from .models import Commitment, Member, Partnership, Pledge, Role

# --- tables ----------------------------------------------------------------------------------


def _regions(countries: list[Any], m49_by_pk: dict[int, str]) -> list[str]:
    found: list[str] = []
    for country in countries:
        for pk in (country.region_id, country.subregion_id, country.intermediate_region_id):
            if pk is not None and m49_by_pk[pk] not in found:
                found.append(m49_by_pk[pk])
    return found


def partnership_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    today = timezone.localdate()
    m49_by_pk = region_codes_by_pk()
    for p in selectors.partnership_list():
        countries = list(p.countries.all())
        card = selectors.partnership_scorecard(p)
        light = selectors.partnership_light(p, today)
        yield {
            "slug": p.slug,
            "name": p.name,
            "purpose": p.purpose,
            "language": p.language_id,
            "status": p.status,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "lead": p.lead.slug,
            "members": [m.organisation.slug for m in selectors.active_members(p)],
            "objectives": [o.number for o in p.objectives.all()],
            "principles": [x.code for x in p.principles.all()],
            "areas": [a.code for a in p.areas.all()],
            "countries": [c.iso3 for c in countries],
            "regions": _regions(countries, m49_by_pk),
            "levels": [lv.code for lv in p.levels.all()],
            "sdg_targets": [t.code for t in p.sdg_targets.all()],
            "website": p.website,
            "score": card.overall,
            "score_breadth": card.breadth.score,
            "score_focus": card.focus.score,
            "score_resources": card.resources.score,
            "light": light.colour,
            "inactive": light.inactive,
            "last_reported_on": p.last_reported_on,
            "report_due": light.due,
            "registered_on": p.registered_on,
            "iati_identifier": iati_identifier(p),
            "url": page_url("partnerships:detail", base_url, slug=p.slug),
        }


def member_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    for p in selectors.partnership_list():
        for m in selectors.active_members(p):
            yield {
                "partnership": p.slug,
                "organisation": m.organisation.slug,
                "roles": list(m.roles),
                "lead": m.is_lead,
                "source": m.source,
            }


def goal_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    for p in selectors.partnership_list():
        for row in selectors.goal_progress(p):
            goal, latest = row["goal"], row["latest"]
            yield {
                "id": goal.pk,
                "partnership": p.slug,
                "indicator": goal.indicator,
                "unit": goal.unit,
                "baseline": goal.baseline,
                "target": goal.target,
                "due_date": goal.due_date,
                "objectives": [o.number for o in goal.objectives.all()],
                "sdg_targets": [t.code for t in goal.sdg_targets.all()],
                "smart": not row["smart_problems"],
                "latest_value": latest.value if latest else None,
                "latest_reported_on": latest.reported_on if latest else None,
            }


def pledge_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    today = timezone.localdate()
    for pledge in selectors.pledge_list():
        light = selectors.pledge_light(pledge, today)
        pledgers = selectors.active_pledgers(pledge)
        yield {
            "slug": pledge.slug,
            "title": pledge.title,
            "narrative": pledge.narrative,
            "type": pledge.kind,
            "amount": pledge.amount,
            "currency": pledge.currency or None,
            "due_date": pledge.due_date,
            "pledged_on": pledge.pledged_on,
            "status": pledge.status,
            "lead": pledge.lead.slug,
            "pledgers": [x.organisation.slug for x in pledgers],
            "joint": len(pledgers) > 1,
            "partnership": pledge.partnership.slug if pledge.partnership else None,
            "matches": pledge.matches.slug if pledge.matches else None,
            "objectives": [o.number for o in pledge.objectives.all()],
            "light": light.colour,
            "inactive": light.inactive,
            "last_reported_on": pledge.last_reported_on,
            "url": page_url("partnerships:pledge_detail", base_url, slug=pledge.slug),
        }


def _slug(name: str, description: str, **kw: Any) -> Column:
    return Column(name, "string", description, pattern=SLUG_PATTERN, **kw)


LIGHT_COLUMN = Column(
    "light",
    "string",
    "Status light: green (reported in the last 12 months), amber (a report is overdue), red "
    "(no report for 24 months: inactive), closed (completed, cancelled, fulfilled, withdrawn).",
    required=True,
    codes=lambda: list(lights.COLOURS),
)
INACTIVE_COLUMN = Column(
    "inactive",
    "boolean",
    "No progress reported for 24 months or more (the light is red).",
    required=True,
)

PARTNERSHIPS = Table(
    name="partnerships",
    title="Partnerships",
    description="The registry of multi-stakeholder partnerships on migration governance: purpose, "
    "status, period, tags, the scorecard of seed 003 §4 (breadth, focus, resources; 0-100, "
    "computed from the data) and the status light.",
    columns=(
        _slug("slug", "Stable identifier of the partnership.", hxl="#activity+code", required=True),
        Column(
            "name",
            "string",
            "Name, in the original language.",
            hxl="#activity+name",
            required=True,
            constraints=(("maxLength", 300),),
        ),
        Column("purpose", "string", "What the partnership is for.", hxl="#description"),
        vocabulary_column("language"),
        Column(
            "status",
            "string",
            "planned, active, completed, suspended or cancelled.",
            hxl="#status",
            required=True,
            codes=lambda: [s for s, _label in Partnership.STATUSES],
        ),
        Column("start_date", "date", "Start.", hxl="#date+start"),
        Column("end_date", "date", "End.", hxl="#date+end"),
        _slug(
            "lead",
            "Slug of the lead organisation (organisations.csv).",
            hxl="#org+code+lead",
            required=True,
        ),
        _slug(
            "members",
            "Slugs of the active member organisations, lead included, separated by ';'.",
            hxl="#org+code",
            multiple=True,
        ),
        vocabulary_column("objectives"),
        vocabulary_column("principles"),
        vocabulary_column("areas"),
        vocabulary_column("countries"),
        vocabulary_column("regions"),
        vocabulary_column("levels"),
        vocabulary_column("sdg_targets"),
        Column("website", "string", "Its website.", hxl="#meta+url", format="uri"),
        Column(
            "score",
            "integer",
            "Scorecard, 0-100: the mean of breadth, focus and resources.",
            required=True,
            constraints=(("minimum", 0), ("maximum", 100)),
        ),
        Column(
            "score_breadth",
            "integer",
            "Breadth and inclusiveness, 0-100.",
            required=True,
            constraints=(("minimum", 0), ("maximum", 100)),
        ),
        Column(
            "score_focus",
            "integer",
            "Focus (SMART goals, timeframe, objectives), 0-100.",
            required=True,
            constraints=(("minimum", 0), ("maximum", 100)),
        ),
        Column(
            "score_resources",
            "integer",
            "Resources (money, in kind, expertise, knowledge shared), 0-100.",
            required=True,
            constraints=(("minimum", 0), ("maximum", 100)),
        ),
        LIGHT_COLUMN,
        INACTIVE_COLUMN,
        Column("last_reported_on", "date", "Date of the latest progress report."),
        Column("report_due", "date", "The next progress report is due by this date."),
        Column("registered_on", "date", "Registered on MigrationHub.", required=True),
        Column(
            "iati_identifier",
            "string",
            "Its iati-identifier in the IATI files (/api/v1/partnerships/iati.xml).",
            hxl="#activity+code+iati",
            required=True,
        ),
        URL_COLUMN,
    ),
    rows=partnership_rows,
    foreign_keys=(ForeignKey("lead", "organisations", "slug"),),
)

MEMBERS = Table(
    name="partnership-members",
    title="Partnership members",
    description="The active member organisations of each partnership and their roles (IATI "
    "organisation roles funding, accountable, extending, implementing; and technical, advisory, "
    "migrant_representative). Invitations are not listed until accepted.",
    columns=(
        _slug("partnership", "Slug of the partnership.", hxl="#activity+code", required=True),
        _slug("organisation", "Slug of the organisation.", hxl="#org+code", required=True),
        Column(
            "roles",
            "string",
            "Its roles, separated by ';'.",
            multiple=True,
            codes=lambda: list(Role.values),
        ),
        Column("lead", "boolean", "The lead organisation.", required=True),
        Column(
            "source",
            "string",
            "consent: joined by accepting an invitation (or registered it); record: as a "
            "published source names it (a seed document, an IATI file).",
            required=True,
            codes=lambda: [Member.CONSENT, Member.RECORD],
        ),
    ),
    rows=member_rows,
    primary_key=("partnership", "organisation"),
    foreign_keys=(
        ForeignKey("partnership", "partnerships", "slug"),
        ForeignKey("organisation", "organisations", "slug"),
    ),
)

GOALS = Table(
    name="partnership-goals",
    title="Partnership goals",
    description="Each partnership's goals: indicator, unit, baseline, target, due date, the GCM "
    "objectives and SDG targets served, whether the goal is SMART, and the latest value reported.",
    columns=(
        Column("id", "integer", "Identifier of the goal.", required=True),
        _slug("partnership", "Slug of the partnership.", hxl="#activity+code", required=True),
        Column("indicator", "string", "The indicator.", hxl="#indicator+name", required=True),
        Column("unit", "string", "Its unit.", hxl="#indicator+unit"),
        Column("baseline", "number", "Baseline value.", hxl="#indicator+num+baseline"),
        Column("target", "number", "Target value.", hxl="#indicator+num+target"),
        Column("due_date", "date", "The target is due by this date.", hxl="#date+due"),
        vocabulary_column("objectives"),
        vocabulary_column("sdg_targets"),
        Column(
            "smart",
            "boolean",
            "Specific, measurable, relevant and time-bound (scoring.py).",
            required=True,
        ),
        Column("latest_value", "number", "The latest value reported.", hxl="#indicator+num"),
        Column("latest_reported_on", "date", "Its date.", hxl="#date+reported"),
    ),
    rows=goal_rows,
    primary_key=("id",),
    foreign_keys=(ForeignKey("partnership", "partnerships", "slug"),),
)

PLEDGES = Table(
    name="pledges",
    title="Pledges",
    description="Commitments by one or more organisations (the IMRF pledging model): type, "
    "narrative, amount where financial, due date, the partnership that delivers it, the pledge "
    "it matches, and its status light.",
    columns=(
        _slug("slug", "Stable identifier of the pledge.", hxl="#activity+code", required=True),
        Column("title", "string", "Title.", hxl="#activity+name", required=True),
        Column("narrative", "string", "What is pledged.", hxl="#description"),
        Column(
            "type",
            "string",
            "financial, technical, human_resources, policy or process.",
            required=True,
            codes=lambda: [k for k, _label in Pledge.KINDS],
        ),
        Column("amount", "number", "Amount, for financial pledges.", hxl="#value"),
        Column(
            "currency",
            "string",
            "ISO 4217 currency of the amount.",
            hxl="#currency",
            pattern="[A-Z]{3}",
        ),
        Column("due_date", "date", "Due by.", hxl="#date+due"),
        Column("pledged_on", "date", "Pledged on.", hxl="#date", required=True),
        Column(
            "status",
            "string",
            "open, fulfilled or withdrawn.",
            required=True,
            codes=lambda: [s for s, _label in Pledge.STATUSES],
        ),
        _slug("lead", "Slug of the organisation that made it.", hxl="#org+code", required=True),
        _slug(
            "pledgers",
            "Slugs of every organisation making it (joint pledges have several), separated by ';'.",
            multiple=True,
        ),
        Column("joint", "boolean", "Made by more than one organisation.", required=True),
        _slug("partnership", "Slug of the partnership that delivers it."),
        _slug("matches", "Slug of the pledge it matches."),
        vocabulary_column("objectives"),
        LIGHT_COLUMN,
        INACTIVE_COLUMN,
        Column("last_reported_on", "date", "Date of the latest report on the pledge."),
        URL_COLUMN,
    ),
    rows=pledge_rows,
    foreign_keys=(
        ForeignKey("lead", "organisations", "slug"),
        ForeignKey("partnership", "partnerships", "slug"),
    ),
)

TABLES = (PARTNERSHIPS, MEMBERS, GOALS, PLEDGES)
PACKAGES = (
    Package(
        name="partnerships",
        title="MigrationHub registry of partnerships",
        description="Partnerships, their members and roles, goals, pledges, scorecards and status "
        "lights, with the organisations they name.",
        tables=(
            "partnerships",
            "partnership-members",
            "partnership-goals",
            "pledges",
            "organisations",
        ),
        keywords=("migration", "GCM", "partnerships", "pledges", "IMRF"),
    ),
)


# --- IATI ------------------------------------------------------------------------------------

# Stakeholder type → IATI OrganisationType. Civil society is an international (21), regional
# (23) or national (22) NGO by its level.
ORGANISATION_TYPES = {
    "national-government": "10",
    "local-authority": "11",
    "parliament": "15",
    "nhri": "15",
    "regional-organisation": "40",
    "international-organisation": "40",
    "private-sector": "70",
    "employers-organisation": "90",
    "trade-union": "90",
    "media": "90",
    "academia": "80",
    "philanthropy": "60",
}
NGO_TYPES = {"global": "21", "regional": "23"}


def organisation_type(organisation: Any) -> str:
    code = organisation.stakeholder_type.code
    if organisation.claims_public_body:
        return "90"  # not verified: the claimed type is not published as a fact
    return ORGANISATION_TYPES.get(code) or NGO_TYPES.get(organisation.level.code, "22")


def iati_identifier(p: Partnership) -> str:
    return p.iati_identifier or f"{settings.MIGRATIONHUB_IATI_PUBLISHER_REF}-{p.slug}"


def _org(organisation: Any, refs: dict[int, str], **kw: Any) -> iati.Organisation:
    return iati.Organisation(
        name=organisation.name,
        ref=refs.get(organisation.pk, ""),
        type=organisation_type(organisation),
        **kw,
    )


def _period(
    start: dt.date | None, end: dt.date | None, p: Partnership, fallback: dt.date
) -> tuple[dt.date, dt.date]:
    start = start or p.start_date or fallback
    end = end or p.end_date or dt.date(start.year, 12, 31)
    return start, max(start, end)


def iati_activity(p: Partnership, refs: dict[int, str]) -> iati.Activity:
    """The partnership (fetched by `selectors.partnership_queryset`) as an IATI activity."""
    registered = p.registered_on or timezone.localdate()
    members = selectors.active_members(p)
    financial = [c for c in p.commitments.all() if c.kind == Commitment.FINANCIAL and c.amount]
    totals: dict[str, list[Any]] = {}
    for c in financial:
        totals.setdefault(c.currency, []).append(c)
    budgets = []
    for currency, rows in sorted(totals.items()):
        periods = [_period(c.period_start, c.period_end, p, c.created_at.date()) for c in rows]
        start, end = min(s for s, _e in periods), max(e for _s, e in periods)
        budgets.append(
            iati.Budget(
                start,
                end,
                iati.Money(sum((c.amount for c in rows), Decimal(0)), currency, start),
            )
        )
    disbursements = []
    for c in financial:
        start, end = _period(c.period_start, c.period_end, p, c.created_at.date())
        disbursements.append(
            iati.Disbursement(
                start,
                end,
                iati.Money(c.amount, c.currency, start),
                _org(c.organisation, refs),
            )
        )
    indicators = []
    for row in selectors.goal_progress(p):
        goal = row["goal"]
        reports = sorted(row["reports"], key=lambda r: (r.reported_on, r.pk))
        actuals = []
        previous = p.start_date or goal.created_at.date()
        for report in reports:
            actuals.append(
                iati.Actual(
                    min(previous, report.reported_on),
                    report.reported_on,
                    report.value,
                    report.narrative[:2000],
                )
            )
            previous = report.reported_on
        indicators.append(
            iati.Indicator(
                title=goal.indicator,
                unit=goal.unit,
                baseline=goal.baseline,
                baseline_year=(p.start_date or goal.created_at.date()).year,
                target=goal.target,
                target_start=p.start_date or goal.created_at.date(),
                due=goal.due_date,
                objectives=tuple(o.number for o in goal.objectives.all()),
                sdg_targets=tuple(t.code for t in goal.sdg_targets.all()),
                actuals=tuple(actuals),
            )
        )
    countries = tuple(c.iso2 for c in p.countries.all() if c.iso2)
    return iati.Activity(
        identifier=iati_identifier(p),
        title=p.name,
        description=p.purpose,
        last_updated=p.updated_at or timezone.now(),
        registered=p.as_of or registered,
        language=p.language_id,
        translations=tuple((t.language_id, t.name, t.purpose) for t in p.translations.all()),
        status=p.status,
        start=p.start_date,
        end=p.end_date,
        participating=tuple(
            _org(m.organisation, refs, roles=tuple(m.roles), lead=m.is_lead) for m in members
        ),
        countries=countries,
        objectives=tuple(o.number for o in p.objectives.all()),
        sdg_targets=tuple(t.code for t in p.sdg_targets.all()),
        budgets=tuple(budgets),
        disbursements=tuple(disbursements),
        transactions=iati_transactions(p),
        indicators=tuple(indicators),
        website=p.website,
    )


IATI_TRANSACTIONS_HOOK = "partnership.iati_transactions"
"""Higher apps (the start-up fund) add transactions to a partnership's activity through this hook
(`core.hooks`): each provider returns dicts with `type` (IATI TransactionType code), `date`,
`amount` (Decimal, negative for a correction), `currency`, `provider` and `receiver` (names),
and optionally `description`."""


def iati_transactions(p: Partnership) -> tuple[iati.Transaction, ...]:
    return tuple(
        iati.Transaction(
            type=t["type"],
            date=t["date"],
            value=iati.Money(t["amount"], t["currency"], t["date"]),
            provider=iati.Organisation(name=t["provider"]) if t.get("provider") else None,
            receiver=iati.Organisation(name=t["receiver"]) if t.get("receiver") else None,
            description=t.get("description", ""),
        )
        for t in hooks.collect(IATI_TRANSACTIONS_HOOK, p)
    )


def reporting_org() -> iati.Organisation:
    return iati.Organisation(
        name=str(getattr(settings, "MIGRATIONHUB_OPERATOR", "MigrationHub")),
        ref=settings.MIGRATIONHUB_IATI_PUBLISHER_REF,
        type="90",
    )


def iati_document(partnerships: Iterable[Partnership]) -> bytes:
    """An `iati-activities` file of `partnerships` (detail-prefetched)."""
    partnerships = list(partnerships)
    refs = selectors.organisation_refs()
    return iati.activities_document(
        (iati_activity(p, refs) for p in partnerships),
        reporting_org=reporting_org(),
        generated=timezone.now(),
    )


def scorecard_criteria() -> tuple[tuple[str, str, int], ...]:
    return scoring.CRITERIA
