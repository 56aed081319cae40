from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from migrationhub.core.errors import ApplicationError
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.importers import ImportFailed, parse_rows, practices_import
from migrationhub.organisations import permissions as org_permissions
from migrationhub.organisations.models import Organisation


class Command(MigrationhubCommand):
    help = (
        "Import practices from a JSON or CSV file, all or nothing. Drafts for --organisation, "
        "imported --as one of its members; or --publish curated records (the platform itself, "
        "or --as a platform admin)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--format", choices=["json", "csv"], default=None)
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

    def run(self, *args, **options):
        path = Path(options["path"])
        fmt = options["format"] or path.suffix.lstrip(".").lower()
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"unknown organisation {options['organisation']!r}")
        actor = self._actor(options["actor_email"])
        if not options["publish"]:
            if organisation is None or actor is None:
                raise CommandError(
                    "drafts are imported for an organisation by one of its members: give "
                    "--organisation SLUG --as EMAIL (or --publish curated records)"
                )
            try:
                org_permissions.require_member(actor, organisation)
            except ApplicationError as exc:
                raise CommandError(
                    f"{actor.email} is not a member of {organisation.slug!r}: {exc.message}"
                ) from exc
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            rows = parse_rows(content, fmt)
            created = practices_import(
                actor=actor, rows=rows, organisation=organisation, publish=options["publish"]
            )
        except ImportFailed as exc:
            lines = [exc.message] + [
                f"  row {e['row']}: {e['message']} {'; '.join(e['fields'])}" for e in exc.row_errors
            ]
            raise CommandError("\n".join(lines)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        state = "published" if options["publish"] else "draft"
        return f"imported {len(created)} practice(s) ({state})"

    def _actor(self, email: str | None):
        if not email:
            return None
        user = get_user_model().objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"no active user with e-mail {email!r}")
        return user
