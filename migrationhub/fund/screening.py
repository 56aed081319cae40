"""The quality check's score (pure): how a concept note fares against the Compact's guiding
principles and the fund's markers, 0–100, every point with its reason.

| criterion | points |
| --- | --- |
| the note is complete | 10 |
| each of the ten guiding principles: meets / partly / does not meet | 5 / 2 / 0 (max 50) |
| gender marker 0 / 1 / 2 (UN-SWAP scale: none, significant, principal) | 0 / 7 / 15 |
| human-rights marker 0 / 1 / 2 | 0 / 7 / 15 |
| evidence of whole-of-government participation | 5 |
| evidence of whole-of-society participation | 5 |

The approved-unfunded pipeline is ordered by this score, then by the date of the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PRINCIPLE_POINTS = {"meets": 5, "partly": 2, "not_met": 0}
MARKER_POINTS = (0, 7, 15)
COMPLETE_POINTS = 10
EVIDENCE_POINTS = 5
PRINCIPLES = 10


@dataclass(frozen=True)
class Check:
    complete: bool
    ratings: Mapping[str, str]  # principle code -> meets / partly / not_met
    gender_marker: int
    human_rights_marker: int
    whole_of_government: bool
    whole_of_society: bool


def score(check: Check) -> tuple[int, list[tuple[str, int]]]:
    """The score and its parts (criterion, points)."""
    parts = [
        ("complete", COMPLETE_POINTS if check.complete else 0),
        ("principles", sum(PRINCIPLE_POINTS.get(r, 0) for r in check.ratings.values())),
        ("gender_marker", MARKER_POINTS[check.gender_marker]),
        ("human_rights_marker", MARKER_POINTS[check.human_rights_marker]),
        ("whole_of_government", EVIDENCE_POINTS if check.whole_of_government else 0),
        ("whole_of_society", EVIDENCE_POINTS if check.whole_of_society else 0),
    ]
    return min(100, sum(points for _name, points in parts)), parts
