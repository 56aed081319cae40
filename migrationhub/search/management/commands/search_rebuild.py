"""Rebuild the full-text index and re-index every app's documents (apps with `indexing.reindex_all`).

Every document's text is analysed again (stemming and stop words per language, `search/analysis.py`,
whose `VERSION` the index records), the full-text structures are recreated over it, the apps
re-index their records, and the terms (document counts, champion lists) and facet bitsets are
rebuilt whole.
"""

from importlib import import_module

from django.apps import apps
from django.db import connection, transaction
from django.utils.translation import gettext as _

from migrationhub.core import page_cache, progress
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.search.backends import backend_for
from migrationhub.search.models import Term
from migrationhub.search.services import bitmaps_rebuild, documents_reanalyse, terms_deferred


class Command(MigrationhubCommand):
    help = "Recreate the full-text index and re-index all searchable objects."

    @transaction.atomic
    def run(self, *args, **options):
        backend = backend_for(connection)
        counts = {}
        # The full-text structures (FTS5 tables and triggers; the generated tsvector and its
        # index) are recreated around a new analysis of every document, faster than updating
        # them row by row. The terms are rebuilt once, when the re-indexing is done.
        with terms_deferred():
            backend.uninstall()
            progress.note(_("analysing documents"))
            counts["documents"] = documents_reanalyse()
            backend.install()
            self._reindex_apps(counts)
        counts["terms"] = Term.objects.count()
        counts["facet_bitsets"] = bitmaps_rebuild()
        page_cache.changed_everything()
        return f"re-indexed: {counts}"

    def _reindex_apps(self, counts):
        for config in apps.get_app_configs():
            if not config.name.startswith("migrationhub."):
                continue
            try:
                module = import_module(f"{config.name}.indexing")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "reindex_all"):
                progress.note(_("re-indexing %(app)s") % {"app": config.label})
                counts[config.label] = module.reindex_all()
