"""The admin shows every domain model with its history and audit trail, read-only: services own
the writes (permissions, audit, search index), so nothing is changed behind their back."""

import pytest
from django.apps import apps
from django.contrib import admin

from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.tests.factories import make_published

pytestmark = pytest.mark.django_db

DOMAIN_APPS = (
    "core",
    "taxonomy",
    "organisations",
    "knowledge",
    "remittances",
    "partnerships",
    "hub",
    "fund",
    "review",
)


def test_every_domain_model_is_registered():
    registered = set(admin.site._registry)
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label.startswith(f"{label}.Historical"):
                continue
            assert model in registered, model._meta.label


def test_domain_models_are_read_only_with_their_history(reference, client):
    # given a platform superuser and a published practice
    client.force_login(make_user(is_staff=True, is_superuser=True))
    practice = make_published(title="Audited practice")
    # when
    index = client.get("/admin/").content.decode()
    change = client.get(f"/admin/knowledge/practice/{practice.pk}/change/")
    history = client.get(f"/admin/knowledge/practice/{practice.pk}/history/")
    events = client.get("/admin/core/auditevent/").content.decode()
    # then
    for name in ("Practices", "Organisations", "Audit events", "Quotes"):
        assert name in index, name
    assert change.status_code == 200 and "Save" not in change.content.decode()
    assert history.status_code == 200 and "Audited practice" in history.content.decode()
    assert "practice.submit" in events and "practice.review_approve" in events
    assert client.get("/admin/knowledge/practice/add/").status_code == 403
