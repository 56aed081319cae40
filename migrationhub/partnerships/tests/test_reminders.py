"""Reminders: the admins of a partnership whose report is overdue (amber) or which is inactive
(red) are e-mailed through the task queue, once (not again for 30 days), each in their own
language; nobody else, and never for green or closed partnerships."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from migrationhub.accounts.models import User
from migrationhub.accounts.tests.factories import make_user
from migrationhub.core import tasks
from migrationhub.core.models import AuditEvent
from migrationhub.organisations.models import Membership
from migrationhub.partnerships import services
from migrationhub.partnerships.models import Partnership

from .factories import join, make_org, make_partnership, partnership_fields

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def overdue(reference):
    """A partnership whose duty to report began on 1 March 2023, led by an organisation with a
    French-reading and an English-reading admin, and a member organisation (not its admins)."""
    french = make_user(email="admin.fr@example.org")
    User.objects.filter(pk=french.pk).update(preferred_language="fr")  # their account's choice
    lead = make_org(admin=french, name="Ministère du Travail")
    english = make_user(email="admin.en@example.org")
    Membership.objects.create(organisation=lead, user=english, role=Membership.ADMIN)
    staff = make_user(email="staff@example.org")
    Membership.objects.create(organisation=lead, user=staff, role=Membership.MEMBER)
    p = services.partnership_create(
        actor=None,
        lead=lead,
        fields=partnership_fields(name="Corridor", start_date=D(2023, 3, 1), end_date=None),
        as_of=D(2023, 3, 1),
    )
    p.test_admin = french
    lead.test_admin = french
    join(p, make_org(admin=make_user(email="member.admin@example.org")))
    mail.outbox.clear()
    return p


@pytest.fixture
def language_marked(monkeypatch):
    """Texts marked with the language active when they are rendered: what each recipient reads
    does not depend on the catalogues' state."""
    monkeypatch.setattr(services, "_", lambda text: f"[{translation.get_language()}] {text}")


def _remind(today, capture):
    with capture(execute=True):
        return services.partnerships_remind(today=today)


def test_an_overdue_partnerships_admins_are_reminded_once_each_in_their_language(
    overdue, django_capture_on_commit_callbacks, language_marked
):
    services.partnerships_refresh(today=D(2024, 3, 1))
    assert _remind(D(2024, 3, 1), django_capture_on_commit_callbacks) == 1
    sent = {tuple(m.to): m for m in mail.outbox}
    assert set(sent) == {("admin.fr@example.org",), ("admin.en@example.org",)}
    assert sent[("admin.fr@example.org",)].subject.startswith("[fr] ")
    assert sent[("admin.en@example.org",)].subject.startswith("[en] ")
    body = sent[("admin.en@example.org",)].body
    assert "a report is overdue" in body and "2023-03-01" in body and "2025-03-01" in body
    assert "Corridor" in body
    # the next days' runs do not remind again
    mail.outbox.clear()
    assert _remind(D(2024, 3, 2), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="partnership.remind").count() == 1


def test_an_inactive_partnership_is_told_it_is_flagged(overdue, django_capture_on_commit_callbacks):
    services.partnerships_refresh(today=D(2025, 3, 1))
    with translation.override("en"):
        assert _remind(D(2025, 3, 1), django_capture_on_commit_callbacks) == 1
    english = next(m for m in mail.outbox if m.to == ["admin.en@example.org"])
    assert "flagged inactive" in english.body and "since 2023-03-01" in english.body


def test_reminders_are_sent_again_after_30_days(overdue, django_capture_on_commit_callbacks):
    services.partnerships_refresh(today=D(2024, 3, 1))
    assert _remind(D(2024, 3, 1), django_capture_on_commit_callbacks) == 1
    Partnership.objects.filter(pk=overdue.pk).update(
        reminded_at=timezone.now() - dt.timedelta(days=31)
    )
    assert _remind(D(2024, 4, 1), django_capture_on_commit_callbacks) == 1


def test_nothing_leaves_before_the_transaction_commits(overdue, django_capture_on_commit_callbacks):
    services.partnerships_refresh(today=D(2024, 3, 1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.partnerships_remind(today=D(2024, 3, 1))
    assert mail.outbox == []  # queued on commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2  # one per language


def test_reminders_go_through_the_task_queue(
    overdue, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []

    class Queue:
        def enqueue(self, subject, body, recipients):
            queued.append(recipients)

    monkeypatch.setattr(tasks, "notification_send", Queue())
    services.partnerships_refresh(today=D(2024, 3, 1))
    _remind(D(2024, 3, 1), django_capture_on_commit_callbacks)
    assert sorted(queued) == [["admin.en@example.org"], ["admin.fr@example.org"]]
    assert mail.outbox == []  # the queue's worker sends


def test_green_and_closed_partnerships_are_not_reminded(
    overdue, django_capture_on_commit_callbacks
):
    make_partnership()  # registered today: green
    services.partnership_update(
        actor=overdue.test_admin,
        partnership=overdue,
        fields=partnership_fields(name="Corridor", status=Partnership.COMPLETED),
    )
    services.partnerships_refresh(today=D(2025, 3, 1))
    assert _remind(D(2025, 3, 1), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_daily_command_refreshes_and_reminds(
    overdue, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2024, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partnerships_refresh")
    assert Partnership.objects.get(pk=overdue.pk).light == "amber"
    assert {tuple(m.to) for m in mail.outbox} == {
        ("admin.fr@example.org",),
        ("admin.en@example.org",),
    }
