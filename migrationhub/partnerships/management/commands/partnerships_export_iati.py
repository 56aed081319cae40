from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.partnerships import exports, selectors


class Command(MigrationhubCommand):
    help = (
        "Export the whole registry as one IATI 2.03 iati-activities file (what "
        "/api/v1/partnerships/iati.xml serves), to standard output or --output FILE. With "
        "--dry-run, builds the file and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="file to write; standard output if omitted"
        )

    def run(self, *args: Any, **options: Any) -> str | None:
        partnerships = list(selectors.partnership_list())
        data = exports.iati_document(partnerships)
        output, dry_run = options["output"], options["dry_run"]
        if not output:
            if not dry_run:
                self.stdout.write(data.decode("utf-8"), ending="")
            return None
        path = Path(output)
        counts = {"file": path, "count": len(partnerships), "bytes": len(data)}
        if dry_run:
            return _("would write %(file)s (%(count)d activities, %(bytes)d bytes)") % counts
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("cannot write %(file)s: %(problem)s") % {"file": path, "problem": exc.strerror}
            ) from exc
        return _("wrote %(file)s (%(count)d activities, %(bytes)d bytes)") % counts
