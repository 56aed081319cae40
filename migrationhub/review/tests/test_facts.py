"""The facts after a write (stale-while-revalidate): a request answers from the facts it has
while their refresh is queued, such answers are not stored, the refresh shares the new facts and
every process picks them up without reading the registry again."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.test import Client

from migrationhub.core import page_cache
from migrationhub.partnerships.models import Partnership
from migrationhub.review import network, selectors, tasks

from .factories import make_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(reference):
    return make_registry()


@pytest.fixture
def queued(monkeypatch):
    """A task queue that keeps what it is given (production's workers run it later)."""
    calls: list[int] = []

    class Queue:
        def enqueue(self):
            calls.append(1)
            return SimpleNamespace(errors=[])

    monkeypatch.setattr(tasks, "review_facts_refresh", Queue())
    return calls


def _rename(partnership, name):
    Partnership.objects.filter(pk=partnership.pk).update(name=name)
    page_cache.changed("partnerships")


def test_a_request_after_a_write_answers_from_the_last_facts_while_they_are_refreshed(
    registry, queued
):
    client = Client()
    assert registry.senegal.name in client.get("/review/countries/SEN/").content.decode()
    # when the registry changes and the queue has not run the refresh yet
    _rename(registry.senegal, "Renamed coalition")
    stale = client.get("/review/countries/SEN/")
    # then the page shows the last facts, is not stored, and one refresh is queued
    assert registry.senegal.name in stale.content.decode()
    assert "no-store" in stale["Cache-Control"]
    assert "no-store" in client.get("/api/v1/review/coverage")["Cache-Control"]
    assert len(queued) == 1
    # when the worker has refreshed them
    selectors.refresh()
    fresh = client.get("/review/countries/SEN/")
    assert "Renamed coalition" in fresh.content.decode()
    assert "no-store" not in fresh.get("Cache-Control", "")


def test_with_the_queue_running_tasks_at_once_the_write_shows_at_once(registry):
    client = Client()
    client.get("/review/countries/SEN/")
    _rename(registry.senegal, "Renamed coalition")
    assert "Renamed coalition" in client.get("/review/countries/SEN/").content.decode()


def test_a_process_without_facts_takes_the_shared_ones_without_reading_the_registry(
    registry, monkeypatch
):
    selectors.refresh()
    version = selectors.snapshot().version
    selectors._install(None)  # a new process

    def refuse():
        raise AssertionError("read the registry")

    monkeypatch.setattr(selectors, "build_snapshot", refuse)
    snap = selectors.snapshot()
    assert snap.version == version
    assert ("network", ("world", "")) in snap.memo  # with the whole network's measures
    assert selectors.network_facts().brokers[0].id == registry.broker.pk


def test_a_process_with_old_facts_loads_the_shared_new_ones_in_the_background(
    registry, queued, monkeypatch
):
    selectors.snapshot()
    _rename(registry.senegal, "Renamed coalition")
    old = selectors.snapshot()
    assert selectors.served_stale() and len(queued) == 1
    # another process (the worker) shares the new facts
    worker = selectors._build(selectors.data_version(), share=False)
    selectors._share(worker)
    loaded = threading.Event()
    shared = selectors._shared
    monkeypatch.setattr(selectors, "_shared", lambda v: loaded.wait(5) and shared(v))
    assert selectors.snapshot() is old  # this request still answers at once, from the old facts
    loaded.set()  # the background load goes on
    for _ in range(100):
        if selectors.snapshot().version == worker.version:
            break
        time.sleep(0.05)
    assert selectors.snapshot().version == worker.version
    assert selectors.snapshot().partnerships[registry.senegal.pk].name == "Renamed coalition"


def _refuse(*args, **kwargs):
    raise AssertionError("computed in the request")


def test_the_refresh_shares_every_regions_and_objectives_network_as_the_lazy_one(
    registry, monkeypatch
):
    selectors.refresh()
    selectors._install(None)  # a new process, which takes the shared facts
    snap = selectors.snapshot()
    scopes = [("region", "011"), ("region", "002"), ("region", "001"), ("objective", "5")]
    assert {("objective", o) for o in snap.order["objectives"]} <= set(
        selectors.report_scopes(snap)
    )
    for scope in scopes:
        assert ("network", scope) in snap.memo and ("layout", scope, 40) in snap.memo
    # then a region's or an objective's report computes no network and lays out no picture
    monkeypatch.setattr(network, "measures", _refuse)
    monkeypatch.setattr(network, "layout", _refuse)
    client = Client()
    for url in ("/review/regions/011/", "/review/objectives/5/", "/review/network/"):
        page = client.get(url)
        assert page.status_code == 200 and "<svg" in page.content.decode(), url
    report = selectors.report("region", "011")
    assert report is not None and report.network.organisations == 4
    assert [b["slug"] for b in report.brokers][:1] == [registry.broker.slug]
    monkeypatch.undo()
    # and what was shared equals what a process without a worker computes on first render
    lazy = selectors._build(snap.version, share=False)
    for scope in [*scopes, ("world", "")]:
        shared, computed = snap.memo[("network", scope)], selectors.network_facts(scope, snap=lazy)
        assert shared == computed and shared.betweenness == computed.betweenness, scope
        assert snap.memo[("layout", scope, 40)] == selectors.picture_layout(scope, snap=lazy)
    for scope, pids in selectors.report_scopes(snap).items():
        assert pids == selectors._scope_partnerships(snap, scope), scope


def test_without_a_worker_a_report_computes_its_network_on_first_render(registry):
    snap = selectors.snapshot()  # read in the request: nothing shared
    assert ("network", ("region", "011")) not in snap.memo
    assert Client().get("/review/regions/011/").status_code == 200
    assert snap.memo[("network", ("region", "011"))].organisations == 4
    assert ("layout", ("region", "011"), 40) in snap.memo


def test_a_full_memo_keeps_what_the_refresh_computed(registry):
    selectors.refresh()
    snap = selectors.snapshot()
    shared = {k for k in snap.memo if selectors._shared_memo(k)}
    assert ("network", ("region", "011")) in shared
    for i in range(selectors.NETWORK_MEMO + 5):
        selectors._remember(snap, ("other", i), i)
    assert shared <= set(snap.memo)
    assert len(snap.memo) <= selectors.NETWORK_MEMO + 1


def test_the_picture_is_laid_out_once_and_labelled_in_each_language(registry):
    from django.utils import translation

    with translation.override("en"):
        _dots, links, english = selectors.network_picture_data(("region", "011"))
    with translation.override("fr"):
        dots, same_links, french = selectors.network_picture_data(("region", "011"))
    assert links == same_links and {d.id for d in dots} == {
        registry.government.pk,
        registry.ngo.pk,
        registry.broker.pk,
        registry.union.pk,
    }
    assert english != french  # the legend (governance levels) in each reader's language
