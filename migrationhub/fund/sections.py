"""What the fund contributes to lower apps: its commitments and disbursements to a partnership,
as transactions of the partnership's IATI activity (hook "partnership.iati_transactions")."""

from typing import Any

from migrationhub.core.hooks import provide

from . import selectors


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
