"""Site-wide pages: home, about, error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from migrationhub.knowledge import selectors as knowledge
from migrationhub.organisations import selectors as organisations
from migrationhub.taxonomy import selectors as taxonomy


def home(request):
    return render(
        request,
        "web/home.html",
        {
            "practice_count": knowledge.practice_count_published(),
            # Only verified organisations: registering one does not put it on the home page.
            "organisation_count": organisations.organisation_count(verified_only=True),
            "latest": knowledge.practice_latest(6),
            "objectives": taxonomy.objective_list(),
        },
    )


def about(request):
    return render(request, "web/about.html")


def not_found(request, exception=None):
    return render(request, "web/404.html", status=404)


def server_error(request):
    return render(request, "web/500.html", status=500)


RETRY_AFTER_SECONDS = 60


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many requests (allauth's limits on sign-up, sign-in and password reset): a page that
    says so, in the visitor's language, with `Retry-After`."""
    response = render(request, "web/429.html", {"retry_after": RETRY_AFTER_SECONDS}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
