"""Remittance prices: corridors, providers, their services, quotes per period, and indicators.

A *quote* is one mystery-shopped price: sending one amount (the equivalent of USD 200 or 500) in
one corridor, with one service of one provider, in one survey period. The indicators
(`CorridorStat`, `IndicatorValue`) are derived from the quotes by `services.indicators_recompute`
after every import, never edited by hand; `PublishedCorridorCost` keeps the World Bank's own
published corridor series beside them, and `RemittanceFlow` the flows that weight the averages.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from migrationhub.core.models import TimeStampedModel

COUNTRY = "taxonomy.Country"  # UN M49 countries, keyed by ISO 3166-1 alpha-3


class Corridor(models.Model):
    """A sending and a receiving country."""

    sending = models.ForeignKey(COUNTRY, on_delete=models.PROTECT, related_name="+")
    receiving = models.ForeignKey(COUNTRY, on_delete=models.PROTECT, related_name="+")
    wb_region = models.CharField(
        max_length=40,
        blank=True,
        help_text="World Bank region of the receiving country (RPW's regional averages).",
    )

    class Meta:
        ordering = ["sending__iso3", "receiving__iso3"]
        constraints = [
            models.UniqueConstraint(fields=["sending", "receiving"], name="unique_corridor")
        ]

    @property
    def code(self) -> str:
        return f"{self.sending.iso3}-{self.receiving.iso3}"

    def __str__(self) -> str:
        return f"{self.sending.label} → {self.receiving.label}"


class Provider(models.Model):
    """A remittance service provider (RSP)."""

    BANK, MTO, POST_OFFICE = "bank", "mto", "post_office"
    MOBILE_OPERATOR, DIGITAL_ONLY = "mobile_operator", "digital_only"
    BANK_MTO, MTO_POST_OFFICE, BANK_POST_OFFICE = "bank_mto", "mto_post_office", "bank_post_office"
    MTO_BUILDING_SOCIETY, NON_BANK_FI, CREDIT_UNION = (
        "mto_building_society",
        "non_bank_fi",
        "credit_union",
    )
    TYPES = [
        (BANK, _("Bank")),
        (MTO, _("Money transfer operator")),
        (POST_OFFICE, _("Post office")),
        (MOBILE_OPERATOR, _("Mobile operator")),
        (DIGITAL_ONLY, _("Digital-only provider")),
        (BANK_MTO, _("Bank / money transfer operator")),
        (MTO_POST_OFFICE, _("Money transfer operator / post office")),
        (BANK_POST_OFFICE, _("Bank / post office")),
        (MTO_BUILDING_SOCIETY, _("Money transfer operator / building society")),
        (NON_BANK_FI, _("Non-bank financial institution")),
        (CREDIT_UNION, _("Credit union")),
    ]

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, help_text="Case-folded name, for matching.")
    type = models.CharField(max_length=24, choices=TYPES)
    rpw_firm_type = models.CharField(
        max_length=80, blank=True, help_text="The firm type as RPW recorded it, verbatim."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name_key", "type"], name="unique_provider_per_type")
        ]

    def __str__(self) -> str:
        return self.name


# What tells one service from another (imports match existing services on it).
SERVICE_IDENTITY = (
    "provider",
    "corridor",
    "product",
    "access_point",
    "pickup_method",
    "speed",
    "coverage",
    "variant",
)


class Service(models.Model):
    """One way a provider moves money in one corridor: how it is paid in, and paid out."""

    CASH, ACCOUNT, CARD, ONLINE, MOBILE = "cash", "account", "card", "online", "mobile"
    INSTRUMENTS = [
        (CASH, _("Cash")),
        (ACCOUNT, _("Bank account")),
        (CARD, _("Card")),
        (ONLINE, _("Online")),
        (MOBILE, _("Mobile phone")),
    ]
    # the codes of costs.SPEED_BANDS, with translatable labels
    SPEEDS = [
        ("lt_1h", _("Less than one hour")),
        ("same_day", _("Same day")),
        ("next_day", _("Next day")),
        ("2_days", _("2 days")),
        ("3_5_days", _("3–5 days")),
        ("6_days_plus", _("6 days or more")),
    ]

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    corridor = models.ForeignKey(Corridor, on_delete=models.PROTECT, related_name="services")
    product = models.CharField(max_length=120, blank=True, help_text="The product, verbatim.")
    payment_instrument = models.CharField(max_length=10, choices=INSTRUMENTS, blank=True)
    access_point = models.CharField(
        max_length=80,
        blank=True,
        help_text="Where the sender pays in: branch, call centre, online.",
    )
    pickup_method = models.CharField(max_length=120, blank=True)
    speed = models.CharField(max_length=12, choices=SPEEDS, blank=True)
    coverage = models.CharField(max_length=40, blank=True, help_text="Pay-out network coverage.")
    variant = models.PositiveSmallIntegerField(
        default=1,
        help_text="RPW sometimes records two prices for the same provider, product and "
        "conditions in one period (fee options); they are kept apart as variants.",
    )
    smart_access = models.BooleanField(
        default=False, help_text="Meets SmaRT's speed and access criteria (costs.smart_access)."
    )

    class Meta:
        ordering = ["provider__name", "product"]
        constraints = [models.UniqueConstraint(fields=SERVICE_IDENTITY, name="unique_service")]

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.product or self.get_payment_instrument_display()}"


class Quote(models.Model):
    """One price: sending `amount_sent` with one service in one period."""

    RPW = "rpw"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="quotes")
    period = models.CharField(max_length=6, help_text="Survey quarter, e.g. 2013Q1.")
    band_usd = models.PositiveSmallIntegerField(
        default=200, help_text="The USD amount whose equivalent was sent (200 or 500)."
    )
    currency_sent = models.CharField(max_length=3, help_text="ISO 4217")
    amount_sent = models.DecimalField(max_digits=18, decimal_places=4)
    fee = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    fx_rate_offered = models.DecimalField(max_digits=26, decimal_places=12, null=True, blank=True)
    interbank_rate = models.DecimalField(max_digits=26, decimal_places=12, null=True, blank=True)
    fx_margin_pct = models.DecimalField(max_digits=16, decimal_places=10, null=True, blank=True)
    total_cost_pct = models.DecimalField(max_digits=16, decimal_places=10)
    transparent = models.BooleanField(
        default=True, help_text="The provider disclosed the exchange rate it applies."
    )
    payout_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, if known")
    surveyed_on = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=60, help_text="`rpw`, or the national data collector's name."
    )
    source_ref = models.CharField(max_length=40, blank=True, help_text="The source's row id.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["period", "total_cost_pct"]
        indexes = [
            models.Index(fields=["period", "band_usd"], name="quote_period_band"),
            models.Index(fields=["source", "period"], name="quote_source_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.service}: {self.total_cost_pct}%"


class QuoteImport(models.Model):
    """The record of one import: who loaded which periods of which source, and how much."""

    source = models.CharField(max_length=60)
    periods = models.JSONField(default=list)
    quotes = models.PositiveIntegerField()
    file_name = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source}: {', '.join(self.periods)} ({self.quotes} quotes)"


class CorridorStat(models.Model):
    """A corridor's indicators in one period and band, computed from the quotes."""

    corridor = models.ForeignKey(Corridor, on_delete=models.CASCADE, related_name="stats")
    period = models.CharField(max_length=6)
    band_usd = models.PositiveSmallIntegerField(default=200)
    average_pct = models.DecimalField(max_digits=16, decimal_places=8)
    quotes = models.PositiveIntegerField()
    cheapest_pct = models.DecimalField(max_digits=16, decimal_places=8)
    dearest_pct = models.DecimalField(max_digits=16, decimal_places=8)
    smart_pct = models.DecimalField(max_digits=16, decimal_places=8, null=True, blank=True)
    smart_services = models.PositiveSmallIntegerField(default=0)
    above_5 = models.BooleanField(default=False)

    class Meta:
        ordering = ["period", "corridor__sending__iso3", "corridor__receiving__iso3"]
        constraints = [
            models.UniqueConstraint(
                fields=["corridor", "period", "band_usd"], name="unique_corridor_stat"
            )
        ]
        indexes = [models.Index(fields=["period", "band_usd"], name="corridorstat_period_band")]


class IndicatorValue(TimeStampedModel):
    """One global, regional, provider-type or country indicator for one period and band."""

    GLOBAL_AVERAGE = "global_average"
    GLOBAL_WEIGHTED_AVERAGE = "global_weighted_average"
    GLOBAL_SMART = "global_smart"
    SHARE_UNDER_5 = "share_corridors_under_5"
    CORRIDORS_ABOVE_5 = "corridors_above_5"
    REGION_AVERAGE = "region_average"
    PROVIDER_TYPE_AVERAGE = "provider_type_average"
    SENDING_COUNTRY_AVERAGE = "sending_country_average"
    RECEIVING_COUNTRY_AVERAGE = "receiving_country_average"
    INDICATORS = [
        (GLOBAL_AVERAGE, _("Global average")),
        (GLOBAL_WEIGHTED_AVERAGE, _("Global weighted average")),
        (GLOBAL_SMART, _("Global SmaRT average")),
        (SHARE_UNDER_5, _("Share of corridors below 5%")),
        (CORRIDORS_ABOVE_5, _("Corridors above 5%")),
        (REGION_AVERAGE, _("Regional average")),
        (PROVIDER_TYPE_AVERAGE, _("Provider-type average")),
        (SENDING_COUNTRY_AVERAGE, _("Average cost of sending from a country")),
        (RECEIVING_COUNTRY_AVERAGE, _("Average cost of sending to a country")),
    ]

    period = models.CharField(max_length=6)
    band_usd = models.PositiveSmallIntegerField(default=200)
    indicator = models.CharField(max_length=32, choices=INDICATORS)
    group = models.CharField(max_length=80, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=8, null=True, blank=True)
    count = models.PositiveIntegerField(default=0, help_text="Quotes or corridors behind it.")

    class Meta:
        ordering = ["period", "indicator", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "band_usd", "indicator", "group"], name="unique_indicator_value"
            )
        ]


class PublishedCorridorCost(models.Model):
    """The World Bank's published corridor average (DataBank series ATCR.CORR), as history."""

    corridor = models.ForeignKey(Corridor, on_delete=models.CASCADE, related_name="published")
    quarter = models.CharField(max_length=6)
    average_pct = models.DecimalField(max_digits=24, decimal_places=13)
    series = models.CharField(max_length=20, default="ATCR.CORR")

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["corridor", "quarter"], name="unique_published_cost")
        ]


class RemittanceFlow(models.Model):
    """Remittances in USD millions: a country's inflows or outflows, or a bilateral estimate."""

    INFLOW, OUTFLOW, BILATERAL = "inflow", "outflow", "bilateral"
    KINDS = [
        (INFLOW, _("Inflows (KNOMAD)")),
        (OUTFLOW, _("Outflows (KNOMAD)")),
        (BILATERAL, _("Bilateral estimate")),
    ]

    kind = models.CharField(max_length=10, choices=KINDS)
    sending = models.ForeignKey(
        COUNTRY, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving = models.ForeignKey(
        COUNTRY, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    usd_millions = models.DecimalField(max_digits=20, decimal_places=6)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "year"]
        indexes = [
            models.Index(fields=["kind", "year"], name="flow_kind_year"),
            # A pair's latest estimate (selectors.popular_corridors), one lookup per corridor.
            models.Index(fields=["sending", "receiving", "kind", "year"], name="flow_pair"),
        ]
