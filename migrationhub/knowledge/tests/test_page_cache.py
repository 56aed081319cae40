"""Practice pages in the page cache: a publication shows at once, a draft never leaks, and a
member's view of their own work is never stored for anyone else."""

import pytest

from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge import services
from migrationhub.knowledge.tests.factories import make_practice, make_published, practice_fields
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

PUBLIC = ("/", "/practices/", "/practices/?q=recruitment", "/api/v1/practices/")


def test_a_published_practice_appears_on_the_cached_pages_at_once(reference, client):
    # given every public list is stored
    for url in PUBLIC:
        assert b"Orchard visas for seasonal workers" not in client.get(url).content
    # when a practice is published through peer review
    practice = make_published(title="Orchard visas for seasonal workers on recruitment")
    # then every list shows it at once, and its page is public
    for url in PUBLIC:
        assert b"Orchard visas for seasonal workers" in client.get(url).content, url
    assert client.get(f"/practices/{practice.slug}/").status_code == 200


def test_a_draft_never_shows_on_a_cached_page(reference, client):
    # given a published practice whose pages are stored, and a draft of another
    published = make_published(title="Published recruitment code")
    member = make_user()
    draft = make_practice(member=member, title="Secret draft on recruitment")
    pages = [*PUBLIC, f"/practices/{published.slug}/", f"/api/v1/practices/{published.slug}"]
    for url in pages:
        client.get(url)
    # when the draft is edited, and a member views it
    services.practice_update(
        actor=member, practice=draft, fields=practice_fields(title="Still a secret draft")
    )
    member_client = client_for(member)
    assert b"Still a secret draft" in member_client.get(f"/practices/{draft.slug}/").content
    # then no anonymous page shows it, and its own address is not found
    for url in pages:
        assert b"secret draft" not in client.get(url).content.lower(), url
    assert client.get(f"/practices/{draft.slug}/").status_code == 404
    assert client.get(f"/api/v1/practices/{draft.slug}").status_code == 404


def client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_a_signed_in_member_never_gets_the_anonymous_page_nor_gives_theirs(reference, client):
    # given a member of an organisation with a draft
    member = make_user(email="amina.member@example.org")
    organisation = make_organisation(admin=member, name="Harbour Workers Union")
    make_practice(member=member, organisation=organisation, title="Draft of the union")
    published = make_published(organisation=organisation, member=member, title="Union helpline")
    detail = f"/practices/{published.slug}/"
    # when an anonymous visitor's pages are stored first
    anonymous = client.get(detail).content
    member_client = client_for(member)
    mine = member_client.get(detail)
    # then the member gets their own page (with what only they see), not the stored one
    assert mine.content != anonymous and b"My work" in mine.content
    assert mine["Cache-Control"] == "private, no-store"
    # and what the member saw is never served to the next anonymous visitor
    for url in (detail, "/practices/", f"/organisations/{organisation.slug}/"):
        member_client.get(url)
        body = client.get(url).content
        assert b"My work" not in body and b"Draft of the union" not in body, url
        assert b"amina.member@example.org" not in body, url


def test_only_writes_that_change_public_pages_retire_them(reference):
    from migrationhub.core import page_cache

    # given
    member = make_user()
    practice = make_published(member=member, title="Verified recruitment helpline")
    before = page_cache.generations(["practices"])["practices"]
    # when a draft is created and edited: nothing public changes
    draft = make_practice(member=member)
    services.practice_update(actor=member, practice=draft, fields=practice_fields(title="Draft"))
    # then
    assert page_cache.generations(["practices"])["practices"] == before
    # when a published practice is verified: its "last verified" date is public
    services.practice_verify(actor=member, practice=practice)
    # then
    assert page_cache.generations(["practices"])["practices"] != before
