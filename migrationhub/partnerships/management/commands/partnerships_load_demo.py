from django.core.management import call_command

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.partnerships.demo import load_demo


class Command(MigrationhubCommand):
    help = (
        "Load the curated demo: the organisations and practices (knowledge_load_demo), then the "
        "partnerships and pledges (data/demo/partnerships.json). Idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip each part whose records exist (practices; partnerships).",
        )

    def run(self, *args, **options):
        from migrationhub.partnerships.models import Partnership

        call_command("knowledge_load_demo", if_empty=options["if_empty"], stdout=self.stdout)
        if options["if_empty"] and Partnership.objects.exists():
            return "demo partnerships already loaded"
        counts = load_demo()
        return "loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items())
