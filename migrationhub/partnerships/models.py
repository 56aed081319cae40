"""The registry of multi-stakeholder partnerships: members and their roles, goals, resources,
outputs, progress, pledges (DESIGN.md §3; seed 003 §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.models import TimeStampedModel

from . import lights

# The reference vocabularies a partnership is tagged with (many-to-many, by code).
TAG_FIELDS = ("objectives", "principles", "areas", "countries", "levels", "sdg_targets")


class Role(models.TextChoices):
    """What a member organisation does in a partnership. The first four are IATI's organisation
    roles (codelist OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing);
    the others are the roles the seed documents ask for."""

    FUNDING = "funding", _("Funding")
    ACCOUNTABLE = "accountable", _("Accountable")
    EXTENDING = "extending", _("Extending")
    IMPLEMENTING = "implementing", _("Implementing")
    TECHNICAL = "technical", _("Technical")
    ADVISORY = "advisory", _("Advisory")
    MIGRANT_REPRESENTATIVE = "migrant_representative", _("Migrant or diaspora representative")


class Partnership(TimeStampedModel):
    # fixed pages beside /partnerships/<slug>/ (core.slugs)
    RESERVED_SLUGS = frozenset({"new", "scorecard", "invitations", "pledges"})
    PLANNED, ACTIVE, COMPLETED = "planned", "active", "completed"
    SUSPENDED, CANCELLED = "suspended", "cancelled"
    STATUSES = [
        (PLANNED, _("Planned")),
        (ACTIVE, _("Active")),
        (COMPLETED, _("Completed")),
        (SUSPENDED, _("Suspended")),
        (CANCELLED, _("Cancelled")),
    ]
    CLOSED_STATUSES = (COMPLETED, CANCELLED)

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    purpose = models.TextField()
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=STATUSES, default=ACTIVE, db_index=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    lead = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="led_partnerships",
        help_text="The lead organisation: its admins are the partnership's admins.",
    )
    objectives = models.ManyToManyField("taxonomy.Objective", blank=True, related_name="+")
    principles = models.ManyToManyField("taxonomy.Principle", blank=True, related_name="+")
    areas = models.ManyToManyField("taxonomy.Area", blank=True, related_name="+")
    countries = models.ManyToManyField("taxonomy.Country", blank=True, related_name="+")
    levels = models.ManyToManyField("taxonomy.Level", blank=True, related_name="+")
    sdg_targets = models.ManyToManyField("taxonomy.SdgTarget", blank=True, related_name="+")
    website = models.URLField(blank=True)
    provenance = models.JSONField(default=list, blank=True)
    iati_identifier = models.CharField(max_length=150, blank=True, db_index=True)
    as_of = models.DateField(
        null=True,
        blank=True,
        help_text="For a curated record: the date of the source it was built from (a seed "
        "document, an IATI activity's last update). The duty to report starts then.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept in step by the services (and `partnerships-refresh` daily, as days pass): what lists
    # sort and filter by. Pages compute the scorecard and the light afresh.
    score = models.PositiveSmallIntegerField(default=0, db_index=True)
    score_breadth = models.PositiveSmallIntegerField(default=0)
    score_focus = models.PositiveSmallIntegerField(default=0)
    score_resources = models.PositiveSmallIntegerField(default=0)
    light = models.CharField(max_length=6, default=lights.GREEN, db_index=True)
    last_reported_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "score",
            "score_breadth",
            "score_focus",
            "score_resources",
            "light",
            "last_reported_on",
            "reminded_at",
        ]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="partnership_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def registered_on(self):
        return self.created_at.date() if self.created_at else None


class PartnershipTranslation(TimeStampedModel):
    """The partnership's name and purpose in another language, written by its admins."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)
    purpose = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["language_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "language"], name="unique_partnership_translation"
            )
        ]


class Member(TimeStampedModel):
    """An organisation in a partnership. Invited by the partnership's admins, it becomes active
    only when one of its own admins accepts (no organisation is added without its consent); the
    platform itself may record members named by a published source (a seed document, an IATI
    file), which `source` says."""

    INVITED, ACTIVE, DECLINED, LEFT = "invited", "active", "declined", "left"
    STATUSES = [
        (INVITED, _("Invited")),
        (ACTIVE, _("Member")),
        (DECLINED, _("Declined")),
        (LEFT, _("Left")),
    ]
    CONSENT, RECORD = "consent", "record"
    SOURCES = [(CONSENT, _("Joined")), (RECORD, _("As published by the source"))]

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    roles = models.JSONField(default=list, blank=True)
    is_lead = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=STATUSES, default=INVITED, db_index=True)
    source = models.CharField(max_length=10, choices=SOURCES, default=CONSENT)
    message = models.TextField(blank=True, help_text="The invitation's note.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-is_lead", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="unique_partnership_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class Goal(TimeStampedModel):
    """A goal with its indicator (SMART when every part is there: scoring.smart_problems)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    indicator = models.CharField(max_length=300)
    unit = models.CharField(max_length=60, blank=True)
    baseline = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    objectives = models.ManyToManyField("taxonomy.Objective", blank=True, related_name="+")
    sdg_targets = models.ManyToManyField("taxonomy.SdgTarget", blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.indicator


class Commitment(TimeStampedModel):
    """A resource a member commits: money (Decimal, ISO 4217 currency), in kind, or expertise."""

    FINANCIAL, IN_KIND, EXPERTISE = "financial", "in_kind", "expertise"
    KINDS = [(FINANCIAL, _("Financial")), (IN_KIND, _("In kind")), (EXPERTISE, _("Expertise"))]

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="commitments"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    description = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="commitment_amount_positive",
            )
        ]


class Output(TimeStampedModel):
    """A practice of the knowledge platform that the partnership produced or shares."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="outputs")
    practice = models.ForeignKey("knowledge.Practice", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "practice"], name="unique_output")
        ]


class Pledge(TimeStampedModel):
    """A commitment by one or more organisations (the IMRF pledging model): of a type, joint when
    several organisations make it, possibly matching another pledge, delivered by a partnership."""

    RESERVED_SLUGS = frozenset({"new"})  # fixed pages beside /partnerships/pledges/<slug>/

    FINANCIAL, TECHNICAL, HUMAN = "financial", "technical", "human_resources"
    POLICY, PROCESS = "policy", "process"
    KINDS = [
        (FINANCIAL, _("Financial")),
        (TECHNICAL, _("Technical")),
        (HUMAN, _("Human resources")),
        (POLICY, _("Policy")),
        (PROCESS, _("Process")),
    ]
    OPEN, FULFILLED, WITHDRAWN = "open", "fulfilled", "withdrawn"
    STATUSES = [(OPEN, _("Open")), (FULFILLED, _("Fulfilled")), (WITHDRAWN, _("Withdrawn"))]
    CLOSED_STATUSES = (FULFILLED, WITHDRAWN)

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    narrative = models.TextField()
    kind = models.CharField(max_length=16, choices=KINDS)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    due_date = models.DateField(null=True, blank=True)
    pledged_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN, db_index=True)
    lead = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges"
    )
    matches = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="matched_by"
    )
    objectives = models.ManyToManyField("taxonomy.Objective", blank=True, related_name="+")
    provenance = models.JSONField(default=list, blank=True)
    as_of = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    light = models.CharField(max_length=6, default=lights.GREEN, db_index=True)
    last_reported_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "light", "last_reported_on"])

    class Meta:
        ordering = ["-pledged_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="pledge_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class Pledger(TimeStampedModel):
    """An organisation making a pledge. The lead pledger makes it; others are invited and join
    only when one of their admins accepts."""

    INVITED, ACTIVE, DECLINED = "invited", "active", "declined"
    STATUSES = [(INVITED, _("Invited")), (ACTIVE, _("Pledging")), (DECLINED, _("Declined"))]

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="pledgers")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "organisation"], name="unique_pledger")
        ]


class ProgressReport(TimeStampedModel):
    """A member's report on a goal of its partnership (the indicator's value on a date), or a
    pledger's report on its pledge: what keeps their status light green."""

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    reported_on = models.DateField()
    narrative = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(goal__isnull=False) & models.Q(pledge__isnull=True))
                | (models.Q(goal__isnull=True) & models.Q(pledge__isnull=False)),
                name="report_on_goal_or_pledge",
            )
        ]


class OrganisationRef(TimeStampedModel):
    """An organisation's IATI identifier (`ref`), as IATI files name it: read by the import to
    match participating organisations, written in the exports."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    ref = models.CharField(max_length=150, unique=True)
