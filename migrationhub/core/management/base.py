"""Base for MigrationHub management commands: `--dry-run` for every writing command, and progress.

A command runs without a transaction of its own: the services it calls open their own, short,
transactions (an import checks every row first and only then writes), so a long command does
not hold the database's write lock while it reads and checks. `--dry-run` wraps the whole run in
one transaction and rolls it back. Progress of tracked loops (`core.progress`) goes to standard
error: a bar on a terminal, a line every tenth otherwise; standard output stays for results
(exports write their files there).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from migrationhub.core import progress


class DryRunRollback(Exception):
    pass


class MigrationhubCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then roll back.")

    def handle(self, *args: Any, **options: Any) -> None:
        with progress.reporting(self.stderr):  # type: ignore[arg-type]
            if options.get("dry_run"):
                try:
                    with transaction.atomic():
                        self.run(*args, **options)
                        raise DryRunRollback
                except DryRunRollback:
                    self.stdout.write("dry run: rolled back")
                    return
            result = self.run(*args, **options)
        if result:
            self.stdout.write(str(result))

    def run(self, *args: Any, **options: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError
