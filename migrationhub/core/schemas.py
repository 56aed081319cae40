"""What every app's API router builds on: the error envelope, list pages and facet counts.

Each app's `api.py` declares its routes with `errors(...)` for the error statuses it answers, and
returns `PageMeta.of(page)` with its lists, so every endpoint answers errors and pages alike.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

from .pagination import Page


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    pages: int

    @staticmethod
    def of(page: Page[Any]) -> dict[str, int]:
        return page.meta()


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`{status: ErrorOut}` for a route's `response=`: the errors it can answer."""
    return dict.fromkeys(statuses, ErrorOut)
