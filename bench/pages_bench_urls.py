"""The site's URLs plus `/bench/minimal`: the reference of TARGETS.md, a minimal Django view
rendering a small template, served by the same gunicorn through the same middleware."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from migrationhub import urls as site_urls

SMALL = engines["django"].from_string(
    '<!doctype html><html lang="{{ CURRENT_LANGUAGE }}"><title>{{ SITE_NAME }}</title>'
    "<h1>Hello</h1><p>{{ greeting }}, {{ request.path }}</p></html>"
)


def minimal(request):
    return HttpResponse(SMALL.render({"greeting": "A small template"}, request))


# The site's own patterns stay at the root: i18n_patterns cannot be include()d.
urlpatterns = [path("bench/minimal", minimal), *site_urls.urlpatterns]
handler404, handler500 = site_urls.handler404, site_urls.handler500
