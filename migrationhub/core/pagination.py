"""The one paginator of pages and API: page numbers from any input, a hard cap on page size.

Lists that come from the ORM use `paginate(queryset, …)`; lists that come from the search engine
(which counts its own matches) use `Page.of(items, total, …)`. Both give the same `Page`, which the
API turns into its `meta` (`PageMeta.of`) and pages render with `core/_pagination.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

T = TypeVar("T")

# Beyond any real listing; keeps OFFSET within the databases' 64-bit integers for absurd input.
MAX_PAGE = 1_000_000


@dataclass
class Page(Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int

    @classmethod
    def of(cls, items: Sequence[T], total: int, page: int, page_size: int) -> Page[T]:
        return cls(items=list(items), count=total, page=page, page_size=page_size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    def meta(self) -> dict[str, int]:
        return {
            "count": self.count,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
        }


def clamp(page: int | None, page_size: int | None = None) -> tuple[int, int]:
    """A page number and size within bounds: size 1..MIGRATIONHUB_API_MAX_PAGE_SIZE, page 1..MAX_PAGE."""
    size = page_size or settings.MIGRATIONHUB_PAGE_SIZE
    size = max(1, min(size, settings.MIGRATIONHUB_API_MAX_PAGE_SIZE))
    return max(1, min(page or 1, MAX_PAGE)), size


def page_number(params: QueryDict, name: str = "page") -> int:
    """The page a query string asks for; anything that is not a number is the first page."""
    try:
        return clamp(int(params.get(name, 1)))[0]
    except (TypeError, ValueError):
        return 1


def paginate(
    queryset: QuerySet[Any], page: int | None = None, page_size: int | None = None
) -> Page[Any]:
    page, size = clamp(page, page_size)
    count = queryset.count()
    start = (page - 1) * size
    return Page(items=list(queryset[start : start + size]), count=count, page=page, page_size=size)


def querystring_without_page(params: QueryDict) -> str:
    """The query string of the current list, for the pagination links to add `page` to."""
    copy = params.copy()
    copy.pop("page", None)
    return copy.urlencode()
