"""The review at 5k organisations and 20k partnerships, on SQLite and PostgreSQL, beside pandas
and networkx's defaults on the same data in the same run.

    .venv/bin/python bench/review_bench.py [--database sqlite|postgres|both] [--size 20000]
                                          [--organisations 5000] [--repeat 5]

Each database is fresh (a SQLite file in a temporary directory; the PostgreSQL database
`bench_review` at postgres://postgres@127.0.0.1:5432/, or BENCH_REVIEW_DATABASE_URL, dropped and
re-created), migrated, given the reference vocabularies, and filled with the partnership
benchmark's synthetic registry (bench/partnerships_bench.py's `generate` and `load`, same seed:
organisations of every type and level, partnerships with objectives, levels, countries, members,
goals, reports, and pledges), without the search index, which the review does not read.

Measured in-process (production settings, the page cache off: every page is rendered), p50/p95
over `--repeat` runs after a warm-up:
- `facts`: `review.selectors.build_snapshot()` (the garbage collector paused, as the refresh
  does), every fact the review computes from, read from the database through the other apps'
  facts selectors;
- after a write: `facts_refresh`, what the task queue does (facts, the whole network's measures
  and history, every region's and objective's network measures and picture layout, shared in
  the cache: the staleness window, without the queue's pick-up), with `report_networks`, the
  part of it for the regions and objectives, apart (and, in the notes, the size of the shared
  facts with and without it); `facts_load_shared`, what each process then does in a background
  thread to take them; `page_report_after_write`, a country report requested right after a
  write (answered from the last facts while the refresh is queued);
- `coverage`: the objective × region table over every record (`coverage.table`), and the full
  objective × level × region (every depth) × stakeholder type cube of the open data
  (`coverage.cube`);
- `gaps`: every empty objective × level × region cell at the most specific M49 depth, with each
  one's isolation, ranked (`gaps.find_gaps`);
- `network`: every measure of `network.measures` (graph, components, isolates, betweenness
  exact or sampled within its budget of link visits, cross-level and cross-type links);
- `network_history`: `network.history` over the trend years (counts, isolated organisations,
  and every year's top brokers, exact or estimated with their errors), which the refresh adds
  to `network` after a write;
- pages: a country, regional and objective report each (HTML, through the whole middleware and
  template stack, with the facts as every process has them between two data changes: those the
  background refresh shared, loaded from the shared cache; each report's first render is among
  the samples, the warm-up renders one only), the coverage page, the gap finder, the network
  page, and the coverage API;
- `report_pdf`: rendering one country report's PDF with WeasyPrint (what a cache miss costs).
References on the same records, in the same run:
- pandas: the coverage table as `explode` + `groupby().nunique()` (counting distinct records per
  cell, as the review does), and the empty cells as a product index minus the covered ones (no
  isolation ranking);
- networkx defaults: `nx.Graph` from the same weighted links, `connected_components`, `isolates`
  and exact `betweenness_centrality` (Brandes over every source), run once on the first database
  only (it does not depend on the database); exact betweenness is timed over 100 sources and
  extrapolated to all (its cost is linear in the sources; the full run takes most of an hour
  here).

Prints a table and writes the figures as JSON to bench/results/ (gitignored). Not a test.
"""

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import percentiles, pg_admin

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_review"


def timed(run, items: list, repeat: int) -> dict:
    for item in items[:1]:
        run(item)  # warm-up
    samples = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            run(item)
            samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def pandas_coverage(records, geo):
    import pandas as pd

    frame = pd.DataFrame(
        {
            "kind": [r.kind for r in records],
            "id": [r.id for r in records],
            "objective": [list(r.objectives) for r in records],
            "region": [list(geo.regions_of(r.countries) & TOP) for r in records],
        }
    )
    exploded = frame.explode("objective").explode("region").dropna()
    return exploded.groupby(["objective", "region", "kind"])["id"].nunique()


def pandas_gaps(records, geo, objectives, levels, leaves):
    import pandas as pd

    leaf_set = set(leaves)
    frame = pd.DataFrame(
        {
            "objective": [list(r.objectives) for r in records if r.kind != "pledge"],
            "level": [list(r.levels) for r in records if r.kind != "pledge"],
            "region": [
                list(geo.regions_of(r.countries) & leaf_set) for r in records if r.kind != "pledge"
            ],
        }
    )
    covered = (
        frame.explode("objective").explode("level").explode("region").dropna().drop_duplicates()
    )
    every = pd.MultiIndex.from_product(
        [objectives, levels, leaves], names=["objective", "level", "region"]
    )
    return every.difference(pd.MultiIndex.from_frame(covered[["objective", "level", "region"]]))


TOP: set = set()
NX_SOURCES = 100


def worker(args) -> None:
    import django

    django.setup()
    import networkx as nx
    import partnerships_bench as pb
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    import migrationhub.partnerships.indexing as indexing
    from migrationhub.core import page_cache
    from migrationhub.review import coverage, gaps, network, pdf, selectors
    from migrationhub.review.coverage import WORLD
    from migrationhub.taxonomy.loaders import load_reference

    figures: dict = {"backend": connection.vendor, "size": args.size, "measures": {}, "notes": {}}
    call_command("core_migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_reference()
    today = timezone.localdate()
    organisations, practices, partnerships, pledges = pb.generate(
        args.size, args.organisations, pb.taxonomy_codes(), pb.read_texts(), today
    )
    indexing.partnerships_index_new = lambda ids: None  # the review does not read the index
    started = time.perf_counter()
    pb.load(organisations, practices, partnerships, pledges, today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    figures["load_seconds"] = round(time.perf_counter() - started, 1)
    measures = figures["measures"]

    def measure(name, run, items, repeat=args.repeat):
        measures[name] = timed(run, items, repeat)
        m = measures[name]
        print(f"    {name:<22} p50 {m['p50']:9.1f}  p95 {m['p95']:9.1f} ms", flush=True)

    version = selectors.data_version()
    measure("facts", lambda _: selectors._build(version, share=False), [None], max(3, args.repeat))
    snap = selectors.snapshot()
    records, geo = snap.records, snap.geo
    TOP.update(geo.children(WORLD))
    nodes = list(snap.nodes.values())
    figures["notes"]["records"] = {
        k: sum(1 for r in records if r.kind == k) for k in coverage.KINDS
    }
    figures["notes"]["organisations"] = len(nodes)
    figures["notes"]["memberships"] = len(snap.memberships)
    objectives, levels = snap.order["objectives"], snap.order["levels"]
    leaves = geo.of_kind("leaf")
    top = sorted(TOP)
    objective_rows = [*objectives, coverage.NOT_STATED]
    measure(
        "coverage_table",
        lambda _: coverage.table(
            records, geo, rows="objective", cols="region", row_values=objective_rows, col_values=top
        ),
        [None],
    )
    measure(
        "coverage_cube", lambda _: coverage.cube(records, geo), [None], max(3, args.repeat // 2)
    )
    measure("ref_pandas_coverage", lambda _: pandas_coverage(records, geo), [None])
    # the two agree on every cell
    ours = coverage.table(
        records, geo, rows="objective", cols="region", row_values=objective_rows, col_values=top
    )
    theirs = pandas_coverage(records, geo)
    agree = all(
        ours.cells.get((o, g), {}).get(k, 0) == n for (o, g, k), n in theirs.items()
    ) and sum(sum(c.values()) for (o, _g), c in ours.cells.items() if o) == int(theirs.sum())
    figures["notes"]["coverage_agrees_with_pandas"] = agree
    measure(
        "gaps",
        lambda _: gaps.find_gaps(
            records, geo, objectives=objectives, levels=levels, regions=leaves
        ),
        [None],
    )
    measure(
        "ref_pandas_gaps", lambda _: pandas_gaps(records, geo, objectives, levels, leaves), [None]
    )
    found = gaps.find_gaps(records, geo, objectives=objectives, levels=levels, regions=leaves)
    figures["notes"]["gaps"] = len(found)
    figures["notes"]["gaps_agree_with_pandas"] = len(found) == len(
        pandas_gaps(records, geo, objectives, levels, leaves)
    )
    measure(
        "network",
        lambda _: network.measures(nodes, snap.memberships),
        [None],
        max(3, args.repeat // 2),
    )
    history_years = selectors.trend_years(snap)
    whole = network.measures(nodes, snap.memberships)
    latest = (selectors._scores(whole), whole.links)
    measure(
        "network_history",
        lambda _: network.history(
            nodes, snap.memberships, snap.started, history_years, latest=latest
        ),
        [None],
        max(3, args.repeat // 2),
    )
    year_rows = network.history(nodes, snap.memberships, snap.started, history_years)
    figures["notes"]["network_history"] = [
        {
            "year": y.year,
            "links": y.links,
            "isolated": y.isolated,
            "brokers_exact": y.brokers_exact,
            "brokers_sources": y.brokers_sources,
            "brokers_error": max((b.error or 0.0 for b in y.brokers), default=None),
        }
        for y in year_rows
    ]
    facts = network.measures(nodes, snap.memberships)
    top_ten = {b.id for b in facts.brokers}
    figures["notes"]["network"] = {
        "sampled_last_year_top3_in_network_top10": sum(
            b.id in top_ten for b in year_rows[-1].brokers
        )
        if year_rows
        else None,
        "links": facts.links,
        "components": len(facts.components),
        "largest": facts.largest_component,
        "isolates": len(facts.isolates),
    }

    def networkx_defaults(_):
        """The same measures with networkx as it comes: graph, components, isolates, then
        exact betweenness, whose cost is linear in the number of sources: timed over
        NX_SOURCES of them and extrapolated to every connected organisation (the whole run
        takes most of an hour on this machine)."""
        g = nx.Graph()
        g.add_nodes_from(n.id for n in nodes)
        g.add_weighted_edges_from(
            (a, b, w) for (a, b), w in network.edge_weights(snap.memberships).items()
        )
        list(nx.connected_components(g))
        list(nx.isolates(g))
        core = g.subgraph([n for n, d in g.degree() if d > 0])
        started = time.perf_counter()
        nx.betweenness_centrality(core, k=NX_SOURCES, seed=1)
        per_source = (time.perf_counter() - started) / NX_SOURCES
        return per_source * core.number_of_nodes()

    if args.networkx:
        started = time.perf_counter()
        extrapolated = networkx_defaults(None)
        ms = (time.perf_counter() - started) * 1000 + extrapolated * 1000
        measures["ref_networkx_defaults"] = {"p50": ms, "p95": ms, "n": 1}
        print(
            f"    {'ref_networkx_defaults':<22} once      {ms:9.1f} ms (extrapolated)", flush=True
        )

    # the pages answer from the facts the background refresh shared after the load (a write),
    # loaded as each process loads them: with every region's and objective's network
    import dataclasses
    import pickle
    import zlib

    from django.core.cache import cache

    page_cache.changed("partnerships")
    selectors.refresh()
    shared_version = selectors.data_version()
    blob = cache.get(selectors.SHARED_FACTS.format(version=shared_version))
    figures["notes"]["shared_facts_bytes"] = len(blob)
    refreshed = selectors._shared(shared_version)
    selectors._install(refreshed)
    whole = {
        k: v
        for k, v in refreshed.memo.items()
        if k == ("network", ("world", "")) or k[0] == "history"
    }
    figures["notes"]["shared_facts_bytes_without_report_networks"] = len(
        zlib.compress(
            pickle.dumps(
                dataclasses.replace(refreshed, memo=whole), protocol=pickle.HIGHEST_PROTOCOL
            ),
            1,
        )
    )
    figures["notes"]["report_networks_scopes"] = len(selectors.report_scopes(refreshed))

    def report_networks(_):
        with selectors._paused_gc():
            selectors.report_networks(dataclasses.replace(refreshed, memo=dict(whole)))

    measure("report_networks", report_networks, [None], 3)

    client = Client()
    counts = {}
    for r in records:
        if r.kind == "partnership":
            for c in r.countries:
                counts[c] = counts.get(c, 0) + 1
    countries = [c for c, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:10]]
    regions = [
        g for g in sorted(geo.kind) if geo.kind[g] in ("region", "subregion", "intermediate")
    ][:10]
    objective_pages = objectives[:10]

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    measure("page_country_report", lambda c: get(f"/review/countries/{c}/"), countries)
    measure("page_region_report", lambda g: get(f"/review/regions/{g}/"), regions)
    measure("page_objective_report", lambda o: get(f"/review/objectives/{o}/"), objective_pages)
    measure("page_coverage", lambda _: get("/review/"), [None])
    measure("page_gaps", lambda _: get("/review/gaps/"), [None])
    measure("page_network", lambda _: get("/review/network/"), [None])
    measure(
        "api_coverage", lambda _: get("/api/v1/review/coverage?rows=objective&cols=level"), [None]
    )

    # after a write: the background refresh (the task queue's work: facts, whole network and
    # history, shared), a process taking the shared facts, and a report page answered while
    # the refresh is queued (the bench's queue is the database's, which nothing runs here)
    def write_and_refresh(_):
        page_cache.changed("partnerships")
        selectors.refresh()

    measure("facts_refresh", write_and_refresh, [None], 3)
    shared = selectors.data_version()
    measure("facts_load_shared", lambda _: selectors._shared(shared), [None], 3)

    def report_after_write(c):
        page_cache.changed("partnerships")
        response = get(f"/review/countries/{c}/")
        if "no-store" not in response.get("Cache-Control", ""):
            raise RuntimeError("a report after a write was not answered from the last facts")

    measure("page_report_after_write", report_after_write, countries)
    selectors.refresh()
    html = get(f"/review/countries/{countries[0]}/").content.decode()
    report_html = client.get(f"/review/countries/{countries[0]}/report.pdf")
    figures["notes"]["pdf_bytes"] = len(report_html.content)
    from django.template.loader import render_to_string

    from migrationhub.review import views

    context = views._report_context(selectors.report("country", countries[0]))
    pdf_html = render_to_string("review/report_pdf.html", context)
    measure("report_pdf", lambda _: pdf.render(pdf_html), [None], 3)
    figures["notes"]["page_bytes"] = len(html)
    connection.close()
    Path(args.out).write_text(json.dumps(figures, indent=2, default=str))


def run_one(backend: str, args, tmp: Path, networkx: bool) -> dict:
    out = tmp / f"{backend}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnerships_bench_settings",
        "MIGRATIONHUB_SECRET_KEY": secrets.token_urlsafe(48),
        "MIGRATIONHUB_DATA_DIR": str(tmp),
        "MIGRATIONHUB_API_ANON_RATE": "1000000/m",
        "PYTHONPATH": os.pathsep.join(
            [str(BENCH_DIR), str(REPO_DIR), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("REDIS_URL", None)
    pg_url = os.environ.get("BENCH_REVIEW_DATABASE_URL", DEFAULT_PG_URL)
    name = urllib.parse.urlsplit(pg_url).path.lstrip("/")
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench_review.sqlite3'}"
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
        *(["--networkx"] if networkx else []),
    ]
    print(f"  {backend}:", flush=True)
    try:
        subprocess.run(command, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        if backend == "postgresql" and not args.keep:
            pg_admin(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


REFERENCES = {
    "coverage_table": "ref_pandas_coverage",
    "gaps": "ref_pandas_gaps",
    "network": "ref_networkx_defaults",
}


def table(results: list[dict]) -> list[str]:
    lines = [
        "| database | measure | p50 ms | p95 ms | reference p95 ms | ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    exact = next(
        (
            r["measures"]["ref_networkx_defaults"]
            for r in results
            if "ref_networkx_defaults" in r["measures"]
        ),
        None,
    )
    for r in results:
        for name, m in r["measures"].items():
            ref = r["measures"].get(REFERENCES.get(name, "")) or (
                exact if name == "network" else None
            )
            ratio = f"{m['p95'] / ref['p95']:.3f}" if ref and ref["p95"] else "-"
            ref_p95 = f"{ref['p95']:.1f}" if ref else "-"
            lines.append(
                f"| {r['backend']} | {name} | {m['p50']:.1f} | {m['p95']:.1f} | {ref_p95} | {ratio} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--skip-networkx", action="store_true", help="skip exact betweenness")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--networkx", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    backends = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
    print(
        f"review bench: {args.size} partnerships, {args.organisations} organisations,"
        f" {backends[args.database]}, {os.cpu_count()} CPUs",
        flush=True,
    )
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="mh-review-"))
    results = []
    try:
        for i, backend in enumerate(backends[args.database]):
            results.append(run_one(backend, args, tmp, networkx=i == 0 and not args.skip_networkx))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(["", *table(results), ""]))
    for r in results:
        print(f"{r['backend']}: {json.dumps(r['notes'], default=str)}")
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"review-{stamp}.json"
    out.write_text(
        json.dumps(
            {"seconds": round(time.perf_counter() - started), "results": results},
            indent=2,
            default=str,
        )
    )
    print(f"figures: {out.relative_to(REPO_DIR)} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
