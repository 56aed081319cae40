"""The partnership registry at 20k partnerships, on SQLite and PostgreSQL, beside plain SQL.

    .venv/bin/python bench/partnerships_bench.py [--database sqlite|postgres|both] [--size 20000]
                                                [--organisations 3000] [--repeat 5]

For each database, a fresh one (a SQLite file in a temporary directory; the PostgreSQL database
`bench_partnerships` at postgres://postgres@127.0.0.1:5432/, or BENCH_PARTNERSHIPS_DATABASE_URL,
dropped and re-created) is migrated, given the reference vocabularies, and filled with a synthetic
registry (a fixed seed: both databases see the same data and queries):
- `--organisations` organisations (stakeholder types, levels, 70% verified) and 1,000 published
  practices (what outputs link to);
- `--size` partnerships, named and described from the GCM's own texts (data/reference/
  gcm_objectives.csv, gcm_actions.csv) and countries, with statuses, periods, GCM objectives,
  levels, countries, areas, principles and SDG targets (skewed, as real registries are);
- members (the lead and 0-8 others, 10% of them invited or declined), goals (0-4, some SMART),
  commitments (financial with amounts, in kind, expertise), progress reports, outputs, and pledges
  (one for every four partnerships, with their pledgers).
Rows go in with `bulk_create` and many-to-many rows as plain tuples (no history, no audit: this
is a benchmark's documented bulk path, not the services'); the stored scorecard and status light
come from `selectors.scorecards_all` and `selectors.partnership_light`, then the search index from
`indexing.partnerships_index_new`, as a bulk import would.

Measured, in-process (one Django process per database, production settings, the page cache off
so that every page is rendered as on a cache miss), p50/p95 over `--repeat` runs of every query
after one warm-up run:
- the registry's list page, `GET /partnerships/?q=…&<facet>=…` through the whole middleware and
  template stack (django.test.Client): search, 10 facet counts, a page of 20 partnerships with
  their lead, light, score and objectives; for 30 searches (words drawn from the registry's text,
  with 0-2 filters, and the bare list);
- the API, `GET /api/v1/partnerships/?q=…` (same searches);
- the scorecard of every partnership: `selectors.scorecards_all()` (all 20k scorecards from a few
  plain queries), and `services.partnerships_refresh()` (what the daily `partnerships-refresh`
  runs: every scorecard and light recomputed and compared with the stored ones).
References, plain SQL on the same data in the same run:
- for the list: the same matches and filters on the search index (SQLite FTS5 `MATCH`, PostgreSQL
  `tsvector @@`, the match expression the app's own query parser builds), one `GROUP BY` of the
  10 facets' values over the matches, the total, and the page of 20 (ranked, joined to the
  partnership and its lead) with its objectives;
- for the scorecard: one SQL statement computing every partnership's scorecard inputs (stakeholder
  types, levels, migrants' organisations, government bodies, goals and SMART goals, objectives,
  money, in kind, expertise, contributing members, published outputs) with GROUP BYs; the points
  are arithmetic on these.

Prints a table (p50, p95, the reference's p95, the ratio) and writes the figures as JSON to
bench/results/ (gitignored). Not a test: nothing here passes or fails.
"""

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

from _common import percentiles, pg_admin

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
REFERENCE = REPO_DIR / "migrationhub" / "data" / "reference"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_partnerships"
SEED = 20261201
N_QUERIES = 30
N_PRACTICES = 1000
FACETS = (
    "objective",
    "status",
    "light",
    "score",
    "level",
    "region",
    "country",
    "stakeholder_type",
    "area",
    "sdg_target",
)
PREFIXES = (
    "Alliance for",
    "Partnership on",
    "Coalition for",
    "Initiative on",
    "Network for",
    "Platform for",
    "Compact on",
    "Programme on",
    "Dialogue on",
    "Joint action on",
)
INDICATORS = (
    "Migrant workers reached by",
    "Recruiters certified under",
    "Municipal staff trained in",
    "Remittance transfers made through",
    "Returnees supported by",
    "Data sets published on",
    "Cases referred through",
    "Diaspora investors engaged in",
)
UNITS = ("people", "recruiters", "staff", "transfers", "returnees", "data sets", "cases", "%")
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "XOF", "PHP")
_STOPWORDS = """about above after again against all also among and any are because been before being
    between both but can could did does doing down during each few for from further had has have
    her here him his how into its just more most must not now off once only other our out over
    own same shall should some such than that the their them then there these they this those
    through too under until upon very was were what when where which while who whom why will with
    within would your including well"""
STOPWORDS = frozenset(_STOPWORDS.split())
WORD = re.compile(r"[a-z]{5,}")


# -- the synthetic registry ------------------------------------------------------------------------


def read_texts() -> dict:
    with (REFERENCE / "gcm_objectives.csv").open(encoding="utf-8-sig", newline="") as handle:
        objectives = {int(r["objective"]): r["title"] for r in csv.DictReader(handle)}
    actions: dict[int, list[str]] = {}
    with (REFERENCE / "gcm_actions.csv").open(encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle):
            actions.setdefault(int(r["objective"]), []).append(r["text_short"] or r["text"])
    return {"objectives": objectives, "actions": actions}


def _skewed(rng: random.Random, items: list, k: int, weights: list[float]) -> list:
    chosen: list = []
    k = min(k, len(items))
    while len(chosen) < k:
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def generate(n: int, n_orgs: int, codes: dict, texts: dict, today: dt.date, seed: int = SEED):
    """The registry as plain dicts: organisations, practices, partnerships (with members, goals,
    reports, commitments, outputs) and pledges."""
    rng = random.Random(seed)
    types, levels = codes["stakeholder_types"], codes["levels"]
    type_weights = [3 if t in ("civil-society", "national-government") else 1 for t in types]
    countries = list(codes["countries"])  # [(iso3, title)]
    rng.shuffle(countries)
    country_weights = [1 / (1 + i) ** 0.7 for i in range(len(countries))]
    organisations = []
    for i in range(n_orgs):
        kind = rng.choices(types, type_weights)[0]
        _iso3, title = rng.choices(countries, country_weights)[0]
        organisations.append(
            {
                "i": i,
                "slug": f"bench-org-{i}",
                "name": f"{kind.replace('-', ' ').capitalize()} {i} of {title}"[:300],
                "type": kind,
                "level": rng.choices(levels, [3, 5, 2, 1])[0],
                "verified": rng.random() < 0.7,
            }
        )
    practices = [
        {"i": i, "slug": f"bench-practice-{i}", "org": rng.randrange(n_orgs)}
        for i in range(N_PRACTICES)
    ]
    objectives = sorted(texts["objectives"])
    objective_weights = [1 / (1 + (i % 9)) for i in range(len(objectives))]
    roles = codes["roles"]
    partnerships, pledges = [], []
    four_years = today - dt.timedelta(days=4 * 365)
    for i in range(n):
        objs = _skewed(
            rng,
            objectives,
            rng.choices([0, 1, 2, 3, 5, 9], [5, 35, 30, 15, 10, 5])[0],
            objective_weights,
        )
        main = objs[0] if objs else rng.choice(objectives)
        picked = _skewed(rng, countries, rng.choices([1, 2, 3], [60, 30, 10])[0], country_weights)
        theme = " ".join(texts["objectives"][main].split()[: rng.randint(3, 7)]).rstrip(",")
        name = f"{rng.choice(PREFIXES)} {theme.lower()} in {picked[0][1]}"[:300]
        pool = texts["actions"].get(main) or [texts["objectives"][main]]
        sentences = rng.sample(pool, min(2, len(pool)))
        status = rng.choices(
            ["active", "planned", "completed", "suspended", "cancelled"], [70, 10, 12, 4, 4]
        )[0]
        registered = _day(rng, four_years, today)
        start = (
            _day(rng, registered - dt.timedelta(days=365), registered)
            if rng.random() < 0.8
            else None
        )
        end = (
            (start or registered) + dt.timedelta(days=rng.randint(365, 5 * 365))
            if rng.random() < 0.6
            else None
        )
        lead = rng.randrange(n_orgs)
        others = rng.sample(
            range(n_orgs), rng.choices(range(9), [10, 20, 20, 15, 12, 9, 6, 5, 3])[0]
        )
        members = [{"org": lead, "roles": ["accountable"], "lead": True, "status": "active"}]
        for org in others:
            if org == lead:
                continue
            members.append(
                {
                    "org": org,
                    "roles": rng.sample(roles, rng.choices([1, 2], [75, 25])[0]),
                    "lead": False,
                    "status": rng.choices(["active", "invited", "declined"], [90, 7, 3])[0],
                }
            )
        active = [m["org"] for m in members if m["status"] == "active"]
        goals = []
        for _ in range(rng.choices(range(5), [20, 25, 25, 20, 10])[0]):
            baseline = Decimal(rng.randint(0, 50)) if rng.random() < 0.7 else None
            goals.append(
                {
                    "indicator": f"{rng.choice(INDICATORS)} {theme.lower()}"[:300],
                    "unit": rng.choice(UNITS) if rng.random() < 0.7 else "",
                    "baseline": baseline,
                    "target": Decimal(rng.randint(60, 5000)) if rng.random() < 0.8 else None,
                    "due": (
                        _day(rng, start or registered, end or today + dt.timedelta(days=1500))
                        if rng.random() < 0.7
                        else None
                    ),
                    "objectives": rng.sample(
                        objs or [main], min(len(objs or [main]), rng.randint(0, 2))
                    ),
                    "sdg_targets": rng.sample(
                        codes["sdg_targets"], rng.choices([0, 1], [60, 40])[0]
                    ),
                    "reports": sorted(
                        (
                            _day(rng, registered, today + dt.timedelta(days=1)),
                            Decimal(rng.randint(0, 4000)),
                            rng.choice(active),
                        )
                        for _ in range(rng.choices(range(4), [45, 30, 15, 10])[0])
                    ),
                }
            )
        commitments = []
        for _ in range(rng.choices(range(5), [30, 30, 20, 12, 8])[0]):
            kind = rng.choices(["financial", "in_kind", "expertise"], [40, 30, 30])[0]
            commitments.append(
                {
                    "org": rng.choice(active),
                    "kind": kind,
                    "amount": Decimal(rng.randint(1, 5000) * 1000) if kind == "financial" else None,
                    "currency": rng.choice(CURRENCIES) if kind == "financial" else "",
                    "description": ""
                    if kind == "financial"
                    else f"{kind.replace('_', ' ')}: {theme}",
                }
            )
        reported = [r[0] for g in goals for r in g["reports"]]
        partnerships.append(
            {
                "i": i,
                "slug": f"bench-partnership-{i}",
                "name": name,
                "purpose": " ".join(sentences),
                "language": rng.choices(["en", "fr", "es", "ar"], [80, 9, 8, 3])[0],
                "status": status,
                "start": start,
                "end": end,
                "registered": registered,
                "lead": lead,
                "objectives": objs,
                "levels": _skewed(rng, levels, rng.choices([1, 2], [70, 30])[0], [3, 5, 2, 1]),
                "countries": [c[0] for c in picked],
                "areas": rng.sample(codes["areas"], rng.choices([0, 1, 2], [30, 50, 20])[0]),
                "principles": rng.sample(codes["principles"], rng.randint(0, 3)),
                "sdg_targets": rng.sample(
                    codes["sdg_targets"], rng.choices([0, 1, 2], [50, 35, 15])[0]
                ),
                "members": members,
                "goals": goals,
                "commitments": commitments,
                "outputs": rng.sample(range(N_PRACTICES), rng.choices([0, 1, 2], [70, 20, 10])[0]),
                "last_reported": max(reported) if reported else None,
            }
        )
        if i % 4 == 0:
            pledgers = [lead, *rng.sample(range(n_orgs), rng.choices([0, 1, 2], [60, 30, 10])[0])]
            pledges.append(
                {
                    "i": len(pledges),
                    "partnership": i if rng.random() < 0.6 else None,
                    "lead": lead,
                    "pledgers": list(dict.fromkeys(pledgers)),
                    "kind": rng.choice(
                        ["financial", "technical", "human_resources", "policy", "process"]
                    ),
                    "title": f"Pledge on {theme.lower()}"[:300],
                    "pledged_on": registered,
                    "status": rng.choices(["open", "fulfilled", "withdrawn"], [80, 15, 5])[0],
                }
            )
    return organisations, practices, partnerships, pledges


def choose_queries(partnerships: list[dict], codes: dict, k: int = N_QUERIES, seed: int = SEED):
    """k searches: 1-2 words frequent in the registry's text (in 1-30% of the partnerships), each
    with 0-2 filters, plus the bare list (no words, no filter) and two filters without words."""
    rng = random.Random(seed + 1)
    sample = rng.sample(partnerships, min(4000, len(partnerships)))
    postings: dict[str, int] = {}
    for p in sample:
        for w in set(WORD.findall(f"{p['name']} {p['purpose']}".lower())) - STOPWORDS:
            postings[w] = postings.get(w, 0) + 1
    n = len(sample)
    common = sorted(w for w, df in postings.items() if 0.01 * n <= df <= 0.3 * n)
    filters = [
        ("objective", [str(o) for o in range(1, 24)]),
        ("level", codes["levels"]),
        ("light", ["green", "amber", "red"]),
        ("status", ["active", "completed"]),
        ("stakeholder_type", ["civil-society", "migrant-diaspora", "private-sector"]),
        ("score", ["30", "40", "50"]),
    ]
    queries: list[dict] = [{"q": "", "filters": {}}]
    queries.append({"q": "", "filters": {"objective": ["6"], "light": ["green"]}})
    queries.append(
        {"q": "", "filters": {"level": ["local"], "stakeholder_type": ["migrant-diaspora"]}}
    )
    while len(queries) < k:
        words = " ".join(rng.sample(common, rng.choices([1, 2], [60, 40])[0]))
        chosen = {}
        for name, values in rng.sample(filters, rng.choices([0, 1, 2], [40, 40, 20])[0]):
            chosen[name] = [rng.choice(values)]
        queries.append({"q": words, "filters": chosen})
    return queries


def query_string(spec: dict) -> str:
    pairs = [("q", spec["q"])] if spec["q"] else []
    pairs += [(name, v) for name, values in spec["filters"].items() for v in values]
    return urllib.parse.urlencode(pairs)


# -- loading (inside the per-database worker process) ----------------------------------------------


def taxonomy_codes() -> dict:
    from migrationhub.partnerships.models import Role
    from migrationhub.taxonomy.models import (
        Area,
        Country,
        Level,
        Principle,
        SdgTarget,
        StakeholderType,
    )

    return {
        "stakeholder_types": list(
            StakeholderType.objects.order_by("order").values_list("code", flat=True)
        ),
        "levels": list(Level.objects.order_by("order").values_list("code", flat=True)),
        "countries": list(
            Country.objects.filter(region__isnull=False)
            .order_by("m49")
            .values_list("iso3", "title")
        ),
        "areas": list(Area.objects.order_by("number").values_list("code", flat=True)),
        "principles": list(Principle.objects.order_by("number").values_list("code", flat=True)),
        "sdg_targets": list(
            SdgTarget.objects.filter(code__regex=r"^(1|5|8|10|16|17)\.").values_list(
                "code", flat=True
            )
        ),
        "roles": list(Role.values),
    }


def _insert_links(cursor, table: str, columns: tuple[str, str], rows: list[tuple]) -> None:
    if rows:
        cursor.executemany(
            f"INSERT INTO {table} ({columns[0]}, {columns[1]}) VALUES (%s, %s)", rows
        )


def load(organisations, practices, partnerships, pledges, today: dt.date) -> dict:
    """Bulk rows, then the stored scorecards and lights, then the search index. Returns the
    seconds each step took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from migrationhub.knowledge.models import Practice
    from migrationhub.organisations.models import Organisation
    from migrationhub.partnerships import lights, selectors
    from migrationhub.partnerships.indexing import partnerships_index_new
    from migrationhub.partnerships.models import (
        Commitment,
        Goal,
        Member,
        Output,
        Partnership,
        Pledge,
        Pledger,
        ProgressReport,
    )
    from migrationhub.taxonomy.models import (
        Area,
        Country,
        Level,
        Objective,
        Principle,
        SdgTarget,
        StakeholderType,
    )

    ids = {
        "objectives": dict(Objective.objects.values_list("number", "pk")),
        "countries": dict(Country.objects.values_list("iso3", "pk")),
        "levels": dict(Level.objects.values_list("code", "pk")),
        "stakeholder_types": dict(StakeholderType.objects.values_list("code", "pk")),
        "principles": dict(Principle.objects.values_list("code", "pk")),
        "areas": dict(Area.objects.values_list("code", "pk")),
        "sdg_targets": dict(SdgTarget.objects.values_list("code", "pk")),
    }
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        rows = Organisation.objects.bulk_create(
            [
                Organisation(
                    slug=o["slug"],
                    name=o["name"],
                    names={"en": o["name"]},
                    stakeholder_type_id=ids["stakeholder_types"][o["type"]],
                    level_id=ids["levels"][o["level"]],
                    verified_at=now if o["verified"] else None,
                )
                for o in organisations
            ],
            batch_size=2000,
        )
        org_pk = [r.pk for r in rows]
        rows = Practice.objects.bulk_create(
            [
                Practice(
                    slug=p["slug"],
                    title=f"Practice {p['i']}",
                    summary="A practice shared as a partnership's output.",
                    language_id="en",
                    status=Practice.PUBLISHED,
                    organisation_id=org_pk[p["org"]],
                    published_at=now,
                    last_verified_at=today,
                )
                for p in practices
            ],
            batch_size=2000,
        )
        practice_pk = [r.pk for r in rows]
    for start in range(0, len(partnerships), 2000):
        chunk = partnerships[start : start + 2000]
        with transaction.atomic():
            rows = Partnership.objects.bulk_create(
                [
                    Partnership(
                        slug=p["slug"],
                        name=p["name"],
                        purpose=p["purpose"],
                        language_id=p["language"],
                        status=p["status"],
                        start_date=p["start"],
                        end_date=p["end"],
                        lead_id=org_pk[p["lead"]],
                        last_reported_on=p["last_reported"],
                    )
                    for p in chunk
                ]
            )
            for p, row in zip(chunk, rows, strict=True):
                p["pk"] = row.pk
            with connection.cursor() as cursor:  # tuples, not model instances
                cursor.executemany(
                    "UPDATE partnerships_partnership SET created_at = %s WHERE id = %s",
                    [
                        (dt.datetime.combine(p["registered"], dt.time(12), tzinfo=dt.UTC), p["pk"])
                        for p in chunk
                    ],
                )
                for field, column in (
                    ("objectives", "objective_id"),
                    ("levels", "level_id"),
                    ("countries", "country_id"),
                    ("areas", "area_id"),
                    ("principles", "principle_id"),
                    ("sdg_targets", "sdgtarget_id"),
                ):
                    table = getattr(Partnership, field).through._meta.db_table
                    _insert_links(
                        cursor,
                        table,
                        ("partnership_id", column),
                        [(p["pk"], ids[field][code]) for p in chunk for code in p[field]],
                    )
            Member.objects.bulk_create(
                [
                    Member(
                        partnership_id=p["pk"],
                        organisation_id=org_pk[m["org"]],
                        roles=m["roles"],
                        is_lead=m["lead"],
                        status=m["status"],
                    )
                    for p in chunk
                    for m in p["members"]
                ]
            )
            goals = Goal.objects.bulk_create(
                [
                    Goal(
                        partnership_id=p["pk"],
                        indicator=g["indicator"],
                        unit=g["unit"],
                        baseline=g["baseline"],
                        target=g["target"],
                        due_date=g["due"],
                    )
                    for p in chunk
                    for g in p["goals"]
                ]
            )
            flat = [(p, g) for p in chunk for g in p["goals"]]
            with connection.cursor() as cursor:
                _insert_links(
                    cursor,
                    Goal.objectives.through._meta.db_table,
                    ("goal_id", "objective_id"),
                    [
                        (row.pk, ids["objectives"][o])
                        for (p, g), row in zip(flat, goals, strict=True)
                        for o in g["objectives"]
                    ],
                )
                _insert_links(
                    cursor,
                    Goal.sdg_targets.through._meta.db_table,
                    ("goal_id", "sdgtarget_id"),
                    [
                        (row.pk, ids["sdg_targets"][t])
                        for (p, g), row in zip(flat, goals, strict=True)
                        for t in g["sdg_targets"]
                    ],
                )
            ProgressReport.objects.bulk_create(
                [
                    ProgressReport(
                        partnership_id=p["pk"],
                        goal_id=row.pk,
                        organisation_id=org_pk[org],
                        value=value,
                        reported_on=day,
                    )
                    for (p, g), row in zip(flat, goals, strict=True)
                    for day, value, org in g["reports"]
                ]
            )
            Commitment.objects.bulk_create(
                [
                    Commitment(
                        partnership_id=p["pk"],
                        organisation_id=org_pk[c["org"]],
                        kind=c["kind"],
                        amount=c["amount"],
                        currency=c["currency"],
                        description=c["description"],
                    )
                    for p in chunk
                    for c in p["commitments"]
                ]
            )
            Output.objects.bulk_create(
                [
                    Output(partnership_id=p["pk"], practice_id=practice_pk[o])
                    for p in chunk
                    for o in p["outputs"]
                ]
            )
    with transaction.atomic():
        rows = Pledge.objects.bulk_create(
            [
                Pledge(
                    slug=f"bench-pledge-{x['i']}",
                    title=x["title"],
                    narrative=x["title"],
                    kind=x["kind"],
                    pledged_on=x["pledged_on"],
                    status=x["status"],
                    lead_id=org_pk[x["lead"]],
                    partnership_id=(
                        partnerships[x["partnership"]]["pk"]
                        if x["partnership"] is not None
                        else None
                    ),
                )
                for x in pledges
            ],
            batch_size=2000,
        )
        Pledger.objects.bulk_create(
            [
                Pledger(pledge_id=row.pk, organisation_id=org_pk[o], status="active")
                for x, row in zip(pledges, rows, strict=True)
                for o in x["pledgers"]
            ],
            batch_size=5000,
        )
    rows_done = time.perf_counter()
    # The stored figures lists sort and filter by, as `partnerships_refresh` keeps them.
    cards = selectors.scorecards_all()
    updated = []
    for p in selectors.partnerships_to_refresh().iterator(chunk_size=2000):
        card = cards[p.pk]
        p.score, p.light = card.overall, selectors.partnership_light(p, today).colour
        p.score_breadth, p.score_focus = card.breadth.score, card.focus.score
        p.score_resources = card.resources.score
        updated.append(p)
    fields = ["score", "score_breadth", "score_focus", "score_resources", "light"]
    with transaction.atomic():
        Partnership.objects.bulk_update(updated, fields, batch_size=2000)
        pledges_updated = []
        for pledge in selectors.pledges_to_refresh().iterator(chunk_size=2000):
            pledge.light = selectors.pledge_light(pledge, today).colour
            pledges_updated.append(pledge)
        Pledge.objects.bulk_update(pledges_updated, ["light"], batch_size=2000)
    figures_done = time.perf_counter()
    with transaction.atomic():
        partnerships_index_new([p["pk"] for p in partnerships])
    indexed = time.perf_counter()
    lights_count = {c: sum(1 for p in updated if p.light == c) for c in lights.COLOURS}
    return {
        "rows_seconds": round(rows_done - started, 1),
        "figures_seconds": round(figures_done - rows_done, 1),
        "index_seconds": round(indexed - figures_done, 1),
        "lights": lights_count,
        "mean_score": round(statistics.mean(p.score for p in updated), 1),
    }


def counts() -> dict:
    from migrationhub.partnerships.models import (
        Commitment,
        Goal,
        Member,
        Output,
        Partnership,
        Pledge,
        ProgressReport,
    )

    return {
        "partnerships": Partnership.objects.count(),
        "members": Member.objects.count(),
        "goals": Goal.objects.count(),
        "reports": ProgressReport.objects.count(),
        "commitments": Commitment.objects.count(),
        "outputs": Output.objects.count(),
        "pledges": Pledge.objects.count(),
    }


# -- the plain SQL references ------------------------------------------------------------------


def list_reference(vendor: str):
    """The list's work in plain SQL: matches (text and filters), facet counts, total, page."""
    from django.db import connection

    from migrationhub.search.backends import backend_for
    from migrationhub.search.query import parse

    backend = backend_for(connection)
    facet_names = ", ".join(f"'{f}'" for f in FACETS)

    few = 10  # as the engine (search/backends/base.py, FEW): fewer all-word matches than
    # this, for two words or more, and the documents with some of the words are taken

    def expression_for(parsed) -> str:
        """The all-words expression, or the any-word one when too few documents match it."""
        expression = backend.all_expression(parsed)
        if len(parsed.groups) < 2:
            return expression
        if vendor == "sqlite":
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s"
        else:
            sql = "SELECT count(*) FROM search_document d WHERE d.tsv @@ to_tsquery('simple', %s)"
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression])
            if cursor.fetchone()[0] < few:
                return backend.any_expression(parsed)
        return expression

    def matched(spec: dict) -> tuple[str, list, str]:
        """A SELECT of (id, object_id, r) for the matches, its parameters, and the order."""
        params: list = []
        parsed = parse(spec["q"]) if spec["q"] else None
        if parsed and not parsed.empty:
            expression = expression_for(parsed)
            if vendor == "sqlite":
                sql = (
                    "SELECT d.id, d.object_id, f.rank AS r FROM search_fts f"
                    " JOIN search_document d ON d.id = f.rowid"
                    " WHERE search_fts MATCH %s AND d.kind = 'partnership'"
                )
                order = "m.r"
            else:
                sql = (
                    "SELECT d.id, d.object_id, ts_rank_cd(d.tsv, to_tsquery('simple', %s)) AS r"
                    " FROM search_document d WHERE d.tsv @@ to_tsquery('simple', %s)"
                    " AND d.kind = 'partnership'"
                )
                params.append(expression)
                order = "m.r DESC"
            params.append(expression)
        else:
            sql = (
                "SELECT d.id, d.object_id, d.sort_date AS r FROM search_document d"
                " WHERE d.kind = 'partnership'"
            )
            order = "m.r DESC, m.id DESC"
        for name, values in spec["filters"].items():
            marks = ", ".join(["%s"] * len(values))
            sql += (
                " AND d.id IN (SELECT document_id FROM search_facet"
                f" WHERE facet = %s AND value IN ({marks}))"
            )
            params += [name, *values]
        return sql, params, order

    def run(spec: dict) -> int:
        sql, params, order = matched(spec)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.facet, f.value, count(*) FROM search_facet f"
                f" WHERE f.facet IN ({facet_names}) AND f.document_id IN (SELECT id FROM ({sql}) m)"
                " GROUP BY f.facet, f.value",
                params,
            )
            cursor.fetchall()
            cursor.execute(f"SELECT count(*) FROM ({sql}) m", params)
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT p.id, p.slug, p.name, p.score, p.light, p.status, o.name"
                f" FROM ({sql}) m JOIN partnerships_partnership p ON p.id = m.object_id"
                " JOIN organisations_organisation o ON o.id = p.lead_id"
                f" ORDER BY {order} LIMIT 20",
                params,
            )
            page = [row[0] for row in cursor.fetchall()]
            if page:
                cursor.execute(
                    "SELECT po.partnership_id, ob.number FROM partnerships_partnership_objectives po"
                    " JOIN taxonomy_objective ob ON ob.id = po.objective_id"
                    f" WHERE po.partnership_id IN ({', '.join(['%s'] * len(page))})",
                    page,
                )
                cursor.fetchall()
        return total

    return run


SCORECARD_INPUTS_SQL = """
WITH am AS (
  SELECT m.partnership_id AS pid, m.organisation_id AS oid, o.level_id AS lid,
         CASE WHEN st.public_body AND o.verified_at IS NULL THEN NULL ELSE st.code END AS type_code,
         CASE WHEN o.verified_at IS NOT NULL
              AND st.code IN ('national-government', 'local-authority', 'parliament')
              THEN 1 ELSE 0 END AS gov,
         CASE WHEN o.verified_at IS NOT NULL AND st.code = 'local-authority'
              THEN 1 ELSE 0 END AS local_gov,
         CASE WHEN st.code = 'migrant-diaspora'
              OR CAST(m.roles AS TEXT) LIKE '%%migrant_representative%%'
              THEN 1 ELSE 0 END AS migrant
  FROM partnerships_member m
  JOIN organisations_organisation o ON o.id = m.organisation_id
  JOIN taxonomy_stakeholdertype st ON st.id = o.stakeholder_type_id
  WHERE m.status = 'active'
),
mem AS (
  SELECT pid, count(DISTINCT type_code) AS types, count(*) AS members, max(migrant) AS migrants,
         sum(gov) AS gov, max(local_gov) AS local_gov
  FROM am GROUP BY pid
),
lv AS (
  SELECT pid, count(DISTINCT lid) AS levels FROM (
    SELECT partnership_id AS pid, level_id AS lid FROM partnerships_partnership_levels
    UNION SELECT pid, lid FROM am
  ) x GROUP BY pid
),
linked AS (
  SELECT goal_id FROM partnerships_goal_objectives
  UNION SELECT goal_id FROM partnerships_goal_sdg_targets
),
gl AS (
  SELECT g.partnership_id AS pid, count(*) AS goals,
         sum(CASE WHEN g.indicator LIKE '%% %%' AND g.unit <> ''
                   AND g.baseline IS NOT NULL AND g.target IS NOT NULL AND g.baseline <> g.target
                   AND g.id IN (SELECT goal_id FROM linked)
                   AND g.due_date IS NOT NULL
                   AND (p.start_date IS NULL OR g.due_date >= p.start_date)
                   AND (p.end_date IS NULL OR g.due_date <= p.end_date)
              THEN 1 ELSE 0 END) AS smart
  FROM partnerships_goal g JOIN partnerships_partnership p ON p.id = g.partnership_id
  GROUP BY g.partnership_id
),
ob AS (
  SELECT pid, count(DISTINCT oid) AS objectives FROM (
    SELECT partnership_id AS pid, objective_id AS oid FROM partnerships_partnership_objectives
    UNION SELECT g.partnership_id, go.objective_id FROM partnerships_goal_objectives go
          JOIN partnerships_goal g ON g.id = go.goal_id
  ) x GROUP BY pid
),
cm AS (
  SELECT c.partnership_id AS pid,
         max(CASE WHEN c.kind = 'financial' AND c.amount > 0 THEN 1 ELSE 0 END) AS financial,
         max(CASE WHEN c.kind = 'in_kind' THEN 1 ELSE 0 END) AS in_kind,
         max(CASE WHEN c.kind = 'expertise' THEN 1 ELSE 0 END) AS expertise,
         count(DISTINCT c.organisation_id) AS contributing
  FROM partnerships_commitment c
  JOIN am ON am.pid = c.partnership_id AND am.oid = c.organisation_id
  GROUP BY c.partnership_id
),
ou AS (
  SELECT o.partnership_id AS pid, count(*) AS outputs FROM partnerships_output o
  JOIN knowledge_practice k ON k.id = o.practice_id WHERE k.status = 'published'
  GROUP BY o.partnership_id
)
SELECT p.id, p.start_date, p.end_date, mem.types, mem.members, mem.migrants, mem.gov,
       mem.local_gov, lv.levels, gl.goals, gl.smart, ob.objectives, cm.financial, cm.in_kind,
       cm.expertise, cm.contributing, ou.outputs
FROM partnerships_partnership p
LEFT JOIN mem ON mem.pid = p.id LEFT JOIN lv ON lv.pid = p.id LEFT JOIN gl ON gl.pid = p.id
LEFT JOIN ob ON ob.pid = p.id LEFT JOIN cm ON cm.pid = p.id LEFT JOIN ou ON ou.pid = p.id
"""


def scorecard_reference() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SCORECARD_INPUTS_SQL)
        return len(cursor.fetchall())


# -- measuring -------------------------------------------------------------------------------------


def timed(run, items: list, repeat: int) -> dict:
    for item in items:  # warm-up: caches, plans, connection
        run(item)
    samples = []
    for _ in range(repeat):
        for item in items:
            start = time.perf_counter()
            run(item)
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def worker(args) -> None:
    """One database: migrate, load, measure; figures as JSON to args.out."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from migrationhub.partnerships import selectors, services
    from migrationhub.taxonomy.loaders import load_reference

    figures: dict = {"backend": connection.vendor, "size": args.size, "measures": {}}
    started = time.perf_counter()
    call_command("core_migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest pages use
    load_reference()
    today = timezone.localdate()
    codes = taxonomy_codes()
    organisations, practices, partnerships, pledges = generate(
        args.size, args.organisations, codes, read_texts(), today
    )
    queries = choose_queries(partnerships, codes)
    generated = time.perf_counter()
    figures.update(load(organisations, practices, partnerships, pledges, today))
    with connection.cursor() as cursor:  # Django's connection is in autocommit mode here
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    figures["load_seconds"] = round(time.perf_counter() - generated, 1)
    figures["setup_seconds"] = round(generated - started, 1)
    figures["rows"] = counts()
    figures["queries"] = [query_string(q) for q in queries]
    print(
        f"  {connection.vendor}: loaded in {figures['load_seconds']} s (rows"
        f" {figures['rows_seconds']} s, scorecards and lights {figures['figures_seconds']} s,"
        f" search index {figures['index_seconds']} s); {figures['rows']}; lights"
        f" {figures['lights']}, mean score {figures['mean_score']}",
        flush=True,
    )
    measures = figures["measures"]

    def measure(name, run, items, repeat=args.repeat):
        measures[name] = timed(run, items, repeat)
        m = measures[name]
        print(f"    {name:<24} p50 {m['p50']:8.1f}  p95 {m['p95']:8.1f} ms", flush=True)

    client = Client()
    totals: dict[str, list] = {"page": [], "reference": []}

    def page(spec):
        response = client.get("/partnerships/?" + query_string(spec))
        if response.status_code != 200:
            raise RuntimeError(f"/partnerships/?{query_string(spec)}: HTTP {response.status_code}")
        return response

    def api(spec):
        response = client.get("/api/v1/partnerships/?" + query_string(spec))
        if response.status_code != 200:
            raise RuntimeError(f"/api/v1/partnerships/: HTTP {response.status_code}")
        return response

    for spec in queries:  # the page and the reference count the same partnerships
        text = page(spec).content.decode()
        found = re.search(r'role="status">(\d[\d,]*) partnership', text)
        totals["page"].append(int(found.group(1).replace(",", "")) if found else None)
    reference = list_reference(connection.vendor)
    totals["reference"] = [reference(spec) for spec in queries]
    figures["totals"] = totals
    agree = sum(1 for a, b in zip(totals["page"], totals["reference"], strict=True) if a == b)
    figures["totals_agree"] = f"{agree}/{len(queries)}"
    print(
        f"  matches per search: median {statistics.median(t or 0 for t in totals['page']):.0f};"
        f" page and reference agree on {agree} of {len(queries)} totals",
        flush=True,
    )
    measure("list_page", page, queries)
    api_available = client.get("/api/v1/partnerships/?page_size=1").status_code == 200
    if api_available:
        measure("list_api", api, queries)
    measure("ref_list_sql", reference, queries)
    repeat = max(3, args.repeat)
    measure("scorecards_all", lambda _: selectors.scorecards_all(), [None], repeat)
    measure("partnerships_refresh", lambda _: services.partnerships_refresh(), [None], repeat)
    measure("ref_scorecard_sql", lambda _: scorecard_reference(), [None], repeat)
    connection.close()
    Path(args.out).write_text(json.dumps(figures, indent=2, default=str))


# -- orchestration ---------------------------------------------------------------------------------


def run_one(backend: str, args, tmp: Path) -> dict:
    out = tmp / f"{backend}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnerships_bench_settings",
        "MIGRATIONHUB_SECRET_KEY": secrets.token_urlsafe(48),
        "MIGRATIONHUB_DATA_DIR": str(tmp),
        "MIGRATIONHUB_API_ANON_RATE": "1000000/m",  # the bench is one client
        "PYTHONPATH": os.pathsep.join(
            [str(BENCH_DIR), str(REPO_DIR), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("REDIS_URL", None)  # the page cache is off; nothing else needs Redis here
    pg_url = os.environ.get("BENCH_PARTNERSHIPS_DATABASE_URL", DEFAULT_PG_URL)
    name = urllib.parse.urlsplit(pg_url).path.lstrip("/")
    if backend == "sqlite":
        path = tmp / "bench_partnerships.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in {"postgres", "test"}:
            raise SystemExit(f"refusing to drop and re-create database {name!r}")
        pg_admin(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        pg_admin(pg_url, f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = pg_url
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--size",
        str(args.size),
        "--organisations",
        str(args.organisations),
        "--repeat",
        str(args.repeat),
        "--out",
        str(out),
    ]
    try:
        subprocess.run(command, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        if backend == "postgresql" and not args.keep:
            pg_admin(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


REFERENCES = {
    "list_page": "ref_list_sql",
    "list_api": "ref_list_sql",
    "scorecards_all": "ref_scorecard_sql",
    "partnerships_refresh": "ref_scorecard_sql",
}
LABELS = {
    "list_page": "`GET /partnerships/?q=…` (HTML, 10 facets, 20 rows)",
    "list_api": "`GET /api/v1/partnerships/?q=…`",
    "scorecards_all": "`selectors.scorecards_all()`, every scorecard",
    "partnerships_refresh": "`services.partnerships_refresh()` (daily)",
    "ref_list_sql": "SQL: match + filters, GROUP BY 10 facets, page of 20",
    "ref_scorecard_sql": "SQL: every scorecard's inputs, GROUP BYs",
}


def table(results: list[dict]) -> list[str]:
    lines = [
        "| database | measure | p50 ms | p95 ms | reference p95 ms | p95 ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for name, m in r["measures"].items():
            ref = r["measures"].get(REFERENCES.get(name, ""))
            ratio = f"{m['p95'] / ref['p95']:.2f}" if ref and ref["p95"] else "-"
            ref_p95 = f"{ref['p95']:.1f}" if ref else "-"
            lines.append(
                f"| {r['backend']} | {LABELS.get(name, name)} | {m['p50']:.1f} | {m['p95']:.1f} |"
                f" {ref_p95} | {ratio} |"
            )
    return lines


def machine() -> dict:
    import sqlite3

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    pg_version = None
    with contextlib.suppress(Exception):
        import psycopg

        url = os.environ.get("BENCH_PARTNERSHIPS_DATABASE_URL", DEFAULT_PG_URL)
        admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--organisations", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    backends = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
    info = machine()
    print(
        f"partnerships bench: {args.size} partnerships, {args.organisations} organisations,"
        f" {backends[args.database]}, {info['cpus']} CPUs {info['cpu']}",
        flush=True,
    )
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="mh-partnerships-"))
    results = []
    try:
        for backend in backends[args.database]:
            results.append(run_one(backend, args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(["", *table(results), ""]))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"partnerships-{stamp}.json"
    out.write_text(
        json.dumps(
            {"machine": info, "seconds": round(time.perf_counter() - started), "results": results},
            indent=2,
            default=str,
        )
    )
    print(f"figures: {out.relative_to(REPO_DIR)} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
