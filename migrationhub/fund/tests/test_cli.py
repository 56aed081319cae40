"""The contributions import: all or nothing, every bad row reported."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from migrationhub.fund import selectors
from migrationhub.fund.models import Contribution
from migrationhub.partnerships.tests.factories import make_org

from .factories import make_manager

pytestmark = pytest.mark.django_db


def test_a_file_is_imported_all_or_nothing(reference, tmp_path, capsys):
    manager = make_manager()
    a, b = make_org(), make_org()
    good = tmp_path / "contributions.csv"
    good.write_text(
        "contributor,amount,currency,date,earmark,status,reference\n"
        f"{a.slug},1000.50,USD,2026-01-10,none,deposited,REF-1\n"
        f"{b.slug},250,EUR,2026-02-01,objective-6,pledged,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "contributor,amount,currency,date,earmark,status\n"
        f"{a.slug},1000.50,USD,2026-01-10,none,deposited\n"
        f"{b.slug},12.345,USD,2026-01-10,none,deposited\n"
        "nobody,10,XXX,2026-99-01,none,given\n",
        encoding="utf-8",
    )
    # a bad file writes nothing and names every bad row
    with pytest.raises(CommandError) as refused:
        call_command("fund_import_contributions", str(bad), "--as", manager.email)
    message = str(refused.value)
    assert "row 2" in message and "row 3" in message and "row 1" not in message
    assert Contribution.objects.count() == 0
    # a good one writes all
    call_command("fund_import_contributions", str(good), "--as", manager.email)
    assert Contribution.objects.count() == 2
    [pool] = selectors.pool_balances()
    assert (pool.currency, pool.unallocated) == ("USD", Decimal("1000.50"))
