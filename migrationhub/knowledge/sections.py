"""What the knowledge platform contributes to other apps' pages (core.sections)."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.sections import Section, contribute

from . import selectors


@contribute("objective.page", order=10, depends_on=("practices", "organisations"))
def objective_practices(request: HttpRequest, objective: Any) -> Section:
    return Section(
        "knowledge/_objective_practices.html",
        {
            "objective": objective,
            "practices": selectors.practice_list_for_objective(objective.number),
        },
    )


@contribute("organisation.profile", order=10, depends_on=("practices",))
def organisation_practices(request: HttpRequest, organisation: Any) -> Section:
    return Section(
        "knowledge/_practice_cards.html",
        {"practices": selectors.practice_list_for_organisation(organisation)},
    )
