"""Platform-wide roles: who is a platform admin. Every app asks here rather than reading
`is_staff` itself, so the rule is one."""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.errors import PermissionDenied

from .models import User


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def require_platform_admin(user: Any) -> None:
    if not is_platform_admin(user):
        raise PermissionDenied(_("Only platform administrators may do this."))


def is_internal_reviewer(user: Any) -> bool:
    """Of the platform's review team (User.reviewer_role "internal")."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "reviewer_role", "") == User.INTERNAL
    )


def is_fund_manager(user: Any) -> bool:
    """Of the start-up fund's managers (User.fund_role "manager"): records contributions,
    checks proposals, allocates and disburses."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "fund_role", "") == User.FUND_MANAGER
    )


def is_committee_member(user: Any) -> bool:
    """Of the start-up fund's steering committee (User.fund_role "committee"): decides."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "fund_role", "") == User.FUND_COMMITTEE
    )


def is_hub_curator(user: Any) -> bool:
    """Screens support requests and proposes partners in the connection hub: a hub curator
    (User.is_hub_curator) or a platform admin."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (getattr(user, "is_hub_curator", False) or user.is_staff)
    )


def require_hub_curator(user: Any) -> None:
    if not is_hub_curator(user):
        raise PermissionDenied(_("Only hub curators may do this."))
