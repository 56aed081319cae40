"""Shared test set-up: the reference vocabularies are loaded once per test database."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from migrationhub.taxonomy.loaders import load_reference

    with django_db_blocker.unblock():
        load_reference()
    yield
    # Hybrid search re-ranks on its vector thread's own connection outside transactions: closed
    # here, before the test database is dropped.
    from migrationhub.search.selectors import close_vector_connections

    close_vector_connections()


@pytest.fixture
def reference(db):
    """Reference data, reloaded if a transactional test flushed it."""
    from migrationhub.taxonomy.loaders import load_reference
    from migrationhub.taxonomy.models import Objective

    if not Objective.objects.exists():
        load_reference()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
