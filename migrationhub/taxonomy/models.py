"""Reference vocabularies every other app tags with.

Rows are loaded from `data/reference/` by `loaders.load_reference`, never created by hand;
`names` holds the label per language ({"en": ..., "fr": ...}) where the source has translations.
"""

from django.db import models
from django.utils.translation import get_language

from migrationhub.core.i18n import pick


class Labelled(models.Model):
    title = models.TextField()
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        return pick(self.names, self.title)

    def __str__(self) -> str:
        return self.label


class OfficialText(models.Model):
    """A name that exists in an official text (the GCM, A/RES/73/195): where MigrationHub could not
    verify the official wording in a language, its name there is our translation, and says so."""

    unofficial = models.JSONField(
        default=list,
        blank=True,
        help_text="Languages whose name is MigrationHub's translation, not the official text.",
    )

    class Meta:
        abstract = True

    @property
    def label_unofficial(self) -> bool:
        """Whether `label`, in the active language, is MigrationHub's translation."""
        return (get_language() or "en").lower() in self.unofficial


class Objective(OfficialText, Labelled):
    """One of the GCM's 23 objectives."""

    number = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["number"]

    @property
    def code(self) -> str:
        return str(self.number)


class ObjectiveAction(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    letter = models.CharField(max_length=2)
    text = models.TextField()
    text_short = models.TextField(blank=True)

    class Meta:
        ordering = ["objective__number", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "letter"], name="unique_objective_action")
        ]


class Principle(OfficialText, Labelled):
    """One of the GCM's 10 guiding principles (A/RES/73/195 para 15)."""

    number = models.PositiveSmallIntegerField(unique=True)
    code = models.SlugField(unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]


class Area(Labelled):
    """One of the five areas of multi-stakeholder cooperation (seed 003 para 2)."""

    number = models.PositiveSmallIntegerField(unique=True)
    code = models.SlugField(unique=True)

    class Meta:
        ordering = ["number"]


class Level(Labelled):
    """Governance level: local, national, regional, global."""

    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]


class StakeholderType(Labelled):
    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    public_body = models.BooleanField(
        default=False,
        help_text="A body that speaks for a state or an intergovernmental organisation: an "
        "organisation of this type is verified by a platform admin before it counts as one.",
    )

    class Meta:
        ordering = ["order"]


class Language(models.Model):
    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=60)
    native_name = models.CharField(max_length=60)
    rtl = models.BooleanField(default=False)
    un_official = models.BooleanField(default=False)

    class Meta:
        ordering = ["-un_official", "name"]

    @property
    def label(self) -> str:
        return self.native_name

    def __str__(self) -> str:
        return self.native_name


class Region(Labelled):
    """A UN M49 region, sub-region or intermediate region."""

    REGION, SUBREGION, INTERMEDIATE = "region", "subregion", "intermediate"
    KINDS = [(REGION, "Region"), (SUBREGION, "Sub-region"), (INTERMEDIATE, "Intermediate region")]

    m49 = models.CharField(max_length=3, unique=True)
    kind = models.CharField(max_length=12, choices=KINDS)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["kind", "title"]

    @property
    def code(self) -> str:
        return self.m49


class Country(Labelled):
    """A country or area of the UN M49 standard, keyed by ISO 3166-1 alpha-3."""

    iso3 = models.CharField(max_length=3, unique=True)
    iso2 = models.CharField(max_length=2, blank=True)
    m49 = models.CharField(max_length=3, unique=True)
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    subregion = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    intermediate_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    ldc = models.BooleanField(default=False)
    lldc = models.BooleanField(default=False)
    sids = models.BooleanField(default=False)
    former = models.BooleanField(
        default=False, help_text="No longer in UN M49 (kept because historical data use it)."
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "countries"

    @property
    def code(self) -> str:
        return self.iso3


class SdgGoal(Labelled):
    number = models.PositiveSmallIntegerField(unique=True)
    short_names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["number"]

    @property
    def short_label(self) -> str:
        return pick(self.short_names, self.title)


class SdgTarget(Labelled):
    goal = models.ForeignKey(SdgGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=8, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal__number", "position"]


class SdgIndicator(Labelled):
    target = models.ForeignKey(SdgTarget, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=12)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["target__goal__number", "target__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["target", "code"], name="unique_indicator_per_target")
        ]
