"""The database refuses to change a ledger entry: a correction is a reversing movement.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which tests use to empty tables, is untouched);
SQLite refuses UPDATE (its test flush deletes rows one by one, so DELETE stays allowed there)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION fund_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'fund ledger entries are immutable: post a reversing movement';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_entry_immutable BEFORE UPDATE OR DELETE ON fund_entry
    FOR EACH ROW EXECUTE FUNCTION fund_entry_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS fund_entry_immutable ON fund_entry;
DROP FUNCTION IF EXISTS fund_entry_immutable();
"""
SQLITE_UP = """
CREATE TRIGGER fund_entry_immutable BEFORE UPDATE ON fund_entry
BEGIN
    SELECT RAISE(ABORT, 'fund ledger entries are immutable: post a reversing movement');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS fund_entry_immutable;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
