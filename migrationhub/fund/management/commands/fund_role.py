"""Give a user a role in the start-up fund (fund manager, steering committee member) or none."""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.accounts.services import fund_role_set
from migrationhub.core.errors import ApplicationError
from migrationhub.core.management.base import MigrationhubCommand


class Command(MigrationhubCommand):
    help = (
        "Make a user a fund manager (records money, checks proposals), a steering committee "
        "member (decides on proposals), or neither; --as names the platform admin who decides."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("email", metavar="EMAIL")
        parser.add_argument("role", choices=("manager", "committee", "none"))
        parser.add_argument("--as", dest="actor_email", metavar="EMAIL", required=True)

    def run(self, *args: Any, **options: Any) -> str:
        user = user_get_by_email(options["email"])
        actor = user_get_by_email(options["actor_email"])
        if user is None or actor is None:
            raise CommandError(_("no active user with that e-mail"))
        role = "" if options["role"] == "none" else options["role"]
        try:
            fund_role_set(actor=actor, user=user, role=role)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        return _("%(email)s: fund role %(role)s") % {
            "email": user.email,
            "role": options["role"],
        }
