"""Rebuild the full-text index and re-index every app's documents (apps with `indexing.reindex_all`)."""

from importlib import import_module

from django.apps import apps
from django.db import connection, transaction

from migrationhub.core import progress
from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.search.backends import backend_for
from migrationhub.search.services import bitmaps_rebuild


class Command(MigrationhubCommand):
    help = "Recreate the full-text index and re-index all searchable objects."

    @transaction.atomic
    def run(self, *args, **options):
        backend = backend_for(connection)
        if connection.vendor == "sqlite":
            # FTS5 tables and their triggers are recreated. PostgreSQL's generated tsvector
            # column and its indexes are maintained by the database itself: nothing to rebuild.
            backend.uninstall()
            backend.install()
        counts = {}
        for config in apps.get_app_configs():
            if not config.name.startswith("migrationhub."):
                continue
            try:
                module = import_module(f"{config.name}.indexing")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "reindex_all"):
                progress.note(f"re-indexing {config.label}")
                counts[config.label] = module.reindex_all()
        counts["facet_bitsets"] = bitmaps_rebuild()
        return f"re-indexed: {counts}"
