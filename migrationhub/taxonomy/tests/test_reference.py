"""The reference vocabularies, loaded from data/reference/, match their sources."""

import pytest

from migrationhub.taxonomy.loaders import load_reference
from migrationhub.taxonomy.models import (
    Area,
    Country,
    Language,
    Objective,
    Principle,
    Region,
    SdgGoal,
    SdgIndicator,
    SdgTarget,
)

pytestmark = pytest.mark.django_db


def test_counts(reference):
    assert Objective.objects.count() == 23
    assert Principle.objects.count() == 10
    assert Area.objects.count() == 5
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    assert Region.objects.filter(kind=Region.REGION).count() == 5
    assert Region.objects.filter(kind=Region.SUBREGION).count() == 17
    # 249 rows of the export less the non-M49 Taiwan row, plus one former area (ANT)
    assert Country.objects.filter(former=False).count() == 248
    assert list(Country.objects.filter(former=True).values_list("iso3", flat=True)) == ["ANT"]


def test_objective_20_has_its_resolution_title(reference):
    assert "remittances" in Objective.objects.get(number=20).title


def test_migration_targets_and_indicators(reference):
    for code in ("8.8", "10.7", "10.c", "17.18"):
        assert SdgTarget.objects.filter(code=code).exists(), code
    assert SdgIndicator.objects.filter(code="10.c.1").exists()
    target = SdgTarget.objects.get(code="10.c")
    assert "3" in target.title and set(target.names) == {"en", "fr", "es", "ar", "ru", "zh-hans"}


def test_countries_carry_m49_regions_names_and_currency(reference):
    nigeria = Country.objects.select_related("region", "subregion").get(iso3="NGA")
    assert (nigeria.m49, nigeria.region.m49, nigeria.subregion.m49) == ("566", "002", "202")
    assert nigeria.currency == "NGN"
    assert nigeria.names["fr"] == "Nigéria" and nigeria.names["ar"]
    assert not Country.objects.filter(iso3="TWN").exists()


def test_arabic_is_right_to_left(reference):
    assert Language.objects.get(code="ar").rtl
    assert not Language.objects.get(code="fr").rtl


def test_loading_twice_changes_nothing(reference):
    before = (Objective.objects.count(), Country.objects.count(), SdgIndicator.objects.count())
    load_reference()
    assert (
        Objective.objects.count(),
        Country.objects.count(),
        SdgIndicator.objects.count(),
    ) == before


def test_labels_follow_the_active_language(reference):
    from django.utils import translation

    goal = SdgGoal.objects.get(number=10)
    with translation.override("es"):
        assert goal.label.startswith("Reducir")
    with translation.override("en"):
        assert goal.label.startswith("Reduce")


def test_objective_page_lists_actions(reference, client):
    page = client.get("/objectives/23/").content.decode()
    assert "international cooperation" in page.lower()
