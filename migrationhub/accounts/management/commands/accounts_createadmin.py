import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.db import transaction

from migrationhub.accounts.models import User
from migrationhub.core.management.base import MigrationhubCommand


class Command(MigrationhubCommand):
    help = "Create (or promote) a platform administrator who is also an internal reviewer."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("email")
        parser.add_argument("--password", help="default: a random one, printed once")

    def run(self, *args, **options):
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"not an e-mail address: {email!r}") from exc
        password = options["password"] or secrets.token_urlsafe(12)
        with transaction.atomic():
            self._make_admin(email, password)
        return f"admin {email} ready; password: {password}"

    def _make_admin(self, email: str, password: str) -> None:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password)
        else:
            user.is_staff = user.is_superuser = True
            user.set_password(password)
        user.reviewer_role = User.INTERNAL
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
