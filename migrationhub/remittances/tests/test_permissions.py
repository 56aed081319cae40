"""Who may load remittance data: the command line and platform administrators, nobody else."""

import pytest
from django.contrib.auth.models import AnonymousUser

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import PermissionDenied
from migrationhub.remittances import permissions, services
from migrationhub.remittances.models import Quote, QuoteImport
from migrationhub.remittances.tests.factories import USA_MEX, collector_lines, row

pytestmark = pytest.mark.django_db


def test_the_command_line_and_administrators_may_load_data(reference):
    assert permissions.may_load_data(None)
    assert permissions.may_load_data(make_admin())


def test_visitors_and_members_may_not(reference):
    assert not permissions.may_load_data(AnonymousUser())
    assert not permissions.may_load_data(make_user())
    former_admin = make_admin()
    former_admin.is_active = False
    assert not permissions.may_load_data(former_admin)


def test_every_loading_service_checks(reference):
    # given a signed-in member who is no administrator
    member = make_user()
    lines = collector_lines([row(**r) for r in USA_MEX])
    # when / then each service refuses before it reads or writes anything
    for load in (
        lambda: services.quotes_import_file(
            actor=member, lines=lines, layout="collector", source="NSO"
        ),
        lambda: services.quotes_import(actor=member, records=[], source="NSO"),
        lambda: services.published_series_load(actor=member, lines=[]),
        lambda: services.flows_load(actor=member, inflows=[], outflows=[], bilateral=[]),
    ):
        with pytest.raises(PermissionDenied):
            load()
    assert not Quote.objects.exists() and not QuoteImport.objects.exists()
    # and an administrator's import is recorded as theirs
    admin = make_admin()
    services.quotes_import_file(actor=admin, lines=lines, layout="collector", source="NSO")
    assert QuoteImport.objects.get().actor == admin
