"""What the directory contributes to other apps' pages (core.sections)."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.sections import Section, contribute

from . import selectors


@contribute("objective.page", order=20, depends_on=("organisations",))
def objective_organisations(request: HttpRequest, objective: Any) -> Section:
    return Section(
        "organisations/_objective_organisations.html",
        {
            "organisations": selectors.organisation_list(
                objectives=[objective.number], related=False
            )
        },
    )


@contribute("account.profile", order=10)
def account_organisations(request: HttpRequest, user: Any) -> Section:
    return Section(
        "organisations/_account_organisations.html",
        {
            "organisations": selectors.organisations_of(user),
            "invitation_count": selectors.invitations_for(user).count(),
        },
    )
