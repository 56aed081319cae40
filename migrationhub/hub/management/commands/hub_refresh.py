from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.hub.services import offers_refresh


class Command(MigrationhubCommand):
    help = (
        "Daily: re-index the offers whose end date has passed, so the offers board files them "
        "under 'ended' (days pass without a write)."
    )

    def run(self, *args: Any, **options: Any) -> str:
        return _("offers re-indexed: %(n)d") % {"n": offers_refresh()}
