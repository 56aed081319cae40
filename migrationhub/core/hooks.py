"""Named hooks: a lower app asks higher apps for data it publishes without knowing them.

The page-level twin of this is `core.sections` (templates). A hook is for data: a partnership's
IATI activity carries the start-up fund's transactions to it, yet partnerships must not import
the fund (apps depend downward). The lower app names the hook and calls `collect(name, subject)`;
each higher app registers a provider with `@provide(name)` in its `sections.py` (imported at
start-up by `core.apps`). Providers return plain data (dicts, tuples) the lower app documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], list[Any]]
_providers: dict[str, list[Provider]] = defaultdict(list)


def provide(name: str) -> Callable[[Provider], Provider]:
    """Register the decorated function as a provider of hook `name` (once)."""

    def register(provider: Provider) -> Provider:
        if provider not in _providers[name]:
            _providers[name].append(provider)
        return provider

    return register


def collect(name: str, subject: Any) -> list[Any]:
    """What every provider of `name` returns for `subject`, concatenated in registration order."""
    found: list[Any] = []
    for provider in _providers.get(name, []):
        found.extend(provider(subject))
    return found
