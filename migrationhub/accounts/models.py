"""Users, platform roles and API tokens.

Roles: *member* and *organisation admin* live on organisations.Membership; *reviewer*, *fund
manager*, *steering committee member*, *hub curator* and *platform admin* are platform-wide and
live here (`is_reviewer`, `fund_role`, `is_hub_curator`, `is_staff`).
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class MigrationhubUserManager(UserManager):
    def create_user(self, email, password=None, **extra):
        extra.setdefault("username", email)
        return super().create_user(email=email, password=password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("username", email)
        return super().create_superuser(email=email, password=password, **extra)


class User(AbstractUser):
    """Sign-in is by e-mail; `username` mirrors it for Django's admin."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    preferred_language = models.CharField(max_length=10, default="en")
    INTERNAL, EXTERNAL = "internal", "external"
    REVIEWER_ROLES = [
        ("", _("Not a reviewer")),
        (INTERNAL, _("Internal reviewer (platform review team)")),
        (EXTERNAL, _("External reviewer (peer expert)")),
    ]
    reviewer_role = models.CharField(
        max_length=10,
        choices=REVIEWER_ROLES,
        blank=True,
        default="",
        help_text="Platform-wide role: may be assigned to review practices.",
    )
    is_hub_curator = models.BooleanField(
        default=False,
        help_text="Platform-wide role: screens requests for support in the connection hub and "
        "proposes partners.",
    )
    FUND_MANAGER, FUND_COMMITTEE = "manager", "committee"
    FUND_ROLES = [
        ("", _("No role in the start-up fund")),
        (FUND_MANAGER, _("Fund manager (records money, checks proposals)")),
        (FUND_COMMITTEE, _("Steering committee member (decides on proposals)")),
    ]
    fund_role = models.CharField(
        max_length=10,
        choices=FUND_ROLES,
        blank=True,
        default="",
        help_text="Platform-wide role in the start-up fund (fund app).",
    )

    objects = MigrationhubUserManager()
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        if not self.username:
            self.username = self.email
        super().save(*args, **kwargs)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewer_role)

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return "mh_" + secrets.token_urlsafe(32)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
