"""Organisation pages in the page cache: an update retires the directory and the profile, and
nothing of another domain."""

from dataclasses import replace

import pytest

from migrationhub.accounts.tests.factories import make_user
from migrationhub.core import page_cache
from migrationhub.organisations import services
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_an_update_invalidates_the_directory_and_the_profile_not_the_remittance_pages(
    reference, client, django_assert_num_queries
):
    # given the directory, the profile and a remittance page are stored
    admin = make_user()
    org = make_organisation(admin=admin, name="Coastal Migrant Centre", description="Old text")
    pages = ["/organisations/", f"/organisations/{org.slug}/", "/api/v1/organisations/"]
    for url in pages:
        client.get(url)
    client.get("/remittances/")
    remittances = page_cache.generations(["remittances"])
    # when its admin changes the description
    services.organisation_update(
        actor=admin,
        organisation=org,
        fields=replace(services.OrganisationFields.of(org), description="Legal aid on the coast"),
    )
    # then the organisation's pages show it at once
    assert b"Legal aid on the coast" in client.get(f"/organisations/{org.slug}/").content
    assert b"Legal aid on the coast" in client.get("/api/v1/organisations/").content
    # and the remittance pages are still served from the cache, untouched
    assert page_cache.generations(["remittances"])["remittances"] == remittances["remittances"]
    with django_assert_num_queries(0):
        assert client.get("/remittances/").status_code == 200


def test_verification_shows_in_the_directory_at_once(reference, client):
    from migrationhub.accounts.tests.factories import make_admin

    org = make_organisation(admin=make_user(), name="Inland Returnees Network")
    assert b"badge-verified" not in client.get(f"/organisations/{org.slug}/").content
    services.organisation_verify(actor=make_admin(), organisation=org, evidence="Registry entry")
    assert b"badge-verified" in client.get(f"/organisations/{org.slug}/").content
