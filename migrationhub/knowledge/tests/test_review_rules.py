"""The pure review rules: panel composition and majority."""

import pytest

from migrationhub.knowledge.review_rules import panel_problems, round_outcome


def test_complete_panel_has_no_problems():
    assert panel_problems(["internal", "external", "external"]) == []


@pytest.mark.parametrize(
    "kinds",
    [
        ["external", "external", "external"],
        ["internal", "internal", "external"],
        ["internal", "external"],
        [],
    ],
)
def test_incomplete_panels_are_named(kinds):
    assert panel_problems(kinds)


@pytest.mark.parametrize(
    ("panel", "votes", "expected"),
    [
        (3, ["approve"], None),
        (3, ["approve", "approve"], "approve"),
        (3, ["revise", "revise"], "revise"),
        (3, ["reject", "reject"], "reject"),
        (3, ["approve", "revise"], None),
        (3, ["approve", "revise", "reject"], "revise"),  # split panel: more information
        (4, ["approve", "approve"], None),  # half is not a majority
        (4, ["approve", "approve", "approve"], "approve"),
        (5, ["approve", "approve", "revise", "revise", "reject"], "revise"),
    ],
)
def test_majority(panel, votes, expected):
    assert round_outcome(panel, votes) == expected
