"""Full-text backends behind one interface: SQLite FTS5 and PostgreSQL full text."""

from django.db import connection

from .base import Backend, Hit, SearchResult


def backend_for(conn=None) -> Backend:
    conn = conn or connection
    if conn.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(conn)
    from .sqlite import SqliteBackend

    return SqliteBackend(conn)


__all__ = ["Backend", "Hit", "SearchResult", "backend_for"]
