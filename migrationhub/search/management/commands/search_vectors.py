"""Compute the sentence vectors that are missing (new or changed documents whose background task
has not run, documents of another model after MIGRATIONHUB_EMBEDDER changed), in batches; then,
once, the approximate index when it is due (past MIGRATIONHUB_ANN_MIN vectors) or asked."""

from django.utils.translation import gettext as _

from migrationhub.core import progress
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.search import services, vectors


class Command(MigrationhubCommand):
    help = "Compute missing sentence vectors for semantic search (all of them with --all)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--all", action="store_true", help="Recompute every vector.")
        parser.add_argument(
            "--graph",
            action="store_true",
            help="Rebuild the approximate index even when it is not due (ADR 0012).",
        )

    def run(self, *args, **options):
        model = vectors.embedder()
        if model is None:
            return "semantic search is off (MIGRATIONHUB_EMBEDDER is empty)"
        if options["all"]:
            from migrationhub.search.models import Document

            ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = services.vectors_missing()
        done = 0
        chunk = services.VECTOR_BATCH * 4
        for start in progress.track(range(0, len(ids), chunk), _("computing vectors")):
            done += services.vectors_compute(ids[start : start + chunk], graph=False)
        message = f"vectors computed: {done} ({model.name})"
        if options["graph"] or services.vector_graph_due(model.name):
            graph = services.vector_graph_build(model.name)
            if graph is not None:
                message += f"; approximate index of {graph.vectors} vectors built"
        return message
