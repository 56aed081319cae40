from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.demo import load_demo


class Command(MigrationhubCommand):
    help = "Load the curated demo organisations and practices (data/demo/). Idempotent."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--if-empty", action="store_true", help="Skip when practices exist.")

    def run(self, *args, **options):
        from migrationhub.knowledge.models import Practice

        if options["if_empty"] and Practice.objects.exists():
            return "demo data already loaded"
        counts = load_demo()
        return "loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items())
