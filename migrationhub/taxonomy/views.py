"""Objective pages: each GCM objective with its actions; what other apps know of it (practices,
organisations…) comes through the `objective.page` contribution point (core.sections)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from migrationhub.core.page_cache import cached_page

from . import selectors


@cached_page("taxonomy")
def objective_list(request: HttpRequest) -> HttpResponse:
    objectives = list(selectors.objective_list())
    unofficial = any(o.label_unofficial for o in objectives)
    return render(
        request,
        "taxonomy/objective_list.html",
        {"objectives": objectives, "unofficial": unofficial},
    )


@cached_page("taxonomy", slots=("objective.page",))
def objective_detail(request: HttpRequest, number: int) -> HttpResponse:
    objective = selectors.objective_get(number)
    if objective is None:
        raise Http404
    return render(request, "taxonomy/objective_detail.html", {"objective": objective})
