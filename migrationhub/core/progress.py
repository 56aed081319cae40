"""Progress of long commands: a bar on a terminal (tqdm), a plain line every tenth otherwise.

Loading the remittance data, the demo, rebuilding the search index or importing a large file
takes seconds to minutes; a command that prints nothing until it ends looks hung. Commands
(`core.management.base.MigrationhubCommand`) switch reporting on for their run; the work itself
wraps its loops in `track(...)`, which costs nothing when no command is reporting (pages, API,
tests), so services need no extra parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")

_stream: ContextVar[TextIO | None] = ContextVar("migrationhub_progress_stream", default=None)


@contextmanager
def reporting(stream: TextIO) -> Iterator[None]:
    """Report the progress of tracked loops to `stream` for the duration of the block."""
    token = _stream.set(stream)
    try:
        yield
    finally:
        _stream.reset(token)


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def track(items: Iterable[T], label: str, *, total: int | None = None) -> Iterator[T]:
    """`items`, reporting how far through them the loop is (when a command is reporting)."""
    stream = _stream.get()
    if stream is None:
        yield from items
        return
    if total is None and isinstance(items, Sized):
        total = len(items)
    if _is_terminal(stream):
        yield from tqdm(items, desc=label, total=total, file=stream, unit=" rows", leave=False)
        return
    yield from _lines(items, label, total, stream)


def _lines(items: Iterable[T], label: str, total: int | None, stream: TextIO) -> Iterator[T]:
    next_tenth, done = 1, 0
    for item in items:
        yield item
        done += 1
        if total and done * 10 >= next_tenth * total:
            stream.write(f"{label}: {done}/{total} ({next_tenth * 10}%)\n")
            stream.flush()
            next_tenth = done * 10 // total + 1
    if not total:
        stream.write(f"{label}: {done}\n")
        stream.flush()


def note(message: str) -> None:
    """A step of a long command ("reading the quotes"), when a command is reporting."""
    stream = _stream.get()
    if stream is not None:
        stream.write(message + "\n")
        stream.flush()
