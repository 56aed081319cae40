"""Errors of the remittances app, on the one `ApplicationError` family, and their codes.

Imports fail with the kernel's `core.imports.ImportFailed` (every bad row, with its number);
the codes below are declared once here, and API clients rely on them.
"""

from enum import StrEnum

from migrationhub.core.errors import NotFound


class Code(StrEnum):
    CORRIDOR_NOT_FOUND = "corridor_not_found"
    NOT_THE_LAYOUT = "not_the_layout"  # a file's columns are not those of the layout named
    UNKNOWN_LAYOUT = "unknown_layout"
    SOURCE_REQUIRED = "source_required"
    NO_QUOTES = "no_quotes"


class CorridorNotFound(NotFound):
    """No prices are known for a corridor (or it is not one)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=Code.CORRIDOR_NOT_FOUND)
