import datetime as dt

import pytest

from migrationhub.knowledge.freshness import is_stale, months_before


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 25), 24, dt.date(2024, 11, 25)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_stale_after_24_months():
    today = dt.date(2026, 11, 25)
    assert is_stale(dt.date(2024, 11, 25), today, 24)
    assert not is_stale(dt.date(2024, 11, 26), today, 24)
    assert is_stale(None, today, 24)
    assert not is_stale(dt.date(2024, 11, 25), today, 36)
