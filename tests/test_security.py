"""Cross-cutting safety: headers, CSRF, production settings, no unpublished data leaks."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_security_headers_on_pages(reference, client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_require_csrf(reference):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = client.post("/account/tokens/", {"name": "x"})
    assert response.status_code == 403


def test_drafts_are_not_public(reference, client):
    draft = make_practice(title="Secret draft about Atlantis")
    assert client.get(f"/practices/{draft.slug}/").status_code == 404
    assert b"Atlantis" not in client.get("/practices/?q=atlantis").content


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migrationhub.settings.prod",
        "MIGRATIONHUB_SECRET_KEY": "k" * 20 + "-not-a-real-secret-but-long-enough-0123456789abcdef",
        "MIGRATIONHUB_ALLOWED_HOSTS": "migrationhub.example.org",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set only while browser tests run
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_missing_secret_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migrationhub.settings.prod",
        "MIGRATIONHUB_SECRET_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "MIGRATIONHUB_SECRET_KEY" in result.stderr
