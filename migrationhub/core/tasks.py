"""Background work shared by every app, on django-tasks.

Production runs the database backend (`django_tasks_db`): a request enqueues, and any number of
`migrationhub worker` processes, on any machine, execute. Development and tests execute at once
(ImmediateBackend), so no extra process is needed for `make run`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django_tasks import task

Text = Callable[[], str]


@task()
def notification_send(subject: str, body: str, recipients: list[str]) -> int:
    """E-mail a notification; retried by the queue's operator if the mail server is down."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _languages(recipients: list[str]) -> dict[str, list[str]]:
    """Recipients grouped by the language they read (their account's preference, else the
    site's default)."""
    known = dict(
        get_user_model()
        .objects.filter(email__in=recipients)
        .values_list("email", "preferred_language")
    )
    groups: dict[str, list[str]] = defaultdict(list)
    codes = {code for code, _name in settings.LANGUAGES}
    for email in recipients:
        language = known.get(email) or settings.LANGUAGE_CODE
        groups[language if language in codes else settings.LANGUAGE_CODE].append(email)
    return groups


def notify_on_commit(subject: Text, body: Text, recipients: Iterable[str]) -> None:
    """Queue a notification once the current transaction commits (never for rolled-back work).

    `subject` and `body` are functions that return the translated text: they are called now, once
    per language among the recipients, inside that language, so that each person reads the
    e-mail in their own language, not the language of whoever triggered it.
    """
    emails = sorted(set(recipients))
    for language, group in _languages(emails).items():
        with translation.override(language):
            rendered = (str(subject()), str(body()))
        transaction.on_commit(_sender(*rendered, group))


def _sender(subject: str, body: str, recipients: list[str]) -> Callable[[], object]:
    def send() -> object:
        return notification_send.enqueue(subject, body, recipients)

    return send
