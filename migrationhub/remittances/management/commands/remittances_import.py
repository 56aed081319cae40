import io
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from migrationhub.core.errors import ValidationFailed
from migrationhub.core.imports import ImportFailed, read_text
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.remittances.services import LAYOUTS, quotes_import_file


class Command(MigrationhubCommand):
    help = (
        "Import remittance quotes, all or nothing: RPW's quote-level layout (--layout rpw) or a "
        "national data collector's CSV (--layout collector --source NAME). Re-importing a period "
        "of the same source replaces it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--layout", choices=list(LAYOUTS), default="collector")
        parser.add_argument("--source", help="who collected the quotes (required for collector)")

    def run(self, *args: Any, **options: Any) -> str:
        path = Path(options["path"])
        try:
            text = read_text(path.read_bytes())
            counts = quotes_import_file(
                actor=None,
                lines=io.StringIO(text, newline=""),
                layout=options["layout"],
                source=options["source"],
                file_name=path.name,
            )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.lines())) from exc
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        return "imported: " + ", ".join(f"{k}={v}" for k, v in counts.items())
