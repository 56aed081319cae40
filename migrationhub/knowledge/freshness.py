"""When a published practice counts as stale (pure: no Django).

A practice is stale when it has not been verified for `months` calendar months
(`MIGRATIONHUB_STALE_AFTER_MONTHS`, 24 by default): evidence on migration governance ages, and
readers must see how old it is. Never-verified published practices are stale too.
"""

import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clamped to the month's end (31 Mar → 28/29 Feb)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_cutoff(today: dt.date, months: int) -> dt.date:
    """The last verification day that is already stale on `today`."""
    return months_before(today, months)


def is_stale(last_verified: dt.date | None, today: dt.date, months: int) -> bool:
    return last_verified is None or last_verified <= stale_cutoff(today, months)
