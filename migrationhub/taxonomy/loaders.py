"""Load the reference vocabularies from `data/reference/` (see SOURCES.md there).

Idempotent: each row is matched on its natural key and updated in place, so re-running after a
data update changes what changed and nothing else.
"""

import csv
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from migrationhub.core import page_cache

from .models import (
    Area,
    Country,
    Language,
    Level,
    Objective,
    ObjectiveAction,
    Principle,
    Region,
    SdgGoal,
    SdgIndicator,
    SdgTarget,
    StakeholderType,
)

M49_FILES = {"en": "en", "fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "cn"}
# Language code in Django (settings.LANGUAGES) -> column suffix in the wide CSVs (`title_zh-Hans`).
SDG_LANGS = {"en": "en", "fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh-Hans"}
# Rows in the copied M49 export that are not in the official UN M49 list (SOURCES.md).
NOT_IN_OFFICIAL_M49 = {"TWN"}


def reference_dir() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (reference_dir() / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _position(code: str) -> int:
    """Sort key for '10.c' / '10.7.1' parts: numbers first, then letters a=101…"""
    last = code.split(".")[-1]
    return int(last) if last.isdigit() else 100 + ord(last[0]) - ord("a") + 1


@transaction.atomic
def load_reference() -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in _rows("gcm_objectives.csv"):
        Objective.objects.update_or_create(
            number=int(row["objective"]),
            defaults={
                "title": row["title"],
                "names": _titles(row),
                "unofficial": _unofficial(row),
            },
        )
    counts["objectives"] = Objective.objects.count()
    objectives = {o.number: o for o in Objective.objects.all()}
    for row in _rows("gcm_actions.csv"):
        ObjectiveAction.objects.update_or_create(
            objective=objectives[int(row["objective"])],
            letter=row["action"],
            defaults={"text": row["text"], "text_short": row["text_short"]},
        )
    counts["objective_actions"] = ObjectiveAction.objects.count()
    for row in _rows("gcm_guiding_principles.csv"):
        Principle.objects.update_or_create(
            code=row["code"],
            defaults={
                "number": int(row["number"]),
                "title": row["title"],
                "names": _titles(row),
                "unofficial": _unofficial(row),
                "description": row["description"],
            },
        )
    counts["principles"] = Principle.objects.count()
    for row in _rows("areas_of_cooperation.csv"):
        Area.objects.update_or_create(
            code=row["code"],
            defaults={
                "number": int(row["number"]),
                "title": row["title"],
                "names": _titles(row),
            },
        )
    counts["areas"] = Area.objects.count()
    for row in _rows("governance_levels.csv"):
        Level.objects.update_or_create(
            code=row["code"],
            defaults={
                "order": int(row["order"]),
                "title": row["title"],
                "names": _titles(row),
                "description": row["description"],
            },
        )
    counts["levels"] = Level.objects.count()
    for row in _rows("stakeholder_types.csv"):
        StakeholderType.objects.update_or_create(
            code=row["code"],
            defaults={
                "order": int(row["order"]),
                "title": row["title"],
                "names": _titles(row),
                "public_body": row["public_body"] == "yes",
            },
        )
    counts["stakeholder_types"] = StakeholderType.objects.count()
    for row in _rows("languages.csv"):
        Language.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "native_name": row["native_name"],
                "rtl": row["direction"] == "rtl",
                "un_official": row["un_official"] == "yes",
            },
        )
    counts["languages"] = Language.objects.count()
    counts.update(_load_m49())
    counts.update(_load_sdgs())
    from .selectors import vocabulary_cache_clear

    transaction.on_commit(vocabulary_cache_clear)
    # Labels of every vocabulary appear on most pages: retire every stored page.
    page_cache.changed_everything()
    return counts


def _load_m49() -> dict[str, int]:
    by_lang = {lang: _rows(f"m49/unsd_m49_{suffix}.csv") for lang, suffix in M49_FILES.items()}
    region_names: dict[str, dict[str, str]] = {}
    country_names: dict[str, dict[str, str]] = {}
    for lang, rows in by_lang.items():
        for row in rows:
            for key in ("Region", "Sub-region", "Intermediate Region"):
                if row[f"{key} Code"]:
                    region_names.setdefault(row[f"{key} Code"], {})[lang] = row[f"{key} Name"]
            country_names.setdefault(row["M49 Code"], {})[lang] = row["Country or Area"]
    currencies = {
        row["M49"].zfill(3): row["ISO4217-currency_alphabetic_code"]
        for row in _rows("m49/country-codes.csv")
        if row["M49"]
    }
    regions: dict[str, Region] = {}

    def region(code: str, kind: str, parent: Region | None) -> Region | None:
        if not code:
            return None
        if code not in regions:
            names = region_names[code]
            regions[code], _ = Region.objects.update_or_create(
                m49=code,
                defaults={"kind": kind, "title": names["en"], "names": names, "parent": parent},
            )
        return regions[code]

    for row in by_lang["en"]:
        if row["ISO-alpha3 Code"] in NOT_IN_OFFICIAL_M49 or not row["ISO-alpha3 Code"]:
            continue
        top = region(row["Region Code"], Region.REGION, None)
        sub = region(row["Sub-region Code"], Region.SUBREGION, top)
        mid = region(row["Intermediate Region Code"], Region.INTERMEDIATE, sub)
        names = country_names[row["M49 Code"]]
        Country.objects.update_or_create(
            iso3=row["ISO-alpha3 Code"],
            defaults={
                "iso2": row["ISO-alpha2 Code"],
                "m49": row["M49 Code"],
                "title": names["en"],
                "names": names,
                "region": top,
                "subregion": sub,
                "intermediate_region": mid,
                "currency": (currencies.get(row["M49 Code"]) or "")[:3],
                "ldc": bool(row["Least Developed Countries (LDC)"].strip()),
                "lldc": bool(row["Land Locked Developing Countries (LLDC)"].strip()),
                "sids": bool(row["Small Island Developing States (SIDS)"].strip()),
            },
        )
    _load_former_areas()
    return {"regions": Region.objects.count(), "countries": Country.objects.count()}


def _load_former_areas() -> None:
    """Areas that UN M49 no longer lists but historical data still use (m49/former_areas.csv),
    e.g. the Netherlands Antilles (M49 530, ISO 3166-3 ANT, dissolved in 2010), which the World
    Bank's remittance price surveys priced until 2015."""
    for row in _rows("m49/former_areas.csv"):
        regions = {
            r.m49: r
            for r in Region.objects.filter(
                m49__in=[row["region_m49"], row["subregion_m49"], row["intermediate_region_m49"]]
            )
        }
        Country.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "m49": row["m49"],
                "title": row["name"],
                "names": {"en": row["name"]},
                "currency": row["currency"],
                "region": regions.get(row["region_m49"]),
                "subregion": regions.get(row["subregion_m49"]),
                "intermediate_region": regions.get(row["intermediate_region_m49"]),
                "former": True,
            },
        )


def _titles(row: dict[str, str]) -> dict[str, str]:
    """Names per language from a vocabulary row: `title` (English), `title_fr` … `title_zh-Hans`."""
    return {"en": row["title"]} | {
        lang: row[f"title_{col}"].strip()
        for lang, col in SDG_LANGS.items()
        if lang != "en" and (row.get(f"title_{col}") or "").strip()
    }


def _unofficial(row: dict[str, str]) -> list[str]:
    """Languages whose title is MigrationHub's translation (`official_<lang>` = no)."""
    return [
        lang
        for lang, col in SDG_LANGS.items()
        if lang != "en" and row.get(f"official_{col}", "").strip() == "no"
    ]


def _names(row: dict[str, str], prefix: str) -> dict[str, str]:
    return {
        lang: row[f"{prefix}_{col}"]
        for lang, col in SDG_LANGS.items()
        if row.get(f"{prefix}_{col}")
    }


def _load_sdgs() -> dict[str, int]:
    goals = {}
    for row in _rows("sdg_goals.csv"):
        goals[row["goal"]], _ = SdgGoal.objects.update_or_create(
            number=int(row["goal"]),
            defaults={
                "title": row["title_en"],
                "names": _names(row, "title"),
                "short_names": _names(row, "short"),
            },
        )
    targets = {}
    for row in _rows("sdg_targets.csv"):
        targets[row["target"]], _ = SdgTarget.objects.update_or_create(
            code=row["target"],
            defaults={
                "goal": goals[row["goal"]],
                "title": row["title_en"],
                "names": _names(row, "title"),
                "position": _position(row["target"]),
            },
        )
    for row in _rows("sdg_indicators.csv"):
        if not re.fullmatch(r"\d+\.[0-9a-z]+\.\d+", row["indicator"]):
            continue
        SdgIndicator.objects.update_or_create(
            target=targets[row["target"]],
            code=row["indicator"],
            defaults={
                "title": row["title_en"],
                "names": _names(row, "title"),
                "position": _position(row["indicator"]),
            },
        )
    return {
        "sdg_goals": SdgGoal.objects.count(),
        "sdg_targets": SdgTarget.objects.count(),
        "sdg_indicators": SdgIndicator.objects.count(),
    }
