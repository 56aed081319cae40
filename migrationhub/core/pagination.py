"""Page-number pagination shared by pages and the API, with a hard cap on page size."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass
class Page:
    items: list[Any]
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# Beyond any real listing; keeps OFFSET within the databases' 64-bit integers for absurd input.
MAX_PAGE = 1_000_000


def clamp(page: int | None, page_size: int | None) -> tuple[int, int]:
    """A page number and size within bounds: size 1..MIGRATIONHUB_API_MAX_PAGE_SIZE, page 1..MAX_PAGE."""
    size = page_size or settings.MIGRATIONHUB_PAGE_SIZE
    size = max(1, min(size, settings.MIGRATIONHUB_API_MAX_PAGE_SIZE))
    return max(1, min(page or 1, MAX_PAGE)), size


def paginate(queryset, page: int | None = None, page_size: int | None = None) -> Page:
    page, size = clamp(page, page_size)
    count = queryset.count()
    start = (page - 1) * size
    return Page(items=list(queryset[start : start + size]), count=count, page=page, page_size=size)
