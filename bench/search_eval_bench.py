"""Relevance of search in the six UN languages: lexical, vectors, hybrid, on a labelled set.

    .venv/bin/python bench/search_eval_bench.py [--queries bench/search_eval_queries.json]

A fresh SQLite database in a temporary directory is migrated and given the reference vocabularies
and the demo (68 practices, 734 evaluations of the evidence library); the sentence vectors are
computed with the production model (`MIGRATIONHUB_EMBEDDER=use`), as `make run` does.

The labelled set (bench/search_eval_queries.json): 20 information needs, each written in English,
French, Spanish, Arabic, Russian and Chinese (120 queries; half phrased as needs, half as topics),
with their relevant records: practices named by slug, and the evaluations the publisher filed
under given thematic areas. The demo practices are in English and the evaluations mostly in
English, Spanish and French: most queries are in another language than what they should find.

Three rankings of the practices and evaluations (the practice page's search), top 10:
- lexical: `search(q)` (ADR 0007: stemming and stop words per language, any-word fallback);
- vectors: the 10 nearest documents by sentence vector, nothing else;
- hybrid: `search(q, semantic=True)` (ADR 0008: reciprocal rank fusion, exact title first).
Binary relevance; per query nDCG@10, recall@10 (relevant found in the top 10 over
min(10, relevant): a topic with 119 relevant evaluations can at best fill the page) and MRR
(reciprocal rank of the first relevant, 0 if none in the top 10); averaged per language.

Prints a table and writes the figures as JSON to bench/results/ (gitignored). Not a test.
"""

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")


def setup(workdir: str) -> None:
    os.environ["MIGRATIONHUB_DATA_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MIGRATIONHUB_EMBEDDER"] = "use"
    os.environ["DJANGO_SETTINGS_MODULE"] = "migrationhub.settings.dev"  # tasks run at once
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("core_migrate", verbosity=0)
    call_command("taxonomy_load", verbosity=0)
    call_command("knowledge_load_demo", verbosity=0)
    call_command("search_vectors", verbosity=0)  # any the background tasks left


def scores(ranked: list[int], relevant: set[int]) -> dict[str, float]:
    top = ranked[:10]
    gains = [1.0 if d in relevant else 0.0 for d in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    first = next((i for i, g in enumerate(gains) if g), None)
    return {
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "recall@10": sum(gains) / min(10, len(relevant)) if relevant else 0.0,
        "mrr": 1 / (first + 1) if first is not None else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", default=str(BENCH_DIR / "search_eval_queries.json"))
    args = parser.parse_args()
    labelled = json.loads(Path(args.queries).read_text(encoding="utf-8"))["topics"]
    with tempfile.TemporaryDirectory() as workdir:
        setup(workdir)
        from django.db import connection

        from migrationhub.knowledge.models import Evidence, Practice
        from migrationhub.search import vectors
        from migrationhub.search.backends import backend_for
        from migrationhub.search.models import Document
        from migrationhub.search.selectors import search

        kinds = ["practice", "evidence"]
        documents = {
            (k, o): pk for pk, k, o in Document.objects.values_list("pk", "kind", "object_id")
        }
        practice_ids = dict(Practice.objects.values_list("slug", "pk"))
        themes = list(Evidence.objects.values_list("pk", "themes"))
        model = vectors.embedder()
        index = vectors.index(model)
        scope = backend_for(connection).scope(kinds, {})
        print(f"{len(documents)} documents, {len(index)} vectors ({model.name})")

        def vector_ranking(query: str) -> list[int]:
            return [
                n.document_id for n in index.nearest(model.embed([query])[0], 10, allowed=scope)
            ]

        methods = {
            "lexical": lambda q, lang: [
                h.document_id for h in search(q, kinds=kinds, limit=10, language=lang).hits
            ],
            "vectors": lambda q, lang: vector_ranking(q),
            "hybrid": lambda q, lang: [
                h.document_id
                for h in search(q, kinds=kinds, limit=10, language=lang, semantic=True).hits
            ],
        }
        per_query = []
        for topic in labelled:
            relevant = {documents[("practice", practice_ids[s])] for s in topic["practices"]}
            wanted = set(topic["evidence_themes"])
            relevant |= {documents[("evidence", pk)] for pk, t in themes if wanted & set(t)}
            for language in LANGUAGES:
                query = topic["queries"][language]
                row = {
                    "topic": topic["id"],
                    "form": topic["form"],
                    "language": language,
                    "query": query,
                    "relevant": len(relevant),
                }
                for name, run in methods.items():
                    row[name] = scores(run(query, language), relevant)
                per_query.append(row)
        figures = {
            "date": dt.datetime.now(dt.UTC).isoformat(),
            "queries": len(per_query),
            "by_language": {},
            "per_query": per_query,
        }
        print(f"{len(per_query)} queries; nDCG@10 / recall@10 / MRR, mean per language")
        print(f"{'':<6}" + "".join(f"{m:>24}" for m in methods))
        for language in (*LANGUAGES, "all"):
            rows = [r for r in per_query if language in ("all", r["language"])]
            line = {}
            for name in methods:
                line[name] = {
                    metric: round(statistics.mean(r[name][metric] for r in rows), 3)
                    for metric in ("ndcg@10", "recall@10", "mrr")
                }
            figures["by_language"][language] = line
            print(
                f"{language:<6}"
                + "".join(
                    f"{line[m]['ndcg@10']:>10.3f} {line[m]['recall@10']:.3f} {line[m]['mrr']:.3f}"
                    for m in methods
                )
            )
        for form in ("need", "topic"):
            rows = [r for r in per_query if r["form"] == form]
            figures[f"{form}_ndcg"] = {
                m: round(statistics.mean(r[m]["ndcg@10"] for r in rows), 3) for m in methods
            }
        print("by phrasing (nDCG@10):", {f: figures[f"{f}_ndcg"] for f in ("need", "topic")})
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"search_eval_{dt.date.today().isoformat()}.json"
        out.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
