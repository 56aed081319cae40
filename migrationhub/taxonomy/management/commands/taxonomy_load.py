from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.taxonomy.loaders import load_reference


class Command(MigrationhubCommand):
    help = "Load (or refresh) the reference vocabularies from data/reference/."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--if-empty", action="store_true", help="Skip when already loaded.")

    def run(self, *args, **options):
        from migrationhub.taxonomy.models import Objective

        if options["if_empty"] and Objective.objects.exists():
            return "reference data already loaded"
        counts = load_reference()
        return "loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items())
