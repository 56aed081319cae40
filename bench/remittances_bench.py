"""Remittance indicators: the time to compute every indicator for every period, beside pandas.

    .venv/bin/python bench/remittances_bench.py [--factors 1,10,18] [--repeat 7] [--no-db]

Data: the whole RPW quote file shipped in data/remittances (28,467 quotes of the USD 200 amount,
10 quarters, 236 corridors), then synthetic enlargements: each quote copied `factor` times into
`factor` copies of its corridor, its cost moved by a random -0.50..+0.50 pp (a fixed seed), so
that corridors keep their real size and the number of corridors grows with the data (10x: 284,670
quotes, 2,360 corridors; 18x: 512,406 quotes, the 500k of TARGETS.md).

Both sides start from the same data already in memory, as columns (building them is not timed):
- MigrationHub, `remittances/costs.py`:
  "core three": corridor averages, SmaRT (mean of the 3 cheapest qualifying services per
  corridor) and the global average, for every period (`costs.core_arrays`, exact integer sums);
  "every indicator": `costs.compute_indicators`, i.e. the core three plus cheapest and dearest
  service, global weighted average, global SmaRT, corridors below and above 5%, and the regional,
  provider-type, sending- and receiving-country averages, every figure an exact Decimal.
- The reference, a plain pandas group-by of the same work on a DataFrame (float64): the core
  three, then every indicator. polars and duckdb are measured too when they are installed.
- With the database (unless --no-db): `services.indicators_recompute`, the whole recomputation an
  import runs (read every quote of both amounts, compute, write the indicator tables), on SQLite.

Prints the median of --repeat timed runs (after one warm-up) and the ratio to pandas, checks that
both sides agree (largest difference of the corridor averages), and writes the figures as JSON to
bench/results/ (gitignored). Not a test: nothing here passes or fails.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(REPO_DIR))

from migrationhub.remittances import costs  # noqa: E402 - no Django: the pure module

DATA = REPO_DIR / "migrationhub" / "data" / "remittances"
RESULTS_DIR = BENCH_DIR / "results"
SEED = 20261125
SPEEDS = {label.lower(): code for code, label in costs.SPEED_BANDS}


def read_quotes() -> list[dict]:
    """The USD 200 quotes of the RPW file, with what the indicators need, as the app reads them."""
    rows = []
    with (DATA / "rpw_quotes_2011q1_2014q2.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            year, quarter = r["period"].split("_")
            rows.append(
                {
                    "period": f"{year}Q{quarter[0]}",
                    "sending": r["source"],
                    "receiving": r["destination"],
                    "cost": Decimal(r["cc1 total cost %"]),
                    "transparent": r["transparent"] == "yes",
                    "smart": costs.smart_access(
                        speed=SPEEDS.get((r["speed actual"] or "").lower(), ""),
                        coverage=r["coverage"],
                        pickup_method=r["pick up method"],
                        product=r["product"],
                    ),
                    "type": r["firm_type"],
                }
            )
    return rows


def regions_and_weights() -> tuple[dict[str, str], dict[tuple[str, str], float]]:
    with (DATA / "wb_regions.csv").open(encoding="utf-8") as handle:
        regions = {r["iso3"]: r["wb_region"] for r in csv.DictReader(handle)}
    regions["ANT"] = "Latin America & Caribbean"
    names = {}
    m49 = REPO_DIR / "migrationhub" / "data" / "reference" / "m49" / "unsd_m49_en.csv"
    with m49.open(encoding="utf-8-sig") as handle:
        for r in csv.DictReader(handle):
            names[r["Country or Area"].casefold()] = r["ISO-alpha3 Code"]
    with (DATA / "wb_country_names.csv").open(encoding="utf-8") as handle:
        names.update({r["name"].casefold(): r["iso3"] for r in csv.DictReader(handle)})
    weights = {}
    with (DATA / "wb_bilateral_remittance_matrix_2017_long.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            s = names.get(r["sending_country"].casefold())
            d = names.get(r["receiving_country"].casefold())
            if s and d:
                weights[(s, d)] = float(r["usd_millions"])
    return regions, weights


def enlarge(rows: list[dict], factor: int, rng: np.random.Generator) -> list[dict]:
    if factor == 1:
        return rows
    jitter = rng.integers(-50, 51, size=len(rows) * factor)
    out, k = [], 0
    for copy in range(factor):
        for r in rows:
            out.append(
                {
                    **r,
                    "receiving": f"{r['receiving']}#{copy}" if copy else r["receiving"],
                    "cost": r["cost"] + Decimal(int(jitter[k])) / 100 if copy else r["cost"],
                }
            )
            k += 1
    return out


def base_code(code: str) -> str:
    return code.split("#")[0]


def build_table(rows, regions) -> costs.QuoteTable:
    region_of = {r["receiving"]: regions.get(base_code(r["receiving"]), "") for r in rows}
    return costs.QuoteTable.build(
        (
            (
                r["period"],
                r["sending"],
                r["receiving"],
                r["cost"],
                r["transparent"],
                r["smart"],
                r["type"],
            )
            for r in rows
        ),
        region_of,
    )


def build_frame(table: costs.QuoteTable) -> pd.DataFrame:
    """The same quotes for the references, keyed by the same integer codes as the QuoteTable
    (period, corridor, sending, receiving, provider type, region): a fair start for all."""
    sending = np.array([s for s, _ in table.corridors])
    receiving = np.array([r for _, r in table.corridors])
    _, sending_code = np.unique(sending, return_inverse=True)
    _, receiving_code = np.unique(receiving, return_inverse=True)
    return pd.DataFrame(
        {
            "period": table.period,
            "corridor": table.corridor,
            "sending": sending_code[table.corridor],
            "receiving": receiving_code[table.corridor],
            "cost": table.cost / 10**costs.SCALE,
            "transparent": table.transparent,
            "smart": table.smart_access,
            "type": table.provider_type,
            "region": table.corridor_region[table.corridor],
        }
    )


# --- the reference: plain pandas -------------------------------------------------------------


def pandas_core(frame: pd.DataFrame):
    counted = frame[frame["transparent"]]
    corridor = counted.groupby(["period", "corridor"])["cost"].mean()
    cheapest3 = (
        counted[counted["smart"]]
        .sort_values(["period", "corridor", "cost"])
        .groupby(["period", "corridor"])
        .head(3)
        .groupby(["period", "corridor"])["cost"]
        .mean()
    )
    overall = counted.groupby("period")["cost"].mean()
    return corridor, cheapest3, overall


def pandas_every(frame: pd.DataFrame, weight: np.ndarray):
    corridor, smart, overall = pandas_core(frame)
    counted = frame[frame["transparent"]]
    extremes = counted.groupby(["period", "corridor"])["cost"].agg(["min", "max", "count"])
    table = corridor.rename("average").to_frame().join(extremes)
    table["weight"] = weight[table.index.get_level_values("corridor")]
    table["weighted"] = table["average"] * table["weight"]
    table["under_5"] = table["average"] < 5
    table["above_5"] = table["average"] > 5
    per_period = table.groupby(level="period")[
        ["weighted", "weight", "under_5", "above_5", "count"]
    ].sum()
    per_period["weighted_average"] = per_period["weighted"] / per_period["weight"]
    global_smart = smart.groupby(level="period").mean()
    groups = {
        column: counted[counted[column] >= 0]
        .groupby(["period", column])["cost"]
        .agg(["mean", "count"])
        for column in ("region", "type", "sending", "receiving")
    }
    return table, per_period, overall, global_smart, groups


# --- optional references ---------------------------------------------------------------------


def polars_core(frame):
    import polars as pl

    counted = frame.filter(pl.col("transparent"))
    keys = ["period", "corridor"]
    corridor = counted.group_by(keys).agg(pl.col("cost").mean())
    smart = counted.filter(pl.col("smart")).group_by(keys).agg(pl.col("cost").bottom_k(3).mean())
    overall = counted.group_by("period").agg(pl.col("cost").mean())
    return corridor, smart, overall


def duckdb_core(con):
    corridor = con.execute(
        "SELECT period, sending, receiving, avg(cost) FROM q WHERE transparent GROUP BY ALL"
    ).fetchnumpy()
    smart = con.execute(
        "SELECT period, corridor, avg(cost) FROM (SELECT *, row_number() OVER "
        "(PARTITION BY period, corridor ORDER BY cost) AS n FROM q "
        "WHERE transparent AND smart) WHERE n <= 3 GROUP BY ALL"
    ).fetchnumpy()
    overall = con.execute(
        "SELECT period, avg(cost) FROM q WHERE transparent GROUP BY ALL"
    ).fetchnumpy()
    return corridor, smart, overall


# --- timing ----------------------------------------------------------------------------------


def materialise(result: costs.Indicators) -> int:
    """Every figure as a dataclass of Decimals, as the app stores them."""
    return len(list(result.corridors)) + len(list(result.groups)) + len(result.periods)


def timed(function, repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def check_agreement(table: costs.QuoteTable, frame: pd.DataFrame) -> float:
    core = costs.core_arrays(table)
    n = len(table.corridors)
    ours = {}
    for k in np.flatnonzero(core.corridor_count):
        ours[divmod(int(k), n)] = core.corridor_sum[k] / core.corridor_count[k] / 10**costs.SCALE
    theirs = pandas_core(frame)[0]
    assert len(ours) == len(theirs)
    return max(abs(ours[key] - value) for key, value in theirs.items())


def db_recompute(repeat: int) -> dict:
    """`services.indicators_recompute` on a fresh SQLite database holding the shipped data."""
    workdir = tempfile.mkdtemp(prefix="mh-rem-bench-")
    os.environ["MIGRATIONHUB_DATA_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    from migrationhub.remittances import services
    from migrationhub.taxonomy.loaders import load_reference

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the database cache, where settings use it
    load_reference()
    start = time.perf_counter()
    counts = services.remittances_load_shipped()
    load_s = time.perf_counter() - start
    recompute_ms = timed(services.indicators_recompute, max(1, repeat // 2))
    return {"load_all_s": round(load_s, 2), "recompute_ms": round(recompute_ms, 1), **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,18")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    quotes = read_quotes()
    regions, weights = regions_and_weights()
    try:
        import polars as pl
    except ImportError:
        pl = None
    try:
        import duckdb
    except ImportError:
        duckdb = None

    results = []
    header = (
        f"{'quotes':>9} {'corridors':>9} | {'MH core':>8} {'pandas':>7} {'ratio':>6} "
        f"{'polars':>7} {'duckdb':>7} | {'MH every':>8} {'+Decimal':>8} {'pandas':>7} "
        f"{'ratio':>6} | max diff"
    )
    print("Remittance indicators, every period (median ms)")
    print(header)
    print("-" * len(header))
    for factor in (int(f) for f in args.factors.split(",")):
        rows = enlarge(quotes, factor, rng)
        table = build_table(rows, regions)
        frame = build_frame(table)
        table_weights = {c: weights.get((c[0], base_code(c[1])), 0.0) for c in table.corridors}
        weight = np.array([table_weights[c] for c in table.corridors])
        row = {
            "factor": factor,
            "quotes": len(table),
            "corridors": len(table.corridors),
            "periods": len(table.periods),
            "mh_core_ms": timed(lambda t=table: costs.core_arrays(t), args.repeat),
            "pandas_core_ms": timed(lambda f=frame: pandas_core(f), args.repeat),
            "mh_every_ms": timed(
                lambda t=table, w=table_weights: costs.compute_indicators(t, w), args.repeat
            ),
            "pandas_every_ms": timed(lambda f=frame, w=weight: pandas_every(f, w), args.repeat),
            "mh_every_decimals_ms": timed(
                lambda t=table, w=table_weights: materialise(costs.compute_indicators(t, w)),
                args.repeat,
            ),
            "max_abs_diff_pp": check_agreement(table, frame),
        }
        if pl is not None:
            pframe = pl.DataFrame({c: frame[c].to_numpy() for c in frame.columns})
            row["polars_core_ms"] = timed(lambda f=pframe: polars_core(f), args.repeat)
        if duckdb is not None:
            con = duckdb.connect()
            con.register("q", frame)
            row["duckdb_core_ms"] = timed(lambda c=con: duckdb_core(c), args.repeat)
        results.append(row)
        print(
            f"{row['quotes']:>9,} {row['corridors']:>9,} | {row['mh_core_ms']:>8.1f} "
            f"{row['pandas_core_ms']:>7.1f} {row['pandas_core_ms'] / row['mh_core_ms']:>5.1f}x "
            f"{row.get('polars_core_ms', float('nan')):>7.1f} "
            f"{row.get('duckdb_core_ms', float('nan')):>7.1f} | {row['mh_every_ms']:>8.1f} "
            f"{row['mh_every_decimals_ms']:>8.1f} {row['pandas_every_ms']:>7.1f} "
            f"{row['pandas_every_ms'] / row['mh_every_ms']:>5.1f}x | {row['max_abs_diff_pp']:.1e}"
        )
    print(
        "core = corridor averages + SmaRT (3 cheapest qualifying) + global average; every = all "
        "indicators, exact (+Decimal: every figure also made a Decimal dataclass); "
        "ratio = pandas / MigrationHub; max diff = corridor averages, MigrationHub vs pandas (pp)."
    )
    database = None
    if not args.no_db:
        database = db_recompute(args.repeat)
        print(
            f"In the app, SQLite: load everything shipped {database['load_all_s']} s; "
            f"recompute every indicator of both amounts from the database "
            f"({database['quotes']:,} quotes): {database['recompute_ms']} ms"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"remittances-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "results": results,
                "database": database,
            },
            indent=2,
        )
    )
    print(f"figures written to {out.relative_to(REPO_DIR)}")


if __name__ == "__main__":
    main()
