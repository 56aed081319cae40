"""Suggested tags (knowledge/tagging.py): accuracy by cross-validation on the curated records.

    .venv/bin/python bench/search_tagging_bench.py [--folds 10]

A fresh SQLite database in a temporary directory is migrated and given the reference vocabularies
and the demo (data/demo/: 68 curated practices tagged by people; the evidence library, whose
objectives are only machine-suggested, is not ground truth and is left out). The curated practices
are split into `--folds` folds; each fold's practices are tagged by a tagger fitted on the other
folds plus the official texts of the vocabularies (GCM objectives with their actions, principles,
areas: what the platform always has), exactly as `selectors.tagger()` fits it.

Reported per vocabulary (objectives, principles, areas): accuracy@3 (share of practices with at
least one of their tags among the 3 suggestions), precision@3 and recall@3; beside two baselines:
the 3 commonest tags of the training folds for everyone, and the official texts alone (no curated
record). And the duplicate warning: how often a practice's own text, submitted again as a draft,
is flagged as a duplicate of itself (it should be, always), and how often of another record.

Prints a table and writes the figures as JSON to bench/results/ (gitignored). Not a test.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


def setup(workdir: str) -> None:
    os.environ["MIGRATIONHUB_DATA_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MIGRATIONHUB_EMBEDDER"] = ""  # lexical only: vectors are not what is measured
    os.environ["DJANGO_SETTINGS_MODULE"] = "migrationhub.settings.dev"
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("core_migrate", verbosity=0)
    call_command("taxonomy_load", verbosity=0)
    call_command("knowledge_load_demo", verbosity=0)


def commonest_baseline(examples, folds, vocabulary, k=3):
    hits = tested = 0
    for fold in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != fold]
        counts = Counter(c for e in train for c in e.tags.get(vocabulary, ()))
        top = {c for c, _ in counts.most_common(k)}
        for e in (e for i, e in enumerate(examples) if i % folds == fold):
            truth = set(e.tags.get(vocabulary, ()))
            if truth:
                tested += 1
                hits += bool(top & truth)
    return hits / tested if tested else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup(workdir)
        from migrationhub.knowledge import selectors, tagging
        from migrationhub.search.selectors import index_terms

        examples = [e for e in selectors.tagging_examples() if e.key.startswith("practice:")]
        prior = selectors.tagging_prior()
        figures = {"date": dt.datetime.now(dt.UTC).isoformat(), "records": len(examples)}
        print(f"{len(examples)} curated practices, {args.folds}-fold cross-validation")
        print(
            f"{'vocabulary':<12} {'acc@3':>7} {'prec@3':>7} {'rec@3':>7}   baselines: commonest 3, official texts only"
        )
        for vocabulary in ("objectives", "principles", "areas"):
            cv = tagging.accuracy_at(
                examples, prior, index_terms, folds=args.folds, vocabulary=vocabulary
            )
            alone = tagging.accuracy_at(
                examples, [], index_terms, folds=args.folds, vocabulary=vocabulary
            )
            prior_only = tagging.Tagger.fit(prior, index_terms)
            hits = tested = 0
            for e in examples:
                truth = set(e.tags.get(vocabulary, ()))
                if truth:
                    tested += 1
                    got = {
                        s.code
                        for s in prior_only.suggest(e.text, e.language, vocabulary=vocabulary)
                    }
                    hits += bool(got & truth)
            figures[vocabulary] = {
                **cv,
                "without_official_texts": alone["accuracy@3"],
                "commonest_3": commonest_baseline(examples, args.folds, vocabulary),
                "official_texts_only": hits / tested if tested else 0.0,
            }
            f = figures[vocabulary]
            print(
                f"{vocabulary:<12} {f['accuracy@3']:7.3f} {f['precision@3']:7.3f} {f['recall@3']:7.3f}"
                f"   {f['commonest_3']:.3f}, {f['official_texts_only']:.3f}"
                f" (curated records alone: {f['without_official_texts']:.3f})"
            )
        # the duplicate warning
        own = other = 0
        practices = list(selectors.practice_list_published())
        for practice in practices:
            advice = selectors.draft_advice(practice.title, practice.summary, practice.body)
            found = [r.pk for r, _ in advice.duplicates if not hasattr(r, "themes")]
            own += practice.pk in found
            other += any(pk != practice.pk for pk in found) or any(
                hasattr(r, "themes") for r, _ in advice.duplicates
            )
        figures["duplicates"] = {
            "practices": len(practices),
            "flagged_as_itself": own,
            "flagged_another_record": other,
        }
        print(
            f"duplicate warning: a published practice drafted again is flagged as itself"
            f" {own}/{len(practices)}, as another record {other}/{len(practices)}"
        )
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"search_tagging_{dt.date.today().isoformat()}.json"
        out.write_text(json.dumps(figures, indent=2, default=str))
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
