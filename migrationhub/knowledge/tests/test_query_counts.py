"""List pages and endpoints run a bounded number of queries, however many practices they show."""

import pytest

from migrationhub.knowledge.tests.factories import make_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_practices(reference):
    for n in range(12):
        make_published(
            title=f"Labour mobility scheme {n}", countries=["PHL", "NPL"], objectives=[5, 6]
        )


@pytest.mark.parametrize(
    "url",
    [
        "/practices/?q=labour",
        "/practices/?objective=6&region=142",
        "/api/v1/practices/?q=labour&page_size=50",
        "/organisations/",
        "/objectives/6/",
        "/",
    ],
)
def test_list_pages_do_not_grow_with_their_rows(
    many_practices, client, django_assert_max_num_queries, url, settings
):
    settings.MIGRATIONHUB_PAGE_CACHE = False  # the render is counted, not the page cache
    client.get(url)  # warm the vocabulary cache, as in production
    # 4-7 today (the search's a few: versions, matches, scores, the page's documents; the page's
    # records with their tags), and room for a page that needs a few more: never one per row
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_related_keys_answer_the_prefetched_rows_without_a_query(
    reference, django_assert_num_queries
):
    from migrationhub.core.schemas import related_keys
    from migrationhub.knowledge.models import Practice

    practice = make_published(title="Skills partnership", countries=["PHL", "NPL"])
    fresh = Practice.objects.get(pk=practice.pk)
    with django_assert_num_queries(1):  # not prefetched: queried, in the relation's order
        queried = related_keys(fresh, "countries", "iso3")
    loaded = Practice.objects.prefetch_related("countries").get(pk=practice.pk)
    with django_assert_num_queries(0):
        assert related_keys(loaded, "countries", "iso3") == queried
    assert sorted(queried) == ["NPL", "PHL"]
