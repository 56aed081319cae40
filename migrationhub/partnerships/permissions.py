"""Who may do what in a partnership (ADR 0006). Views, API and services ask here.

- A partnership's **admins** are the admins of its lead organisation (and platform admins):
  they edit it, invite organisations, set goals and outputs.
- An organisation joins, leaves, sets its own roles, commits resources and co-signs a pledge
  only through **its own admins**: platform admins included, nobody else answers for it
  (no organisation is added to a partnership, or to a pledge, without its consent).
- **Members** report progress: anyone belonging to an active member organisation, in its name.
- Everyone may read every partnership and pledge: the registry is public.
"""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.errors import NotFound, PermissionDenied
from migrationhub.organisations import permissions as org_permissions
from migrationhub.organisations import selectors as org_selectors

from .models import Member, Partnership, Pledge


def is_partnership_admin(user: Any, partnership: Partnership) -> bool:
    return org_permissions.is_admin(user, partnership.lead)


def require_partnership_admin(user: Any, partnership: Partnership) -> None:
    if not is_partnership_admin(user, partnership):
        raise PermissionDenied(
            _("Only administrators of the lead organisation may change this partnership.")
        )


def is_own_admin(user: Any, organisation: Any) -> bool:
    """`user` is an admin of `organisation` itself (a platform admin is not, unless they are)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return str(user.email).lower() in {e.lower() for e in org_selectors.admin_emails(organisation)}


def require_own_admin(user: Any, organisation: Any) -> None:
    if not is_own_admin(user, organisation):
        raise PermissionDenied(
            _("Only an administrator of %(name)s may answer for it.")
            % {"name": organisation.display_name}
        )


def require_lead_admin(user: Any, organisation: Any) -> None:
    """Acting in an organisation's name (registering a partnership it leads, a pledge it makes)
    needs its admins (or a platform admin)."""
    if not org_permissions.is_admin(user, organisation):
        raise PermissionDenied(
            _("Only an administrator of %(name)s may act in its name.")
            % {"name": organisation.display_name}
        )


def reporting_organisation_ids(user: Any, partnership: Partnership) -> set[int]:
    """The active member organisations of `partnership` that `user` belongs to (prefetched
    members)."""
    mine = org_permissions.organisation_ids_of(user)
    return {
        m.organisation_id
        for m in partnership.members.all()
        if m.status == Member.ACTIVE and m.organisation_id in mine
    }


def can_report(user: Any, partnership: Partnership) -> bool:
    return bool(reporting_organisation_ids(user, partnership))


def require_reporter(user: Any, partnership: Partnership, organisation: Any) -> None:
    if organisation.pk not in reporting_organisation_ids(user, partnership):
        raise PermissionDenied(
            _("Only people of an active member organisation report progress, in its name.")
        )


def is_pledge_admin(user: Any, pledge: Pledge) -> bool:
    return org_permissions.is_admin(user, pledge.lead)


def require_pledge_admin(user: Any, pledge: Pledge) -> None:
    if not is_pledge_admin(user, pledge):
        raise PermissionDenied(
            _("Only administrators of the pledging organisation may change this pledge.")
        )


def partnership_for(partnership: Partnership | None) -> Partnership:
    if partnership is None:
        raise NotFound(_("No such partnership."))
    return partnership


def pledge_for(pledge: Pledge | None) -> Pledge:
    if pledge is None:
        raise NotFound(_("No such pledge."))
    return pledge
