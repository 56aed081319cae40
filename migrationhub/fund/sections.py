"""What the fund contributes to lower apps: an organisation's contributions on its profile
(core.sections), and its commitments and disbursements to a partnership as transactions of the
partnership's IATI activity (core.hooks, "partnership.iati_transactions")."""

from typing import Any

from django.http import HttpRequest

from migrationhub.core.hooks import provide
from migrationhub.core.sections import Section, contribute

from . import selectors


@contribute("organisation.profile", order=40, depends_on=("fund",))
def organisation_fund(request: HttpRequest, organisation: Any) -> Section | None:
    """The organisation's contributions to the start-up fund, if any."""
    rows = selectors.contributions_of(organisation)
    if not rows:
        return None
    return Section("fund/_organisation_fund.html", {"fund_rows": rows})


@provide("partnership.iati_transactions")
def partnership_iati_transactions(partnership: Any) -> list[dict[str, Any]]:
    """Commitments (type 2) and disbursements (type 3) from the fund; reversals negative."""
    return [
        {
            "type": f.type,
            "date": f.date,
            "amount": f.amount,
            "currency": f.currency,
            "provider": f.provider,
            "receiver": f.receiver,
            "description": f.description,
        }
        for f in selectors.partnership_flows(partnership)
    ]
