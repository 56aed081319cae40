"""Close the ledger's period: every balance stored as of now, so reading them stays fast."""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.fund.services import ledger_close


class Command(MigrationhubCommand):
    help = (
        "Close the fund ledger's period: store every account's balance over the entries written "
        "so far (writers wait a moment), so that reading every balance sums only the entries "
        "after it. Run it from cron (daily or monthly); nothing changes if nothing was written."
    )

    def run(self, *args: Any, **options: Any) -> str:
        close = ledger_close(actor=None)
        return _("ledger closed at entry %(last)d (%(count)d entries)") % {
            "last": close.last_entry_id,
            "count": close.entries,
        }
