"""Reports as PDF (WeasyPrint on Pango: Arabic shaped right to left, Chinese with the Debian
fonts that `.ci/run` installs and the README lists for `make run`).

WeasyPrint takes about a second per report, so a PDF must not be a way to load the server:
- a rendered PDF is stored in the shared cache per report, language and data version (the
  version of the facts it was made from), so every visitor after the first gets the
  stored file until the data changes;
- a client (by address, which `core.middleware` has made trustworthy) may make the server render
  at most `RENDERS_PER_MINUTE` PDFs a minute (stored ones are free): 429 beyond;
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


def report_pdf(
    report: selectors.Report,
    *,
    language: str,
    client: str,
    render_html: Callable[[], str],
    base_url: str = "",
) -> bytes:
    """The stored PDF of `report`, or a new one within the limits above."""
    # the version of the facts the report was made from (older than the data while they are
    # refreshed after a write: the stored PDF then says what it shows)
    key = f"review:pdf:{report.version}:{report.kind}:{report.code}:{language}"
    stored = cache.get(key)
    if stored is not None:
        return bytes(stored)
    window = f"review:pdf-rate:{client}:{int(time.time() // 60)}"
    cache.add(window, 0, timeout=120)
    try:
        made = cache.incr(window)
    except ValueError:  # expired between add and incr
        made = 1
    if made > RENDERS_PER_MINUTE:
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
    cache.set(key, body, timeout=STORED_SECONDS)
    return body
