from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.core.errors import ApplicationError, PermissionDenied
from migrationhub.core.imports import ImportFailed
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.partnerships import iati
from migrationhub.partnerships.services import partnerships_import_iati


def failure_lines(exc: ImportFailed) -> list[str]:
    """What was refused: one line per bad activity (its iati-identifier), then one per element
    at fault."""
    lines = [exc.message]
    for error in exc.row_errors:
        lines.append(f"  {error.message}")
        for where, problems in error.fields.items():
            lines += [f"    {where}: {problem}" for problem in problems]
    return lines


class Command(MigrationhubCommand):
    help = (
        "Import IATI activity XML (an iati-activities file, 2.0x or legacy 1.0x) into "
        "partnerships, all or nothing: each bad activity is reported with its iati-identifier "
        "and the elements at fault. Organisations are matched by IATI ref or name, never "
        "created. The file is read safely (no network, no document type or entities, at most "
        "20 MB)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE", help="the IATI activity XML file")
        parser.add_argument(
            "--as",
            dest="actor_email",
            metavar="EMAIL",
            help="e-mail of the platform admin who imports (the platform itself if omitted)",
        )

    def run(self, *args: Any, **options: Any) -> str:
        path = Path(options["file"])
        actor = None
        if options["actor_email"]:
            actor = user_get_by_email(options["actor_email"])
            if actor is None:
                raise CommandError(
                    _("no active user with e-mail %(email)s") % {"email": options["actor_email"]}
                )
        try:
            if path.stat().st_size > iati.MAX_BYTES:
                raise CommandError(
                    _("%(file)s is larger than %(size)d MB")
                    % {"file": path, "size": iati.MAX_BYTES // 2**20}
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(problem)s") % {"file": path, "problem": exc.strerror}
            ) from exc
        try:
            activities = iati.parse(data)
        except iati.Unreadable as exc:
            raise CommandError(
                _("Nothing was imported: %(file)s cannot be read as IATI activities. %(problem)s")
                % {"file": path.name, "problem": exc}
            ) from exc
        try:
            created = partnerships_import_iati(actor=actor, activities=activities)
        except ImportFailed as exc:
            raise CommandError("\n".join(failure_lines(exc))) from exc
        except PermissionDenied as exc:
            raise CommandError(
                _("%(who)s may not import (%(problem)s)")
                % {"who": options["actor_email"], "problem": exc.message}
            ) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        return _("imported %(count)d partnership(s) from %(file)s") % {
            "count": len(created),
            "file": path.name,
        }
