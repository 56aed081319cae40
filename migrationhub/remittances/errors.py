"""Errors of the remittances app, on the one `ApplicationError` family."""

from migrationhub.core.errors import NotFound, ValidationFailed

MAX_REPORTED_ROWS = 200


class ImportFailed(ValidationFailed):
    """Nothing was imported: every bad row is reported (the first MAX_REPORTED_ROWS in `fields`)."""

    code = "import_failed"

    def __init__(self, row_errors: list[dict]):
        super().__init__(
            f"Nothing was imported: {len(row_errors)} row(s) have errors.",
            fields={f"row {e['row']}": [e["message"]] for e in row_errors[:MAX_REPORTED_ROWS]},
        )
        self.row_errors = row_errors


class CorridorNotFound(NotFound):
    code = "corridor_not_found"
