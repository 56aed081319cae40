"""Every fixed page beside a `<slug:slug>/` page is a reserved slug of its app's models.

Without it a record named like the fixed page ("New") gets a slug its own page can never reach
(core/slugs.py). The check reads the URL patterns, so a new fixed page fails here until declared.
"""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from migrationhub.core.slugs import save_with_unique_slug


def _fixed_segments_beside_slugs(patterns, app_label=None, found=None):
    found = {} if found is None else found
    literal: set[str] = set()
    has_slug_page = False
    for p in patterns:
        if isinstance(p, URLResolver):
            _fixed_segments_beside_slugs(p.url_patterns, p.app_name or app_label, found)
            continue
        assert isinstance(p, URLPattern)
        route = str(p.pattern)
        first = route.split("/", 1)[0]
        if first.startswith("<slug:"):
            has_slug_page = True
        elif first and "<" not in first and route.endswith("/"):
            literal.add(first)
    if has_slug_page and app_label:
        found.setdefault(app_label, set()).update(literal)
    return found


def test_every_fixed_page_beside_a_slug_page_is_reserved():
    found = _fixed_segments_beside_slugs(get_resolver().url_patterns)
    assert {"knowledge", "organisations", "partnerships"} <= set(found)
    for app_label, segments in found.items():
        reserved = set().union(
            *(
                getattr(m, "RESERVED_SLUGS", set())
                for m in apps.get_app_config(app_label).get_models()
            )
        )
        assert segments <= reserved, (
            f"{app_label}: declare {sorted(segments - reserved)} in RESERVED_SLUGS"
        )


@pytest.mark.django_db
def test_a_record_named_like_a_fixed_page_gets_another_slug(reference):
    from migrationhub.organisations.tests.factories import make_organisation

    org = make_organisation(name="New")
    assert org.slug != "new"
    org.name = "New"
    save_with_unique_slug(org, "new", fallback="organisation")
    assert org.slug == "new-2"
