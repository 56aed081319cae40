"""Scoring the best bounds first (`Backend.score_best`): the same top as scoring every candidate,
with fewer candidates scored when the bounds are tight. No database: the scores are given."""

import random

from migrationhub.search.backends import base


class GivenScores(base.Backend):
    score_rounds = True

    def __init__(self, exact: dict[int, float]):
        super().__init__(conn=None)
        self.exact, self.scored = exact, []

    def score(self, parsed, ids, found):
        self.scored.extend(ids)
        return {i: self.exact[i] for i in ids}


def candidates(n: int, looseness: float, seed: int = 7) -> tuple[dict[int, float], list, list]:
    """`n` candidates with exact scores and upper bounds up to `looseness` times the score,
    ordered by bound (best first, ties to the highest id) as `Backend.candidates` orders them."""
    rng = random.Random(seed)
    exact = {i: rng.random() for i in range(n)}
    bound = {i: s * (1 + rng.random() * looseness) for i, s in exact.items()}
    ids = sorted(exact, key=lambda i: (-bound[i], -i))
    return exact, ids, [bound[i] for i in ids]


def top(scores: dict[int, float], k: int) -> list[int]:
    return [i for i, _ in sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:k]]


def test_tight_bounds_stop_early_with_the_same_top():
    exact, ids, bounds = candidates(1000, looseness=0.05)
    backend = GivenScores(exact)
    scores = backend.score_best(None, ids, bounds, None, 40)
    assert top(scores, 40) == top(exact, 40)
    assert len(backend.scored) < 1000  # the rounds stopped before the end


def test_loose_bounds_score_everything():
    exact, ids, bounds = candidates(1000, looseness=10.0)
    backend = GivenScores(exact)
    scores = backend.score_best(None, ids, bounds, None, 40)
    assert top(scores, 40) == top(exact, 40)
    assert sorted(backend.scored) == sorted(ids)


def test_without_bounds_nothing_is_left_out():
    exact, ids, _bounds = candidates(1000, looseness=0.05)
    backend = GivenScores(exact)
    backend.score_best(None, ids, [float("inf")] * len(ids), None, 40)
    assert sorted(backend.scored) == sorted(ids)


def test_a_backend_that_scores_per_query_scores_all_at_once():
    exact, ids, bounds = candidates(1000, looseness=0.05)
    backend = GivenScores(exact)
    backend.score_rounds = False
    calls = []
    score = backend.score
    backend.score = lambda parsed, ids, found: calls.append(len(ids)) or score(parsed, ids, found)
    backend.score_best(None, ids, bounds, None, 40)
    assert calls == [1000]
