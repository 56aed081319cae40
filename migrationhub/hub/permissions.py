"""Who may do what in the connection hub. Views, API and services ask here.

- **Requesters** are the admins of the requesting organisation (a verified national government
  or local or regional authority): they submit, withdraw, translate and accept. Only the
  organisation's *own* admins accept a proposal (a platform admin does not answer for it).
- **Hub curators** (accounts: `is_hub_curator`, and platform admins) screen, start matching,
  propose consortia and decline.
- A request is **visible** to everyone once screened unless the requester asked to keep it
  private; before that (or when private) only to its requesters and the curators.
- Offers are public; an organisation's admins post and withdraw its offers.
"""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.accounts import permissions as account_permissions
from migrationhub.core.errors import NotFound, PermissionDenied
from migrationhub.organisations import permissions as org_permissions
from migrationhub.partnerships import permissions as partnership_permissions

from . import workflow
from .models import Offer, SupportRequest

is_curator = account_permissions.is_hub_curator
require_curator = account_permissions.require_hub_curator


def is_requester(user: Any, request: SupportRequest) -> bool:
    """An admin of the requesting organisation (platform admins included, for everything but
    accepting)."""
    return org_permissions.is_admin(user, request.requester)


def roles_of(user: Any, request: SupportRequest) -> set[str]:
    """The workflow roles `user` holds on `request` (workflow.CURATOR, workflow.REQUESTER)."""
    roles = set()
    if is_curator(user):
        roles.add(workflow.CURATOR)
    if partnership_permissions.is_own_admin(user, request.requester):
        roles.add(workflow.REQUESTER)
    return roles


def can_view(user: Any, request: SupportRequest) -> bool:
    return request.is_public or is_curator(user) or is_requester(user, request)


def can_see_matches(user: Any, request: SupportRequest) -> bool:
    """The ranked candidates are working material: curators and the requester."""
    return is_curator(user) or is_requester(user, request)


def require_requester(user: Any, request: SupportRequest) -> None:
    if not is_requester(user, request):
        raise PermissionDenied(
            _("Only administrators of %(name)s may do this.")
            % {"name": request.requester.display_name}
        )


def require_own_requester(user: Any, request: SupportRequest) -> None:
    """Accepting binds the requesting organisation: only its own admins."""
    partnership_permissions.require_own_admin(user, request.requester)


def request_for(user: Any, request: SupportRequest | None) -> SupportRequest:
    """The request if `user` may see it; not found otherwise (a private request is not
    revealed to exist)."""
    if request is None or not can_view(user, request):
        raise NotFound(_("No such request for support."))
    return request


def require_offer_admin(user: Any, offer: Offer) -> None:
    org_permissions.require_admin(user, offer.organisation)


def offer_for(offer: Offer | None) -> Offer:
    if offer is None:
        raise NotFound(_("No such offer."))
    return offer


def require_requester_org(user: Any, organisation: Any) -> None:
    """Asking for support in an organisation's name needs its admins (or a platform admin)."""
    partnership_permissions.require_lead_admin(user, organisation)


def require_offer_org_admin(user: Any, organisation: Any) -> None:
    """Posting an offer in an organisation's name needs its admins (or a platform admin)."""
    partnership_permissions.require_lead_admin(user, organisation)


def is_offer_admin(user: Any, offer: Offer) -> bool:
    return org_permissions.is_admin(user, offer.organisation)
