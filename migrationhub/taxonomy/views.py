"""Objective pages: each GCM objective with its actions, practices and organisations."""

from django.http import Http404
from django.shortcuts import render

from migrationhub.knowledge.selectors import practice_list_for_objective
from migrationhub.organisations.selectors import organisation_list

from . import selectors


def objective_list(request):
    return render(
        request, "taxonomy/objective_list.html", {"objectives": selectors.objective_list()}
    )


def objective_detail(request, number: int):
    objective = selectors.objective_get(number)
    if objective is None:
        raise Http404
    return render(
        request,
        "taxonomy/objective_detail.html",
        {
            "objective": objective,
            "practices": practice_list_for_objective(number),
            "organisations": organisation_list(objectives=[number]),
        },
    )
