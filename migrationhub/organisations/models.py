"""Stakeholder organisations at every level, and who belongs to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.i18n import pick
from migrationhub.core.models import TimeStampedModel
from migrationhub.taxonomy.models import Country, Language, Level, Objective, StakeholderType


class Organisation(TimeStampedModel):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    names = models.JSONField(default=dict, blank=True, help_text="Name per language code.")
    acronym = models.CharField(max_length=40, blank=True)
    stakeholder_type = models.ForeignKey(StakeholderType, on_delete=models.PROTECT)
    level = models.ForeignKey(Level, on_delete=models.PROTECT)
    home_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="organisations")
    objectives = models.ManyToManyField(Objective, blank=True, related_name="organisations")
    languages = models.ManyToManyField(Language, blank=True, related_name="+")
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    provenance = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    @property
    def display_name(self) -> str:
        return pick(self.names, self.name)

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
