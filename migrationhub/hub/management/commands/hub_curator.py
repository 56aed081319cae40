from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.accounts.services import hub_curator_grant, hub_curator_withdraw
from migrationhub.core.errors import ApplicationError
from migrationhub.core.management.base import MigrationhubCommand


class Command(MigrationhubCommand):
    help = (
        "Make a user a hub curator (screens requests for support, proposes partners), or "
        "withdraw the role; a platform admin does it (--as), and it is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["grant", "withdraw"])
        parser.add_argument("email", metavar="EMAIL", help="the user's e-mail address")
        parser.add_argument(
            "--as", dest="actor_email", metavar="EMAIL", required=True, help="a platform admin"
        )
        parser.add_argument("--reason", default="", help="why the role is withdrawn")

    def run(self, *args: Any, **options: Any) -> str:
        actor = user_get_by_email(options["actor_email"])
        user = user_get_by_email(options["email"])
        if actor is None or user is None:
            raise CommandError(_("No active user with that e-mail address."))
        try:
            if options["action"] == "grant":
                hub_curator_grant(actor=actor, user=user)
                return _("%(email)s is a hub curator.") % {"email": user.email}
            hub_curator_withdraw(actor=actor, user=user, reason=options["reason"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        return _("%(email)s is no longer a hub curator.") % {"email": user.email}
