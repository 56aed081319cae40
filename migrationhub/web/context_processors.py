"""What every page needs: the language list and links, the text direction, the site name."""

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi


def language_links(request: HttpRequest) -> list[tuple[str, str, str]]:
    """(code, name, address of this page in that language), for the header's language links.

    Plain links rather than a form: they work without JavaScript, and a page holds no CSRF
    token, so that the same page can be served to every anonymous visitor (core.page_cache).
    """
    here = request.get_full_path()
    return [(code, name, translate_url(here, code)) for code, name in settings.LANGUAGES]


def site(request):
    return {
        "SITE_NAME": "MigrationHub",
        "LANGUAGES_UN": settings.LANGUAGES,
        # A callable: the template engine calls it only on pages that show the links.
        "LANGUAGE_LINKS": functools.partial(language_links, request),
        "CURRENT_LANGUAGE": get_language(),
        "TEXT_DIRECTION": "rtl" if get_language_bidi() else "ltr",
    }
