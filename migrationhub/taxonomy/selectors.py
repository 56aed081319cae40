"""Reads of the reference vocabularies, and code → row resolution for forms, API and imports."""

from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.utils.translation import get_language

from migrationhub.core.errors import ValidationFailed

from .models import (
    Area,
    Country,
    Language,
    Level,
    Objective,
    Principle,
    Region,
    SdgGoal,
    StakeholderType,
)

# field name used in the API/imports -> (model, lookup field)
VOCABULARIES: dict[str, tuple[type[Model], str]] = {
    "objectives": (Objective, "number"),
    "principles": (Principle, "code"),
    "areas": (Area, "code"),
    "levels": (Level, "code"),
    "stakeholder_types": (StakeholderType, "code"),
    "countries": (Country, "iso3"),
    "languages": (Language, "code"),
    "regions": (Region, "m49"),
}


def resolve_many(field: str, codes) -> list:
    """Rows for `codes` in the vocabulary `field`; unknown codes raise ValidationFailed naming them."""
    model, key = VOCABULARIES[field]
    wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
    if key == "iso3":
        wanted = [c.upper() for c in wanted]
    if key == "number":
        bad = [c for c in wanted if not c.isdigit()]
        if bad:
            raise ValidationFailed(
                f"Unknown {field}: {', '.join(bad)}", fields={field: [f"unknown: {', '.join(bad)}"]}
            )
    rows = list(model.objects.filter(**{f"{key}__in": wanted}))
    found = {str(getattr(r, key)) for r in rows}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationFailed(
            f"Unknown {field}: {', '.join(missing)}",
            fields={field: [f"unknown: {', '.join(missing)}"]},
        )
    return rows


def resolve_one(field: str, code, *, required: bool = True):
    if code in (None, ""):
        if required:
            raise ValidationFailed(f"{field} is required.", fields={field: ["required"]})
        return None
    return resolve_many(field, [code])[0]


def objective_list() -> QuerySet[Objective]:
    return Objective.objects.all()


def objective_get(number: int) -> Objective | None:
    return Objective.objects.prefetch_related("actions").filter(number=number).first()


def vocabulary_choices() -> dict[str, list[tuple[str, str]]]:
    """(code, label) pairs for every facetable vocabulary, for filters and forms.

    Cached per language: reference data changes only through `load_reference`, which clears it.
    """
    key = f"taxonomy:choices:{get_language() or 'en'}"
    return cache.get_or_set(key, _vocabulary_choices, CHOICES_TTL)


CHOICES_TTL = 600


def vocabulary_cache_clear() -> None:
    from django.conf import settings

    cache.delete_many([f"taxonomy:choices:{code}" for code, _ in settings.LANGUAGES])


def _vocabulary_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "objectives": [(str(o.number), f"{o.number}. {o.label}") for o in Objective.objects.all()],
        "principles": [(p.code, p.label) for p in Principle.objects.all()],
        "areas": [(a.code, a.label) for a in Area.objects.all()],
        "levels": [(lv.code, lv.label) for lv in Level.objects.all()],
        "stakeholder_types": [(s.code, s.label) for s in StakeholderType.objects.all()],
        "countries": sorted(
            ((c.iso3, c.label) for c in Country.objects.filter(former=False)), key=lambda x: x[1]
        ),
        # Regions, sub-regions and intermediate regions (e.g. 011 Western Africa): the index
        # tags each country with all three, so each needs a name.
        "regions": sorted(((r.m49, r.label) for r in Region.objects.all()), key=lambda x: x[1]),
        "languages": [(lang.code, lang.label) for lang in Language.objects.all()],
    }


def sdg_goal_list() -> QuerySet[SdgGoal]:
    return SdgGoal.objects.prefetch_related("targets__indicators")


FACET_VOCABULARY = {
    "objective": "objectives",
    "principle": "principles",
    "area": "areas",
    "country": "countries",
    "region": "regions",
    "level": "levels",
    "stakeholder_type": "stakeholder_types",
    "language": "languages",
}


def facet_labels(facets: dict) -> dict[str, dict[str, str]]:
    """{facet: {code: label}} for the facets present (years label themselves)."""
    choices = vocabulary_choices() if facets else {}
    labels: dict[str, dict[str, str]] = {}
    for facet in facets:
        vocabulary = FACET_VOCABULARY.get(facet)
        labels[facet] = dict(choices.get(vocabulary, [])) if vocabulary else {}
    return labels
