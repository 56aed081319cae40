from pathlib import Path

from django.core.management.base import CommandError

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.remittances.errors import ImportFailed
from migrationhub.remittances.services import quotes_import_file


class Command(MigrationhubCommand):
    help = (
        "Import remittance quotes, all or nothing: RPW's quote-level layout (--layout rpw) or a "
        "national data collector's CSV (--layout collector --source NAME). Re-importing a period "
        "of the same source replaces it."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--layout", choices=["rpw", "collector"], default="collector")
        parser.add_argument("--source", help="who collected the quotes (required for collector)")

    def run(self, *args, **options):
        path = Path(options["path"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                counts = quotes_import_file(
                    actor=None,
                    lines=handle,
                    layout=options["layout"],
                    source=options["source"],
                    file_name=path.name,
                )
        except ImportFailed as exc:
            lines = [exc.message] + [f"  row {e['row']}: {e['message']}" for e in exc.row_errors]
            raise CommandError("\n".join(lines)) from exc
        return "imported: " + ", ".join(f"{k}={v}" for k, v in counts.items())
