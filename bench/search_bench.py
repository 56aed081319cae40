"""Search latency at 10k and 100k practices, on SQLite and PostgreSQL, beside its references.

    .venv/bin/python bench/search_bench.py [--sizes 10000,100000] [--backends sqlite,postgres]
                                           [--repeat 2] [--no-http] [--cache db|redis]
                                           [--keep --workdir DIR, then --reuse --workdir DIR]

--keep leaves the databases (SQLite files in --workdir, the PostgreSQL database) so that --reuse
can measure them again without loading; for working on the backends, not for reported figures.

For each size and database, a fresh database (a SQLite file in a temporary directory; the
PostgreSQL database named by BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mh_bench,
dropped and re-created) is migrated, given the reference vocabularies, and filled with N synthetic
published practices (Practice rows with their many-to-many links, and their search documents
through `search.services.documents_bulk_add`). Their text is real vocabulary recombined: GCM action
texts (data/reference/gcm_actions.csv), IOM evaluation titles and thematic areas
(/work/shared/data/practices/iom_evaluations_export_2025-11-13.csv, read at bench time only;
--evaluations to point elsewhere) and the IOM migration glossary
(/work/shared/data/gcm/iom_migration_glossary.json, --glossary). Facet values are realistic: GCM
objectives 1-23 (skewed), countries from the M49 list (skewed) with their regions derived as the
indexer does, governance levels, stakeholder types, principles, areas, languages and years.

50 broad queries of 1-3 words are drawn from the same vocabulary (a fixed seed: both databases and
every run see the same data and queries). Each measure runs every query once to warm up, then
--repeat times timed; p50/p95 are over the timed runs.

Measured, in-process (one Django process per database):
- `search.selectors.search`, ranked, a page of 20: without facets, with the 3 facet counts of
  TARGETS.md (objective, country, level), and with the 9 the practices API counts;
- the same with hybrid ranking (ADR 0008: `semantic=True`, as the practices page and API run it),
  its query embedding (the production model) and the exact nearest-vector search alone; the
  stored vectors are synthetic unit vectors of the model's shape (512 float32 per document),
  written after the load (no vector is computed while loading);
Over HTTP (gunicorn, 1 sync worker, production settings on loopback; its shared cache, where the
API's per-address throttle counts, the database table, or with --cache redis Redis, as a
deployment has it):
- `GET /api/v1/practices/?q=…` (9 facets, 20 full practices) and
  `GET /bench/search?q=…&facets=objective,country,level` (search_bench_urls.py);
References, on the same data in the same run (TARGETS.md):
- SQLite: raw FTS5 `SELECT … WHERE search_fts MATCH ? ORDER BY rank LIMIT 20`, no facets,
  in-process; and the same SQL through Datasette over HTTP when `datasette` is installed
  (`pip install "datasette>=0.65,<0.66"`, part of the dev extra);
- PostgreSQL: a plain `ts_rank_cd` ranking of every match plus one GROUP BY for the 3 facets.

Relevance of the fast path, in the same run: for each of the 50 queries, the overlap of the
engine's top 20 with the exhaustive ranking (every match scored by the same function: FTS5 bm25
on SQLite, idf-weighted `ts_rank` on PostgreSQL; `Backend.exhaustive`), beside the overlap the
newest 20 matches would have. And 20 long queries (6-8 words) that few practices match in full,
timed with 3 facet counts: the any-word path (ADR 0007).

Prints a table (p50, p95, the reference's p95 and the ratio) and writes the figures as JSON to
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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _common import percentiles, pg_admin

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
SHARED_DATA = Path("/work/shared/data")
EVALUATIONS = SHARED_DATA / "practices" / "iom_evaluations_export_2025-11-13.csv"
GLOSSARY = SHARED_DATA / "gcm" / "iom_migration_glossary.json"
GCM_ACTIONS = REPO_DIR / "migrationhub" / "data" / "reference" / "gcm_actions.csv"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/mh_bench"
REDIS = "redis://127.0.0.1:6379/15"
SEED = 20261125
N_QUERIES = 50
SLOWEST = 8  # slowest answers kept per measure, with their queries
THREE_FACETS = ("objective", "country", "level")
API_FACETS = (
    "objective",
    "principle",
    "area",
    "country",
    "region",
    "level",
    "stakeholder_type",
    "language",
    "year",
)
_STOPWORDS = """about above after again against all also among and any are because been before being
    between both but can could did does doing down during each few for from further had has have
    having her here hers him his how into its itself just more most must not now off once only
    other our ours out over own same shall should some such than that the their theirs them then
    there these they this those through too under until upon very was were what when where which
    while who whom why will with within would you your including well well-being"""
STOPWORDS = frozenset(_STOPWORDS.split())


# -- vocabulary and synthetic practices ------------------------------------------------------------


def _read_vocabulary(evaluations: Path, glossary: Path) -> dict:
    with GCM_ACTIONS.open(encoding="utf-8-sig", newline="") as handle:
        actions: dict[int, list[str]] = {}
        for row in csv.DictReader(handle):
            actions.setdefault(int(row["objective"]), []).append(row["text"])
    with evaluations.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = [r["Title"].strip() for r in rows if r["Title"].strip()]
    # The export's "Executive Summary" column is a yes/no flag, not text: the thematic areas and
    # cross-cutting themes are the evaluations' other descriptive words.
    themes = sorted(
        {
            t.strip()
            for r in rows
            for col in ("Migration Thematic Areas", "Relevant Crosscutting Themes")
            for t in re.split(r",(?![^()]*\))", r[col] or "")
            if len(t.strip()) > 3
        }
    )
    terms = json.loads(glossary.read_text(encoding="utf-8"))
    return {"actions": actions, "titles": titles, "themes": themes, "glossary": terms}


def _title_case(title: str) -> str:
    return title.title() if title.isupper() else title


def _skewed(rng: random.Random, items: list, k: int, weights: list[float]) -> list:
    chosen: list = []
    while len(chosen) < k:
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def generate_practices(n: int, vocabulary: dict, codes: dict, seed: int = SEED) -> list[dict]:
    """N synthetic practices: text from real vocabulary, facet codes from the real vocabularies."""
    rng = random.Random(seed)
    objectives = sorted(vocabulary["actions"])
    objective_weights = [1 / (1 + (i % 9)) for i in range(len(objectives))]
    countries = codes["countries"]  # [(iso3, title, [region m49 codes])]
    country_weights = [1 / (1 + i) ** 0.7 for i in range(len(countries))]
    rng.shuffle(countries)
    levels, level_weights = codes["levels"], [4, 6, 3, 2][: len(codes["levels"])]
    stakeholders, principles, areas = (
        codes["stakeholder_types"],
        codes["principles"],
        codes["areas"],
    )
    titles, themes, glossary = vocabulary["titles"], vocabulary["themes"], vocabulary["glossary"]
    practices = []
    for i in range(n):
        objs = _skewed(rng, objectives, rng.choices([1, 2, 3], [50, 35, 15])[0], objective_weights)
        picked = _skewed(rng, countries, rng.choices([1, 2, 3], [60, 30, 10])[0], country_weights)
        term = rng.choice(glossary)
        if rng.random() < 0.6:
            title = _title_case(rng.choice(titles))
            title_pieces = [title]
        else:
            action = rng.choice(vocabulary["actions"][objs[0]])
            title = f"{term['term']}: {' '.join(action.split()[: rng.randint(5, 10)])}"
            title_pieces = [term["term"], action]
        sentences = [rng.choice(vocabulary["actions"][o]) for o in objs]
        sentences += rng.sample(vocabulary["actions"][objs[0]], 1)
        rng.shuffle(sentences)
        summary = sentences[0]
        body = " ".join([*sentences[1:], f"{term['term']}: {term['definition']}"])
        picked_themes = rng.sample(themes, rng.randint(1, 3))
        results = "; ".join(picked_themes)
        year = min(2025, 2005 + int(rng.triangular(0, 21, 18)))
        practices.append(
            {
                "i": i,
                "title": title[:300],
                "summary": summary,
                "body": body,
                "results": results,
                "year": year,
                "objectives": objs,
                "countries": [c[0] for c in picked],
                "country_titles": [c[1] for c in picked],
                "regions": list(dict.fromkeys(r for c in picked for r in c[2])),
                "levels": _skewed(rng, levels, rng.choices([1, 2], [70, 30])[0], level_weights),
                "stakeholder_types": rng.sample(stakeholders, rng.choices([1, 2], [60, 40])[0]),
                "principles": rng.sample(principles, rng.randint(1, 3)),
                "areas": rng.sample(areas, rng.randint(1, 2)),
                "language": rng.choices(["en", "fr", "es", "ar"], [80, 9, 8, 3])[0],
                # the real texts it was recombined from, with their weight (composed_vectors)
                "pieces": [(t, 1.0) for t in title_pieces]
                + [(t, 0.6) for t in sentences]
                + [(f"{term['term']}: {term['definition']}", 0.4)]
                + [(t, 0.3) for t in picked_themes],
            }
        )
    return practices


def document_text(p: dict) -> str:
    """The search document body, assembled as knowledge.indexing.practice_document does."""
    return "\n".join([p["summary"], p["body"], p["results"], " ".join(p["country_titles"])])


WORD = re.compile(r"[a-z]{4,}")


def choose_queries(practices: list[dict], k: int = N_QUERIES, seed: int = SEED) -> list[str]:
    """k broad queries of 1-3 words: frequent content words and pairs/triples that co-occur."""
    rng = random.Random(seed + 1)
    sample = rng.sample(practices, min(4000, len(practices)))
    postings: dict[str, set[int]] = {}
    for j, p in enumerate(sample):
        for w in set(WORD.findall(f"{p['title']} {document_text(p)}".lower())) - STOPWORDS:
            postings.setdefault(w, set()).add(j)
    n = len(sample)
    common = sorted(w for w, docs in postings.items() if 0.04 * n <= len(docs) <= 0.5 * n)
    queries: list[str] = []
    wanted = {1: k * 2 // 5, 2: k * 2 // 5, 3: k - 2 * (k * 2 // 5)}
    bounds = {1: (0.1, 0.5), 2: (0.08, 0.4), 3: (0.05, 0.3)}
    for size, count in wanted.items():
        low, high = bounds[size]
        tries = 0
        while count and tries < 100_000:
            tries += 1
            words = rng.sample(common, size)
            docs = set.intersection(*(postings[w] for w in words))
            query = " ".join(words)
            if low * n <= len(docs) <= high * n and query not in queries:
                queries.append(query)
                count -= 1
    rng.shuffle(queries)
    return queries


# -- loading (inside the per-database worker process) ----------------------------------------------


def taxonomy_codes() -> dict:
    from migrationhub.taxonomy.models import Area, Country, Level, Principle, StakeholderType

    countries = [
        (c.iso3, c.title, [r.m49 for r in (c.region, c.subregion, c.intermediate_region) if r])
        for c in Country.objects.select_related("region", "subregion", "intermediate_region")
        .filter(region__isnull=False)
        .order_by("m49")
    ]
    return {
        "countries": countries,
        "levels": list(Level.objects.order_by("order").values_list("code", flat=True)),
        "stakeholder_types": list(
            StakeholderType.objects.order_by("order").values_list("code", flat=True)
        ),
        "principles": list(Principle.objects.order_by("number").values_list("code", flat=True)),
        "areas": list(Area.objects.order_by("number").values_list("code", flat=True)),
    }


def load_practices(practices: list[dict]) -> dict:
    """Published Practice rows and their links (bulk, no history), then their search documents
    (one `documents_bulk_add`). Returns the seconds each took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from migrationhub.knowledge.indexing import KIND
    from migrationhub.knowledge.models import Practice
    from migrationhub.search.services import documents_bulk_add
    from migrationhub.taxonomy.models import (
        Area,
        Country,
        Level,
        Objective,
        Principle,
        StakeholderType,
    )

    ids = {
        "objectives": dict(Objective.objects.values_list("number", "pk")),
        "countries": dict(Country.objects.values_list("iso3", "pk")),
        "levels": dict(Level.objects.values_list("code", "pk")),
        "stakeholder_types": dict(StakeholderType.objects.values_list("code", "pk")),
        "principles": dict(Principle.objects.values_list("code", "pk")),
        "areas": dict(Area.objects.values_list("code", "pk")),
    }
    links = {
        "objectives": "objective_id",
        "countries": "country_id",
        "levels": "level_id",
        "stakeholder_types": "stakeholdertype_id",
        "principles": "principle_id",
        "areas": "area_id",
    }
    now = timezone.now()
    started = time.perf_counter()
    for start in range(0, len(practices), 5000):
        chunk = practices[start : start + 5000]
        with transaction.atomic():
            rows = Practice.objects.bulk_create(
                [
                    Practice(
                        slug=f"bench-{p['i']}",
                        title=p["title"],
                        summary=p["summary"],
                        body=p["body"],
                        results=p["results"],
                        language_id=p["language"],
                        status=Practice.PUBLISHED,
                        period_start=p["year"],
                        published_at=now - dt.timedelta(minutes=p["i"] * 7),
                        last_verified_at=now.date(),
                    )
                    for p in chunk
                ]
            )
            for p, row in zip(chunk, rows, strict=True):
                p["pk"] = row.pk
            with connection.cursor() as cursor:  # tuples, not a million model instances
                for field, column in links.items():
                    table = getattr(Practice, field).through._meta.db_table
                    cursor.executemany(
                        f"INSERT INTO {table} (practice_id, {column}) VALUES (%s, %s)",
                        [(p["pk"], ids[field][code]) for p in chunk for code in p[field]],
                    )
    indexed = time.perf_counter()
    documents_bulk_add(
        {
            "kind": KIND,
            "object_id": p["pk"],
            "title": p["title"],
            "body": document_text(p),
            "language": p["language"],
            "sort_date": (now - dt.timedelta(minutes=p["i"] * 7)).date(),
            "facets": {
                "objective": p["objectives"],
                "principle": p["principles"],
                "area": p["areas"],
                "country": p["countries"],
                "region": p["regions"],
                "level": p["levels"],
                "stakeholder_type": p["stakeholder_types"],
                "language": [p["language"]],
                "year": [p["year"]],
            },
        }
        for p in practices
    )
    return {
        "practices_seconds": round(indexed - started, 1),
        "index_seconds": round(time.perf_counter() - indexed, 1),
    }


# -- measuring -------------------------------------------------------------------------------------


def timed(run, queries: list[str], repeat: int) -> dict:
    for q in queries:  # warm-up: caches, plans, connection
        run(q)
    samples = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            run(q)
            samples.append(((time.perf_counter() - start) * 1000, q))
    figures = percentiles([ms for ms, _ in samples])
    # The slowest answers and their queries: what makes a tail (one query always, or noise).
    figures["slowest"] = [
        {"ms": round(ms, 1), "query": q} for ms, q in sorted(samples, reverse=True)[:SLOWEST]
    ]
    return figures


def engine_expression(query: str) -> str:
    """The full-text expression the engine matches for `query` (every word, analysed)."""
    from django.db import connection

    from migrationhub.search.backends import backend_for
    from migrationhub.search.query import parse

    return backend_for(connection).all_expression(parse(query, "en"))


def reference_runs(vendor: str, sqlite_path: str | None):
    """The references of TARGETS.md, as (name, run) pairs, over the same analysed index."""
    if vendor == "sqlite":
        import sqlite3

        conn = sqlite3.connect(sqlite_path)
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20"
        return [
            ("fts5_rank", lambda q: conn.execute(sql, [engine_expression(q)]).fetchall()),
        ]
    from django.db import connection

    ranked = (
        "SELECT d.id, d.title FROM search_document d, to_tsquery('simple', %s) q"
        " WHERE d.tsv @@ q ORDER BY ts_rank_cd(d.tsv, q) DESC LIMIT 20"
    )
    facets = (
        "SELECT f.facet, f.value, count(*) FROM search_document d"
        " JOIN search_facet f ON f.document_id = d.id, to_tsquery('simple', %s) q"
        " WHERE d.tsv @@ q AND f.facet IN ('objective', 'country', 'level') GROUP BY 1, 2"
    )

    def run(q):
        expression = engine_expression(q)
        with connection.cursor() as cursor:
            cursor.execute(ranked, [expression])
            cursor.fetchall()
            cursor.execute(facets, [expression])
            cursor.fetchall()

    return [("pg_ts_rank_cd_facets", run)]


def relevance(queries: list[str]) -> dict:
    """Overlap@20 of the engine's top 20 with the exhaustive ranking (every match scored by the
    same function: FTS5 bm25 / idf-weighted ts_rank), per query; and, for comparison, of the
    newest 20 matches (what recency alone would rank)."""
    from django.db import connection

    from migrationhub.search import bitmaps, topk
    from migrationhub.search.backends import backend_for
    from migrationhub.search.query import parse
    from migrationhub.search.selectors import search

    backend = backend_for(connection)
    overlaps, newest, seconds = [], [], []
    for q in queries:
        found = [h.document_id for h in search(q, kinds=["practice"], limit=20, language="en").hits]
        parsed = parse(q, "en")
        started = time.perf_counter()
        reference = backend.exhaustive(parsed, 20, kinds=["practice"])
        seconds.append(time.perf_counter() - started)
        overlaps.append(topk.overlap(found, reference))
        matches = backend.match_ids(backend.all_expression(parsed))
        newest.append(topk.overlap(bitmaps.descending(matches, 0, 20), reference))
    return {
        "overlap_mean": round(statistics.mean(overlaps), 3),
        "overlap_min": min(overlaps),
        "queries_below_0_9": sum(o < 0.9 for o in overlaps),
        "newest_20_overlap_mean": round(statistics.mean(newest), 3),
        "exhaustive_ms_median": round(statistics.median(seconds) * 1000, 1),
        "per_query": overlaps,
    }


def composed_vectors(practices: list[dict], seed: int = SEED):
    """A vector for each synthetic practice with the geometry of real ones: the production
    model's vectors of the real texts it was recombined from (`pieces`), weighted and summed,
    plus a little noise, as unit vectors. Random directions would make every neighbour as far
    as any other, which no real corpus does and which no approximate index can search. The
    pieces' vectors are computed once (a few thousand texts) and kept in bench/results/."""
    import hashlib

    import numpy as np

    from migrationhub.search.embedding import UniversalSentenceEncoder

    texts = sorted({t for p in practices for t, _ in p["pieces"]})
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = RESULTS_DIR / f"pieces-{UniversalSentenceEncoder.name}-{digest}.npy"
    if cache.exists():
        pieces = np.load(cache)
    else:
        model = UniversalSentenceEncoder(threads=os.cpu_count() or 1)
        pieces = np.concatenate(
            [model.embed(texts[i : i + 256]) for i in range(0, len(texts), 256)]
        )
        RESULTS_DIR.mkdir(exist_ok=True)
        np.save(cache, pieces)
    row = {t: i for i, t in enumerate(texts)}
    rng = np.random.default_rng(seed)
    matrix = np.zeros((len(practices), pieces.shape[1]), dtype=np.float32)
    for j, p in enumerate(practices):
        for text, weight in p["pieces"]:
            matrix[j] += weight * pieces[row[text]]
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix += rng.normal(scale=0.15 / np.sqrt(pieces.shape[1]), size=matrix.shape).astype(
        np.float32
    )
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix


def fill_vectors(practices: list[dict]) -> None:
    """Store `composed_vectors` for every practice's search document, in the practices' order,
    then build the approximate index as `migrationhub search-vectors` would."""
    from django.db import connection, transaction

    from migrationhub.search.embedding import UniversalSentenceEncoder, to_bytes
    from migrationhub.search.models import Document
    from migrationhub.search.services import _vectors_changed

    matrix = composed_vectors(practices)
    ids = list(Document.objects.filter(kind="practice").order_by("pk").values_list("pk", flat=True))
    name = UniversalSentenceEncoder.name
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_vector (document_id, model, vector, seq) VALUES (%s, %s, %s, 0)",
                [
                    (pk, name, to_bytes(v))
                    for pk, v in zip(chunk, matrix[start : start + 5000], strict=True)
                ],
            )
    _vectors_changed()


def process_memory() -> dict:
    """This process's resident memory (RSS), and its proportional share (PSS: shared pages, such
    as a mapped index, divided among the processes mapping them), in MB (Linux)."""
    figures = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in {"Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean"}:
                figures[name.lower()] = round(int(rest.split()[0]) / 1024, 1)
    return figures


def need_queries(practices: list[dict], k: int = 20, seed: int = SEED) -> list[str]:
    """k long queries (6-8 content words from different practices), phrased like needs: few
    practices have all the words, so the engine ranks those with some of them."""
    rng = random.Random(seed + 2)
    sample = rng.sample(practices, min(2000, len(practices)))
    words = sorted(
        {w for p in sample[:300] for w in WORD.findall(p["title"].lower()) if w not in STOPWORDS}
    )
    return [" ".join(rng.sample(words, rng.randint(6, 8))) for _ in range(k)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                response.read()
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not start")


def http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return response.read()


@contextlib.contextmanager
def server(command: list[str], env: dict, ready_url: str):
    process = subprocess.Popen(
        command, env=env, cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(ready_url)
        yield
    finally:
        if process.poll() is not None:
            print(process.stderr.read().decode()[-3000:], file=sys.stderr)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker(args) -> None:
    """One database: migrate, load, measure; figures as JSON to args.out."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from migrationhub.search.selectors import search
    from migrationhub.taxonomy.loaders import load_reference

    figures: dict = {"backend": connection.vendor, "size": args.size, "measures": {}}
    # No vector is computed while loading (a background task per batch otherwise): the index is
    # filled below with synthetic vectors of the production model's shape.
    os.environ["MIGRATIONHUB_EMBEDDER"] = ""
    started = time.perf_counter()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the database cache, where settings use it
        load_reference()
    vocabulary = _read_vocabulary(Path(args.evaluations), Path(args.glossary))
    practices = generate_practices(args.size, vocabulary, taxonomy_codes())
    queries = choose_queries(practices)
    generated = time.perf_counter()
    if not args.reuse:
        figures.update(load_practices(practices))
        with connection.cursor() as cursor:  # Django's connection is in autocommit mode here
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    from migrationhub.search.models import DocumentVector

    if not DocumentVector.objects.exists():
        fill_vectors(practices)
    os.environ["MIGRATIONHUB_EMBEDDER"] = "use"
    figures["load_seconds"] = round(time.perf_counter() - generated, 1)
    figures["setup_seconds"] = round(generated - started, 1)
    figures["queries"] = queries
    totals = [search(q, kinds=["practice"]).total for q in queries]
    figures["matches"] = {
        "median": statistics.median(totals),
        "min": min(totals),
        "max": max(totals),
    }
    print(
        f"  {connection.vendor} {args.size}: loaded in {figures['load_seconds']} s"
        f" (practices {figures.get('practices_seconds')} s,"
        f" search index {figures.get('index_seconds')} s);"
        f" median {figures['matches']['median']:.0f} matches per query",
        flush=True,
    )

    measures = figures["measures"]

    def measure(name, run):
        measures[name] = timed(run, queries, args.repeat)
        slowest = ", ".join(f"{s['ms']:.0f}" for s in measures[name]["slowest"][:5])
        print(
            f"    {name:<28} p50 {measures[name]['p50']:7.1f}  p95 {measures[name]['p95']:7.1f} ms"
            f"  (slowest {slowest})",
            flush=True,
        )

    measure("search", lambda q: search(q, kinds=["practice"], limit=20))
    measure("search_3_facets", lambda q: search(q, kinds=["practice"], facets=THREE_FACETS))
    measure("search_9_facets", lambda q: search(q, kinds=["practice"], facets=API_FACETS))
    # Hybrid ranking (ADR 0008): the same search fused with the query's nearest sentence vectors
    # (the production model embeds the query; the stored vectors are composed from the real
    # texts' vectors, `composed_vectors`). Past MIGRATIONHUB_ANN_MIN the index is the approximate
    # one (ADR 0012), built after the load as the background task would.
    import numpy as np

    from migrationhub.search import embedding, selectors, services, vectors

    model = vectors.embedder()
    if not args.reuse or not services.VectorGraph.objects.exists():
        started_graph = time.perf_counter()
        graph = services.vector_graph_build(model.name)
        figures["graph_seconds"] = round(time.perf_counter() - started_graph, 1)
        print(
            f"    graph of {graph.vectors} vectors built in {figures['graph_seconds']} s",
            flush=True,
        )
    vector_index = vectors.index(model)
    ids, matrix, _ = vectors.read_all(model.name)
    exact_index = embedding.VectorIndex(ids, matrix)
    figures["vectors"] = {
        "count": len(vector_index),
        "index": type(vector_index).__name__,
        "matrix_mb": round(matrix.nbytes / 1e6, 1),
        "graph_mb": round(vector_index.path.stat().st_size / 1e6, 1)
        if hasattr(vector_index, "path")
        else None,
    }

    def hybrid(q):
        selectors._QUERY_VECTORS.clear()  # every query embedded, as a new query would be
        return search(q, kinds=["practice"], facets=API_FACETS, semantic=True)

    measure("search_9_facets_hybrid", hybrid)
    measure("query_vector", lambda q: model.embed([q]))
    query_vectors = {q: model.embed([q])[0] for q in queries}
    measure("vector_nearest_40", lambda q: vector_index.nearest(query_vectors[q], 40))
    measure("ref_numpy_exact_top_40", lambda q: exact_index.nearest(query_vectors[q], 40))
    measure("ref_numpy_exact_top_10", lambda q: exact_index.nearest(query_vectors[q], 10))
    # What the approximate index costs in quality: its top 10 and 40 against the exact ones,
    # over the 50 queries and the 20 long ones.
    overlaps10, overlaps40, same10 = [], [], 0
    for q in [*queries, *need_queries(practices)]:
        vector = query_vectors.get(q)
        if vector is None:
            vector = model.embed([q])[0]
        got = [n.document_id for n in vector_index.nearest(vector, 40)]
        want = [n.document_id for n in exact_index.nearest(vector, 40)]
        overlaps40.append(len(set(got) & set(want)) / max(1, len(want)))
        overlaps10.append(len(set(got[:10]) & set(want[:10])) / max(1, len(want[:10])))
        same10 += got[:10] == want[:10]
    figures["vector_quality"] = {
        "overlap_at_10": round(float(np.mean(overlaps10)), 4),
        "overlap_at_40": round(float(np.mean(overlaps40)), 4),
        "identical_top_10": same10,
        "queries": len(overlaps10),
    }
    print(f"    approximate vs exact: {figures['vector_quality']}", flush=True)
    figures["memory"] = process_memory()
    print(f"    this process: {figures['memory']}", flush=True)
    for name, run in reference_runs(connection.vendor, args.sqlite_path):
        measure(f"ref_{name}", run)
    figures["relevance"] = relevance(queries)
    print(
        f"    {'overlap@20 with exhaustive':<28} mean {figures['relevance']['overlap_mean']:.3f}"
        f"  min {figures['relevance']['overlap_min']:.2f}"
        f"  below 0.9: {figures['relevance']['queries_below_0_9']}"
        f"  (newest 20: {figures['relevance']['newest_20_overlap_mean']:.3f};"
        f" exhaustive ranking {figures['relevance']['exhaustive_ms_median']} ms median)",
        flush=True,
    )
    needs = need_queries(practices)
    figures["need_queries"] = needs
    figures["need_matches"] = {
        "some_words": sum(search(q, kinds=["practice"], limit=0).match == "some" for q in needs)
    }
    measures["search_some_words_3_facets"] = timed(
        lambda q: search(q, kinds=["practice"], facets=THREE_FACETS), needs, args.repeat
    )
    m = measures["search_some_words_3_facets"]
    print(
        f"    {'search_some_words_3_facets':<28} p50 {m['p50']:7.1f}  p95 {m['p95']:7.1f} ms"
        f"  ({figures['need_matches']['some_words']}/{len(needs)} long queries matched some words)",
        flush=True,
    )
    connection.close()

    if args.worker_http:
        # The pages' stylesheets, as a deployment has them (production settings want the manifest).
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "search_bench_server"}
        env["MIGRATIONHUB_SECRET_KEY"] = secrets.token_urlsafe(48)
        env["MIGRATIONHUB_API_ANON_RATE"] = "1000000/m"  # the bench is one client
        # Renders are measured, not the page cache (ADR 0005) answering the timed repeats.
        env["MIGRATIONHUB_PAGE_CACHE"] = "false"
        if args.cache == "redis":  # the shared cache a deployment has (the throttle's counters)
            env["REDIS_URL"] = os.environ.get("REDIS_URL", REDIS)
            subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True)
        else:
            env.pop("REDIS_URL", None)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
        ]
        with server(
            [*gunicorn, "migrationhub.wsgi:application"],
            env,
            f"{base}/api/v1/practices/?page_size=1",
        ):
            measure(
                "http_api",
                lambda q: http_get(f"{base}/api/v1/practices/?{urllib.parse.urlencode({'q': q})}"),
            )
            measure(
                "http_page",
                lambda q: http_get(f"{base}/practices/?{urllib.parse.urlencode({'q': q})}"),
            )
            facets = ",".join(THREE_FACETS)
            measure(
                "http_search_3_facets",
                lambda q: http_get(
                    f"{base}/bench/search?{urllib.parse.urlencode({'q': q, 'facets': facets})}"
                ),
            )
        datasette = shutil.which(
            "datasette", path=str(Path(sys.executable).parent)
        ) or shutil.which("datasette")
        if connection.vendor == "sqlite" and datasette:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            sql = "select rowid from search_fts where search_fts match :q order by rank limit 20"
            command = [
                datasette,
                "serve",
                args.sqlite_path,
                "--port",
                str(port),
                "--setting",
                "sql_time_limit_ms",
                "10000",
                "--setting",
                "suggest_facets",
                "off",
            ]
            name = Path(args.sqlite_path).stem
            with server(command, env, f"{base}/-/versions.json"):
                measure(
                    "ref_datasette_fts5_rank",
                    lambda q: http_get(
                        f"{base}/{name}.json?"
                        + urllib.parse.urlencode(
                            {"sql": sql, "q": engine_expression(q), "_shape": "array"}
                        )
                    ),
                )
    Path(args.out).write_text(json.dumps(figures, indent=2))


# -- orchestration ---------------------------------------------------------------------------------


def run_one(backend: str, size: int, args, tmp: Path) -> dict:
    out = tmp / f"{backend}-{size}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "search_bench_server",
        "MIGRATIONHUB_SECRET_KEY": secrets.token_urlsafe(48),
        "MIGRATIONHUB_DATA_DIR": str(tmp),
        "PYTHONPATH": os.pathsep.join(
            [str(BENCH_DIR), str(REPO_DIR), os.environ.get("PYTHONPATH", "")]
        ),
    }
    sqlite_path = tmp / f"bench_{size}.sqlite3"
    pg_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
    name = urllib.parse.urlsplit(pg_url).path.lstrip("/")
    if args.reuse:
        env["DATABASE_URL"] = f"sqlite:///{sqlite_path}" if backend == "sqlite" else pg_url
    elif backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
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
        str(size),
        "--repeat",
        str(args.repeat),
        "--out",
        str(out),
        "--sqlite-path",
        str(sqlite_path),
        "--evaluations",
        args.evaluations,
        "--glossary",
        args.glossary,
    ]
    if args.http:
        command.append("--worker-http")
    if args.reuse:
        command.append("--reuse")
    command += ["--cache", args.cache]
    try:
        subprocess.run(command, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        if backend == "postgresql" and not (args.keep or args.reuse):
            pg_admin(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


REFERENCE_FOR = {
    ("sqlite", False): "ref_fts5_rank",
    ("postgresql", False): "ref_pg_ts_rank_cd_facets",
}


def table(results: list[dict]) -> list[str]:
    datasette = {
        r["size"]: r["measures"]["ref_datasette_fts5_rank"]
        for r in results
        if "ref_datasette_fts5_rank" in r["measures"]
    }
    lines = [
        "| size | database | measure | p50 ms | p95 ms | reference | ref p95 ms | p95 ratio |",
        "| ---: | --- | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        for name, m in r["measures"].items():
            if name.startswith("ref_"):
                ref_name, ref = name, m
            elif name.startswith("vector_nearest"):
                ref_name = "ref_numpy_exact_top_40"
                ref = r["measures"].get(ref_name)
            elif name.startswith("http_"):
                ref_name, ref = "ref_datasette_fts5_rank", datasette.get(r["size"])
            else:
                ref_name = REFERENCE_FOR[(r["backend"], False)]
                ref = r["measures"].get(ref_name)
            ratio = f"{m['p95'] / ref['p95']:.2f}" if ref and ref["p95"] else "-"
            ref_p95 = f"{ref['p95']:.1f}" if ref else "-"
            lines.append(
                f"| {r['size']:,} | {r['backend']} | {name} | {m['p50']:.1f} | {m['p95']:.1f} |"
                f" {ref_name.removeprefix('ref_') if ref else '-'} | {ref_p95} | {ratio} |"
            )
    lines += [
        "",
        "| size | database | overlap@20 with exhaustive ranking (mean, min) | queries below 0.9 |"
        " newest 20's overlap | exhaustive ranking, median ms |",
        "| ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        rel = r.get("relevance")
        if rel:
            lines.append(
                f"| {r['size']:,} | {r['backend']} | {rel['overlap_mean']:.3f}, {rel['overlap_min']:.2f} |"
                f" {rel['queries_below_0_9']} | {rel['newest_20_overlap_mean']:.3f} |"
                f" {rel['exhaustive_ms_median']} |"
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

        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
        admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-http", dest="http", action="store_false")
    parser.add_argument(
        "--cache",
        choices=["db", "redis"],
        default="db",
        help="the HTTP server's shared cache: the database table (default) or Redis (REDIS_URL,"
        " default redis://127.0.0.1:6379/15, flushed first)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (and --workdir) for --reuse"
    )
    parser.add_argument("--workdir", help="where the SQLite databases go (default: a temp dir)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a --keep run left"
    )
    parser.add_argument("--evaluations", default=str(EVALUATIONS))
    parser.add_argument("--glossary", default=str(GLOSSARY))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-http", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    for path in (args.evaluations, args.glossary):
        if not Path(path).exists():
            raise SystemExit(f"missing vocabulary source {path} (see --evaluations, --glossary)")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    aliases = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}
    backends = [aliases[b.strip()] for b in args.backends.split(",") if b.strip()]
    info = machine()
    print(f"search bench: sizes {sizes}, {backends}, {info['cpus']} CPUs {info['cpu']}", flush=True)
    results = []
    started = time.perf_counter()
    tmp = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="mh-search-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        for size in sizes:
            for backend in backends:
                results.append(run_one(backend, size, args, tmp))
    finally:
        if not (args.keep or args.reuse or args.workdir):
            shutil.rmtree(tmp, ignore_errors=True)
    lines = table(results)
    print("\n".join(["", *lines, ""]))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"search-{stamp}.json"
    out.write_text(
        json.dumps(
            {"machine": info, "seconds": round(time.perf_counter() - started), "results": results},
            indent=2,
        )
    )
    print(f"figures: {out.relative_to(REPO_DIR)} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
