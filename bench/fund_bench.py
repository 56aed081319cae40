"""The start-up fund's ledger: every balance over 1M entries beside plain SQL, and allocation
throughput under 16 concurrent writers on PostgreSQL (never overdrawing).

    .venv/bin/python bench/fund_bench.py [--database sqlite|postgres|both] [--entries 1000000]
                                         [--writers 16] [--allocations 50] [--repeat 5] [--keep]

For each database, a fresh one (a SQLite file in a temporary directory; the PostgreSQL database
`bench_fund` at postgres://postgres@127.0.0.1:5432/, or BENCH_FUND_DATABASE_URL, dropped and
re-created) is migrated and given the reference vocabularies (production settings, as
bench/partnerships_bench.py uses them).

1. **Every balance over `--entries` ledger entries.** Movements of two entries each (deposits from
   contributors into 25 earmarks' pools, allocations, disbursements, in USD, EUR and CHF) are
   written with one `INSERT … SELECT` per table (a benchmark's bulk path: the services write one
   movement at a time), so that every currency sums to zero as the services guarantee; they
   touch 2,000 contributions, 25 pools and 10,000 allocations (≈22,000 accounts). Measured
   (p50/p95 over `--repeat` runs after a warm-up):
   - `selectors.account_balances()`: every (account, currency) balance, through the ORM;
   - `selectors.pool_balances()`: every pool's deposited, allocated, disbursed and unallocated
     money, derived from the former, with the books' zero-sum check;
   - the reference, in the same run: plain SQL
     `SELECT account, currency, SUM(amount) FROM fund_entry GROUP BY account, currency`;
   then again after a period close (`services.ledger_close`, timed) and 10,000 entries written
   since (checked: every balance equals the full sum).
2. **Allocation throughput** (PostgreSQL; SQLite serialises every writer on its one database
   lock, so one writer is measured there): `--writers` threads, each with its own connection,
   call `services.allocation_create` `--allocations` times each on approved proposals (made with
   the ORM, a bulk path) against (a) one shared pool, every writer queueing on its lock, and
   (b) one pool per writer. The pools hold money for 7/8 of the attempts: the rest must be
   refused as insufficient funds. Printed: allocations per second, successes and refusals, and
   whether any pool went below zero (it must not).

Prints a table and writes the figures as JSON to bench/results/ (gitignored). Not a test.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

from _common import percentiles, pg_admin

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_fund"
EARMARKS = 25
CONTRIBUTIONS = 2_000  # distinct contributor accounts (the MPTF has had a few hundred)
ALLOCATIONS = 10_000  # distinct allocations, each with its disbursed account
DELTA = 10_000  # entries written after the period close
CURRENCIES = ("USD", "EUR", "CHF")


def timed(run, repeat: int) -> dict:
    run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def fill_ledger(entries: int, start: int = 1) -> None:
    """`entries` entries as `entries // 2` balanced movements (numbered from `start`), written in
    bulk with SQL."""
    from django.db import connection, transaction

    from migrationhub.fund.models import Fund

    fund, _created = Fund.objects.get_or_create(slug="bench", defaults={"name": "Bench fund"})
    movements = entries // 2
    first, last = start, start + movements - 1
    e = EARMARKS
    earmark = f"CASE WHEN n % {e} = 0 THEN 'none' ELSE 'objective-' || (n % {e}) END"
    currency = "CASE n % 3 WHEN 0 THEN 'USD' WHEN 1 THEN 'EUR' ELSE 'CHF' END"
    kind = "CASE n % 4 WHEN 0 THEN 'allocation' WHEN 1 THEN 'disbursement' ELSE 'deposit' END"
    amount = "CAST(((CAST(n AS BIGINT) * 7919) % 1000000) AS NUMERIC) / 100 + 1"
    debit = (
        f"CASE n % 4 WHEN 0 THEN 'allocation:' || ((n / 4) % {ALLOCATIONS}) "
        f"WHEN 1 THEN 'disbursed:' || ((n / 4) % {ALLOCATIONS}) "
        f"ELSE 'fund:{fund.pk}:' || {earmark} || ':unallocated' END"
    )
    credit = (
        f"CASE n % 4 WHEN 0 THEN 'fund:{fund.pk}:' || {earmark} || ':unallocated' "
        f"WHEN 1 THEN 'allocation:' || ((n / 4) % {ALLOCATIONS}) "
        f"ELSE 'contributor:' || (n % {CONTRIBUTIONS}) END"
    )
    if connection.vendor == "postgresql":
        series = f"SELECT generate_series({first}, {last}) AS n"
        now = "now()"
        today = "CURRENT_DATE"
    else:
        series = (
            f"WITH RECURSIVE s(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM s WHERE n < {last}) "
            "SELECT n FROM s"
        )
        now = "CURRENT_TIMESTAMP"
        today = "CURRENT_DATE"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO fund_movement (id, fund_id, kind, at, date, reason) "
            f"SELECT n, {fund.pk}, {kind}, {now}, {today}, '' FROM ({series}) AS g"
        )
        for _side, account, sign in (("d", debit, ""), ("c", credit, "-")):
            cursor.execute(
                f"INSERT INTO fund_entry (movement_id, account, currency, amount) "
                f"SELECT n, {account}, {currency}, {sign}({amount}) FROM ({series}) AS g"
            )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('fund_movement', 'id'), "
                "(SELECT MAX(id) FROM fund_movement))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure_balances(entries: int, repeat: int) -> dict:
    from django.db import connection

    from migrationhub.fund import selectors
    from migrationhub.fund.models import Entry

    started = time.perf_counter()
    fill_ledger(entries)
    loaded = time.perf_counter() - started
    count = Entry.objects.count()

    def plain_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT account, currency, SUM(amount) FROM fund_entry GROUP BY account, currency"
            )
            cursor.fetchall()

    accounts = len(selectors.account_balances())
    figures = {
        "entries": count,
        "accounts": accounts,
        "load_s": round(loaded, 1),
        "account_balances": timed(selectors.account_balances, repeat),
        "pool_balances": timed(selectors.pool_balances, repeat),
        "plain_sql": timed(plain_sql, repeat),
    }
    # after a period close, and `DELTA` entries written since
    from migrationhub.fund import services

    started = time.perf_counter()
    services.ledger_close(actor=None)
    figures["close_s"] = round(time.perf_counter() - started, 2)
    fill_ledger(DELTA, start=count // 2 + 1)
    full = selectors.account_balances(selectors.fund_get())
    assert selectors.account_balances() == full, "a close must not change any balance"
    figures["closed"] = {
        "entries": Entry.objects.count(),
        "account_balances": timed(selectors.account_balances, repeat),
        "pool_balances": timed(selectors.pool_balances, repeat),
        "plain_sql": timed(plain_sql, repeat),
    }
    return figures


def make_pools(writers: int, allocations: int, shared: bool):
    """Approved proposals for every attempt (ORM bulk path) and deposits covering 7/8 of them."""
    from migrationhub.accounts.models import User
    from migrationhub.fund import services
    from migrationhub.fund.models import Proposal
    from migrationhub.organisations.models import Organisation
    from migrationhub.partnerships.models import Partnership
    from migrationhub.taxonomy.models import Language, Level, StakeholderType

    suffix = secrets.token_hex(3)
    manager = User.objects.create_user(
        email=f"manager-{suffix}@bench.example", fund_role=User.FUND_MANAGER
    )
    org = Organisation.objects.create(
        name=f"Bench {suffix}",
        slug=f"bench-{suffix}",
        stakeholder_type=StakeholderType.objects.get(code="national-government"),
        level=Level.objects.get(code="national"),
    )
    partnership = Partnership.objects.create(
        slug=f"bench-{suffix}",
        name="Bench",
        purpose="Bench",
        lead=org,
        language=Language.objects.get(code="en"),
    )
    fund = services.fund_default()
    per = Decimal("10")
    plans = []
    for w in range(writers):
        earmark = "none" if shared else f"objective-{w % 23 + 1}"
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    fund=fund,
                    partnership=partnership,
                    organisation=org,
                    title=f"P{w}-{i}",
                    summary="-",
                    amount=per,
                    currency="USD",
                    earmark=earmark,
                    status=Proposal.APPROVED,
                    complete=True,
                )
                for i in range(allocations)
            ]
        )
        plans.append((earmark, proposals))
    deposits: dict[str, Decimal] = {}
    for earmark, proposals in plans:
        deposits[earmark] = deposits.get(earmark, Decimal(0)) + per * len(proposals) * 7 / 8
    for earmark, amount in deposits.items():
        services.contribution_record(
            actor=manager,
            fields=services.ContributionFields(
                contributor=org.slug,
                amount=amount.quantize(Decimal("0.01")),
                currency="USD",
                date=dt.date(2026, 1, 1),
                earmark=earmark,
                deposited=True,
            ),
        )
    return manager, plans, per, deposits


def measure_throughput(writers: int, allocations: int, shared: bool) -> dict:
    from django.db import connections

    from migrationhub.core.errors import ValidationFailed
    from migrationhub.fund import selectors, services

    manager, plans, per, deposits = make_pools(writers, allocations, shared)
    counts = {"ok": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(writers + 1)

    def run(w: int) -> None:
        _earmark, proposals = plans[w]
        barrier.wait()
        for proposal in proposals:
            try:
                services.allocation_create(actor=manager, proposal=proposal, amount=per)
                outcome = "ok"
            except ValidationFailed:
                outcome = "refused"
            except Exception:  # counted: a benchmark reports, it does not stop
                outcome = "errors"
            with lock:
                counts[outcome] += 1
        connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    pools = {p.earmark: p for p in selectors.pool_balances() if p.currency == "USD"}
    overdrawn = any(p.unallocated < 0 for p in pools.values())
    expected = sum(int(amount / per) for amount in deposits.values())
    return {
        "writers": writers,
        "attempts": writers * allocations,
        "seconds": round(elapsed, 2),
        "per_second": round(writers * allocations / elapsed, 1),
        "succeeded": counts["ok"],
        "should_succeed": expected,
        "refused": counts["refused"],
        "errors": counts["errors"],
        "overdrawn": overdrawn,
    }


def worker(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from migrationhub.taxonomy.loaders import load_reference

    call_command("core_migrate", verbosity=0)
    load_reference()
    figures: dict = {"backend": connection.vendor}
    figures["balances"] = measure_balances(args.entries, args.repeat)
    writers = args.writers if connection.vendor == "postgresql" else 1
    figures["throughput_shared"] = measure_throughput(writers, args.allocations, shared=True)
    if connection.vendor == "postgresql":
        figures["throughput_spread"] = measure_throughput(writers, args.allocations, shared=False)
    Path(args.out).write_text(json.dumps(figures, indent=2, default=str))


def run_one(backend: str, args, tmp: Path) -> dict:
    out = tmp / f"{backend}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnerships_bench_settings",
        "MIGRATIONHUB_SECRET_KEY": secrets.token_urlsafe(48),
        "MIGRATIONHUB_DATA_DIR": str(tmp),
        "PYTHONPATH": os.pathsep.join(
            [str(BENCH_DIR), str(REPO_DIR), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("REDIS_URL", None)
    pg_url = os.environ.get("BENCH_FUND_DATABASE_URL", DEFAULT_PG_URL)
    name = urllib.parse.urlsplit(pg_url).path.lstrip("/")
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench_fund.sqlite3'}"
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
        "--entries",
        str(args.entries),
        "--writers",
        str(args.writers),
        "--allocations",
        str(args.allocations),
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


def report(results: list[dict]) -> None:
    print("\n| database | what | p50 ms | p95 ms | plain SQL p95 ms | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        for b, when in ((r["balances"], "no close"), (r["balances"].get("closed"), "closed")):
            if not b:
                continue
            ref = b["plain_sql"]["p95"]
            for key, label in (
                ("account_balances", "every account balance"),
                ("pool_balances", "every pool's balances, zero-sum checked"),
            ):
                m = b[key]
                print(
                    f"| {r['backend']} ({b['entries']:,} entries, {when}) | {label} | "
                    f"{m['p50']:.1f} | {m['p95']:.1f} | {ref:.1f} | {m['p95'] / ref:.2f} |"
                )
        print(f"| {r['backend']} | the period close itself: {r['balances'].get('close_s')} s |")
    print(
        "\n| database | pools | writers | attempts | allocations/s | succeeded (expected) | "
        "refused | errors | overdrawn |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        for key, pools in (("throughput_shared", "one shared"), ("throughput_spread", "one each")):
            t = r.get(key)
            if t:
                print(
                    f"| {r['backend']} | {pools} | {t['writers']} | {t['attempts']} | "
                    f"{t['per_second']} | {t['succeeded']} ({t['should_succeed']}) | "
                    f"{t['refused']} | {t['errors']} | {'YES' if t['overdrawn'] else 'no'} |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--allocations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    backends = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends[args.database]:
            results.append(run_one(backend, args, Path(tmp)))
    report(results)
    out = BENCH_DIR / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"fund-{stamp}.json").write_text(
        json.dumps({"machine": platform.platform(), "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
