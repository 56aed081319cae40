"""Memory per worker of the vector index, exact (ADR 0008) and approximate (ADR 0012), at 100k and
1M vectors of 512 dimensions.

    .venv/bin/python bench/vector_memory_bench.py [--sizes 100000,1000000] [--workers 4]

For each size: N clustered unit vectors (synthetic: memory does not depend on what they say),
the approximate index built from them (`search.ann.build`, as the background task does), then
--workers processes started side by side, as gunicorn's workers are, each holding the index the
way a worker does and answering 200 queries:
- exact: the whole float32 matrix in the process (what `vectors.index` reads below
  MIGRATIONHUB_ANN_MIN);
- approximate: the graph file mapped read-only (`ann.ApproximateIndex`), re-ranking its
  candidates with float32 vectors read by id (here read from a file, standing in for the
  database).
Each worker reports its resident memory beyond what it held before opening the index (RSS), its
proportional share (PSS: shared pages divided among the processes mapping them) and its private
memory (USS), from /proc/self/smaps_rollup, and its query latency. Prints a table; JSON in
bench/results/. Not a test: nothing here passes or fails.
"""

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
RESULTS_DIR = BENCH_DIR / "results"
DIMENSIONS = 512


def memory() -> dict:
    figures = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in {"Rss", "Pss", "Private_Clean", "Private_Dirty"}:
            figures[name.lower()] = int(rest.split()[0]) / 1024
    figures["uss"] = figures.pop("private_clean") + figures.pop("private_dirty")
    return figures


def clustered(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(100, n // 200), DIMENSIONS)).astype(np.float32)
    out = np.empty((n, DIMENSIONS), dtype=np.float32)
    for start in range(0, n, 50_000):
        stop = min(n, start + 50_000)
        block = centres[rng.integers(0, len(centres), stop - start)]
        block += 0.7 * rng.standard_normal(block.shape).astype(np.float32)
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def worker(kind: str, directory: str, queue) -> None:
    from migrationhub.search import ann, embedding

    directory = Path(directory)
    queries = np.load(directory / "queries.npy")
    before = memory()
    if kind == "exact":
        matrix = np.load(directory / "vectors.npy")  # read whole, as from the database
        index = embedding.VectorIndex(range(1, len(matrix) + 1), matrix)
    else:
        stored = np.load(directory / "vectors.npy", mmap_mode="r")
        offset, count = stored.offset, len(stored)
        del stored
        handle = (directory / "vectors.npy").open("rb")
        row_bytes = DIMENSIONS * 4

        def fetch(ids):
            # read by id as from the database (not mapped: the worker keeps none of it)
            found = np.asarray(ids, dtype=np.int64)
            data = b"".join(
                os.pread(handle.fileno(), row_bytes, offset + (d - 1) * row_bytes) for d in ids
            )
            return found, np.frombuffer(data, dtype=np.float32).reshape(len(ids), DIMENSIONS)

        index = ann.ApproximateIndex(
            directory / "graph.usearch",
            fetch,
            embedding.VectorIndex([], np.zeros((0, DIMENSIONS), np.float32)),
            count,
        )
    times = []
    for query in queries:
        started = time.perf_counter()
        index.nearest(query, 40)
        times.append((time.perf_counter() - started) * 1000)
    after = memory()
    queue.put(
        {
            "kind": kind,
            "rss_mb": round(after["rss"] - before["rss"], 1),
            "pss_mb": round(after["pss"] - before["pss"], 1),
            "uss_mb": round(after["uss"] - before["uss"], 1),
            "p50_ms": round(float(np.percentile(times, 50)), 2),
            "p95_ms": round(float(np.percentile(times, 95)), 2),
        }
    )
    time.sleep(3)  # stay alive while the others measure: shared pages are shared


def run(kind: str, directory: Path, workers: int) -> list[dict]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(target=worker, args=(kind, str(directory), queue)) for _ in range(workers)
    ]
    for p in processes:
        p.start()
    figures = [queue.get(timeout=3600) for _ in processes]
    for p in processes:
        p.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--exact-workers", type=int, default=2)
    args = parser.parse_args()
    from migrationhub.search import ann

    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            vectors = clustered(size)
            np.save(directory / "vectors.npy", vectors)
            rng = np.random.default_rng(2)
            queries = vectors[rng.integers(0, size, 200)] + 0.05 * rng.standard_normal(
                (200, DIMENSIONS)
            ).astype(np.float32)
            np.save(directory / "queries.npy", queries)
            started = time.perf_counter()
            ann.build(range(1, size + 1), vectors, directory / "graph.usearch")
            build = time.perf_counter() - started
            graph_mb = (directory / "graph.usearch").stat().st_size / 1e6
            del vectors
            row = {"size": size, "build_s": round(build, 1), "graph_mb": round(graph_mb, 1)}
            row["approximate"] = run("approximate", directory, args.workers)
            row["exact"] = run("exact", directory, args.exact_workers)
            results.append(row)
            print(json.dumps(row), flush=True)
    print(
        "\n| vectors | index | workers | RSS per worker MB | PSS per worker MB | private MB | p50 / p95 ms |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        for kind in ("exact", "approximate"):
            figures = row[kind]

            def mean(key, figures=figures):
                return sum(f[key] for f in figures) / len(figures)

            print(
                f"| {row['size']:,} | {kind} | {len(figures)} | {mean('rss_mb'):,.0f} |"
                f" {mean('pss_mb'):,.0f} | {mean('uss_mb'):,.0f} |"
                f" {mean('p50_ms'):.1f} / {mean('p95_ms'):.1f} |"
            )
        print(f"(graph of {row['size']:,}: {row['graph_mb']:,} MB, built in {row['build_s']} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"vector-memory-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"figures: {out}")


if __name__ == "__main__":
    main()
