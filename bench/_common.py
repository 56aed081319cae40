"""What every benchmark shares: one definition of its percentiles, and the throwaway PostgreSQL
database it drops and creates again. Scripts run as `python bench/<name>.py`, so this folder is on
their path."""

from __future__ import annotations

import statistics
import urllib.parse


def percentiles(samples: list[float]) -> dict:
    """p50 and p95 of `samples` (p95 by linear interpolation between order statistics, the
    "inclusive" method: the same figure in every benchmark)."""
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94] if len(ordered) > 1 else 0
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def pg_admin(url: str, statement: str) -> None:
    """Run `statement` (CREATE/DROP DATABASE) on the server of `url`, connected to `postgres`."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)
