"""Who may change remittance data: the quotes, the published series and the flows are loaded by
the command line (no actor) or by a platform administrator, never by a visitor or a member."""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.errors import PermissionDenied


def may_load_data(actor: Any) -> bool:
    """The command line (`actor` None) and platform administrators (active staff)."""
    if actor is None:
        return True
    return all(
        getattr(actor, flag, False) for flag in ("is_authenticated", "is_active", "is_staff")
    )


def require_data_loader(actor: Any) -> None:
    if not may_load_data(actor):
        raise PermissionDenied(_("Only platform administrators may load remittance data."))
