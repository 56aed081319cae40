"""Who may do what in the start-up fund (ADR 0010). Views, API and services ask here.

- **Fund managers** (accounts: `fund_role` "manager") record contributions, quality-check
  proposals, allocate, disburse and post reversals.
- **Steering committee members** (`fund_role` "committee") decide on checked proposals.
- **Nobody checks or decides on a proposal from their own organisation**: the submitting
  organisation, or any organisation active in the partnership it is for.
- A partnership's **admins** (partnerships.permissions) submit concept notes and report
  expenditure for it.
- Everyone reads the public financial table, the ledger, the approved pipeline and funded
  proposals; proposals still in screening are seen by the fund's roles and the partnership's
  admins only.
"""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.accounts import permissions as account_permissions
from migrationhub.core.errors import NotFound, PermissionDenied
from migrationhub.organisations import permissions as org_permissions
from migrationhub.partnerships import permissions as partnership_permissions

from .errors import Code
from .models import Proposal


def is_manager(user: Any) -> bool:
    return account_permissions.is_fund_manager(user)


def is_committee(user: Any) -> bool:
    return account_permissions.is_committee_member(user)


def require_manager(user: Any) -> None:
    if not is_manager(user):
        raise PermissionDenied(_("Only the fund's managers may do this."))


def require_committee(user: Any) -> None:
    if not is_committee(user):
        raise PermissionDenied(_("Only members of the fund's steering committee may decide."))


def own_organisation_ids(user: Any, proposal: Proposal) -> set[int]:
    """The organisations behind `proposal` (its submitter, the partnership's active members)
    that `user` belongs to."""
    mine = org_permissions.organisation_ids_of(user)
    behind = {proposal.organisation_id} | partnership_permissions.reporting_organisation_ids(
        user, proposal.partnership
    )
    return mine & behind


def require_independent(user: Any, proposal: Proposal) -> None:
    if own_organisation_ids(user, proposal):
        raise PermissionDenied(
            _("Nobody checks or decides on a proposal from their own organisation."),
            code=Code.CONFLICT_OF_INTEREST,
        )


def is_partnership_admin(user: Any, partnership: Any) -> bool:
    return partnership_permissions.is_partnership_admin(user, partnership)


def require_partnership_admin(user: Any, partnership: Any) -> None:
    partnership_permissions.require_partnership_admin(user, partnership)


def can_see(user: Any, proposal: Proposal) -> bool:
    """Approved and funded proposals are public; the others are seen by the fund's roles and
    the partnership's admins."""
    return (
        proposal.status in Proposal.PUBLIC_STATUSES
        or is_manager(user)
        or is_committee(user)
        or is_partnership_admin(user, proposal.partnership)
    )


def proposal_for(user: Any, proposal: Proposal | None) -> Proposal:
    """`proposal` if `user` may see it; NotFound otherwise (no leak of its existence)."""
    if proposal is None or not can_see(user, proposal):
        raise NotFound(_("No such proposal."))
    return proposal
