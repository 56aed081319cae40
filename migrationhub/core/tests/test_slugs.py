"""Slugs stay unique when many people create "the same" record at the same moment."""

import threading

import pytest
from django.db import connection, connections

from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.models import Practice
from migrationhub.knowledge.tests.factories import make_practice
from migrationhub.organisations.models import Organisation
from migrationhub.organisations.services import OrganisationFields, organisation_create
from migrationhub.organisations.tests.factories import make_organisation

WRITERS = 20


def _at_once(work, n: int) -> list[BaseException]:
    """Run `work(i)` in `n` threads released together; the exceptions they raised."""
    barrier, failures = threading.Barrier(n), []

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_simultaneous_creates_with_the_same_title_all_succeed(reference):
    # given
    users = [make_user() for _ in range(WRITERS)]
    org = make_organisation(admin=users[0], members=users[1:])
    # when: as many organisations and practices "Ministry of Labour" as writers, at once
    failures = _at_once(
        lambda i: organisation_create(
            actor=users[i],
            fields=OrganisationFields(
                name="Ministry of Labour", stakeholder_type="national-government", level="national"
            ),
        ),
        WRITERS,
    )
    failures += _at_once(
        lambda i: make_practice(member=users[i], organisation=org, title="Fair recruitment"),
        WRITERS,
    )
    # then
    assert failures == []
    slugs = list(
        Organisation.objects.filter(name="Ministry of Labour").values_list("slug", flat=True)
    )
    assert len(slugs) == len(set(slugs)) == WRITERS
    assert Practice.objects.filter(title="Fair recruitment").count() == WRITERS
