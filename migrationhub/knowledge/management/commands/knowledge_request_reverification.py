from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.services import practices_request_reverification


class Command(MigrationhubCommand):
    help = "E-mail the organisations of stale published practices, asking them to re-verify."

    def run(self, *args, **options):
        return f"re-verification requested for {practices_request_reverification()} practice(s)"
