"""The global knowledge platform: practices, their translations and their peer review."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.models import TimeStampedModel

from . import freshness

# The reference vocabularies a practice is tagged with (many-to-many, by code): the one list that
# services resolve, forms offer, selectors prefetch, imports read and the index facets.
TAG_FIELDS = (
    "objectives",
    "principles",
    "areas",
    "countries",
    "levels",
    "stakeholder_types",
    "sdg_targets",
)


class Practice(TimeStampedModel):
    RESERVED_SLUGS = frozenset(
        {"new", "mine", "review", "evidence"}
    )  # fixed pages beside /practices/<slug>/ (core.slugs)
    DRAFT, SUBMITTED, IN_REVIEW = "draft", "submitted", "in_review"
    PUBLISHED, RETURNED, ARCHIVED = "published", "returned", "archived"
    STATUSES = [
        (DRAFT, _("Draft")),
        (SUBMITTED, _("Submitted")),
        (IN_REVIEW, _("In review")),
        (PUBLISHED, _("Published")),
        (RETURNED, _("Returned for more information")),
        (ARCHIVED, _("Archived")),
    ]

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    body = models.TextField(blank=True)
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_practices",
        help_text="The submitting organisation: its members edit the practice. Empty for records "
        "curated by the platform itself (imports), which only platform admins edit.",
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="practices",
        help_text="Organisations involved.",
    )
    objectives = models.ManyToManyField("taxonomy.Objective", blank=True, related_name="practices")
    principles = models.ManyToManyField("taxonomy.Principle", blank=True, related_name="practices")
    areas = models.ManyToManyField("taxonomy.Area", blank=True, related_name="practices")
    countries = models.ManyToManyField("taxonomy.Country", blank=True, related_name="practices")
    levels = models.ManyToManyField("taxonomy.Level", blank=True, related_name="practices")
    stakeholder_types = models.ManyToManyField(
        "taxonomy.StakeholderType", blank=True, related_name="practices"
    )
    sdg_targets = models.ManyToManyField(
        "taxonomy.SdgTarget", blank=True, related_name="practices", help_text="SDG targets."
    )
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    results = models.TextField(blank=True, help_text="Results and evidence.")
    source = models.TextField(blank=True)
    provenance = models.JSONField(default=list, blank=True)
    review_round = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateField(null=True, blank=True)
    reverification_requested_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="practice_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_stale(self) -> bool:
        return self.status == self.PUBLISHED and freshness.is_stale(
            self.last_verified_at, timezone.localdate(), settings.MIGRATIONHUB_STALE_AFTER_MONTHS
        )

    @property
    def is_editable(self) -> bool:
        return self.status in (self.DRAFT, self.RETURNED)


class PracticeTranslation(TimeStampedModel):
    """A practice in another language.

    `title`, `summary` and `body` are the approved text, the one readers see; an empty title
    means none has been approved yet. A change to a published practice's translation is a
    proposal (`proposed_*`, `status` pending) until an internal reviewer or a platform admin
    approves it; until then the approved text, if any, is still served (ADR 0004)."""

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUSES = [
        (PENDING, _("Pending review")),
        (APPROVED, _("Approved")),
        (REJECTED, _("Rejected")),
    ]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=APPROVED)
    proposed_title = models.CharField(max_length=300, blank=True)
    proposed_summary = models.TextField(blank=True)
    proposed_body = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    @property
    def is_public(self) -> bool:
        """It has approved text (shown once the practice is published)."""
        return bool(self.title)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "language"], name="unique_translation")
        ]


class ReviewAssignment(TimeStampedModel):
    """A reviewer assigned to a practice. Stays across rounds until withdrawn (recusal)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    kind = models.CharField(
        max_length=10, choices=[("internal", _("Internal")), ("external", _("External"))]
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    conflict_statement = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "reviewer"], name="unique_reviewer_per_practice"
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ReviewDecision(TimeStampedModel):
    """One reviewer's decision in one review round; immutable once made."""

    APPROVE, REVISE, REJECT = "approve", "revise", "reject"
    DECISIONS = [
        (APPROVE, _("Publish")),
        (REVISE, _("Return for more information")),
        (REJECT, _("Reject")),
    ]
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=10, choices=DECISIONS)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="one_decision_per_round")
        ]


class Evidence(TimeStampedModel):
    """A programme evaluation in the evidence library: what was evaluated, where, on which
    themes, and where its report is, as its publisher lists it (`source`, `source_row`).

    Records are curated (imported), never drafted on the platform. Their GCM objectives are
    suggested by the tagger (`tagging.py`) and stay marked machine-suggested until a curator
    confirms them (`EvidenceObjective.status`). Authors are not kept: many are persons."""

    RESERVED_SLUGS = frozenset()
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    period_from = models.DateField(null=True, blank=True, help_text="As the source gives it.")
    period_to = models.DateField(null=True, blank=True, help_text="As the source gives it.")
    language = models.ForeignKey(
        "taxonomy.Language",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first language of the report.",
    )
    languages = models.JSONField(default=list, blank=True, help_text="Language codes.")
    countries = models.ManyToManyField("taxonomy.Country", blank=True, related_name="evidence")
    countries_as_written = models.JSONField(
        default=list, blank=True, help_text="Countries covered, as the source names them."
    )
    coverage = models.CharField(max_length=40, blank=True)
    offices = models.JSONField(default=list, blank=True, help_text="IOM regional offices.")
    themes = models.JSONField(default=list, blank=True, help_text="IOM thematic areas.")
    crosscutting = models.JSONField(default=list, blank=True)
    scope = models.JSONField(default=list, blank=True, help_text="Type of evaluation scope.")
    timing = models.CharField(max_length=120, blank=True)
    evaluator = models.CharField(max_length=60, blank=True, help_text="Type of evaluator.")
    level = models.CharField(max_length=40, blank=True)
    commissioner = models.CharField(max_length=300, blank=True)
    donor = models.CharField(max_length=500, blank=True)
    projects = models.TextField(blank=True, help_text="Projects evaluated.")
    project_code = models.CharField(max_length=200, blank=True)
    documents = models.JSONField(default=list, blank=True, help_text="[{url, label}]")
    has_executive_summary = models.BooleanField(default=False)
    has_lessons = models.BooleanField(default=False)
    has_management_response = models.BooleanField(default=False)
    source = models.CharField(max_length=300)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    objectives = models.ManyToManyField(
        "taxonomy.Objective", through="EvidenceObjective", blank=True, related_name="evidence"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "title"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    @property
    def report_url(self) -> str:
        return self.documents[0]["url"] if self.documents else ""


class EvidenceObjective(models.Model):
    """A GCM objective of an evaluation: suggested by the tagger with its confidence, or
    confirmed by a curator (who, when). Only confirmed ones count as curated tags."""

    SUGGESTED, CONFIRMED = "suggested", "confirmed"
    STATUSES = [(SUGGESTED, _("Machine-suggested")), (CONFIRMED, _("Confirmed by a curator"))]

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="tags")
    objective = models.ForeignKey("taxonomy.Objective", on_delete=models.PROTECT, related_name="+")
    confidence = models.FloatField(default=0.0)
    status = models.CharField(max_length=10, choices=STATUSES, default=SUGGESTED)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective__number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "objective"], name="unique_evidence_tag")
        ]

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.CONFIRMED
