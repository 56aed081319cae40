"""Sign-up, sign-in, lockout after failed sign-ins, API tokens."""

import pytest
from django.core import mail
from django.test import Client

from migrationhub.accounts.models import ApiToken, User
from migrationhub.accounts.services import api_token_authenticate, api_token_create, user_create
from migrationhub.accounts.tests.factories import make_user
from migrationhub.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_user_create_normalises_and_refuses_duplicates():
    user = user_create(email="  Amina@Example.ORG ", password="a long enough passphrase")
    assert user.email == "amina@example.org"
    with pytest.raises(ValidationFailed):
        user_create(email="amina@example.org", password="another passphrase")
    with pytest.raises(ValidationFailed):
        user_create(email="not-an-email", password="x")


def test_sign_up_and_sign_in_through_the_pages(client: Client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "migration governance 2030",
            "password2": "migration governance 2030",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()
    assert mail.outbox and "new@example.org" in mail.outbox[0].to  # confirmation e-mail
    client.logout()
    ok = client.post(
        "/accounts/login/", {"login": "new@example.org", "password": "migration governance 2030"}
    )
    assert ok.status_code == 302


def test_mandatory_verification_blocks_unverified_sign_in(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    make_user(email="unverified@example.org", password="migration governance 2030")
    response = client.post(
        "/accounts/login/",
        {"login": "unverified@example.org", "password": "migration governance 2030"},
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_lock_the_account_out(client):
    make_user(email="target@example.org", password="the right passphrase")
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
        )
        assert response.status_code in (200, 429)
    locked = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": "the right passphrase"}
    )
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_api_tokens_are_stored_hashed():
    user = make_user()
    token, key = api_token_create(user=user, name="ci")
    assert key not in ApiToken.objects.values_list("key_hash", flat=True)
    assert token.key_hash == ApiToken.hash_key(key)
    assert api_token_authenticate(key) == user
    assert api_token_authenticate(key + "x") is None
    user.is_active = False
    user.save()
    assert api_token_authenticate(key) is None


def test_profile_page_creates_a_token_shown_once(client):
    user = make_user()
    client.force_login(user)
    client.post("/account/tokens/", {"name": "laptop"})
    first = client.get("/account/").content.decode()
    assert "mh_" in first
    again = client.get("/account/").content.decode()
    assert "mh_" not in again
