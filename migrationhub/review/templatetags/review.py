"""Template access to coverage tables: counts of the kinds a table is filtered to."""

from __future__ import annotations

from django import template

from ..selectors import CoverageView

register = template.Library()


def _sum(counts: dict[str, int] | None, view: CoverageView) -> int:
    return sum((counts or {}).get(k, 0) for k in view.filters.kinds)


@register.simple_tag
def cell(view: CoverageView, row: str, col: str) -> int:
    return view.table.count(row, col, view.filters.kinds)


@register.simple_tag
def row_total(view: CoverageView, row: str) -> int:
    return _sum(view.table.row_totals.get(row), view)


@register.simple_tag
def col_total(view: CoverageView, col: str) -> int:
    return _sum(view.table.col_totals.get(col), view)


@register.simple_tag
def grand_total(view: CoverageView) -> int:
    return _sum(view.table.total, view)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


@register.filter
def share(value: float | None) -> str:
    """A 0–1 share as a percentage."""
    return "—" if value is None else f"{100 * value:.0f} %"


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, key)
