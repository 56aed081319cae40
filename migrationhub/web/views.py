"""Site-wide pages: home, about, error pages (in the API's JSON shape under /api/)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from migrationhub.core.errors import Code
from migrationhub.core.page_cache import cached_page
from migrationhub.knowledge import selectors as knowledge
from migrationhub.organisations import selectors as organisations
from migrationhub.taxonomy import selectors as taxonomy


@cached_page("practices", "organisations", "taxonomy")
def home(request: HttpRequest) -> HttpResponse:
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


@cached_page()
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


def _operator() -> dict[str, str]:
    return {
        "operator": settings.MIGRATIONHUB_OPERATOR,
        "contact": settings.MIGRATIONHUB_CONTACT_EMAIL,
    }


@cached_page()
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html", _operator())


@cached_page()
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "web/terms.html", _operator())


@cached_page()
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "web/contact.html", _operator())


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(Code.HTTP_ERROR, _("The request is not valid."), 400)
    return render(request, "web/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(Code.PERMISSION_DENIED, _("You may not do this."), 403)
    return render(request, "web/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(
            Code.NOT_FOUND,
            _("No such address in the API: see /api/v1/ for what there is."),
            404,
        )
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(Code.APPLICATION_ERROR, _("Something went wrong on our side."), 500)
    return render(request, "web/500.html", status=500)


RETRY_AFTER_SECONDS = 60


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many requests (allauth's limits on sign-up, sign-in and password reset): a page that
    says so, in the visitor's language, with `Retry-After`."""
    response = render(request, "web/429.html", {"retry_after": RETRY_AFTER_SECONDS}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
