"""The reference vocabularies, loaded from data/reference/, match their sources."""

import re

import pytest
from django.utils import translation

from migrationhub.core.i18n import UN_LANGUAGES
from migrationhub.taxonomy.loaders import load_reference
from migrationhub.taxonomy.models import (
    Area,
    Country,
    Language,
    Level,
    Objective,
    Principle,
    Region,
    SdgGoal,
    SdgIndicator,
    SdgTarget,
    StakeholderType,
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


# --- the vocabularies in the six UN languages ---------------------------------------------------

OBJECTIVE_20_FR = (
    "Rendre les envois de fonds plus rapides, plus sûrs et moins coûteux et favoriser "
    "l’inclusion financière des migrants"
)


@pytest.mark.parametrize("model", [Objective, Principle, Area, Level, StakeholderType])
def test_every_vocabulary_is_named_in_the_six_un_languages(reference, model):
    # given the reference data loaded
    # when each row's names are read
    missing = [
        (row.pk, lang)
        for row in model.objects.all()
        for lang in UN_LANGUAGES
        if not (row.names.get(lang) or "").strip()
    ]
    # then every row has a name in each of the six languages
    assert model.objects.exists()
    assert missing == []


def test_objective_20_has_its_official_french_title(reference):
    objective = Objective.objects.get(number=20)
    assert objective.names["fr"] == OBJECTIVE_20_FR
    assert "fr" not in objective.unofficial


def test_translations_we_could_not_verify_are_marked_unofficial(reference):
    # given objective 20, whose official Arabic wording MigrationHub could not verify
    objective = Objective.objects.get(number=20)
    principle = Principle.objects.get(code="people-centred")
    # then its Arabic title says it is our translation, its French one does not
    assert "ar" in objective.unofficial
    with translation.override("ar"):
        assert objective.label_unofficial
    with translation.override("fr"):
        assert not objective.label_unofficial
        assert principle.label == "Priorité à la dimension humaine"
        assert not principle.label_unofficial
    with translation.override("en"):
        assert not objective.label_unofficial


def test_labels_use_the_django_code_for_chinese(reference):
    with translation.override("zh-hans"):
        assert Level.objects.get(code="global").label == "全球"


def test_loading_again_updates_the_names_of_existing_rows(reference):
    # given reference rows whose names are out of date (loaded before the translations existed)
    Objective.objects.update(names={}, unofficial=[])
    StakeholderType.objects.filter(code="trade-union").update(names={"en": "Trade union"})
    before = Objective.objects.count(), StakeholderType.objects.count()
    # when the reference data are loaded again
    load_reference()
    # then the same rows carry the names of the CSV files
    assert (Objective.objects.count(), StakeholderType.objects.count()) == before
    assert Objective.objects.get(number=20).names["fr"] == OBJECTIVE_20_FR
    assert "ar" in Objective.objects.get(number=20).unofficial
    assert StakeholderType.objects.get(code="trade-union").names["fr"] == "Syndicat"


def test_french_objective_page_shows_the_french_title(reference, client):
    page = client.get("/fr/objectives/20/").content.decode()
    assert re.search(rf"<h1>\s*{re.escape(OBJECTIVE_20_FR)}\s*</h1>", page)
    assert 'id="unofficial"' not in page
    # the actions exist only in English, and say so to the browser
    assert '<ol type="a" lang="en" dir="ltr">' in client.get("/fr/objectives/1/").content.decode()


def test_arabic_objective_list_shows_arabic_titles_and_marks_our_translations(reference, client):
    page = client.get("/ar/objectives/").content.decode()
    with translation.override("ar"):
        titles = [o.label for o in Objective.objects.all()]
    assert all(title in page for title in titles)
    assert "Promote faster, safer and cheaper" not in page
    assert 'id="unofficial"' in page
    assert 'id="unofficial"' in client.get("/ar/objectives/20/").content.decode()
