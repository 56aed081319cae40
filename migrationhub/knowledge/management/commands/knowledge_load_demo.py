from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge.demo import load_demo, load_evidence


class Command(MigrationhubCommand):
    help = (
        "Load the curated demo organisations and practices (data/demo/) and the evidence library "
        "(data/evidence/: IOM's programme evaluations). Idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip each part whose records exist (practices; evidence).",
        )

    def run(self, *args, **options):
        from migrationhub.knowledge.models import Evidence, Practice

        done = []
        if options["if_empty"] and Practice.objects.exists():
            done.append("demo practices already loaded")
        else:
            counts = load_demo()
            done.append("loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        if options["if_empty"] and Evidence.objects.exists():
            done.append("evidence already loaded")
        else:
            counts = load_evidence()
            done.append("loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        return "; ".join(done)
