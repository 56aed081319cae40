"""Pages that anonymous visitors see, kept in the shared cache until the data under them changes.

A page declares the data domains it shows (`@cached_page("practices", "taxonomy")` on a view,
`@decorate_view(cached_api("practices"))` on a django-ninja read operation, plus the domains of the
contribution slots it renders, `slots=("organisation.profile",)`); a service that changes what
anonymous visitors see of a domain calls `changed("practices")`. Each domain has a *generation*
in the shared cache (Redis when REDIS_URL is set, else the database table): a random token that
`changed` replaces. A stored page records the generations of its domains and is served only
while they are all current (both read in one round trip), so a write retires exactly the pages
that show what it changed, on every app server at once, without listing their addresses
(ADR 0005).

Only what cannot differ between visitors is stored: a GET with no session cookie, no pending
messages and no `Authorization` header, answered 200 with no cookie set, no CSRF token used, no
session or message written. The key holds the method, scheme, host, full path with its query, the
active language, the values of the request headers the page varies on (htmx's) and the release
(a digest of the code). Everything else (signed-in users, forms, errors) goes through untouched, marked
`Cache-Control: private, no-store` when the request carried a session or credentials.

Each process also keeps a copy of the pages it served lately (`LOCAL_BYTES` at most): a hit on
one of them asks the shared cache for the generations only, not for the page's bytes again. The
copy is served only while its generations are the current ones, like the shared entry.

HTTP: a stored page carries a strong `ETag` (a hash of its body), `Last-Modified` (the last change
of its domains, or of the release), `Cache-Control: public, max-age=0, must-revalidate` and
`Vary: Cookie` plus the headers it varies on; a conditional GET that matches gets 304.

Generations are read before the page is rendered, so a page stored under a generation was rendered
from data at least as new as that generation. `changed` replaces the generation at once (the
writer's own transaction and tests, which never commit, see it) and again when the transaction
commits, so a page rendered from the old rows meanwhile is retired too. A generation lost from the
cache (evicted, flushed) comes back as a new random token: a miss, never a stale page. If the cache
cannot be read, the page is rendered as if it were not cached.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from .sections import slot_domains

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
T = TypeVar("T")

EVERYTHING = "*"
"""The generation every page depends on: `changed_everything()` retires every stored page."""

PUBLIC_CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
PRIVATE_CACHE_CONTROL = {"private": True, "no_store": True}
STORED_HEADERS_SKIPPED = {
    "content-length",
    "vary",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "set-cookie",
}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage (FallbackStorage's first)
LOCAL_BYTES = 16 * 1024 * 1024
"""The most bytes of pages each process keeps a copy of (`_Local`): about four hundred pages."""


def _generation_key(domain: str) -> str:
    return f"page-cache:generation:{domain}"


def _new_generation() -> str:
    """A token that no earlier generation had: the time it was made (microseconds, for
    `Last-Modified`) and 32 random bits (two writers in the same microsecond differ)."""
    return f"{time.time_ns() // 1000}.{secrets.token_hex(4)}"


def _generation_time(token: str) -> float:
    try:
        return int(token.split(".", 1)[0]) / 1_000_000
    except ValueError:
        return 0.0


def changed(*domains: str) -> None:
    """What anonymous visitors see of `domains` changes with the current transaction: retire
    every stored page that shows one of them, now and again when the transaction commits."""
    if not domains:
        return
    _replace_generations(domains)
    transaction.on_commit(functools.partial(_replace_generations, domains), robust=True)


def changed_everything() -> None:
    """Retire every stored page (a full re-index, a reference reload of every vocabulary)."""
    changed(EVERYTHING)


def _replace_generations(domains: Iterable[str]) -> None:
    known = _request_generations.get()
    if known is not None:
        known.clear()
    try:
        cache.set_many({_generation_key(d): _new_generation() for d in domains}, timeout=None)
    except Exception:  # the cache is down: pages age out with MIGRATIONHUB_PAGE_CACHE_SECONDS
        logger.exception("page cache: could not retire the pages of %s", ", ".join(domains))


# The generations read while one page is rendered (`cached_page`, `cached_api`): a page's
# selectors ask for them again and again (`memo`), and each read is a round trip to the shared
# cache. Within one render the first read stands: what is built under it is at least as new, and
# a page stored under it is retired when it changes. Outside a page (commands, tasks) every read
# asks the cache.
_request_generations: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "page_cache_generations", default=None
)


@contextmanager
def _one_read_per_render() -> Iterator[None]:
    token = _request_generations.set({})
    try:
        yield
    finally:
        _request_generations.reset(token)


def _remember(gens: dict[str, str]) -> dict[str, str]:
    known = _request_generations.get()
    if known is not None:
        for domain, generation in gens.items():
            known.setdefault(domain, generation)
        return {d: known[d] for d in gens}
    return gens


def generations(domains: Iterable[str]) -> dict[str, str]:
    """The current generation of each domain (and of `*`), making the missing ones; within the
    render of a page, the ones first read for it."""
    wanted = sorted({EVERYTHING, *domains})
    known = _request_generations.get()
    if known is not None and all(d in known for d in wanted):
        return {d: known[d] for d in wanted}
    return _remember(_read(wanted)[0])


_memo_lock = threading.Lock()
_memo: dict[Any, tuple[dict[str, str], Any]] = {}


def memo(key: Any, domains: Iterable[str], build: Callable[[], T]) -> T:
    """`build()`, kept in this process while the generations of `domains` are the ones it was
    built under: for what every request reads and only announced writes change (the reference
    vocabularies, the corridors with prices). The generations are read before building, so the
    value is at least as new as they are; `key` names the value (with the language when it is
    translated). The value is shared between requests and threads: never change it."""
    gens = generations(domains)
    with _memo_lock:
        found = _memo.get(key)
    if found is not None and found[0] == gens:
        return cast(T, found[1])
    value = build()
    with _memo_lock:
        _memo[key] = (gens, value)
    return value


GetMany = Callable[[Sequence[str]], dict[str, Any]]


def _read(
    domains: Iterable[str], *others: str, get_many: GetMany | None = None
) -> tuple[dict[str, str], dict[str, Any]]:
    """The generations of `domains` (and of `*`) and the cache entries `others`, in one round
    trip to the cache (through `get_many` when given); missing generations are made."""
    keys = {_generation_key(d): d for d in sorted({EVERYTHING, *domains})}
    found = (get_many or cache.get_many)([*keys, *others])
    for key in keys:
        if key not in found:
            # add(): when two processes make the same generation, both keep the first one's
            cache.add(key, _new_generation(), timeout=None)
            found[key] = cache.get(key) or _new_generation()
    return {d: str(found[k]) for k, d in keys.items()}, {k: found.get(k) for k in others}


@functools.cache
def release() -> str:
    """A digest of the code, templates, catalogues and static files this process runs: pages
    stored by another release are never served (a deployment needs no cache flush)."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == "data" or "__pycache__" in rel.parts or "tests" in rel.parts:
            continue
        if path.suffix in {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg"}:
            digest.update(str(rel).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _release_time() -> float:
    """When this release first served a cached page anywhere (kept in the shared cache)."""
    key = f"page-cache:release:{release()}"
    cache.add(key, time.time(), timeout=None)
    return float(cache.get(key) or time.time())


def enabled() -> bool:
    return bool(getattr(settings, "MIGRATIONHUB_PAGE_CACHE", True))


def is_personal(request: HttpRequest) -> bool:
    """The request may be answered with one person's data: it carries a session (every signed-in
    user has one), pending messages or credentials."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or MESSAGES_COOKIE in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """The response shows nothing of this visitor's own: no cookie set, no CSRF token handed
    out, nothing written to the session or the messages, no view asking to keep it private."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "added_new", False):
        return False
    control = response.get("Cache-Control", "").lower()
    return "private" not in control and "no-store" not in control


def _key(request: HttpRequest, vary: tuple[str, ...]) -> str:
    """Where the page of this request is stored. The generations are not in the key but in the
    entry (checked on every read), so that a hit is one round trip and a new render replaces the
    old entry instead of leaving it to expire."""
    parts: list[str] = [
        request.method or "GET",
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        *(f"{h}={request.headers.get(h) or ''}" for h in vary),
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"page-cache:page:{release()}:{digest}"


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


def _not_modified(request: HttpRequest, etag: str, last_modified: float) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison); else
    If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        bare = etag.removeprefix("W/")
        return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


def _public(response: HttpResponseBase, etag: str, last_modified: float) -> HttpResponseBase:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
    return response


class _Entry:
    """What is stored of a page: its body, its headers (the view's own), its validators, the
    generations it was rendered under (it is served only while they are current) and when it
    expires in the shared cache (so that no process's copy outlives it)."""

    __slots__ = ("content", "etag", "expires", "generations", "headers", "last_modified")

    def __init__(
        self,
        content: bytes,
        headers: list[tuple[str, str]],
        etag: str,
        last_modified: float,
        generations: dict[str, str],
        expires: float,
    ) -> None:
        self.content, self.headers = content, headers
        self.etag, self.last_modified = etag, last_modified
        self.generations, self.expires = generations, expires

    def __getstate__(self) -> tuple[Any, ...]:
        return (
            self.content,
            self.headers,
            self.etag,
            self.last_modified,
            self.generations,
            self.expires,
        )

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (
            self.content,
            self.headers,
            self.etag,
            self.last_modified,
            self.generations,
            self.expires,
        ) = state

    @classmethod
    def of(cls, response: HttpResponse, gens: dict[str, str]) -> _Entry:
        headers = [(k, v) for k, v in response.items() if k.lower() not in STORED_HEADERS_SKIPPED]
        last_modified = max([_release_time(), *(_generation_time(g) for g in gens.values())])
        expires = time.time() + settings.MIGRATIONHUB_PAGE_CACHE_SECONDS
        content = response.content
        return cls(content, headers, _etag(content), last_modified, gens, expires)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        return response


class _Local:
    """This process's copies of stored entries, the least recently served dropped first. An
    entry never changes once stored (a new render is a new entry), so a copy is as good as the
    shared one while its generations are current."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.lock = threading.Lock()  # gunicorn's threaded workers share it

    def get(self, key: str) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.time():  # gone from the shared cache too
                del self.entries[key]
                self.size -= len(entry.content)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: _Entry) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            if len(entry.content) > self.limit:
                return
            self.entries[key] = entry
            self.size += len(entry.content)
            while self.size > self.limit:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.content)


_local = _Local(LOCAL_BYTES)


def _stored(
    key: str, domains: Iterable[str], get_many: GetMany | None = None
) -> tuple[dict[str, str], _Entry | None]:
    """The current generations of `domains` and the entry stored under `key` if it was stored
    under them (else None). One round trip to the shared cache; a second one only when this
    process's copy of the page is retired, for an entry another process may have stored since."""
    local = _local.get(key)
    if local is None:
        gens, found = _read(domains, key, get_many=get_many)
        entry = found[key]
    else:
        gens = _read(domains, get_many=get_many)[0]
        entry = local if local.generations == gens else cache.get(key)
    gens = _remember(gens)
    if not isinstance(entry, _Entry) or entry.generations != gens:
        return gens, None
    if entry is not local:
        _local.put(key, entry)
    return gens, entry


def _serve(
    request: HttpRequest,
    render: Callable[[], HttpResponseBase],
    domains: Iterable[str],
    vary: tuple[str, ...],
    get_many: GetMany | None = None,
) -> tuple[HttpResponseBase, bool]:
    """The page from the cache, or rendered by `render` and stored when it may be; and whether
    it came from the cache (`render` was not called). `get_many`: how to make the one read of
    the shared cache (`cached_api` counts the client's rate with it)."""
    if request.method != "GET" or not enabled():
        return render(), False
    if is_personal(request):
        response = render()
        if "Cache-Control" not in response:
            patch_cache_control(response, **PRIVATE_CACHE_CONTROL)
        return response, False
    try:
        key = _key(request, vary)
        gens, entry = _stored(key, domains, get_many)
    except Exception:  # the cache is down: serve the page uncached
        logger.exception("page cache: could not read")
        return render(), False
    if entry is not None:
        if _not_modified(request, entry.etag, entry.last_modified):
            return _public(HttpResponseNotModified(), entry.etag, entry.last_modified), True
        return _public(entry.response(), entry.etag, entry.last_modified), True
    response = render()
    if not _storable(request, response):
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
            patch_cache_control(response, **PRIVATE_CACHE_CONTROL)
        return response, False
    response = cast(HttpResponse, response)
    try:
        entry = _Entry.of(response, gens)
        cache.set(key, entry, settings.MIGRATIONHUB_PAGE_CACHE_SECONDS)
        _local.put(key, entry)
    except Exception:
        logger.exception("page cache: could not store")
        return response, False
    if _not_modified(request, entry.etag, entry.last_modified):
        return _public(HttpResponseNotModified(), entry.etag, entry.last_modified), False
    return _public(response, entry.etag, entry.last_modified), False


def _domains(domains: tuple[str, ...], slots: tuple[str, ...]) -> list[str]:
    # Read at request time: apps register their sections (and what they read) at start-up.
    return [*domains, *(d for slot in slots for d in slot_domains(slot))]


def cached_page(
    *domains: str, slots: tuple[str, ...] = (), vary: tuple[str, ...] = ()
) -> Callable[[View], View]:
    """Serve the decorated page from the shared cache to anonymous visitors until one of
    `domains` (or of the sections contributed to `slots`) changes. `vary`: request headers that
    change the page (htmx's), part of the key and of `Vary`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with _one_read_per_render():
                response, _hit = _serve(
                    request, lambda: view(request, *args, **kwargs), _domains(domains, slots), vary
                )
            patch_vary_headers(response, ("Cookie", *vary))
            return response

        return cast(View, wrapper)

    return decorate


Run = Callable[..., HttpResponseBase]


def cached_api(*domains: str) -> Callable[[Run], Run]:
    """`cached_page` for a django-ninja read operation: `@decorate_view(cached_api("practices"))`.

    It wraps the operation's `run`, so a stored answer skips parsing and serialising, but not the
    operation's throttles: every answer, stored or not, counts against the client's rate. The
    first throttle that counts the request (an anonymous client's, by address) counts it in the
    same round trip as the page cache's read, and leaves its decision on the request for ninja's
    own check, so no request is counted twice.
    """

    def decorate(run: Run) -> Run:
        operation = getattr(run, "__self__", None)  # ninja decorates the operation's bound `run`

        @functools.wraps(run)
        def wrapper(request: HttpRequest, **kw: Any) -> HttpResponseBase:
            with _one_read_per_render():
                response, hit = _serve(
                    request,
                    lambda: run(request, **kw),
                    domains,
                    (),
                    _counting_read(operation, request),
                )
            if hit and operation is not None:
                throttled = operation._check_throttles(request)
                if throttled is not None:
                    return cast(HttpResponseBase, throttled)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorate


def _counting_read(operation: Any, request: HttpRequest) -> GetMany | None:
    """The first of the operation's throttles that can count `request` with the cache's read."""
    for throttle in getattr(operation, "throttle_objects", ()):
        counting = getattr(throttle, "counting_read", None)
        read = counting(request) if counting is not None else None
        if read is not None:
            return cast(GetMany, read)
    return None
