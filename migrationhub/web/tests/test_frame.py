"""The frame's menu and footer (web.templatetags.frame): kept per language for anonymous visitors,
never a signed-in user's menu shown to someone else, nor an anonymous one to a signed-in user."""

import pytest
from django.test import Client

from migrationhub.accounts.tests.factories import make_reviewer, make_user
from migrationhub.web.templatetags import frame


def _nav(client: Client, path: str = "/objectives/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<ul class="nav">') : page.index("</header>")]


@pytest.mark.django_db
def test_menu_follows_who_asks_and_in_which_language():
    frame._rendered.clear()
    anonymous = Client()
    first = _nav(anonymous)
    assert "/accounts/login/" in first and "Sign out" not in first

    member = Client()
    member.force_login(make_user())
    signed_in = _nav(member)
    assert "Sign out" in signed_in and "csrfmiddlewaretoken" in signed_in
    assert "/accounts/login/" not in signed_in and "Peer review" not in signed_in

    reviewer = Client()
    reviewer.force_login(make_reviewer())
    assert "Peer review" in _nav(reviewer)

    # The anonymous menu kept for the process is the same as the first, and no user's.
    assert _nav(anonymous) == first
    assert "csrfmiddlewaretoken" not in _nav(anonymous, "/practices/")

    french = _nav(anonymous, "/fr/objectives/")
    assert 'href="/fr/practices/"' in french and "/fr/accounts/login/" in french
    assert _nav(anonymous) == first


@pytest.mark.django_db
def test_footer_in_the_page_language():
    frame._rendered.clear()
    client = Client()
    english = client.get("/objectives/").content.decode()
    arabic = client.get("/ar/objectives/").content.decode()
    assert 'href="/about/"' in english and 'href="/ar/about/"' in arabic
    assert 'href="/ar/about/"' not in english


@pytest.mark.django_db
def test_the_kept_parts_are_bounded(monkeypatch):
    # given: room for one kept part only
    frame._rendered.clear()
    monkeypatch.setattr(frame, "KEPT", 1)
    client = Client()
    # when pages in two languages are asked
    english = _nav(client)
    french = _nav(client, "/fr/objectives/")
    # then: one part is kept, and the other is still rendered right each time
    assert len(frame._rendered) == 1
    assert 'href="/fr/practices/"' in french and _nav(client, "/fr/objectives/") == french
    assert _nav(client) == english
