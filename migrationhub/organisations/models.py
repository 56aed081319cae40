"""Stakeholder organisations at every level, who belongs to them, and how people join them."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.i18n import pick
from migrationhub.core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    RESERVED_SLUGS = frozenset({"new"})  # fixed pages beside /organisations/<slug>/ (core.slugs)
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    names = models.JSONField(default=dict, blank=True, help_text="Name per language code.")
    acronym = models.CharField(max_length=40, blank=True)
    stakeholder_type = models.ForeignKey("taxonomy.StakeholderType", on_delete=models.PROTECT)
    level = models.ForeignKey("taxonomy.Level", on_delete=models.PROTECT)
    home_country = models.ForeignKey(
        "taxonomy.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countries = models.ManyToManyField("taxonomy.Country", blank=True, related_name="organisations")
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="organisations"
    )
    languages = models.ManyToManyField("taxonomy.Language", blank=True, related_name="+")
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    provenance = models.JSONField(default=list, blank=True)
    # Set by a platform admin who checked who the organisation is (ADR 0004); never by its members.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_evidence = models.TextField(
        blank=True, help_text="What the platform admin checked, and how. Not public."
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    @property
    def display_name(self) -> str:
        return pick(self.names, self.name)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_public_body(self) -> bool:
        """Of a type that speaks for a state or an intergovernmental organisation."""
        return bool(self.stakeholder_type.public_body)

    @property
    def claims_public_body(self) -> bool:
        """A public body by its declared type, not (or no longer) verified: it does not act as
        one (ADR 0004)."""
        return self.is_public_body and not self.is_verified

    def __str__(self) -> str:
        return self.display_name


class Membership(TimeStampedModel):
    MEMBER, ADMIN = "member", "admin"
    ROLES = [(MEMBER, _("Member")), (ADMIN, _("Organisation admin"))]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=ROLES, default=MEMBER)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")
        ]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class JoinRequest(TimeStampedModel):
    """A signed-in user asks to join an organisation; one of its admins accepts or refuses."""

    PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
    STATUSES = [(PENDING, _("Pending")), (ACCEPTED, _("Accepted")), (REFUSED, _("Refused"))]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class Invitation(TimeStampedModel):
    """An organisation admin invites an e-mail address with a role. The link's token is random;
    only its SHA-256 is stored (as for API tokens), so the table cannot be used to accept."""

    PENDING, ACCEPTED, DECLINED, REVOKED = "pending", "accepted", "declined", "revoked"
    STATUSES = [
        (PENDING, _("Pending")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
        (REVOKED, _("Replaced or withdrawn")),
    ]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.ROLES, default=Membership.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]

    hash_token = staticmethod(_token_hash)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        """Pending and not expired: it can still be accepted or declined."""
        return self.status == self.PENDING and not self.is_expired

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
