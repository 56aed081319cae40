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


def test_similar_organisations_appear_once_their_vectors_exist(reference, client, settings):
    """Vectors are computed after the organisation's transaction (a background task): a profile
    stored before them is retired when they are written, and then shows its nearest peers, on
    the page and in the API."""
    settings.MIGRATIONHUB_EMBEDDER = "hashing"
    from migrationhub.search import services as search_services
    from migrationhub.search.models import DocumentVector

    legal = make_organisation(name="Coastal legal aid", description="Legal aid for migrants")
    peer = make_organisation(name="Border legal clinic", description="Legal aid for migrants")
    make_organisation(name="Seed bank", description="Agricultural seeds for farmers")
    DocumentVector.objects.all().delete()  # as before the background task has run
    url = f"/organisations/{legal.slug}/"
    assert b"similar work" not in client.get(url).content  # stored without them
    search_services.vectors_compute(search_services.vectors_missing())
    page = client.get(url).content.decode()
    assert "similar work" in page and peer.slug in page
    answer = client.get(f"/api/v1/organisations/{legal.slug}/similar").json()
    assert answer[0]["slug"] == peer.slug and answer[0]["score"] > 0.5
    assert legal.slug not in [a["slug"] for a in answer]
    assert client.get("/api/v1/organisations/nobody/similar").status_code == 404
