"""The site's URLs plus `/bench/search?q=…&facets=objective,country,level`.

The extra endpoint serves `search.selectors.search` through the same middleware stack as the API,
so that what is counted over HTTP can be exactly the three facets TARGETS.md names (the practices
API counts all nine and serialises full practices).
"""

from dataclasses import asdict

from django.http import JsonResponse
from django.urls import path

from migrationhub import urls as site_urls
from migrationhub.search.selectors import search


def bench_search(request):
    facets = [f for f in request.GET.get("facets", "").split(",") if f]
    result = search(request.GET.get("q"), kinds=["practice"], facets=facets, limit=20)
    return JsonResponse(
        {"total": result.total, "facets": result.facets, "hits": [asdict(h) for h in result.hits]}
    )


# The site's own patterns stay at the root: i18n_patterns cannot be include()d.
urlpatterns = [path("bench/search", bench_search), *site_urls.urlpatterns]
handler404, handler500 = site_urls.handler404, site_urls.handler500
