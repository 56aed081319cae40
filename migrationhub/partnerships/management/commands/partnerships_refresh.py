from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.partnerships.services import partnerships_refresh, partnerships_remind


class Command(MigrationhubCommand):
    help = (
        "Daily: recompute every partnership's stored scorecard and the status light of every "
        "partnership and pledge (days pass without a report), then e-mail the admins of "
        "partnerships whose report is overdue or which are inactive (at most once every 30 days)."
    )

    def run(self, *args: Any, **options: Any) -> str:
        changed = partnerships_refresh()
        reminded = partnerships_remind()
        return _(
            "refreshed: %(partnerships)d partnership(s) and %(pledges)d pledge(s) changed; "
            "reminders sent for %(reminded)d partnership(s)"
        ) % {**changed, "reminded": reminded}
