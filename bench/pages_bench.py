"""Public pages under load: each page against a minimal Django view, same gunicorn, same run.

TARGETS.md: "a list page under 32 concurrent clients (wrk, 1 gunicorn worker)": 0 errors, ≥ 50% of
the req/s of a minimal Django view rendering a small template, p99 ≤ 100 ms. For each database
(the embedded SQLite, PostgreSQL), the demo data (`load-reference`, `load-demo`,
`load-remittances`) is loaded into a throwaway database and served by gunicorn with one sync
worker and the production settings (`bench/pages_bench_server.py`: prod plus `/bench/minimal`),
twice: with the page cache (warm: each page is asked once before it is measured) and without it
(`MIGRATIONHUB_PAGE_CACHE=0`: every request renders). Each page, and the minimal view in the same
server run just before it (its share is of that run: what else the machine does shifts both
alike), gets `wrk -t2 -c32 -d<seconds>s`; every request comes from one of 2,048 client
addresses (`X-Forwarded-For` through one trusted proxy, `X-Forwarded-Proto: https`), as many
visitors would, so the API's per-client throttle counts like in production without refusing.

Printed per database and cache: req/s, share of the minimal view's req/s, p50/p99 latency, errors
(non-2xx/3xx answers and socket errors); then the in-process render time of each page without
the cache (median of `--renders` renders through Django's test client, after one warm-up, in a
process set up as a gunicorn worker is; one render of each page per round, the minimal view's
too, so that a machine slowing down for a while slows every page alike). JSON lands in
bench/results/.

    .venv/bin/python bench/pages_bench.py [--database sqlite|postgres|both] [--seconds 10]
        [--uncached-seconds 5]
        [--cache db|redis] [--renders 30] [--pages NAME,...]
        [--profile | --cprofile | --render-only]

`--render-only` prints the in-process render times only (no gunicorn, no wrk). `--profile` only times each page's uncached render in-process and prints where its time goes:
templates (and the queries they evaluate), the ORM and its SQL, and the rest (view, forms, the
selectors' Python, middleware); `--cprofile` writes each page's cProfile (the functions by own
time, the project's by total time) to bench/results/. The in-process render time is the median
of `--renders` renders, wall clock and the process's CPU time: on a busy machine the CPU time is
the steadier of the two.

The shared cache is the database table by default (what a deployment without Redis uses);
`--cache redis` uses REDIS_URL (default redis://127.0.0.1:6379/15, flushed first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# A throwaway database, dropped and created again by each run (PAGES_BENCH_POSTGRES to change it).
POSTGRES = os.environ.get("PAGES_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/bench_pages")
POSTGRES_NAME = POSTGRES.rsplit("/", 1)[1]
REDIS = "redis://127.0.0.1:6379/15"

# name -> address; `{practice}` and `{organisation}` are filled from the data.
PAGES = {
    "minimal view (reference)": "/bench/minimal",
    "home": "/",
    "practice list": "/practices/",
    "practice search": "/practices/?q=recruitment",
    "practice search, French": "/fr/practices/?q=recruitment",
    "practice detail": "/practices/{practice}/",
    "organisation directory": "/organisations/",
    "organisation profile": "/organisations/{organisation}/",
    "objectives": "/objectives/",
    "objective 6": "/objectives/6/",
    "remittance compare (form)": "/remittances/",
    "remittance comparison": "/remittances/?sending=USA&receiving=MEX&amount=200",
    "remittance monitor": "/remittances/monitor/",
    "remittance corridors": "/remittances/corridors/",
    "remittance corridor": "/remittances/corridors/USA-MEX/",
    "partnership registry": "/partnerships/",
    "partnership detail": "/partnerships/{partnership}/",
    "pledges": "/partnerships/pledges/",
    "API practice search": "/api/v1/practices/?q=recruitment",
    "API practice detail": "/api/v1/practices/{practice}",
    "API organisations": "/api/v1/organisations/",
    "API corridors": "/api/v1/remittances/corridors/",
    "API partnerships": "/api/v1/partnerships/",
    "API partnership detail": "/api/v1/partnerships/{partnership}",
}
REFERENCE = "minimal view (reference)"

# One of 2,048 client addresses per request (wrk's Lua hook), as through a trusted proxy.
WRK_SCRIPT = """
math.randomseed(os.time())
request = function()
  wrk.headers["X-Forwarded-For"] = "10." .. math.random(0, 7) .. "." .. math.random(0, 255) .. ".1"
  return wrk.format(nil)
end
"""

RENDER = """
import json, statistics, sys, time
# Set up as a gunicorn worker is (migrationhub/wsgi.py): the application and its views loaded,
# then out of the garbage collector's reach (gc.freeze).
import migrationhub.wsgi
from django.test import Client
# Each request from its own address: the API's per-client throttle never refuses one.
client = Client(HTTP_X_FORWARDED_PROTO="https")
pages, n = json.loads(sys.argv[1]), int(sys.argv[2])
for p, url in enumerate(pages.values()):
    client.get(url, secure=True, HTTP_X_FORWARDED_FOR=f"10.9.{p}.255")
# Round after round of one render of each page: a shared machine that slows down for a minute
# slows every page alike, not the ones measured in that minute.
times = {name: [] for name in pages}
cpu = {name: [] for name in pages}
for i in range(n):
    for p, (name, url) in enumerate(pages.items()):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True, HTTP_X_FORWARDED_FOR=f"10.9.{p}.{i % 250}")
        times[name].append((time.perf_counter() - started) * 1000)
        cpu[name].append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
out = {
    name: {"wall": statistics.median(times[name]), "cpu": statistics.median(cpu[name])}
    for name in pages
}
print(json.dumps(out))
"""

CPROFILE = r"""
import cProfile, io, json, pstats, sys
# Set up as a gunicorn worker is (see RENDER): else the collector's pauses, with its default
# thresholds and nothing frozen, land in whatever function allocated last.
import migrationhub.wsgi
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https")
pages, n, top = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for p, (name, url) in enumerate(pages.items()):
    client.get(url, secure=True, HTTP_X_FORWARDED_FOR=f"10.9.{p}.255")
    profile = cProfile.Profile()
    profile.enable()
    for i in range(n):
        client.get(url, secure=True, HTTP_X_FORWARDED_FOR=f"10.9.{p}.{i % 250}")
    profile.disable()
    out = io.StringIO()
    print(f"\n## {name} ({url}), {n} renders: by own time, then the project's code by total time")
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    # by full path: stripped, the project's files could not be told from the libraries'
    project = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    project.print_stats(r"/migrationhub/|template/loader.py", top)
    print(out.getvalue())
"""

PROFILE = """
import json, statistics, sys, time
import django
django.setup()
from django.db import connection, reset_queries
from django.db.backends import utils
from django.db.models import query
from django.template.backends import django as backend
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Hooks, not a profiler (no overhead to subtract): time in templates (outermost render), in the
# ORM outside templates (outermost _fetch_all, its SQL included), and in SQL, each inside or
# outside templates (querysets a template evaluates lazily count as template time).
state = {"template": 0, "orm": 0}
spent = {}

def hook(owner, name, depth_key, bucket):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        outermost = state[depth_key] == 0 if depth_key else True
        if state["template"] and bucket != "templates":
            where = "in templates"
        elif bucket == "sql" and state["orm"]:
            where = "in orm"
        else:
            where = "outside"
        if depth_key:
            state[depth_key] += 1
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if depth_key:
                state[depth_key] -= 1
            if outermost:
                key = bucket if bucket == "templates" else f"{bucket} {where}"
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - started
    setattr(owner, name, wrapper)

hook(backend.Template, "render", "template", "templates")
hook(query.QuerySet, "_fetch_all", "orm", "orm")
hook(utils.CursorWrapper, "_execute", None, "sql")

client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="10.9.9.9")
pages, n = json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for name, url in pages.items():
    client.get(url, secure=True)
    reset_queries()  # each request resets the log: start the capture from an empty one
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    count = len(queries)  # now: the next request clears the log it reads
    spent.clear()
    totals = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url, secure=True)
        totals.append(time.perf_counter() - started)
    per = {k: v / n * 1000 for k, v in spent.items()}
    out[name] = {"queries": count, "median": statistics.median(totals) * 1000,
                 "mean": sum(totals) / n * 1000, **per}
print(json.dumps(out))
"""

FIND = """
import json, sys
import django
django.setup()
from django.test import Client
from migrationhub.knowledge.selectors import practice_latest
from migrationhub.organisations.selectors import organisation_search
from migrationhub.partnerships.models import Partnership
names = {
    "practice": practice_latest(1)[0].slug,
    "organisation": organisation_search(None, {}, page=1, page_size=1).page.items[0].object.slug,
    "partnership": Partnership.objects.order_by("-score", "pk").values_list("slug", flat=True).first(),
}
# Each page filled from the data; a page whose data or address this checkout lacks is left out.
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="10.9.9.8")
pages, skipped = {}, []
for name, url in json.loads(sys.argv[1]).items():
    try:
        url = url.format(**names) if "{" in url else url
    except (KeyError, TypeError):
        skipped.append(name)
        continue
    if "None" in url or client.get(url, secure=True).status_code != 200:
        skipped.append(name)
        continue
    pages[name] = url
print(json.dumps({"pages": pages, "skipped": skipped}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database: str, data_dir: Path, cache: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pages_bench_server",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
        "MIGRATIONHUB_SECRET_KEY": "pages-bench-" + "k" * 60,
        "MIGRATIONHUB_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "MIGRATIONHUB_TRUSTED_PROXIES": "1",
        "MIGRATIONHUB_DATA_DIR": str(data_dir),
        "MIGRATIONHUB_LOG_LEVEL": "WARNING",
    }
    env.pop("MIGRATIONHUB_PAGE_CACHE", None)
    if cache == "redis":
        env["REDIS_URL"] = os.environ.get("REDIS_URL", REDIS)
    else:
        env.pop("REDIS_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = POSTGRES
    else:
        env.pop("DATABASE_URL", None)
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def drop_database(*, check: bool) -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", POSTGRES_NAME],
        check=check,
    )


def prepare(
    database: str, data_dir: Path, env: dict[str, str], wanted: list[str]
) -> dict[str, str]:
    """Load the demo data into a new database; the pages to measure (name -> address), filled
    from the data, the reference first."""
    if database == "postgres":
        drop_database(check=True)
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", POSTGRES_NAME],
            check=True,
        )
    cli = str(BIN / "migrationhub")
    for step in (["migrate"], ["load-reference"], ["load-demo"], ["load-remittances"]):
        run([cli, *step], env)
    # What a worker does after the loads (the sentence vectors of every record): the pages are
    # measured as a deployment with its worker running serves them.
    run([cli, "manage", "db_worker", "--batch", "--no-startup-delay"], env)
    run([cli, "manage", "collectstatic", "--no-input", "-v", "0"], env)
    pages = {name: url for name, url in PAGES.items() if not wanted or name in wanted}
    found = json.loads(
        run(
            [str(BIN / "python"), "-c", FIND, json.dumps(pages)],
            {**env, "MIGRATIONHUB_PAGE_CACHE": "0"},
        )
    )
    for name in found["skipped"]:
        print(f"{database}: {name} left out (no such data or address here)", file=sys.stderr)
    return {REFERENCE: PAGES[REFERENCE], **found["pages"]}


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "migrationhub.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            requests.get(base + "/bench/minimal", timeout=2, headers={"X-Forwarded-Proto": "https"})
            return server, base
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def wrk(url: str, seconds: int, script: Path) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            "X-Forwarded-Proto: https",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(g) for g in sockets.groups()) if sockets else 0
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": errors}


def measure_http(
    env: dict[str, str], pages: dict[str, str], seconds: int, cached: bool, script: Path
) -> dict[str, dict[str, float]]:
    """Each page under wrk, right after the minimal view under wrk: a page's share is of the
    minimal view's run just before it, so that what else the machine does shifts both alike.
    The reference row is the median of the minimal view's runs."""
    env = {**env, "MIGRATIONHUB_PAGE_CACHE": "1" if cached else "0"}
    server, base = serve(env)
    try:
        results, references = {}, []
        for name, path in pages.items():
            if name == REFERENCE:
                continue
            for _ in range(2):  # warm: the page cache, the template loader, the vocabularies
                response = requests.get(
                    base + path, timeout=30, headers={"X-Forwarded-Proto": "https"}
                )
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
            references.append(wrk(base + pages[REFERENCE], seconds, script))
            time.sleep(0.5)
            results[name] = {**wrk(base + path, seconds, script), "reference": references[-1]}
            r = results[name]
            print(  # progress, on stderr: the tables come at the end
                f"{'cached' if cached else 'uncached'} {name}: {r['rps']:.0f} req/s "
                f"({r['rps'] / references[-1]['rps']:.0%}), p99 {r['p99']:.0f} ms",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(0.5)
        middle = sorted(references, key=lambda r: r["rps"])[len(references) // 2]
        return {REFERENCE: {**middle, "reference": middle}, **results}
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(database: str, args: argparse.Namespace, script: Path) -> list[dict]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"pages-bench-{database}-"))
    env = environment(database, data_dir, args.cache)
    if args.cache == "redis":
        subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True)
    try:
        pages = prepare(database, data_dir, env, args.pages)
        rows = []
        renders = json.loads(
            run(
                [
                    str(BIN / "python"),
                    "-c",
                    RENDER,
                    json.dumps(pages),  # the minimal view's render too: the run's yardstick
                    str(args.renders),
                ],
                {**env, "MIGRATIONHUB_PAGE_CACHE": "0"},
            )
        )
        for cached in (True, False):
            seconds = args.seconds if cached else args.uncached_seconds
            results = measure_http(env, pages, seconds, cached, script)
            for name, r in results.items():
                rows.append(
                    {
                        "database": database,
                        "cache": "warm" if cached else "off",
                        "page": name,
                        "url": pages[name],
                        **r,
                        "share": r["rps"] / r["reference"]["rps"],
                        "render_ms": renders.get(name, {}).get("wall"),
                        "render_cpu_ms": renders.get(name, {}).get("cpu"),
                    }
                )
        return rows
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            drop_database(check=False)


def profile(database: str, args: argparse.Namespace) -> None:
    """Where each page's uncached render goes, in-process, timed by hooks on Django's template
    rendering, queryset evaluation and SQL execution."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"pages-profile-{database}-"))
    env = {**environment(database, data_dir, "db"), "MIGRATIONHUB_PAGE_CACHE": "0"}
    try:
        pages = prepare(database, data_dir, env, args.pages)
        del pages[REFERENCE]
        found = json.loads(
            run([str(BIN / "python"), "-c", PROFILE, json.dumps(pages), str(args.renders)], env)
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            drop_database(check=False)
    print(f"\nWhere an uncached render goes, {database} (ms per request, mean of {args.renders})\n")
    print(
        "| page | queries | median | mean | templates (with the queries they evaluate) | ORM "
        "outside templates | of which SQL | other SQL (counts, cache table) | the rest: view, "
        "forms, selectors' Python, middleware |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in found.items():
        templates, orm = r.get("templates", 0.0), r.get("orm outside", 0.0)
        other_sql = r.get("sql outside", 0.0)
        rest = r["mean"] - templates - orm - other_sql
        print(
            f"| {name} | {r['queries']} | {r['median']:.1f} | {r['mean']:.1f} | {templates:.1f} | "
            f"{orm:.1f} | {r.get('sql in orm', 0.0):.1f} | {other_sql:.1f} | {max(rest, 0.0):.1f} |"
        )


def render_only(database: str, args: argparse.Namespace) -> None:
    """The in-process render time of each page without the page cache (the last column of the
    full run), with the shared cache of `--cache`, into bench/results/."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"pages-render-{database}-"))
    env = environment(database, data_dir, args.cache)
    if args.cache == "redis":
        subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True)
    started = dt.datetime.now(dt.UTC)
    try:
        pages = prepare(database, data_dir, env, args.pages)
        found = json.loads(
            run(
                [str(BIN / "python"), "-c", RENDER, json.dumps(pages), str(args.renders)],
                {**env, "MIGRATIONHUB_PAGE_CACHE": "0"},
            )
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            drop_database(check=False)
    print(
        f"\nRender in-process, page cache off, {database}, shared cache "
        f"{'Redis' if args.cache == 'redis' else 'database table'}: median of {args.renders} "
        f"(ms); {started:%Y-%m-%d %H:%M} UTC\n"
    )
    # The minimal view, rendered in the same rounds, is the yardstick of the machine's speed
    # during the run: a page's multiple of it moves less between runs than its milliseconds.
    yardstick = found[REFERENCE]["wall"]
    print("| page | wall | CPU | × the minimal view (wall) |")
    print("| --- | ---: | ---: | ---: |")
    for name, r in found.items():
        print(f"| {name} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['wall'] / yardstick:.1f} |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"pages-render-{database}-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"args": vars(args), "renders": found}, indent=1), encoding="utf-8")
    print(f"\nJSON: {path.relative_to(ROOT)}")


def cprofile(database: str, args: argparse.Namespace) -> None:
    """cProfile of each page's uncached renders, into bench/results/."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"pages-cprofile-{database}-"))
    env = {**environment(database, data_dir, "db"), "MIGRATIONHUB_PAGE_CACHE": "0"}
    try:
        pages = prepare(database, data_dir, env, args.pages)
        del pages[REFERENCE]
        found = run(
            [str(BIN / "python"), "-c", CPROFILE, json.dumps(pages), str(args.renders), "25"], env
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            drop_database(check=False)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"pages-cprofile-{database}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.txt"
    path.write_text(found, encoding="utf-8")
    print(f"cProfile of the uncached renders, {database}: {path.relative_to(ROOT)}")


def meets_target(row: dict) -> bool:
    """TARGETS.md, for a page with a warm cache: ≥ 50% of the minimal view, p99 ≤ 100 ms, no
    error."""
    return row["share"] >= 0.5 and row["p99"] <= 100 and row["errors"] == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--uncached-seconds", type=int, default=5, help="wrk's duration without the page cache"
    )
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--cache", choices=["db", "redis"], default="db")
    parser.add_argument("--pages", type=lambda s: [p.strip() for p in s.split(",")], default=[])
    parser.add_argument(
        "--profile", action="store_true", help="only where each uncached render goes"
    )
    parser.add_argument(
        "--cprofile", action="store_true", help="only cProfile each page's uncached renders"
    )
    parser.add_argument(
        "--render-only", action="store_true", help="only the in-process uncached render times"
    )
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if args.profile or args.cprofile or args.render_only:
        only = profile if args.profile else cprofile if args.cprofile else render_only
        for database in databases:
            only(database, args)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install -y wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
    script = Path(handle.name)
    started = dt.datetime.now(dt.UTC)
    try:
        rows = [row for db in databases for row in measure(db, args, script)]
    finally:
        script.unlink()
    print(
        f"\nwrk -t2 -c32 -d{args.seconds}s (without the page cache -d{args.uncached_seconds}s), "
        "gunicorn 1 sync worker, production settings, "
        f"shared cache: {'Redis' if args.cache == 'redis' else 'database table'}; "
        f"{os.cpu_count()} cores; {started:%Y-%m-%d %H:%M} UTC\n"
    )
    print(
        "| database | cache | page | req/s | share of minimal | p50 ms | p99 ms | errors "
        "| target | minimal view just before: req/s, p99 ms "
        "| render ms in-process, uncached (wall / CPU) |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in rows:
        render = (
            "" if r["render_ms"] is None else f"{r['render_ms']:.1f} / {r['render_cpu_ms']:.1f}"
        )
        target = "" if r["page"] == REFERENCE else "yes" if meets_target(r) else "**no**"
        print(
            f"| {r['database']} | {r['cache']} | {r['page']} | {r['rps']:,.0f} | "
            f"{r['share']:.0%} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | "
            f"{target if r['cache'] == 'warm' else ''} | "
            f"{r['reference']['rps']:,.0f}, {r['reference']['p99']:.1f} | {render} |"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"pages-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=1), encoding="utf-8")
    print(f"\nJSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
