from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.core.errors import ApplicationError, PermissionDenied
from migrationhub.core.imports import MAX_FILE_BYTES, ImportFailed
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.importers import FORMATS, import_file
from migrationhub.organisations.selectors import organisation_get


class Command(MigrationhubCommand):
    help = (
        "Import practices from a JSON or CSV file, all or nothing. Drafts for --organisation, "
        "imported --as one of its members; or --publish curated records (the platform itself, "
        "or --as a platform admin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--organisation", help="slug of the organisation that owns the drafts")
        parser.add_argument(
            "--as",
            dest="actor_email",
            metavar="EMAIL",
            help="e-mail of the user who imports: a member of --organisation for drafts, a "
            "platform admin (optional) for --publish",
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish curated records directly"
        )

    def run(self, *args: Any, **options: Any) -> str:
        path = Path(options["path"])
        fmt = options["format"] or path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError(f"cannot tell the format of {path.name}: give --format json|csv")
        organisation = None
        if options["organisation"]:
            organisation = organisation_get(options["organisation"])
            if organisation is None:
                raise CommandError(f"unknown organisation {options['organisation']!r}")
        actor = None
        if options["actor_email"]:
            actor = user_get_by_email(options["actor_email"])
            if actor is None:
                raise CommandError(f"no active user with e-mail {options['actor_email']!r}")
        if not options["publish"] and (organisation is None or actor is None):
            raise CommandError(
                "drafts are imported for an organisation by one of its members: give "
                "--organisation SLUG --as EMAIL (or --publish curated records)"
            )
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            created = import_file(
                actor=actor,
                data=data,
                fmt=fmt,
                organisation=organisation,
                publish=options["publish"],
            )
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.lines())) from exc
        except PermissionDenied as exc:
            who = options["actor_email"] or "the platform"
            where = f"of {organisation.slug!r} " if organisation is not None else ""
            raise CommandError(f"{who} may not import {where}({exc.message})") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        state = "published" if options["publish"] else "draft"
        return f"imported {len(created)} practice(s) ({state})"
