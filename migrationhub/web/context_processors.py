"""What every page needs: the language list and links, the text direction, the site name."""

import functools
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_bidi, override


def language_links(request: HttpRequest) -> list[tuple[str, str, str]]:
    """(code, name, address of this page in that language), for the header's language links.

    Plain links rather than a form: they work without JavaScript, and a page holds no CSRF
    token, so that the same page can be served to every anonymous visitor (core.page_cache).
    What `translate_url` gives, from the address Django resolved for this request rather than
    resolving it again for each of the six languages.
    """
    here = request.get_full_path()
    match = request.resolver_match
    if match is None or not match.url_name:
        return [(code, name, translate_url(here, code)) for code, name in settings.LANGUAGES]
    view = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    parsed = urlsplit(here)
    links = []
    for code, name in settings.LANGUAGES:
        with override(code):
            try:
                path = reverse(view, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                links.append((code, name, here))
                continue
        links.append((code, name, urlunsplit(("", "", path, parsed.query, parsed.fragment))))
    return links


def site(request):
    return {
        "SITE_NAME": "MigrationHub",
        "LANGUAGES_UN": settings.LANGUAGES,
        # A callable: the template engine calls it only on pages that show the links.
        "LANGUAGE_LINKS": functools.partial(language_links, request),
        "CURRENT_LANGUAGE": get_language(),
        "TEXT_DIRECTION": "rtl" if get_language_bidi() else "ltr",
    }
