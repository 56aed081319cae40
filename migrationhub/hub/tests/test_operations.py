"""Operating the hub: the curator role from the command line, the daily offers refresh, query
counts that do not grow with the lists, and two people accepting at once."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from migrationhub.accounts.selectors import user_get_by_email
from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import ApplicationError
from migrationhub.hub import selectors, services, workflow
from migrationhub.partnerships.tests.factories import make_org

from .factories import make_curator, make_request, offer_fields, screened

pytestmark = pytest.mark.django_db


def test_curators_are_named_and_withdrawn_from_the_command_line(reference):
    admin = make_admin()
    user = make_user()
    call_command("hub_curator", "grant", user.email, "--as", admin.email)
    assert user_get_by_email(user.email).is_hub_curator
    call_command("hub_curator", "withdraw", user.email, "--as", admin.email, "--reason", "left")
    assert not user_get_by_email(user.email).is_hub_curator


def test_the_daily_refresh_files_ended_offers_under_ended(reference):
    org = make_org()
    offer = services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    assert selectors.offer_search(None, {"status": ["open"]}).total == 1
    assert services.offers_refresh() == 0
    assert services.offers_refresh(today=offer.ends_on + dt.timedelta(days=1)) == 1
    assert selectors.offer_search(None, {"status": ["ended"]}).total == 1


def test_lists_take_a_fixed_number_of_queries(client, reference, django_assert_max_num_queries):
    for _ in range(3):
        screened(make_request())
    org = make_org()
    for _ in range(3):
        services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    with django_assert_max_num_queries(20):
        assert client.get(reverse("hub:index")).status_code == 200
    for _ in range(5):
        screened(make_request())
        services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    with django_assert_max_num_queries(20):
        assert client.get(reverse("hub:index")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("hub:offers")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_make_one_partnership(reference):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers itself")
    for kind in ("civil-society", "academia", "private-sector"):
        make_org(stakeholder_type=kind, objectives=[6])
    curator = make_curator()
    request = screened(make_request(), curator)
    services.request_transition(actor=curator, request=request, to=workflow.MATCHING)
    proposal = services.proposal_create(actor=curator, request=request, size=3)
    outcomes: list[str] = []

    def accept():
        try:
            services.proposal_accept(actor=request.test_admin, proposal=proposal)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "proposal_not_open"]
