"""Import contributions to the start-up fund from CSV or JSON, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.core.errors import ApplicationError
from migrationhub.core.imports import ImportFailed, csv_records, json_records, read_text
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.fund.services import contributions_import


class Command(MigrationhubCommand):
    help = (
        "Import contributions to the start-up fund, all or nothing: columns contributor (an "
        "organisation's slug), amount (exact, at most two decimals), currency (ISO 4217), date "
        "(YYYY-MM-DD), earmark (none, objective-N, area-CODE, region-M49), status (pledged or "
        "deposited), reference. Every bad row is reported; a refused file writes nothing. "
        "Deposited rows enter the ledger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE", help="a CSV or JSON file")
        parser.add_argument("--format", choices=("csv", "json"), help="default: from the suffix")
        parser.add_argument(
            "--as",
            dest="actor_email",
            metavar="EMAIL",
            required=True,
            help="e-mail of the fund manager who records them",
        )

    def run(self, *args: Any, **options: Any) -> str:
        path = Path(options["file"])
        actor = user_get_by_email(options["actor_email"])
        if actor is None:
            raise CommandError(
                _("no active user with e-mail %(email)s") % {"email": options["actor_email"]}
            )
        fmt = options["format"] or ("json" if path.suffix.lower() == ".json" else "csv")
        try:
            text = read_text(path.read_bytes())
            records = json_records(text) if fmt == "json" else csv_records(text)
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(problem)s") % {"file": path, "problem": exc.strerror}
            ) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        try:
            made = contributions_import(actor=actor, records=records)
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.lines())) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        return _("imported %(count)d contribution(s) from %(file)s") % {
            "count": len(made),
            "file": path.name,
        }
