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


@contribute("objective.page", order=12, depends_on=("practices",))
def objective_evidence(request: HttpRequest, objective: Any) -> Section:
    """Evaluations of the evidence library tagged with the objective (confirmed ones first)."""
    return Section(
        "knowledge/_evidence_list.html",
        {
            "evidence_list": selectors.evidence_list_for_objective(objective.number)[:10],
            "evidence_total": selectors.evidence_list_for_objective(objective.number).count(),
            "search_query": f"kind=evidence&objective={objective.number}",
        },
    )


@contribute("country.page", order=12, depends_on=("practices",))
def country_evidence(request: HttpRequest, country: Any) -> Section:
    """Evaluations covering the country (for the country page, when one renders this slot)."""
    return Section(
        "knowledge/_evidence_list.html",
        {
            "evidence_list": selectors.evidence_list_for_country(country.iso3)[:10],
            "evidence_total": selectors.evidence_list_for_country(country.iso3).count(),
            "search_query": f"kind=evidence&country={country.iso3}",
        },
    )
