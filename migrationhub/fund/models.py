"""The start-up fund's tables: contributions, proposals and their screening, allocations,
disbursements, and the double-entry ledger (movements of immutable entries, `ledger.py`).

Balances are never stored: they are sums of `Entry` rows. `PoolLock` rows hold no money; they
are what a writer locks (one per fund, earmark and currency) before it reads a balance and
decides, so that concurrent writers queue instead of overdrawing (ADR 0010)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migrationhub.core.models import TimeStampedModel

MONEY = {"max_digits": 18, "decimal_places": 2}


class Fund(TimeStampedModel):
    """A pooled fund (the start-up fund of GCM §43, run as the Migration MPTF)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Portfolio targets: the share (in %) of allocations the fund aims at per dimension value,
    # e.g. {"objective": {"2": 10}, "region": {"002": 30}}.
    targets = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Contribution(TimeStampedModel):
    """Money an organisation gives the fund: pledged first, deposited when received (only a
    deposit moves money in the ledger)."""

    PLEDGED, DEPOSITED = "pledged", "deposited"
    STATUSES = [(PLEDGED, _("Pledged")), (DEPOSITED, _("Deposited"))]

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    contributor = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code")
    date = models.DateField(help_text="When it was pledged, or deposited.")
    earmark = models.CharField(
        max_length=70,
        default="none",
        help_text="none, objective-<n>, area-<code> or region-<M49> (ledger.EARMARK)",
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=PLEDGED, db_index=True)
    deposited_on = models.DateField(null=True, blank=True)
    deposit = models.OneToOneField(
        "fund.Movement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=100, blank=True, help_text="The contributor's own.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="contribution_positive")
        ]

    def __str__(self) -> str:
        return f"{self.contributor} {self.amount} {self.currency}"


class Proposal(TimeStampedModel):
    """A concept note from a partnership, screened by a fund manager, decided by the steering
    committee, then funded by one or more allocations."""

    SUBMITTED, CHECKED, APPROVED, REJECTED, FUNDED = (
        "submitted",
        "checked",
        "approved",
        "rejected",
        "funded",
    )
    STATUSES = [
        (SUBMITTED, _("Submitted")),
        (CHECKED, _("Quality-checked")),
        (APPROVED, _("Approved, awaiting funds")),
        (REJECTED, _("Not approved")),
        (FUNDED, _("Funded")),
    ]
    PUBLIC_STATUSES = (APPROVED, FUNDED)

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="proposals")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The submitting organisation: the partnership's lead.",
    )
    hub_request_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The connection hub's support request it answers."
    )
    title = models.CharField(max_length=300)
    summary = models.TextField()
    amount = models.DecimalField(**MONEY, help_text="Requested.")
    currency = models.CharField(max_length=3)
    earmark = models.CharField(max_length=70, default="none")
    whole_of_government = models.TextField(blank=True, help_text="Evidence, in the note.")
    whole_of_society = models.TextField(blank=True, help_text="Evidence, in the note.")
    status = models.CharField(max_length=10, choices=STATUSES, default=SUBMITTED, db_index=True)
    # the quality check (fund manager)
    complete = models.BooleanField(default=False)
    gender_marker = models.PositiveSmallIntegerField(null=True, blank=True)
    human_rights_marker = models.PositiveSmallIntegerField(null=True, blank=True)
    wog_evidence = models.BooleanField(default=False)
    wos_evidence = models.BooleanField(default=False)
    check_note = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(default=0, db_index=True)
    # the decision (steering committee)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="proposal_positive"),
            models.CheckConstraint(
                condition=models.Q(gender_marker__isnull=True) | models.Q(gender_marker__lte=2),
                name="proposal_gender_marker_scale",
            ),
            models.CheckConstraint(
                condition=models.Q(human_rights_marker__isnull=True)
                | models.Q(human_rights_marker__lte=2),
                name="proposal_hr_marker_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Screening(TimeStampedModel):
    """A proposal screened against one of the ten guiding principles, with a note."""

    MEETS, PARTLY, NOT_MET = "meets", "partly", "not_met"
    RATINGS = [(MEETS, _("Meets")), (PARTLY, _("Partly")), (NOT_MET, _("Does not meet"))]

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="screenings")
    principle = models.ForeignKey("taxonomy.Principle", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=8, choices=RATINGS)
    note = models.TextField()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "principle"], name="unique_screening_principle"
            )
        ]


class Allocation(TimeStampedModel):
    """Money of an earmark's pool set aside for an approved proposal (its movement moves it)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="allocations")
    earmark = models.CharField(max_length=70, default="none")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    movement = models.OneToOneField(
        "fund.Movement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.amount} {self.currency}"


class Disbursement(TimeStampedModel):
    """A tranche transferred to the partnership out of an allocation."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    movement = models.OneToOneField(
        "fund.Movement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_positive")
        ]


class Expenditure(TimeStampedModel):
    """Expenditure reported by the partnership against an allocation (not a ledger movement:
    money spent by the recipient, published as the Gateway does)."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="expenditures"
    )
    amount = models.DecimalField(**MONEY)
    period_end = models.DateField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["period_end", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expenditure_positive")
        ]


class Movement(models.Model):
    """One movement of money: its entries sum to zero per currency (ledger.py). Never changed;
    a correction is a reversing movement (`reverses`, once)."""

    KINDS = [
        ("deposit", _("Deposit")),
        ("allocation", _("Allocation")),
        ("disbursement", _("Disbursement")),
        ("reversal", _("Reversal")),
    ]
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=KINDS)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    date = models.DateField()
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Entry(models.Model):
    """One side of a movement: `amount` added to `account`'s balance in `currency`. Immutable:
    no service updates or deletes one, and the database refuses it (a trigger, migration 0002)."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]
        # one account's entries after a period close: a range of this index
        indexes = [models.Index(fields=["account", "currency", "id"], name="fund_entry_account_id")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="entry_not_zero")]


class PoolLock(models.Model):
    """The row a writer locks before reading a pool's balance: one per fund, earmark and
    currency. `writes` counts the writes (taking the lock is an UPDATE, which also serialises
    writers on SQLite). It holds no money."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="+")
    earmark = models.CharField(max_length=70)
    currency = models.CharField(max_length=3)
    writes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "earmark", "currency"], name="unique_pool_lock")
        ]


class Close(models.Model):
    """A period close: every account's balance over the entries up to `last_entry_id`, taken
    while no entry could be written (services.ledger_close). Immutable like the entries; a
    balance is then the latest close's plus the sum of the entries after it, so reading every
    balance does not grow with the whole ledger. Each close is checked against the full sum."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="closes")
    at = models.DateTimeField(auto_now_add=True)
    last_entry_id = models.BigIntegerField()
    entries = models.BigIntegerField(help_text="How many entries it sums.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_entry_id"]


class CloseBalance(models.Model):
    close = models.ForeignKey(Close, on_delete=models.CASCADE, related_name="balances")
    account = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["close", "account", "currency"], name="unique_close_balance"
            )
        ]
