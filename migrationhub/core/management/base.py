"""Base for MigrationHub management commands: every writing command gets --dry-run."""

from django.core.management.base import BaseCommand
from django.db import transaction


class DryRunRollback(Exception):
    pass


class MigrationhubCommand(BaseCommand):
    """Runs `run()` in one transaction; with --dry-run the transaction is rolled back."""

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then roll back.")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                result = self.run(*args, **options)
                if options.get("dry_run"):
                    raise DryRunRollback
        except DryRunRollback:
            self.stdout.write("dry run: rolled back")
            return
        if result:
            self.stdout.write(str(result))

    def run(self, *args, **options):  # pragma: no cover - overridden
        raise NotImplementedError
