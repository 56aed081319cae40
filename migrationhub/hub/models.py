"""The connection hub's tables: requests for support and their recorded workflow, offers, the
proposals (consortia) curators make, and translations (DESIGN.md §3; seed 003 §5; A/RES/73/195
para 43)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.models import TimeStampedModel

from . import workflow

STATUS_TITLES = {
    workflow.SUBMITTED: _("Submitted"),
    workflow.SCREENED: _("Screened"),
    workflow.MATCHING: _("Matching"),
    workflow.PROPOSED: _("Proposed"),
    workflow.ACCEPTED: _("Accepted"),
    workflow.IN_IMPLEMENTATION: _("In implementation"),
    workflow.CLOSED: _("Closed"),
    workflow.DECLINED: _("Declined"),
    workflow.WITHDRAWN: _("Withdrawn"),
}
assert set(STATUS_TITLES) == set(workflow.STATUS_LABELS)


class SupportKind(models.TextChoices):
    """What a government asks for, and what an organisation offers."""

    TECHNICAL = "technical", _("Technical assistance")
    PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
    FUNDING = "funding", _("Funding")
    DATA = "data", _("Data")
    TRAINING = "training", _("Training")


class SupportRequest(TimeStampedModel):
    """A national government or a local or regional authority (a verified organisation of that
    stakeholder type) asks for support; curators screen it and propose partners; only the
    requester accepts. Every change of status is a `Transition` row."""

    RESERVED_SLUGS = frozenset({"new"})
    STATUSES = list(STATUS_TITLES.items())

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    requester = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey("taxonomy.Country", on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    objectives = models.ManyToManyField("taxonomy.Objective", related_name="+")
    levels = models.ManyToManyField(
        "taxonomy.Level", blank=True, related_name="+", help_text="Governance levels it spans."
    )
    need = models.TextField()
    outcomes = models.JSONField(default=list, help_text="Outcomes sought, one per item.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    budget_min = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    support_kinds = models.JSONField(default=list)
    partner_types = models.ManyToManyField("taxonomy.StakeholderType", blank=True, related_name="+")
    languages = models.ManyToManyField("taxonomy.Language", blank=True, related_name="+")
    private = models.BooleanField(
        default=False, help_text="The requester asked that the request stay private."
    )
    status = models.CharField(
        max_length=20, choices=STATUSES, default=workflow.SUBMITTED, db_index=True
    )
    # Set when screened: the completeness check and each of the ten guiding principles, with notes.
    screening = models.JSONField(default=dict, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partnership an accepted proposal became.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="support_request_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_max__isnull=True)
                | models.Q(budget_min__isnull=True)
                | models.Q(budget_max__gte=models.F("budget_min")),
                name="support_request_budget_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Public once screened, unless the requester asked for it to stay private."""
        return self.screened_at is not None and not self.private

    def kind_labels(self) -> list[str]:
        labels = dict(SupportKind.choices)
        return [str(labels.get(k, k)) for k in self.support_kinds]


class Transition(models.Model):
    """One change of a request's status: who, when, from, to, why (never changed)."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class SupportRequestTranslation(TimeStampedModel):
    """The request's title and need in another language, written by the requester's admins."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    need = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["language_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "language"], name="unique_support_request_translation"
            )
        ]


class Offer(TimeStampedModel):
    """What an organisation offers (expertise, funding, peer exchange, data, training), by
    objective, region and language, with its capacity and an end date."""

    RESERVED_SLUGS = frozenset({"new"})
    OPEN, WITHDRAWN = "open", "withdrawn"
    STATUSES = [(OPEN, _("Open")), (WITHDRAWN, _("Withdrawn"))]

    slug = models.SlugField(max_length=120, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=300)
    description = models.TextField()
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(default=list)
    objectives = models.ManyToManyField("taxonomy.Objective", blank=True, related_name="+")
    regions = models.ManyToManyField(
        "taxonomy.Region", blank=True, related_name="+", help_text="None: anywhere."
    )
    languages = models.ManyToManyField("taxonomy.Language", blank=True, related_name="+")
    capacity = models.CharField(
        max_length=300, blank=True, help_text="How much: e.g. two experts for six months."
    )
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def kind_labels(self) -> list[str]:
        labels = dict(SupportKind.choices)
        return [str(labels.get(k, k)) for k in self.kinds]


class OfferTranslation(TimeStampedModel):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey("taxonomy.Language", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["language_id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "language"], name="unique_offer_translation")
        ]


class Proposal(TimeStampedModel):
    """A consortium a curator proposes for a request, with what each member brings and the
    matching components that ranked it. The requester accepts one (it becomes a partnership) or
    sends the request back to matching."""

    PROPOSED, ACCEPTED, SET_ASIDE = "proposed", "accepted", "set_aside"
    STATUSES = [(PROPOSED, _("Proposed")), (ACCEPTED, _("Accepted")), (SET_ASIDE, _("Set aside"))]

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(max_length=10, choices=STATUSES, default=PROPOSED)
    note = models.TextField(blank=True)
    guarantees = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="accepted"),
                name="one_accepted_proposal_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk} for {self.request}"


class ProposalMember(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    roles = models.JSONField(default=list)
    score = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    brings = models.JSONField(default=dict, help_text="What it brings to the consortium.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="unique_proposal_member"
            )
        ]
