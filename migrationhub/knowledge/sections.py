"""What the knowledge platform contributes to other apps' pages (core.sections)."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.sections import Section, contribute

from . import selectors

EVIDENCE_CARDS = 10


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
    cards, total = selectors.evidence_cards_for_objective(objective.number, EVIDENCE_CARDS)
    return Section(
        "knowledge/_evidence_list.html",
        {
            "evidence_list": cards,
            "evidence_total": total,
            "search_query": f"kind=evidence&objective={objective.number}",
        },
    )


@contribute("country.page", order=12, depends_on=("practices",))
def country_evidence(request: HttpRequest, country: Any) -> Section:
    """Evaluations covering the country (for the country page, when one renders this slot)."""
    cards, total = selectors.evidence_cards_for_country(country.iso3, EVIDENCE_CARDS)
    return Section(
        "knowledge/_evidence_list.html",
        {
            "evidence_list": cards,
            "evidence_total": total,
            "search_query": f"kind=evidence&country={country.iso3}",
        },
    )
