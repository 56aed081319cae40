"""What the partnership registry contributes to other apps' pages (core.sections)."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.sections import Section, contribute

from . import selectors

CARDS = 12


@contribute("organisation.profile", order=20, depends_on=("partnerships",))
def organisation_partnerships(request: HttpRequest, organisation: Any) -> Section:
    return Section(
        "partnerships/_organisation_partnerships.html",
        {"partnerships": selectors.partnerships_for_organisation(organisation)[:CARDS]},
    )


@contribute("objective.page", order=15, depends_on=("partnerships", "organisations"))
def objective_partnerships(request: HttpRequest, objective: Any) -> Section:
    return Section(
        "partnerships/_objective_partnerships.html",
        {
            "objective": objective,
            "partnerships": selectors.partnerships_for_objective(objective.number)[:CARDS],
        },
    )
