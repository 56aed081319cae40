"""The status light of a partnership or a pledge, computed from its reporting dates (pure: no Django).

Registries of partnerships hold commitments that silently go inactive (the issue; seed 003 §4 asks
for "clear timeframes"). Here every open partnership and pledge owes a progress report at least
once every `REPORT_EVERY_MONTHS` (12) calendar months, and its light says how that stands:

- **green**: the last report (or, before any report, the start of the reporting duty) is less
  than 12 months old: a report was made in the last 12 months, or none is due yet;
- **amber**: a report is overdue: 12 months or more have passed, fewer than 24;
- **red**: 24 months or more without a report (`INACTIVE_AFTER_MONTHS`); the record is then
  flagged **inactive** in lists, the API and the open data;
- **closed**: completed or cancelled partnerships, fulfilled or withdrawn pledges owe nothing.

The *reference date* is the later of the last progress report and `since`, the day the duty to
report began (the day the record was registered, or for a curated record the date of the source
it was built from: a seed document, an IATI activity's `last-updated-datetime`). A reference in
the future (a partnership that starts later) is green. Months are calendar months: a report on
15 January 2025 keeps the light green until 14 January 2026 and amber from 15 January 2026; a
report on 31 March is due again by 31 March a year later, and 29 February by 28 February.

Invariants (tests/test_lights.py, with hypothesis): the colour depends only on the reference date
and today; it never improves as today advances without a report; a new report never worsens it;
green → amber → red in that order, at exactly +12 and +24 months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

GREEN, AMBER, RED, CLOSED = "green", "amber", "red", "closed"
COLOURS = (GREEN, AMBER, RED, CLOSED)
REPORT_EVERY_MONTHS = 12
INACTIVE_AFTER_MONTHS = 24


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (earlier if negative), clamped to the month's
    end (31 March + 11 months = 28 or 29 February)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Light:
    colour: str
    reference: dt.date | None  # the last report, or when the duty to report began
    due: dt.date | None  # the next report is due by this day (None when closed)
    inactive_on: dt.date | None  # the day it turns red without a report (None when closed)

    @property
    def inactive(self) -> bool:
        return self.colour == RED

    @property
    def overdue(self) -> bool:
        return self.colour in (AMBER, RED)


def status_light(
    *, today: dt.date, since: dt.date, last_report: dt.date | None = None, closed: bool = False
) -> Light:
    """The light on `today` of a record whose reporting duty began on `since` and whose latest
    progress report (if any) is dated `last_report`."""
    if closed:
        return Light(CLOSED, last_report, None, None)
    reference = max(since, last_report) if last_report else since
    due = add_months(reference, REPORT_EVERY_MONTHS)
    inactive_on = add_months(reference, INACTIVE_AFTER_MONTHS)
    if today < due:
        colour = GREEN
    elif today < inactive_on:
        colour = AMBER
    else:
        colour = RED
    return Light(colour, reference, due, inactive_on)
