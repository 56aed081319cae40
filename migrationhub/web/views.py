"""Site-wide pages: home, about, error pages."""

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
            "organisation_count": organisations.organisation_count(),
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


def rate_limited(request, exception=None):
    return render(request, "web/429.html", status=429)
