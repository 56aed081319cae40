"""The audit trail of domain actions: who did what to which record, when, and why.

django-simple-history keeps every version of a record and who saved it, but not what the save
meant ("submitted for review", "published by the panel", "member added") nor the reason given.
Each service that changes domain data writes one `AuditEvent` in its own transaction, beside the
history; the admin shows both.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def by(instance: models.Model, actor: Any) -> None:
    """Name `actor` as the author of `instance`'s next saved version (django-simple-history);
    the platform itself (no signed-in user) is recorded as nobody."""
    instance._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    reason: str = "",
    **data: Any,
) -> AuditEvent:
    """Write the event `action` (`<entity>.<verb>`, e.g. `practice.submit`) on `target`."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        reason=reason,
        data=data,
    )


def record_many(
    *, actor: Any, action: str, targets: list[models.Model], **data: Any
) -> list[AuditEvent]:
    """One event `action` per target, written in bulk (imports)."""
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                action=action,
                target_type=t._meta.label_lower,
                target_id=str(t.pk),
                target_repr=str(t)[:300],
                data=data,
            )
            for t in targets
        ],
        batch_size=2000,
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
