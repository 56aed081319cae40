"""Trends: new partnerships and pledges per year, reporting rates, the share inactive (pure).

For each calendar year Y:
- **new**: partnerships that started in Y (their start date, else the day they were registered
  or the date of the source they were recorded from), pledges made in Y;
- **open**: records that had started by the end of Y and had not ended before it began (a
  partnership's end date; a pledge has none);
- **reporting rate**: the share of open records with at least one progress report dated in Y;
- **inactive share**: the share of open records whose status light was red at the end of Y (or
  today, for the current year), by the registry's own rule (ADR 0006: 24 months without a
  report), applied with only the reports made by then — the light the record had at the time.

The registry does not record the day a record was closed: a completed or cancelled partnership
ends on its end date, and one without an end date, or a fulfilled or withdrawn pledge, counts as
closed from today only (in past years it counts as open, as it then was, or as silent).

Shares are percentages with one decimal (None when nothing was open). The light rule is passed
in (`light_on`), so this module stays pure and the rule stays defined once, in partnerships.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

LightOn = Callable[..., str]
RED = "red"


@dataclass(slots=True)
class Tracked:
    kind: str  # "partnership" | "pledge"
    started: dt.date
    since: dt.date  # when the duty to report began
    ended: dt.date | None
    reports: tuple[dt.date, ...]  # sorted


@dataclass(frozen=True)
class Year:
    year: int
    new_partnerships: int
    new_pledges: int
    open: int
    reporting_rate: float | None
    inactive_share: float | None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def yearly(
    records: Iterable[Tracked], years: Sequence[int], *, today: dt.date, light_on: LightOn
) -> list[Year]:
    """One row per year of `years`."""
    records = list(records)
    out = []
    for year in years:
        start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
        new = {"partnership": 0, "pledge": 0}
        open_ = reported = inactive = 0
        for r in records:
            if r.started.year == year:
                new[r.kind] += 1
            if r.started > end or (r.ended is not None and r.ended < start):
                continue
            open_ += 1
            i = bisect.bisect_right(r.reports, end)
            if i and r.reports[i - 1] >= start:
                reported += 1
            last = r.reports[i - 1] if i else None
            closed = r.ended is not None and r.ended < end
            if light_on(today=end, since=r.since, last_report=last, closed=closed) == RED:
                inactive += 1
        out.append(
            Year(
                year,
                new["partnership"],
                new["pledge"],
                open_,
                _share(reported, open_),
                _share(inactive, open_),
            )
        )
    return out
