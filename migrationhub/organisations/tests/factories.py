import itertools

from migrationhub.organisations.models import Membership, Organisation
from migrationhub.organisations.services import OrganisationFields, organisation_create

_seq = itertools.count(1)


def make_organisation(*, admin=None, members=(), **data) -> Organisation:
    n = next(_seq)
    payload = {
        "name": f"Organisation {n}",
        "stakeholder_type": "civil-society",
        "level": "national",
        **data,
    }
    org = organisation_create(actor=admin, fields=OrganisationFields(**payload))
    for user in members:
        Membership.objects.get_or_create(organisation=org, user=user)
    return org
