"""Reports as PDF (WeasyPrint on Pango: Arabic shaped right to left, Chinese with the Debian
fonts that `.ci/run` installs and the README lists for `make run`).

WeasyPrint takes a second or two per report, so a PDF must not be a way to load the server, nor
make a visitor wait more than once:
- a rendered PDF is stored in the shared cache per report, language and version of the facts it
  was made from, so every visitor after the first gets the stored file;
- after the data changes, a download gets the last stored PDF of that report and language while
  the new one is rendered on the task queue (`review.tasks.review_pdf_render`; at once in
  development and tests, which then get the new one): only a report never downloaded before is
  rendered in the request;
- a client (by address, which `core.middleware` has made trustworthy) may make the server render
  at most `RENDERS_PER_MINUTE` PDFs a minute, in the request or queued (stored ones are free):
  429 beyond, or the last stored PDF without a new render queued;
- a process renders at most `CONCURRENT_RENDERS` at once; a request that cannot start within
  `WAIT_SECONDS` gets 503 rather than piling up workers.
The document fetches nothing: every resource is inline (the SVG charts), and the URL fetcher
refuses all, so a hostile value in a report cannot make the server request a URL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from migrationhub.core.errors import ApplicationError

from . import selectors
from .errors import Code

RENDERS_PER_MINUTE = 6
CONCURRENT_RENDERS = 2
WAIT_SECONDS = 10
STORED_SECONDS = 24 * 3600

_renders = threading.BoundedSemaphore(CONCURRENT_RENDERS)


class RateLimited(ApplicationError):
    status = 429
    code = Code.PDF_RATE_LIMITED


class Busy(ApplicationError):
    status = 503
    code = Code.PDF_BUSY


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the report fetches nothing: {url[:60]}")


def render(html: str, base_url: str = "") -> bytes:
    """HTML → PDF bytes, fetching nothing."""
    from weasyprint import HTML  # imported on first use: Pango loads slowly
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            return _refuse(url)

    fetcher = Refuse(allowed_protocols=())
    return bytes(HTML(string=html, base_url=base_url or None, url_fetcher=fetcher).write_pdf())


def _key(version: str, kind: str, code: str, language: str) -> str:
    return f"review:pdf:{version}:{kind}:{code}:{language}"


def _latest(kind: str, code: str, language: str) -> str:
    return f"review:pdf-latest:{kind}:{code}:{language}"


def _store(version: str, kind: str, code: str, language: str, body: bytes) -> None:
    cache.set(_key(version, kind, code, language), body, timeout=STORED_SECONDS)
    cache.set(_latest(kind, code, language), version, timeout=STORED_SECONDS)


def _allowed(client: str) -> bool:
    """Count one render for `client` this minute; False beyond `RENDERS_PER_MINUTE`."""
    window = f"review:pdf-rate:{client}:{int(time.time() // 60)}"
    cache.add(window, 0, timeout=120)
    try:
        made = cache.incr(window)
    except ValueError:  # expired between add and incr
        made = 1
    return made <= RENDERS_PER_MINUTE


def report_pdf(
    report: selectors.Report,
    *,
    language: str,
    client: str,
    render_html: Callable[[], str],
    base_url: str = "",
) -> bytes:
    """The stored PDF of `report`, else the last stored one of the same report while a new one
    is rendered in the background, else a new one within the limits above."""
    # the version of the facts the report was made from (older than the data while they are
    # refreshed after a write: the stored PDF then says what it shows)
    kind, code, version = report.kind, report.code, report.version
    key = _key(version, kind, code, language)
    stored = cache.get(key)
    if stored is not None:
        return bytes(stored)
    previous = cache.get(_latest(kind, code, language))
    older = cache.get(_key(previous, kind, code, language)) if previous else None
    if older is not None:
        rendering = f"review:pdf-rendering:{key}"
        if _allowed(client) and cache.add(rendering, 1, timeout=STORED_SECONDS // 24):
            from .tasks import review_pdf_render

            review_pdf_render.enqueue(kind, code, language, base_url)
        stored = cache.get(key)  # a queue that runs tasks at once has rendered it
        return bytes(stored if stored is not None else older)
    if not _allowed(client):
        raise RateLimited(_("Too many reports rendered from your address: try again in a minute."))
    if not _renders.acquire(timeout=WAIT_SECONDS):
        raise Busy(_("The server is busy rendering reports: try again in a minute."))
    try:
        stored = cache.get(key)
        if stored is not None:
            return bytes(stored)
        body = render(render_html(), base_url)
    finally:
        _renders.release()
    _store(version, kind, code, language, body)
    return body


def render_stored(kind: str, code: str, language: str, base_url: str = "") -> str:
    """Render the report of `kind`/`code` in `language` from the current facts and store it (the
    task queue's work after the data changed); returns the version rendered, "" if none."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from .views import _report_context

    selectors.settle()
    with translation.override(language):
        report = selectors.report(kind, code)
        if report is None:
            return ""
        html = render_to_string("review/report_pdf.html", _report_context(report))
    with _renders:
        body = render(html, base_url)
    _store(report.version, kind, code, language, body)
    return report.version
