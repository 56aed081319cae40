"""Matching a support request against 10k organisations, and building a consortium, beside
brute-force references in the same run.

    .venv/bin/python bench/hub_bench.py [--organisations 10000] [--requests 50] [--seed 18]
                                        [--database]

The organisations are synthetic plain rows (`hub.matching.OrganisationRow`) with a fixed seed:
the real vocabulary sizes (17 stakeholder types, 4 levels, 23 GCM objectives, 9 languages),
countries in sub-regions and regions as UN M49 groups them (≈250 countries, 22 sub-regions,
5 regions), 1-5 objectives of expertise each, skewed track records (most organisations have none,
a few have many partnerships and practices), scorecards, loads and 5% funders. This is the part
of a match that grows with the directory; what the page adds (reading the request, the search
engine's text ranking, rendering) does not grow with it and is measured by the search and pages
benchmarks. The feature table is built once per process and reused until organisations,
partnerships, practices or offers change (`hub.selectors.organisation_table`); its build time
from plain rows is printed too.

Measured, p50/p95 over `--requests` random requests (1-4 objectives, 0-2 preferred types, 0-1
languages, funding sought in a third), after one warm-up:
- `OrganisationTable.rank`: all eight components of every organisation (numpy), the top 20
  explained; reference: `rank_reference`, the same formula one organisation at a time in pure
  Python (the brute force; the two must return the same ranking, which is checked);
- `build_consortium` over the best 120 ranked (what the curator's proposal uses), sizes 3-8;
  reference: exhaustive search over every set of at most 4 of the best 25 for the hard
  requirements and the best objective coverage (the brute force the docstring's guarantee is
  stated against); the run checks the builder meets the requirements whenever the brute force
  can, and reports its coverage against the optimum.

`--database` also measures reading those features from a database (a fresh SQLite file in a
temporary directory, migrated, with the reference vocabularies): `--organisations` organisations
(with countries, objectives and languages), half as many partnerships (2-6 active members each,
1-3 objectives, a sixth completed, a sixth inactive) and a tenth as many published practices are
written with `bulk_create` (no history, no search index), then `hub.selectors.organisation_rows()`
(the plain-row queries and their assembly) and the table build are timed five times: what the
first match after a change to organisations, partnerships, practices or offers costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migrationhub.hub import matching as m

TYPES = [
    "national-government",
    "local-authority",
    "parliament",
    "regional-organisation",
    "international-organisation",
    "civil-society",
    "faith-based",
    "private-sector",
    "employers-organisation",
    "trade-union",
    "academia",
    "media",
    "nhri",
    "philanthropy",
    "migrant-diaspora",
    "youth",
    "women",
]
TYPE_WEIGHTS = [6, 8, 1, 2, 4, 25, 4, 10, 3, 3, 10, 2, 1, 3, 12, 3, 3]
LEVELS = list(m.LEVEL_ORDER)
LEVEL_WEIGHTS = [35, 40, 15, 10]
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh", "pt", "sw", "hi"]


def geography(rng: random.Random) -> dict[str, tuple[str, str]]:
    """≈250 countries in 22 sub-regions in 5 regions (M49's shape)."""
    regions = ["002", "019", "142", "150", "009"]
    places = {}
    for s in range(22):
        sub = f"{100 + s:03d}"
        region = regions[s % len(regions)]
        for c in range(11 + s % 3):
            places[f"C{s:02d}{c:02d}"[:3] + f"{s}{c}"] = (sub, region)
    return places


def organisations(n: int, rng: random.Random) -> list[m.OrganisationRow]:
    places = geography(rng)
    codes = list(places)
    rows = []
    for i in range(n):
        home = rng.choice(codes)
        countries = {home} | {rng.choice(codes) for _ in range(rng.choice([0, 0, 1, 2, 5]))}
        objectives = frozenset(rng.sample(range(1, 24), rng.randint(1, 5)))
        record = rng.random() < 0.25
        active = {o: rng.randint(1, 4) for o in objectives if record and rng.random() < 0.5}
        completed = {o: rng.randint(1, 2) for o in objectives if record and rng.random() < 0.2}
        inactive = {o: 1 for o in objectives if record and rng.random() < 0.15}
        practices = {o: rng.randint(1, 3) for o in objectives if rng.random() < 0.1}
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        rows.append(
            m.OrganisationRow(
                id=i + 1,
                name=f"Organisation {i + 1}",
                type=kind,
                level=rng.choices(LEVELS, LEVEL_WEIGHTS)[0],
                countries=frozenset(countries),
                subregions=frozenset(places[c][0] for c in countries),
                regions=frozenset(places[c][1] for c in countries),
                objectives=objectives,
                languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 3))),
                active=active,
                completed=completed,
                inactive=inactive,
                practices=practices,
                score=rng.uniform(0, 100) if record else 0.0,
                load=rng.randint(0, 6) if record else 0,
                funder=kind == "philanthropy" or rng.random() < 0.05,
            )
        )
    return rows


def requests(k: int, rows: list[m.OrganisationRow], rng: random.Random) -> list[m.RequestFacts]:
    found = []
    governments = [r for r in rows if r.type in ("national-government", "local-authority")]
    for _ in range(k):
        who = rng.choice(governments)
        home = next(iter(who.countries))
        found.append(
            m.RequestFacts(
                country=home,
                subregion=next(iter(who.subregions)),
                region=next(iter(who.regions)),
                objectives=frozenset(rng.sample(range(1, 24), rng.randint(1, 4))),
                levels=frozenset(rng.sample(LEVELS[:2], rng.randint(1, 2))),
                partner_types=frozenset(rng.sample(TYPES, rng.randint(0, 2))),
                languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 1))),
                kinds=frozenset({"technical"} | ({"funding"} if rng.random() < 0.33 else set())),
                requester_id=who.id,
            )
        )
    return found


def text_scores(rows: list[m.OrganisationRow], rng: random.Random) -> dict[int, float]:
    """What the search engine's ranking gives: scores for its best 200 organisations."""
    return {r.id: rng.uniform(1, 20) for r in rng.sample(rows, min(200, len(rows)))}


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--database", action="store_true", help="also read from SQLite")
    args = parser.parse_args()
    if args.database:
        database(args)
    rng = random.Random(args.seed)
    rows = organisations(args.organisations, rng)
    asks = requests(args.requests, rows, rng)
    texts = [text_scores(rows, rng) for _ in asks]

    build, table = timed(m.OrganisationTable, rows)
    print(f"{len(rows):,} organisations; feature table built in {build * 1000:.0f} ms (once)")

    table.rank(asks[0], texts[0])  # warm-up
    fast, slow = [], []
    same = 0
    for ask, text in zip(asks, texts, strict=True):
        t, ranked = timed(table.rank, ask, text, limit=20)
        fast.append(t)
        t, reference = timed(m.rank_reference, ask, rows, text, limit=20)
        slow.append(t)
        a = [(x.id, x.score) for x in ranked]
        b = [(x.id, x.score) for x in reference]
        if a != b:
            print("DIFF", [(x, y) for x, y in zip(a, b, strict=True) if x != y][:3])
        same += a == b
    f50, f95 = ms(fast)
    s50, s95 = ms(slow)
    print("\nmatching one request (top 20 explained), ms")
    print(f"{'':28} {'p50':>8} {'p95':>8}")
    print(f"{'OrganisationTable.rank':28} {f50:8.2f} {f95:8.2f}   target p95 <= 30")
    print(f"{'brute force (pure Python)':28} {s50:8.2f} {s95:8.2f}")
    print(
        f"{'ratio (brute / vectorised)':28} {s50 / f50:8.1f} {s95 / f95:8.1f}   same ranking: {same}/{len(asks)}"
    )

    builds, brute, coverage = [], [], []
    met = feasible = 0
    for i, (ask, text) in enumerate(zip(asks, texts, strict=True)):
        pool = table.rank(ask, text, limit=m.MAX_CONSORTIUM, pool=120)
        size = 3 + i % 6
        t, _consortium = timed(m.build_consortium, ask, pool, size)
        builds.append(t)
        small = pool[:25]
        k = 4
        start = time.perf_counter()
        can = m.feasible_reference(ask, small, k)
        best = m.coverage_optimum(ask, small, k)
        brute.append(time.perf_counter() - start)
        mine = m.build_consortium(ask, small, k)
        if can:
            feasible += 1
            met += mine.feasible
        if best:
            coverage.append(len(mine.covered) / best)
    b50, b95 = ms(builds)
    r50, r95 = ms(brute)
    print("\nconsortium (sizes 3-8, from the best 120), ms")
    print(f"{'':28} {'p50':>8} {'p95':>8}")
    print(f"{'build_consortium':28} {b50:8.2f} {b95:8.2f}   target <= 100")
    print(f"{'brute force, 25 choose <=4':28} {r50:8.2f} {r95:8.2f}")
    print(
        f"requirements met whenever the brute force could: {met}/{feasible}; objective "
        f"coverage vs the optimum (size 4 of 25): mean {statistics.mean(coverage):.3f}, "
        f"min {min(coverage):.3f} (guarantee: the requirements first, then >= {m.GREEDY_BOUND:.3f} "
        f"of the best completion)"
    )


def database(args: argparse.Namespace) -> None:
    """Features read from a fresh SQLite database (see the module docstring)."""
    import os
    import secrets
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="mh-hub-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="partnerships_bench_settings",
        MIGRATIONHUB_SECRET_KEY=secrets.token_urlsafe(48),
        MIGRATIONHUB_DATA_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'hub.sqlite3'}",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from migrationhub.hub import selectors
    from migrationhub.knowledge.models import Practice
    from migrationhub.organisations.models import Organisation
    from migrationhub.partnerships.models import Member, Partnership
    from migrationhub.taxonomy.loaders import load_reference
    from migrationhub.taxonomy.models import Country, Language, Level, StakeholderType

    call_command("core_migrate", verbosity=0)
    load_reference()
    rng = random.Random(args.seed)
    n = args.organisations
    types = dict(StakeholderType.objects.values_list("code", "pk"))
    levels = dict(Level.objects.values_list("code", "pk"))
    countries = list(Country.objects.filter(former=False).values_list("pk", flat=True))
    languages = list(Language.objects.values_list("code", flat=True))
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    slug=f"org-{i}",
                    name=f"Organisation {i}",
                    stakeholder_type_id=types[rng.choices(TYPES, TYPE_WEIGHTS)[0]],
                    level_id=levels[rng.choices(LEVELS, LEVEL_WEIGHTS)[0]],
                    home_country_id=rng.choice(countries),
                    verified_at=now if rng.random() < 0.7 else None,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        ids = [o.pk for o in orgs]
        through = Organisation.countries.through
        through.objects.bulk_create(
            [
                through(organisation_id=pk, country_id=c)
                for pk in ids
                for c in set(rng.sample(countries, rng.choice([0, 0, 1, 2, 5])))
            ],
            batch_size=5000,
        )
        through = Organisation.objectives.through
        through.objects.bulk_create(
            [
                through(organisation_id=pk, objective_id=o)
                for pk in ids
                for o in rng.sample(range(1, 24), rng.randint(1, 5))
            ],
            batch_size=5000,
        )
        through = Organisation.languages.through
        through.objects.bulk_create(
            [
                through(organisation_id=pk, language_id=code)
                for pk in ids
                for code in rng.sample(languages, rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        partnerships = Partnership.objects.bulk_create(
            [
                Partnership(
                    slug=f"p-{i}",
                    name=f"Partnership {i}",
                    purpose="A partnership.",
                    language_id="en",
                    status="completed" if i % 6 == 0 else "active",
                    light="red" if i % 6 == 1 else "green",
                    score=rng.randint(0, 100),
                    lead_id=rng.choice(ids),
                )
                for i in range(n // 2)
            ],
            batch_size=2000,
        )
        members = []
        links = []
        through = Partnership.objectives.through
        for p in partnerships:
            for org in set(rng.sample(ids, rng.randint(2, 6))):
                members.append(Member(partnership_id=p.pk, organisation_id=org, status="active"))
            for o in rng.sample(range(1, 24), rng.randint(1, 3)):
                links.append(through(partnership_id=p.pk, objective_id=o))
        Member.objects.bulk_create(members, batch_size=5000)
        through.objects.bulk_create(links, batch_size=5000)
        practices = Practice.objects.bulk_create(
            [
                Practice(
                    slug=f"practice-{i}",
                    title=f"Practice {i}",
                    summary="A practice.",
                    language_id="en",
                    status=Practice.PUBLISHED,
                    organisation_id=rng.choice(ids),
                    published_at=now,
                    last_verified_at=now.date(),
                )
                for i in range(n // 10)
            ],
            batch_size=2000,
        )
        for field, target in (("organisations", ids), ("objectives", list(range(1, 24)))):
            through = getattr(Practice, field).through
            column = "organisation_id" if field == "organisations" else "objective_id"
            through.objects.bulk_create(
                [
                    through(practice_id=p.pk, **{column: x})
                    for p in practices
                    for x in rng.sample(target, rng.randint(1, 3))
                ],
                batch_size=5000,
            )
    print(
        f"SQLite: {n:,} organisations, {len(partnerships):,} partnerships, {len(members):,} "
        f"members, {len(practices):,} practices written in {time.perf_counter() - started:.1f} s"
    )
    reads, builds = [], []
    for _ in range(5):
        t, rows = timed(selectors.organisation_rows)
        reads.append(t)
        t, _table = timed(m.OrganisationTable, rows)
        builds.append(t)
    r50, r95 = ms(reads)
    b50, b95 = ms(builds)
    print(
        f"features read from the database (organisation_rows): p50 {r50:.0f} ms, p95 {r95:.0f} ms"
    )
    print(f"feature table built from them: p50 {b50:.0f} ms, p95 {b95:.0f} ms")
    print(f"({len(rows):,} organisations may be proposed: unverified public bodies are left out)\n")


if __name__ == "__main__":
    main()
