"""Concurrent writers cannot overdraw: 50 allocation attempts at once against one pool on
PostgreSQL (real transactions, one connection per thread)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from migrationhub.core.errors import ValidationFailed
from migrationhub.fund import selectors, services
from migrationhub.fund.errors import Code
from migrationhub.fund.models import Allocation
from migrationhub.partnerships.tests.factories import make_partnership

from .factories import check_fields, make_committee, make_contribution, make_manager, make_proposal

WRITERS = 50


def _at_once(work, n: int) -> tuple[list[object], list[BaseException]]:
    """Run `work(i)` in `n` threads released together: their results and exceptions."""
    barrier, results, failures = threading.Barrier(n), [], []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failures


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_fifty_concurrent_allocations_never_overdraw_and_lose_none(reference):
    # given: 1,000 USD in the pool and 50 approved proposals asking 30 each
    manager, committee = make_manager(), make_committee()
    make_contribution(manager=manager, amount="1000")
    partnership = make_partnership()
    proposals = []
    for _ in range(WRITERS):
        p = make_proposal(partnership=partnership, amount=Decimal("30"))
        p = services.proposal_check(actor=manager, proposal=p, fields=check_fields())
        proposals.append(
            services.proposal_decide(actor=committee, proposal=p, approve=True, reason="Fits.")
        )
    # when: all allocate at once
    made, failures = _at_once(
        lambda i: services.allocation_create(
            actor=manager, proposal=proposals[i], amount=Decimal("30")
        ),
        WRITERS,
    )
    # then: exactly the 33 that fit passed; the others were refused as insufficient, nothing else
    assert len(made) == 33
    assert len(failures) == WRITERS - 33
    assert all(
        isinstance(f, ValidationFailed) and f.code == Code.INSUFFICIENT_FUNDS for f in failures
    ), failures[:3]
    [pool] = selectors.pool_balances()
    assert pool.unallocated == Decimal("10") and pool.allocated == Decimal("990")
    assert Allocation.objects.filter(movement__isnull=False).count() == 33
