"""The page cache (core.page_cache): what anonymous visitors see is stored and validated, nothing
personal ever is, and a write retires exactly the pages of the domains it changes."""

import re
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import translation
from django.utils.http import http_date

from migrationhub.accounts.tests.factories import make_user
from migrationhub.core import page_cache

pytestmark = pytest.mark.django_db


def test_an_anonymous_page_is_stored_with_its_validators(
    reference, client, django_assert_num_queries
):
    # given
    first = client.get("/objectives/")
    # when: the same page again
    with django_assert_num_queries(0):
        second = client.get("/objectives/")
    # then: the same bytes, from the cache, with what browsers and proxies need
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"] and second["ETag"].startswith('"')
    assert "Last-Modified" in second
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in second["Vary"]
    assert not second.cookies


def test_a_stored_page_is_one_round_trip_to_the_shared_cache(reference, client, monkeypatch):
    # given a stored page
    client.get("/objectives/")
    calls: list[str] = []

    class Counting:  # the shared cache, counting what the page cache asks of it
        def __getattr__(self, name):
            method = getattr(cache, name)

            def call(*args, **kwargs):
                calls.append(name)
                return method(*args, **kwargs)

            return call

    monkeypatch.setattr(page_cache, "cache", Counting())
    # when it is asked again
    response = client.get("/objectives/")
    # then its generations and the page came in one request to the cache
    assert response.status_code == 200 and "ETag" in response
    assert calls == ["get_many"]


def test_a_page_this_process_holds_costs_only_its_generations(reference, client, monkeypatch):
    # given a page served once by this process
    client.get("/objectives/")
    asked: list[list[str]] = []
    get_many = cache.get_many

    def counting(keys, *args, **kwargs):
        asked.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    # when it is asked again
    assert client.get("/objectives/").status_code == 200
    # then the shared cache is asked for the generations, not for the page's bytes
    (keys,) = asked
    assert keys and all(k.startswith("page-cache:generation:") for k in keys)


def test_a_retired_copy_gives_way_to_the_page_another_server_stored(
    reference, client, django_assert_num_queries
):
    # given this process holds a page, which a write then retires
    client.get("/objectives/")
    key = next(reversed(page_cache._local.entries))
    retired = page_cache._local.entries[key]
    page_cache.changed("taxonomy")
    # and another app server has since rendered and stored it under the new generation
    del page_cache._local.entries[key]
    fresh = client.get("/objectives/")
    page_cache._local.put(key, retired)
    # when this process is asked for it
    with django_assert_num_queries(0):
        again = client.get("/objectives/")
    # then it serves the other server's page, not its retired copy, and renders nothing
    assert again["ETag"] == fresh["ETag"] and again.content == fresh.content
    assert page_cache._local.get(key) is not retired


def test_a_copy_never_outlives_the_shared_entry(reference, client, django_assert_num_queries):
    # given a page whose shared entry has expired (MIGRATIONHUB_PAGE_CACHE_SECONDS)
    client.get("/objectives/")
    key = next(reversed(page_cache._local.entries))
    page_cache._local.entries[key].expires = time.time() - 1
    cache.delete(key)
    # then this process renders it again (it reads the objectives), its copy unused
    with django_assert_num_queries(1):
        client.get("/objectives/")


def test_a_matching_conditional_get_is_answered_304(reference, client):
    # given
    etag = client.get("/objectives/")["ETag"]
    # when / then
    not_modified = client.get("/objectives/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag and "Cookie" in not_modified["Vary"]
    assert client.get("/objectives/", HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get("/objectives/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    later = http_date(4102444800)  # 2100
    assert client.get("/objectives/", HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    assert client.get("/objectives/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_vary_names_what_changes_a_page_or_an_answer(reference, client):
    page = client.get("/practices/")
    assert {"Cookie", "HX-Request", "Accept-Language"} <= _vary(page)
    answer = client.get("/api/v1/practices/")
    assert {"Cookie", "Accept-Language"} <= _vary(answer)


def _vary(response) -> set[str]:
    return {h.strip() for h in response["Vary"].split(",")}


def test_an_htmx_fragment_and_the_full_page_are_stored_apart(reference, client):
    # given the full page, then the fragment htmx asks for at the same address
    full = client.get("/practices/")
    fragment = client.get("/practices/", HTTP_HX_REQUEST="true")
    # then each gets its own
    assert b"<html" in full.content and b"<html" not in fragment.content
    assert b"<html" in client.get("/practices/").content
    assert b"<html" not in client.get("/practices/", HTTP_HX_REQUEST="true").content


def test_the_language_is_part_of_the_key():
    # given a cached view whose page is in the active language
    @page_cache.cached_page()
    def view(request):
        return HttpResponse(translation.get_language())

    factory = RequestFactory()
    # when the same address is asked in two languages
    with translation.override("fr"):
        french = view(factory.get("/page/")).content
    with translation.override("en"):
        english = view(factory.get("/page/")).content
    # then each is stored apart
    assert (french, english) == (b"fr", b"en")


def test_pages_hold_no_csrf_token_for_anonymous_visitors(reference, client):
    # The language switcher is plain links: a stored page hands no token to the next visitor.
    for url in ("/", "/practices/", "/organisations/", "/objectives/", "/remittances/", "/about/"):
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert not response.cookies, url


def test_a_page_that_hands_out_a_csrf_token_is_never_stored():
    # given a cached view that renders a form with a CSRF token
    renders = []

    @page_cache.cached_page()
    def view(request):
        renders.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    factory = RequestFactory()
    # when it is asked twice
    first = view(factory.get("/form/"))
    second = view(factory.get("/form/"))
    # then it is rendered each time, and kept private
    assert len(renders) == 2
    assert first.content != second.content
    assert "private" in second["Cache-Control"] and "ETag" not in second


def test_signed_in_users_are_never_served_a_stored_page(reference, client):
    # given the anonymous page is stored
    anonymous = client.get("/practices/").content.decode()
    assert "Sign in" in anonymous
    # when a user signs in
    user = make_user(email="reader@example.org")
    client.force_login(user)
    page = client.get("/practices/")
    # then they get their own page, private, never stored
    assert "Sign out" in page.content.decode() and "Sign in" not in page.content.decode()
    assert page["Cache-Control"] == "private, no-store" and "ETag" not in page
    # and the next anonymous visitor never gets theirs
    client.logout()
    again = client.get("/practices/").content.decode()
    assert "Sign out" not in again and "Sign in" in again
    assert again == anonymous


def test_api_requests_with_credentials_are_private(reference, client):
    response = client.get("/api/v1/practices/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store" and "ETag" not in response


def test_changed_replaces_only_the_generations_it_names():
    # given
    before = page_cache.generations(["practices", "remittances"])
    # when
    page_cache.changed("practices")
    # then
    after = page_cache.generations(["practices", "remittances"])
    assert after["practices"] != before["practices"]
    assert after["remittances"] == before["remittances"]
    assert after["*"] == before["*"]


def test_changed_everything_retires_every_page(reference, client, django_assert_num_queries):
    # given
    client.get("/objectives/")
    # when
    page_cache.changed_everything()
    # then: rendered again (it reads the objectives)
    with django_assert_num_queries(1):
        client.get("/objectives/")


def test_a_lost_generation_comes_back_new(reference, client):
    # given a stored page, then the cache loses the generations (evicted, flushed)
    client.get("/objectives/")
    before = page_cache.generations(["taxonomy"])
    cache.delete_many([f"page-cache:generation:{d}" for d in ("taxonomy", "*")])
    # then the generations are new: a miss, never an old page under a reused key
    assert page_cache.generations(["taxonomy"])["taxonomy"] != before["taxonomy"]


def test_the_cache_can_be_switched_off(reference, client, settings, django_assert_num_queries):
    settings.MIGRATIONHUB_PAGE_CACHE = False
    client.get("/objectives/")
    with django_assert_num_queries(1):
        response = client.get("/objectives/")
    assert "ETag" not in response


def test_sections_declare_what_they_show():
    from migrationhub.core.sections import slot_domains

    assert "practices" in slot_domains("organisation.profile")
    assert {"practices", "organisations"} <= slot_domains("objective.page")


def test_the_release_digest_is_stable():
    assert re.fullmatch(r"[0-9a-f]{16}", page_cache.release())
    assert page_cache.release() == page_cache.release()


def test_templates_are_compiled_once_per_process():
    # TEMPLATES sets no `loaders`, so Django wraps them in the cached loader (in production too).
    from django.template import engines

    loader = engines["django"].engine.template_loaders[0]
    assert type(loader).__module__ == "django.template.loaders.cached"


# --- what each process keeps while the generations stand (page_cache.memo) ----------------------


def test_a_kept_value_stands_until_its_domain_changes():
    built: list[int] = []

    def build() -> list[int]:
        built.append(len(built))
        return list(built)

    first = page_cache.memo("test:kept", ("practices",), build)
    assert page_cache.memo("test:kept", ("practices",), build) is first
    page_cache.changed("organisations")  # another domain: the value stands
    assert page_cache.memo("test:kept", ("practices",), build) is first
    page_cache.changed("practices")
    assert page_cache.memo("test:kept", ("practices",), build) == [0, 1]
    page_cache.changed_everything()
    assert page_cache.memo("test:kept", ("practices",), build) == [0, 1, 2]


def test_a_render_reads_the_generations_once(reference, client, monkeypatch, settings):
    # given a page whose render asks for the taxonomy's generations several times (its
    # sections' tags and the objective from the process's copy), with the page cache off
    settings.MIGRATIONHUB_PAGE_CACHE = False
    client.get("/objectives/6/")
    asked: list[list[str]] = []
    get_many = cache.get_many

    def counting(keys, *args, **kwargs):
        asked.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    # when it is rendered again
    assert client.get("/objectives/6/").status_code == 200
    # then the generations were read once for the render
    generations = [keys for keys in asked if keys[0].startswith("page-cache:generation:")]
    assert len(generations) == 1
    # and outside a render each read asks the cache
    page_cache.generations(("taxonomy",))
    page_cache.generations(("taxonomy",))
    assert len([k for k in asked if k[0].startswith("page-cache:generation:")]) == 3
