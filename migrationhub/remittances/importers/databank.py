"""The World Bank's published corridor averages: the DataBank export of series ATCR.CORR
("Average Total Cost to remit in corridor", USD 200), 2011Q1-2020Q3.

The export is wide (one column per quarter, `..` when missing) and ends with footer lines; areas
outside UN M49 (Kosovo, `KSV`) are skipped and reported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain

from django.utils.translation import gettext as _

from migrationhub.core.errors import ValidationFailed

from ..errors import Code
from .common import MISSING, PERIOD, Reference, Skipped, parse_decimal, read_rows

SERIES = "ATCR.CORR"

PublishedValue = tuple[str, str, str, Decimal]  # sending ISO3, receiving ISO3, quarter, %


def read_databank_corridors(
    lines: Iterable[str], ref: Reference
) -> tuple[list[PublishedValue], Skipped]:
    """(sending, receiving, quarter, value) of every corridor-quarter the export holds."""
    reader = csv.reader(lines)
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    try:
        sending_col = header.index("Sending Countries Code")
        receiving_col = next(
            i
            for i, h in enumerate(header)
            if h.startswith("Receiving Countries") and h.endswith("Code")
        )
        series_col = header.index("Series Code")
    except (ValueError, StopIteration) as exc:
        raise ValidationFailed(
            _("Not the DataBank corridor layout."), code=Code.NOT_THE_LAYOUT
        ) from exc
    quarters = {
        i: h.split(" ")[0]
        for i, h in enumerate(header)
        if PERIOD.match(h.split(" ")[0] if h else "")
    }
    skipped = Skipped()

    def read(number: int, row: Sequence[str]) -> list[PublishedValue]:
        if len(row) <= series_col or row[series_col].strip() != SERIES:
            return []  # footer lines
        sending, receiving = row[sending_col].strip(), row[receiving_col].strip()
        present = [
            (quarter, row[i].strip())
            for i, quarter in quarters.items()
            if i < len(row) and row[i].strip() not in ("", *MISSING)
        ]
        if present and (sending not in ref.countries or receiving not in ref.countries):
            skipped.rows += len(present)
            skipped.names |= {c for c in (sending, receiving) if c not in ref.countries}
            return []
        return [
            (sending, receiving, quarter, parse_decimal(text, quarter)) for quarter, text in present
        ]

    return list(chain.from_iterable(read_rows(reader, read))), skipped
