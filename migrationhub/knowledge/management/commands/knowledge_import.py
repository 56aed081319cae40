from pathlib import Path

from django.core.management.base import CommandError

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.importers import ImportFailed, parse_rows, practices_import
from migrationhub.organisations.models import Organisation


class Command(MigrationhubCommand):
    help = (
        "Import practices from a JSON or CSV file, all or nothing. Drafts for --organisation, "
        "or --publish curated records (platform admins)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--format", choices=["json", "csv"], default=None)
        parser.add_argument("--organisation", help="slug of the organisation that owns the drafts")
        parser.add_argument(
            "--publish", action="store_true", help="publish curated records directly"
        )

    def run(self, *args, **options):
        path = Path(options["path"])
        fmt = options["format"] or path.suffix.lstrip(".").lower()
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"unknown organisation {options['organisation']!r}")
        rows = parse_rows(path.read_text(encoding="utf-8"), fmt)
        try:
            created = practices_import(
                actor=None, rows=rows, organisation=organisation, publish=options["publish"]
            )
        except ImportFailed as exc:
            lines = [exc.message] + [
                f"  row {e['row']}: {e['message']} {'; '.join(e['fields'])}" for e in exc.row_errors
            ]
            raise CommandError("\n".join(lines)) from exc
        return f"imported {len(created)} practice(s)"
