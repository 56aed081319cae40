"""The peer-review rules of the knowledge platform, as pure functions.

- A panel needs at least three active reviewers: at least one *internal* (the platform's review
  team) and at least two *external* (peer experts); none may belong to an organisation that
  submitted or is involved in the practice, and each must declare no conflict of interest before
  deciding.
- A round is decided by a strict majority of the active panel: more than half of the reviewers
  choosing the same outcome. As soon as one outcome has a majority, it wins; the others need not vote.
- If every active reviewer has voted and no outcome has a majority (e.g. 1 publish, 1 return,
  1 reject), the practice is returned for more information: publishing needs a majority, and a
  split panel is a request for more evidence, not a rejection.
"""

from collections import Counter
from collections.abc import Iterable

MIN_INTERNAL = 1
MIN_EXTERNAL = 2
MIN_PANEL = 3

APPROVE, REVISE, REJECT = "approve", "revise", "reject"


def panel_problems(kinds: Iterable[str]) -> list[str]:
    """What is missing from a panel of reviewer kinds ('internal'/'external'); empty if complete."""
    counts = Counter(kinds)
    problems = []
    if counts["internal"] < MIN_INTERNAL:
        problems.append(f"at least {MIN_INTERNAL} internal reviewer")
    if counts["external"] < MIN_EXTERNAL:
        problems.append(f"at least {MIN_EXTERNAL} external reviewers")
    if sum(counts.values()) < MIN_PANEL:
        problems.append(f"at least {MIN_PANEL} reviewers")
    return problems


def round_outcome(panel_size: int, decisions: Iterable[str]) -> str | None:
    """The outcome of a round, or None while it is still open."""
    votes = Counter(decisions)
    cast = sum(votes.values())
    if panel_size <= 0:
        return None
    for outcome in (APPROVE, REVISE, REJECT):
        if votes[outcome] * 2 > panel_size:
            return outcome
    if cast >= panel_size:
        return REVISE
    return None
