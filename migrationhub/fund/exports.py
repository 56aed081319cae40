"""The fund app's open data (core.open_data)."""

from migrationhub.core.open_data import Package, Table

TABLES: tuple[Table, ...] = ()
PACKAGES: tuple[Package, ...] = ()
