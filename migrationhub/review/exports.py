"""The review's open data: the coverage cube (core.open_data writes CSV, JSON, HXL and the
`review` data package from this declaration).

One row per non-empty (objective, governance level, UN M49 region, stakeholder type) cell, with
regions at every depth (world `001`, regions, sub-regions, intermediate regions), and the number
of partnerships, pledges and published practices in it. A record counts once in each cell it
touches (review/coverage.py), so cells of one region do not add up to its parent's. A record
without a value on a dimension counts under `not-stated`. Nothing personal: counts only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrationhub.core.open_data import Column, Package, Table

from . import selectors

NOT_STATED = "not-stated"


def _coverage_rows(base_url: str = "") -> Iterator[dict[str, Any]]:
    for row in selectors.coverage_cube_rows():
        yield {
            "objective": str(row["objective"]) if row["objective"] else NOT_STATED,
            "level": row["level"] or NOT_STATED,
            "region": row["region"],
            "stakeholder_type": row["stakeholder_type"] or NOT_STATED,
            "partnerships": row["partnerships"],
            "pledges": row["pledges"],
            "practices": row["practices"],
        }


def _count(name: str, what: str) -> Column:
    return Column(
        name,
        "integer",
        f"Number of {what} in the cell.",
        hxl="#indicator+num",
        required=True,
        constraints=(("minimum", 0),),
    )


COVERAGE = Table(
    name="review-coverage",
    title="Coverage of the Global Compact for Migration",
    description="Partnerships, pledges and published practices per GCM objective, governance "
    "level, UN M49 region (every depth, 001 the world) and stakeholder type, as MigrationHub "
    "counts them for the review of the Compact's implementation.",
    columns=(
        Column(
            "objective",
            "string",
            "GCM objective number (1-23), or not-stated.",
            hxl="#sector+code",
            required=True,
            pattern="(?:[1-9]|1[0-9]|2[0-3]|not-stated)",
        ),
        Column(
            "level",
            "string",
            "Governance level code, or not-stated.",
            hxl="#activity+type",
            required=True,
            pattern="[a-z_-]+",
        ),
        Column(
            "region",
            "string",
            "UN M49 region code (001 for the world).",
            hxl="#region+code",
            required=True,
            pattern="[0-9]{3}",
        ),
        Column(
            "stakeholder_type",
            "string",
            "Stakeholder type code of an organisation involved, or not-stated.",
            hxl="#org+type",
            required=True,
            pattern="[a-z_-]+",
        ),
        _count("partnerships", "partnerships"),
        _count("pledges", "pledges"),
        _count("practices", "published practices"),
    ),
    rows=_coverage_rows,
    primary_key=("objective", "level", "region", "stakeholder_type"),
)

TABLES: tuple[Table, ...] = (COVERAGE,)
PACKAGES: tuple[Package, ...] = (
    Package(
        name="review",
        title="MigrationHub review: coverage of the Global Compact for Migration",
        description="How many partnerships, pledges and practices work on each GCM objective, "
        "at each governance level, in each UN M49 region and with each type of stakeholder.",
        tables=("review-coverage",),
        keywords=("migration", "GCM", "Global Compact for Migration", "review", "coverage"),
    ),
)
