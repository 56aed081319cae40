"""Contribution points: a page of a lower app shows sections that higher apps contribute.

An organisation's profile lists its practices (knowledge), and later its partnerships; an
objective's page lists practices and organisations. The page's app must not read those apps
(apps depend downward only), so it names a *slot* in its template (`{% sections "slot" subject %}`)
and each higher app registers, in its `sections.py`, a function that returns a `Section` for the
subject (or None). `core.apps` imports every app's `sections` module at start-up. A provider
names the data domains its section shows (`depends_on`), so that a cached page (core.page_cache)
that renders the slot is retired when they change, without the page's app knowing them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    """A template (of the contributing app) and the context it is rendered with."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[HttpRequest, Any], Section | None]
_providers: dict[str, list[tuple[int, Provider]]] = defaultdict(list)
_domains: dict[str, set[str]] = defaultdict(set)


def contribute(
    slot: str, *, order: int = 50, depends_on: tuple[str, ...] = ()
) -> Callable[[Provider], Provider]:
    """Register the decorated function as a provider of `slot` (lower `order` comes first);
    `depends_on`: the data domains (core.page_cache) its section shows."""

    def register(provider: Provider) -> Provider:
        if all(p is not provider for _order, p in _providers[slot]):
            _providers[slot].append((order, provider))
            _providers[slot].sort(key=lambda item: item[0])
        _domains[slot].update(depends_on)
        return provider

    return register


def slot_domains(slot: str) -> frozenset[str]:
    """The data domains that the sections contributed to `slot` show."""
    return frozenset(_domains.get(slot, ()))


def sections_for(slot: str, request: HttpRequest, subject: Any) -> list[Section]:
    """The sections contributed to `slot` for `subject`, in order."""
    found = []
    for _order, provider in _providers.get(slot, []):
        section = provider(request, subject)
        if section is not None:
            found.append(section)
    return found
