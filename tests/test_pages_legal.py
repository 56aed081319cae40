"""The site says what it stores and why, how long, and how to have it removed, in every language."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/fr", "/es", "/ar", "/ru", "/zh-hans"])
@pytest.mark.parametrize("page", ["privacy", "terms", "contact"])
def test_privacy_terms_and_contact_pages_exist_in_every_language(reference, client, prefix, page):
    response = client.get(f"{prefix}/{page}/")
    assert response.status_code == 200


def test_every_page_links_to_them_and_the_sign_up_form_too(reference, client, settings):
    settings.MIGRATIONHUB_CONTACT_EMAIL = "privacy@hub.example.org"
    for path in ["/", "/practices/", "/accounts/signup/"]:
        html = client.get(path).content.decode()
        for target in ["/privacy/", "/terms/", "/contact/"]:
            assert f'href="{target}"' in html, (path, target)
    signup = client.get("/accounts/signup/").content.decode()
    assert "Creating an account stores your e-mail address" in signup
    privacy = client.get("/privacy/").content.decode()
    assert "privacy@hub.example.org" in privacy
    for heading in ["What is stored, and why", "How long", "Your rights"]:
        assert heading in privacy
