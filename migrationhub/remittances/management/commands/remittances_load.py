from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.remittances.services import remittances_load_shipped


class Command(MigrationhubCommand):
    help = (
        "Load the World Bank RPW quotes (2011Q1-2014Q2), the published corridor series "
        "(2011Q1-2020Q3) and the remittance flows shipped in data/remittances/, and compute every "
        "indicator. Idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--if-empty", action="store_true", help="Skip when quotes exist.")

    def run(self, *args, **options):
        from migrationhub.remittances.models import Quote

        if options["if_empty"] and Quote.objects.exists():
            return "remittance data already loaded"
        counts = remittances_load_shipped(actor=None)
        return "loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items())
