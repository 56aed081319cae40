"""Status lights at their boundaries: green within 12 calendar months of the last report (or of the
start of the duty to report), amber when overdue, red (inactive) from 24 months; closed records
owe nothing. The stored light reaches lists, the API and the open data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from migrationhub.partnerships import exports, lights, selectors, services
from migrationhub.partnerships.lights import AMBER, CLOSED, GREEN, RED, add_months, status_light
from migrationhub.partnerships.models import Partnership, Pledge

from .factories import (
    join,
    make_goal,
    make_org,
    make_partnership,
    partnership_fields,
    pledge_fields,
    report,
)

D = dt.date


# --- the pure rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "colour"),
    [
        (D(2025, 1, 15), GREEN),
        (D(2026, 1, 14), GREEN),  # the last day of the 12 months
        (D(2026, 1, 15), AMBER),  # 12 months: overdue
        (D(2027, 1, 14), AMBER),
        (D(2027, 1, 15), RED),  # 24 months: inactive
        (D(2040, 1, 1), RED),
    ],
)
def test_the_colour_turns_at_exactly_12_and_24_months(today, colour):
    light = status_light(today=today, since=D(2020, 1, 1), last_report=D(2025, 1, 15))
    assert light.colour == colour
    assert light.reference == D(2025, 1, 15)
    assert light.due == D(2026, 1, 15) and light.inactive_on == D(2027, 1, 15)
    assert light.inactive is (colour == RED)
    assert light.overdue is (colour in (AMBER, RED))


@pytest.mark.parametrize(
    ("reference", "due"),
    [
        (D(2025, 3, 31), D(2026, 3, 31)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # no 29 February next year
        (D(2023, 12, 31), D(2024, 12, 31)),
    ],
)
def test_months_are_calendar_months_clamped_to_the_months_end(reference, due):
    light = status_light(today=reference, since=reference)
    assert light.due == due
    assert status_light(today=due - dt.timedelta(days=1), since=reference).colour == GREEN
    assert status_light(today=due, since=reference).colour == AMBER


def test_without_a_report_the_duty_starts_at_since_and_a_future_start_is_green():
    assert status_light(today=D(2025, 6, 1), since=D(2024, 6, 1)).colour == AMBER
    assert status_light(today=D(2025, 6, 1), since=D(2024, 6, 2)).colour == GREEN
    assert status_light(today=D(2025, 6, 1), since=D(2030, 1, 1)).colour == GREEN
    # a report older than the start of the duty does not move the reference back
    old = status_light(today=D(2025, 6, 1), since=D(2025, 1, 1), last_report=D(2020, 1, 1))
    assert (old.colour, old.reference) == (GREEN, D(2025, 1, 1))


def test_closed_records_owe_nothing():
    light = status_light(today=D(2040, 1, 1), since=D(2000, 1, 1), closed=True)
    assert (light.colour, light.due, light.inactive_on, light.inactive) == (
        CLOSED,
        None,
        None,
        False,
    )


ORDER = {GREEN: 0, AMBER: 1, RED: 2}
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2080, 12, 31))


@given(since=days, report=st.none() | days, today=days, later=st.integers(0, 2000))
def test_the_light_never_improves_as_days_pass_without_a_report(since, report, today, later):
    before = status_light(today=today, since=since, last_report=report)
    after = status_light(today=today + dt.timedelta(days=later), since=since, last_report=report)
    assert ORDER[after.colour] >= ORDER[before.colour]


@given(since=days, report=st.none() | days, new=days, today=days)
def test_a_new_report_never_worsens_the_light(since, report, new, today):
    before = status_light(today=today, since=since, last_report=report)
    latest = max(report, new) if report else new
    after = status_light(today=today, since=since, last_report=latest)
    assert ORDER[after.colour] <= ORDER[before.colour]


@given(reference=days, today=days)
def test_the_colour_depends_on_the_reference_and_today_only(reference, today):
    light = status_light(today=today, since=reference)
    expected = (
        GREEN
        if today < add_months(reference, 12)
        else AMBER
        if today < add_months(reference, 24)
        else RED
    )
    assert light.colour == expected
    assert status_light(today=today, since=D(1980, 1, 1), last_report=reference) == light


@given(day=days, months=st.integers(-600, 600))
def test_add_months_lands_in_the_right_month_never_after_the_same_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


# --- the light of partnerships and pledges ------------------------------------------------------


@pytest.fixture
def curated(reference):
    """A partnership whose duty to report began on 1 March 2023 (a curated record's source)."""
    lead = make_org()
    p = services.partnership_create(
        actor=None,
        lead=lead,
        fields=partnership_fields(start_date=D(2023, 3, 1), end_date=D(2030, 12, 31)),
        as_of=D(2023, 3, 1),
    )
    p.test_admin = lead.test_admin
    return p


def _on(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


@pytest.mark.parametrize(
    ("today", "colour"),
    [
        (D(2024, 2, 29), GREEN),
        (D(2024, 3, 1), AMBER),
        (D(2025, 2, 28), AMBER),
        (D(2025, 3, 1), RED),
    ],
)
def test_a_partnerships_stored_light_is_refreshed_as_days_pass(curated, today, colour):
    services.partnerships_refresh(today=today)
    stored = Partnership.objects.get(pk=curated.pk)
    assert stored.light == colour
    assert selectors.partnership_light(stored, today).colour == colour


def test_a_progress_report_turns_the_light_green_again(curated, monkeypatch):
    services.partnerships_refresh(today=D(2025, 6, 1))
    assert Partnership.objects.get(pk=curated.pk).light == RED
    union = make_org()
    join(curated, union)
    goal = make_goal(curated)
    _on(monkeypatch, D(2025, 6, 1))
    report(goal, union, on=D(2025, 5, 31), value=Decimal("3"))
    stored = Partnership.objects.get(pk=curated.pk)
    assert (stored.light, stored.last_reported_on) == (GREEN, D(2025, 5, 31))
    services.partnerships_refresh(today=D(2026, 5, 31))
    assert Partnership.objects.get(pk=curated.pk).light == AMBER


@pytest.mark.parametrize("status", Partnership.CLOSED_STATUSES)
def test_completed_and_cancelled_partnerships_are_closed_never_inactive(curated, status):
    services.partnership_update(
        actor=curated.test_admin,
        partnership=curated,
        fields=partnership_fields(name=curated.name, status=status),
    )
    services.partnerships_refresh(today=D(2040, 1, 1))
    assert Partnership.objects.get(pk=curated.pk).light == CLOSED


@pytest.mark.parametrize("status", [Partnership.SUSPENDED, Partnership.PLANNED])
def test_suspended_and_planned_partnerships_still_owe_reports(curated, status):
    services.partnership_update(
        actor=curated.test_admin,
        partnership=curated,
        fields=partnership_fields(
            name=curated.name, status=status, start_date=D(2023, 3, 1), end_date=None
        ),
    )
    services.partnerships_refresh(today=D(2025, 3, 1))
    assert Partnership.objects.get(pk=curated.pk).light == RED


def test_inactive_partnerships_are_flagged_in_lists_the_api_and_the_open_data(
    curated, client, monkeypatch
):
    fresh = make_partnership(name="Fresh partnership")
    _on(monkeypatch, D(2025, 3, 1))
    services.partnerships_refresh(today=D(2025, 3, 1))
    lights_of = dict(Partnership.objects.values_list("slug", "light"))
    assert lights_of == {curated.slug: RED, fresh.slug: GREEN}

    # the list's facet and badge
    red = selectors.partnership_search(None, {"light": [RED]})
    assert [item.object.slug for item in red.page.items] == [curated.slug]
    page = client.get("/partnerships/", {"light": RED})
    assert page.status_code == 200
    html = page.content.decode()
    assert "light-red" in html and "Inactive: no report for 24 months" in html
    assert curated.name in html
    assert fresh.name not in page.content.decode()

    # the API, list and detail
    listed = client.get("/api/v1/partnerships/", {"inactive": "true"}).json()
    assert [(x["slug"], x["light"], x["inactive"]) for x in listed["items"]] == [
        (curated.slug, RED, True)
    ]
    detail = client.get(f"/api/v1/partnerships/{curated.slug}").json()
    assert (detail["light"], detail["inactive"]) == (RED, True)
    assert detail["status_light"]["inactive_on"] == "2025-03-01"

    # the open data
    rows = {row["slug"]: row for row in exports.partnership_rows()}
    assert (rows[curated.slug]["light"], rows[curated.slug]["inactive"]) == (RED, True)
    assert (rows[fresh.slug]["light"], rows[fresh.slug]["inactive"]) == (GREEN, False)
    assert rows[curated.slug]["report_due"] == D(2024, 3, 1)


def test_a_pledges_light_follows_its_reports_and_its_partnerships(curated, monkeypatch):
    lead, admin = curated.lead, curated.test_admin
    lead.test_admin = admin
    pledge = services.pledge_create(
        actor=None,
        lead=lead,
        fields=pledge_fields(partnership=curated.slug, pledged_on=D(2023, 3, 1)),
        as_of=D(2023, 3, 1),
    )
    services.partnerships_refresh(today=D(2025, 3, 1))
    assert Pledge.objects.get(pk=pledge.pk).light == RED
    _on(monkeypatch, D(2025, 3, 1))
    rows = {row["slug"]: row for row in exports.pledge_rows()}
    assert (rows[pledge.slug]["light"], rows[pledge.slug]["inactive"]) == (RED, True)
    # a report on the partnership that delivers it counts for the pledge
    goal = make_goal(curated, actor=admin)
    report(goal, lead, on=D(2025, 2, 1))
    assert Pledge.objects.get(pk=pledge.pk).light == GREEN
    services.pledge_status_set(actor=admin, pledge=pledge, status=Pledge.FULFILLED)
    services.partnerships_refresh(today=D(2040, 1, 1))
    assert Pledge.objects.get(pk=pledge.pk).light == CLOSED


def test_the_lights_documented_in_the_open_data_are_the_modules():
    assert set(lights.COLOURS) == {GREEN, AMBER, RED, CLOSED}
    assert set(exports.LIGHT_COLUMN.codes()) == set(lights.COLOURS)
