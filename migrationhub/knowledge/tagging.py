"""Suggested tags and near-duplicates: a TF-IDF nearest-centroid classifier, in numpy.

Why this and not a trained model: the curated records are few (tens to thousands), tagged by
people to a small fixed vocabulary (23 GCM objectives, 10 principles, 5 areas), in six languages.
A centroid per tag over TF-IDF vectors of analysed terms (the search index's own analysis:
stemmed, stop words dropped, per language; passed in as `terms`) needs no training loop, no
dependency beyond numpy, and is explainable ("close to the practices tagged 6"). Tags with few
examples borrow from their official text (the GCM objective, its actions), given as extra
examples by the caller.

A suggestion's confidence is the softmax of the cosine similarities to every centroid of its
vocabulary (temperature `TEMPERATURE`), so the confidences of one vocabulary add up to one. This
module knows no Django: records come in as plain `Example`s.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

TEMPERATURE = 0.05
Terms = Callable[[str, str], list[str]]  # (text, language) -> index terms


@dataclass(frozen=True)
class Example:
    """A tagged text: `tags` maps a vocabulary ("objectives") to its codes."""

    text: str
    language: str
    tags: Mapping[str, Sequence[str]]
    key: str = ""  # what the record is (e.g. "practice:my-slug"), for duplicates


@dataclass(frozen=True)
class Suggestion:
    vocabulary: str
    code: str
    confidence: float


@dataclass(frozen=True)
class Neighbour:
    key: str
    similarity: float


@dataclass
class Tagger:
    """Centroids per (vocabulary, code), fitted on `examples` by `fit`."""

    terms: Terms
    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    centroids: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    @classmethod
    def fit(cls, examples: Iterable[Example], terms: Terms) -> Tagger:
        tagger = cls(terms)
        examples = list(examples)
        counts = [Counter(terms(e.text, e.language)) for e in examples]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        tagger.vocabulary = {t: i for i, t in enumerate(sorted(df))}
        n = len(examples)
        tagger.idf = np.array(
            [math.log((1 + n) / (1 + df[t])) + 1.0 for t in sorted(df)], dtype=np.float32
        )
        vectors = np.stack([tagger._vector(c) for c in counts]) if counts else np.zeros((0, 0))
        by_vocabulary: dict[str, dict[str, list[int]]] = {}
        for i, example in enumerate(examples):
            for name, codes in example.tags.items():
                for code in codes:
                    by_vocabulary.setdefault(name, {}).setdefault(str(code), []).append(i)
        for name, members in by_vocabulary.items():
            codes = sorted(members, key=_natural)
            rows = []
            for code in codes:
                centroid = vectors[members[code]].mean(axis=0)
                norm = float(np.linalg.norm(centroid))
                rows.append(centroid / norm if norm else centroid)
            tagger.centroids[name] = (codes, np.stack(rows))
        keyed = [i for i, e in enumerate(examples) if e.key]
        tagger.keys = [examples[i].key for i in keyed]
        tagger.matrix = vectors[keyed] if keyed else np.zeros((0, len(tagger.vocabulary)))
        return tagger

    def _vector(self, counts: Mapping[str, int]) -> np.ndarray:
        vector = np.zeros(len(self.vocabulary), dtype=np.float32)
        for term, n in counts.items():
            i = self.vocabulary.get(term)
            if i is not None:
                vector[i] = (1.0 + math.log(n)) * self.idf[i]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def vector(self, text: str, language: str) -> np.ndarray:
        return self._vector(Counter(self.terms(text, language)))

    def suggest(
        self, text: str, language: str, *, vocabulary: str = "objectives", k: int = 3
    ) -> list[Suggestion]:
        """The `k` likeliest codes of `vocabulary` for `text`, with their confidence; none for a
        text that shares no term with the examples."""
        if vocabulary not in self.centroids:
            return []
        vector = self.vector(text, language)
        if not vector.any():
            return []
        codes, centroids = self.centroids[vocabulary]
        similarity = centroids @ vector
        weights = np.exp((similarity - similarity.max()) / TEMPERATURE)
        confidence = weights / weights.sum()
        best = np.argsort(-confidence, kind="stable")[:k]
        return [Suggestion(vocabulary, codes[i], round(float(confidence[i]), 3)) for i in best]

    def neighbours(
        self, text: str, language: str, *, k: int = 3, exclude: str = ""
    ) -> list[Neighbour]:
        """The `k` keyed examples most similar to `text` (cosine of TF-IDF vectors)."""
        if not len(self.keys):
            return []
        vector = self.vector(text, language)
        if not vector.any():
            return []
        similarity = self.matrix @ vector
        order = np.argsort(-similarity, kind="stable")
        found = []
        for i in order:
            if self.keys[i] == exclude:
                continue
            found.append(Neighbour(self.keys[i], round(float(similarity[i]), 3)))
            if len(found) == k:
                break
        return found


def similarity(a: str, b: str, language_a: str, language_b: str, terms: Terms) -> float:
    """Cosine of two texts' term-frequency vectors (log-scaled, no idf): how much of the same
    wording they share, for the duplicate warning between a draft and a search hit."""
    ca, cb = Counter(terms(a, language_a)), Counter(terms(b, language_b))
    if not ca or not cb:
        return 0.0
    wa = {t: 1.0 + math.log(n) for t, n in ca.items()}
    wb = {t: 1.0 + math.log(n) for t, n in cb.items()}
    dot = sum(w * wb[t] for t, w in wa.items() if t in wb)
    norm = math.sqrt(sum(w * w for w in wa.values())) * math.sqrt(sum(w * w for w in wb.values()))
    return dot / norm if norm else 0.0


def accuracy_at(
    examples: Sequence[Example],
    prior: Sequence[Example],
    terms: Terms,
    *,
    k: int = 3,
    folds: int = 10,
    vocabulary: str = "objectives",
) -> dict[str, float]:
    """Cross-validated quality of the suggestions: `examples` split into `folds` (every
    `folds`-th), each fold tagged by a tagger fitted on the others plus `prior`. accuracy@k: the
    share of records with at least one of their tags among the k suggestions; precision@k and
    recall@k over the tags."""
    tested = hits = 0
    precision = recall = 0.0
    for fold in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != fold]
        test = [e for i, e in enumerate(examples) if i % folds == fold]
        tagger = Tagger.fit([*prior, *train], terms)
        for example in test:
            truth = {str(c) for c in example.tags.get(vocabulary, ())}
            if not truth:
                continue
            got = {
                s.code
                for s in tagger.suggest(example.text, example.language, vocabulary=vocabulary, k=k)
            }
            tested += 1
            hits += bool(got & truth)
            precision += len(got & truth) / k
            recall += len(got & truth) / len(truth)
    return {
        "records": tested,
        f"accuracy@{k}": hits / tested if tested else 0.0,
        f"precision@{k}": precision / tested if tested else 0.0,
        f"recall@{k}": recall / tested if tested else 0.0,
    }


def _natural(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (1 << 30, code)
