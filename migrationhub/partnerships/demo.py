"""Load the curated demo partnerships and pledges (data/demo/partnerships.json), named in the seed
documents, each with its provenance (data/demo/SOURCES.md says how they were curated).

Everything is created through the services, as the platform itself (`actor=None`): the partnership
with its lead (`partnership_create`), the members the source names (`member_record`: shown "as
published by the source", never as having accepted an invitation), goals and the progress the
source reports, resources, outputs (the practices curated from the same passages, which the
organisations and practices demo loads first), then pledges (`pledge_create`, co-pledgers
recorded as the source names them) and their status when the source says it is fulfilled. What
the seeds do not say stays empty: no goal, amount or date is made up. A curated record owes its
first report from the date of the latest document it cites (`as_of`), so most are honestly
flagged overdue or inactive. Finally `partnerships_refresh` brings every stored scorecard and
status light up to date, so the lists show them.

Idempotent: partnerships and pledges whose slug exists are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from migrationhub.core.demo import cite, demo_dir, documents, source_date
from migrationhub.organisations import selectors as org_selectors
from migrationhub.search.services import terms_deferred, vectors_deferred

from . import selectors, services


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _number(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def demo_records() -> dict[str, list[dict[str, Any]]]:
    """The curated partnerships and pledges, as data/demo/partnerships.json holds them."""
    data: dict[str, list[dict[str, Any]]] = json.loads(
        (demo_dir() / "partnerships.json").read_text(encoding="utf-8")
    )
    return data


def _organisation_slugs(data: dict[str, list[dict[str, Any]]]) -> set[str]:
    slugs: set[str] = set()
    for row in data["partnerships"]:
        slugs.add(row["lead"])
        slugs |= {m["organisation"] for m in row["members"]}
        slugs |= {c["organisation"] for c in row["commitments"]}
        slugs |= {r["organisation"] for g in row["goals"] for r in g["reports"]}
    for row in data["pledges"]:
        slugs.add(row["lead"])
        slugs |= set(row["co_pledgers"])
    return slugs


def _partnership(row: dict[str, Any], orgs: dict[str, Any], docs: dict[str, Any]) -> None:
    fields = services.PartnershipFields(
        name=row["name"],
        purpose=row["purpose"],
        language=row["language"],
        status=row["status"],
        start_date=_date(row["start_date"]),
        end_date=_date(row["end_date"]),
        objectives=row["objectives"],
        principles=row["principles"],
        areas=row["areas"],
        countries=row["countries"],
        levels=row["levels"],
        sdg_targets=row["sdg_targets"],
        website=row["website"],
    )
    p = services.partnership_create(
        actor=None,
        lead=orgs[row["lead"]],
        fields=fields,
        roles=row["lead_roles"],
        slug=row["slug"],
        provenance=cite(row["provenance"], docs),
        as_of=source_date(row["provenance"]),
    )
    for m in row["members"]:
        services.member_record(
            actor=None, partnership=p, organisation=orgs[m["organisation"]], roles=m["roles"]
        )
    for g in row["goals"]:
        goal = services.goal_add(
            actor=None,
            partnership=p,
            fields=services.GoalFields(
                indicator=g["indicator"],
                unit=g["unit"],
                baseline=_number(g["baseline"]),
                target=_number(g["target"]),
                due_date=_date(g["due_date"]),
                objectives=g["objectives"],
                sdg_targets=g["sdg_targets"],
            ),
        )
        for r in g["reports"]:
            services.progress_report(
                actor=None,
                goal=goal,
                organisation=orgs[r["organisation"]],
                fields=services.ProgressFields(
                    reported_on=dt.date.fromisoformat(r["reported_on"]),
                    value=_number(r["value"]),
                    narrative=r["narrative"],
                ),
            )
    for c in row["commitments"]:
        services.commitment_add(
            actor=None,
            partnership=p,
            organisation=orgs[c["organisation"]],
            fields=services.CommitmentFields(
                kind=c["kind"],
                description=c.get("description", ""),
                amount=_number(c.get("amount")),
                currency=c.get("currency", ""),
            ),
        )
    for practice in row["outputs"]:
        services.output_add(actor=None, partnership=p, practice_slug=practice)


def _pledge(row: dict[str, Any], orgs: dict[str, Any], docs: dict[str, Any]) -> None:
    pledge = services.pledge_create(
        actor=None,
        lead=orgs[row["lead"]],
        fields=services.PledgeFields(
            title=row["title"],
            narrative=row["narrative"],
            kind=row["kind"],
            amount=_number(row["amount"]),
            currency=row["currency"],
            due_date=_date(row["due_date"]),
            pledged_on=_date(row["pledged_on"]),
            partnership=row["partnership"],
            matches=row["matches"],
            objectives=row["objectives"],
        ),
        co_pledgers=[orgs[s] for s in row["co_pledgers"]],
        slug=row["slug"],
        provenance=cite(row["provenance"], docs),
        as_of=source_date(row["provenance"]),
    )
    if row["status"] != pledge.status:
        services.pledge_status_set(
            actor=None, pledge=pledge, status=row["status"], reason="As the source records."
        )


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the curated partnerships and pledges that do not exist yet; return the counts.
    Their organisations and practices come from the organisations and practices demo
    (`knowledge_load_demo`), which must be loaded first. The search index's terms are rebuilt
    once at the end (`terms_deferred`): each partnership is indexed again as its members,
    outputs and pledges are added, and terms kept in step at each were most of the load; their
    vectors are asked for together, once (`vectors_deferred`)."""
    with terms_deferred(), vectors_deferred():
        return _load_demo()


def _load_demo() -> dict[str, int]:
    data = demo_records()
    docs = documents()
    wanted = _organisation_slugs(data)
    orgs = {o.slug: o for o in org_selectors.organisations_by_slug(wanted)}
    missing = sorted(wanted - set(orgs))
    if missing:
        raise ValueError(
            "The demo partnerships name organisations that are not in the directory: "
            f"{', '.join(missing)}. Load the organisations and practices demo first."
        )
    existing = selectors.partnership_slugs()
    for row in data["partnerships"]:
        if row["slug"] not in existing:
            _partnership(row, orgs, docs)
    existing = selectors.pledge_slugs()
    for row in data["pledges"]:
        if row["slug"] not in existing:
            _pledge(row, orgs, docs)
    services.partnerships_refresh()
    return {
        "partnerships": selectors.partnership_count(),
        "pledges": len(selectors.pledge_slugs()),
    }
