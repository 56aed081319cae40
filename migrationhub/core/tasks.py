"""Background work shared by every app, on django-tasks.

Production runs the database backend (`django_tasks_db`): a request enqueues, and any number of
`migrationhub worker` processes, on any machine, execute. Development and tests execute at once
(ImmediateBackend), so no extra process is needed for `make run`.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def notification_send(subject: str, body: str, recipients: list[str]) -> int:
    """E-mail a notification; retried by the queue's operator if the mail server is down."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def notify_on_commit(subject: str, body: str, recipients: Iterable[str]) -> None:
    """Queue a notification once the current transaction commits (never for rolled-back work)."""
    recipients = sorted(set(recipients))
    if recipients:
        transaction.on_commit(lambda: notification_send.enqueue(subject, body, recipients))
