"""The import runner: parse, validate every row, then write everything in one short transaction.

Every bulk import of the platform (practices, remittance quotes, and the apps to come) goes through
`run_import`: nothing is written until every row has been checked, so a file with one bad row
writes nothing and reports every bad row (row number, message, fields), and the write lock is held
only for the writing. Parsing (`read_text`, `csv_records`, `json_records`) turns a file into plain
records and refuses what no import should accept: undecodable bytes, NUL characters, oversized
files and JSON nested beyond what a parser can read. A byte-order mark (what spreadsheet programs write)
is not part of the first column's name. Values are checked one by one (`text_problem`), so an
oversized, NUL-bearing or unencodable value is its row's error, reported with the others.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import progress
from .errors import ApplicationError, Code, ValidationFailed

T = TypeVar("T")
V = TypeVar("V")
R = TypeVar("R")

MAX_REPORTED_ROWS = 200  # in the error's `fields`; `row_errors` keeps them all
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 100_000  # one text value; a longer one is a row error


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row: its number in the file (1 = first record), a message, and the
    fields at fault."""

    row: int
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def describe(self) -> str:
        details = "; ".join(
            f"{name}: {', '.join(problems)}" for name, problems in self.fields.items()
        )
        return f"row {self.row}: {self.message}" + (f" ({details})" if details else "")


class ImportFailed(ValidationFailed):
    """Nothing was imported: every bad row is in `row_errors` (the first MAX_REPORTED_ROWS in
    `fields`, keyed "row N")."""

    code: str = Code.IMPORT_FAILED

    def __init__(self, row_errors: list[RowError]):
        count = len(row_errors)
        super().__init__(
            ngettext(
                "Nothing was imported: %(count)d row has errors.",
                "Nothing was imported: %(count)d rows have errors.",
                count,
            )
            % {"count": count},
            fields={
                f"row {e.row}": [e.message, *(f"{k}: {', '.join(v)}" for k, v in e.fields.items())]
                for e in row_errors[:MAX_REPORTED_ROWS]
            },
        )
        self.row_errors = row_errors

    def lines(self) -> list[str]:
        """The message, then one line per bad row (what the command line prints)."""
        return [self.message, *(f"  {e.describe()}" for e in self.row_errors)]


def validate_rows(
    records: Iterable[T], validate: Callable[[T], V], *, first_row: int = 1
) -> list[V]:
    """`validate` applied to every record; ImportFailed with every bad row if any fails.

    `validate` raises ApplicationError for a bad row. ValueError, TypeError and OverflowError
    (a value no parser expected) are row errors too, never a crash.
    """
    valid: list[V] = []
    errors: list[RowError] = []
    for number, record in enumerate(progress.track(records, _("checking rows")), start=first_row):
        try:
            valid.append(validate(record))
        except ApplicationError as exc:
            errors.append(RowError(number, exc.message, dict(exc.fields)))
        except (ValueError, TypeError, OverflowError) as exc:
            errors.append(RowError(number, _("Invalid value: %(problem)s") % {"problem": exc}))
    if errors:
        raise ImportFailed(errors)
    return valid


def run_import(
    records: Iterable[T],
    *,
    validate: Callable[[T], V],
    write: Callable[[list[V]], R],
    first_row: int = 1,
) -> R:
    """Validate every record, then `write` the valid ones in one transaction (all or nothing)."""
    valid = validate_rows(records, validate, first_row=first_row)
    with transaction.atomic():
        return write(valid)


# --- parsing ---------------------------------------------------------------------------------


def read_text(data: bytes | str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of an uploaded or read file: UTF-8 (a byte-order mark is dropped), no NUL."""
    if isinstance(data, str):
        text = data
        size = len(text.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
        if size > max_bytes:
            raise ValidationFailed(_too_large(max_bytes))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(
                _("The file is not UTF-8 text (byte %(position)d).") % {"position": exc.start + 1}
            ) from exc
    if size > max_bytes:
        raise ValidationFailed(_too_large(max_bytes))
    return text.removeprefix("\ufeff")


def _too_large(max_bytes: int) -> str:
    return _("The file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)}


def csv_records(text: str, *, list_fields: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Rows of a CSV with a header: names and values stripped, empty names dropped; the cells of
    `list_fields` split on ";"."""
    list_fields = set(list_fields)
    records: list[dict[str, Any]] = []
    previous_limit = csv.field_size_limit()
    # A cell is as large as the file may be: an oversized value is the row's error, not the file's.
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        for raw in reader:
            record: dict[str, Any] = {}
            for key, value in raw.items():
                if not key:
                    continue
                cell = value.strip() if isinstance(value, str) else ""
                if key.strip() in list_fields:
                    record[key.strip()] = [v.strip() for v in cell.split(";") if v.strip()]
                else:
                    record[key.strip()] = cell
            records.append(record)
    except csv.Error as exc:
        raise ValidationFailed(
            _("The CSV cannot be read (line %(line)d): %(problem)s")
            % {"line": reader.line_num, "problem": exc}
        ) from exc
    finally:
        csv.field_size_limit(previous_limit)
    return records


def json_records(text: str) -> list[dict[str, Any]]:
    """The objects of a JSON array (the one JSON import shape)."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise ValidationFailed(_("The JSON is nested too deeply.")) from exc
    except ValueError as exc:
        raise ValidationFailed(_("Not valid JSON: %(problem)s") % {"problem": exc}) from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValidationFailed(_("A JSON import is a list of objects."))
    return data


def text_problem(value: str, *, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """Why `value` cannot be stored as text, or None: too long, NUL characters (PostgreSQL
    refuses them), or lone surrogates (not encodable as UTF-8)."""
    if len(value) > max_chars:
        return _("at most %(count)d characters") % {"count": max_chars}
    if "\x00" in value:
        return _("contains NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("contains characters that are not valid Unicode")
    return None
