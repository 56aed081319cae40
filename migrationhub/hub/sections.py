"""What the connection hub contributes to other apps' pages (core.sections): an organisation's
open offers on its profile."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.sections import Section, contribute

from . import selectors

CARDS = 12


@contribute("organisation.profile", order=30, depends_on=("hub",))
def organisation_offers(request: HttpRequest, organisation: Any) -> Section | None:
    offers = list(selectors.offers_of_organisation(organisation)[:CARDS])
    if not offers:
        return None
    return Section("hub/_organisation_offers.html", {"offers": offers})
