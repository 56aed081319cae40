"""Vocabulary relations attached from the process's copy of the reference rows
(`taxonomy.selectors.with_reference`) are what `select_related` and `prefetch_related` give, the
foreign keys without a query, the many-to-many relations in one query for them all; the copy is
read again when the reference data are loaded again."""

import pytest
from django.db.models import Prefetch

from migrationhub.core import page_cache
from migrationhub.knowledge.models import TAG_FIELDS, Practice
from migrationhub.knowledge.tests.factories import make_published
from migrationhub.organisations.models import Organisation
from migrationhub.organisations.tests.factories import make_organisation
from migrationhub.taxonomy.loaders import load_reference
from migrationhub.taxonomy.models import Objective
from migrationhub.taxonomy.selectors import objective_get, reference_rows, with_reference

pytestmark = pytest.mark.django_db


def _tags(obj, fields):
    return {name: [row.pk for row in getattr(obj, name).all()] for name in fields}


@pytest.fixture
def practices(reference):
    return [
        make_published(
            objectives=[23, 5, 6],
            countries=["PHL", "NPL", "BGD"],
            levels=["local", "national"],
            sdg_targets=["10.7", "8.8"],
            areas=["data", "diaspora-development"],
        ),
        make_published(objectives=[1], countries=[], levels=["global"]),
        make_published(objectives=[2], countries=["MEX"], levels=["national"]),
    ]


def test_attached_tags_are_the_prefetched_ones_in_their_order(practices):
    # given the practices read with their tags prefetched, and with them attached
    ids = [p.pk for p in practices]
    prefetched = Practice.objects.filter(pk__in=ids).prefetch_related(*TAG_FIELDS).order_by("pk")
    attached = with_reference(Practice.objects.filter(pk__in=ids), *TAG_FIELDS).order_by("pk")
    # then each practice has the same rows in the same order (the vocabularies' own order)
    assert [_tags(p, TAG_FIELDS) for p in attached] == [_tags(p, TAG_FIELDS) for p in prefetched]
    first = next(p for p in attached if p.pk == practices[0].pk)
    assert [o.number for o in first.objectives.all()] == [5, 6, 23]


def test_every_relation_is_one_query(practices, django_assert_num_queries):
    ids = [p.pk for p in practices]
    reference_rows(Objective)  # the copy is made once per process and reference load
    with_reference(Practice.objects.filter(pk__in=ids), *TAG_FIELDS).count()
    list(with_reference(Practice.objects.filter(pk__in=ids), *TAG_FIELDS))  # every vocabulary read
    # when the practices and their seven relations are read again
    with django_assert_num_queries(2):
        found = list(with_reference(Practice.objects.filter(pk__in=ids), *TAG_FIELDS))
        # then reading the tags asks nothing more
        assert sum(len(p.countries.all()) for p in found) == 4


def test_tags_are_attached_through_in_bulk_iterator_and_prefetch(practices, reference):
    ids = [p.pk for p in practices]
    expected = {
        p.pk: _tags(p, TAG_FIELDS)
        for p in Practice.objects.filter(pk__in=ids).prefetch_related(*TAG_FIELDS)
    }
    tagged = with_reference(Practice.objects.all(), *TAG_FIELDS)
    # in_bulk, first() and iterator() by chunks
    assert {pk: _tags(p, TAG_FIELDS) for pk, p in tagged.in_bulk(ids).items()} == expected
    assert _tags(tagged.filter(pk=ids[0]).first(), TAG_FIELDS) == expected[ids[0]]
    assert {
        p.pk: _tags(p, TAG_FIELDS) for p in tagged.filter(pk__in=ids).iterator(chunk_size=2)
    } == expected
    # and as the queryset of another's Prefetch
    org = practices[0].organisation
    owner = Organisation.objects.prefetch_related(
        Prefetch("practices", queryset=with_reference(Practice.objects.all(), "countries"))
    ).get(pk=org.pk)
    assert [_tags(p, ["countries"]) for p in owner.practices.all()] == [
        {"countries": expected[practices[0].pk]["countries"]}
    ]


def test_relations_with_text_keys_beside_numeric_ones(reference):
    # given an organisation with countries, objectives (numeric keys) and languages (codes)
    org = make_organisation(countries=["FRA", "SEN"], objectives=[2, 1], languages=["fr", "ar"])
    # when they are attached together
    found = with_reference(
        Organisation.objects.filter(pk=org.pk), "countries", "objectives", "languages"
    )
    org = found.get()
    # then each relation has its rows
    assert [c.iso3 for c in org.countries.all()] == ["FRA", "SEN"]
    assert [o.number for o in org.objectives.all()] == [1, 2]
    assert sorted(lang.code for lang in org.languages.all()) == ["ar", "fr"]


def test_a_filter_on_an_attached_relation_still_asks_the_database(practices):
    ids = [p.pk for p in practices]
    found = with_reference(Practice.objects.filter(pk__in=ids), "countries").in_bulk()
    practice, other = found[practices[0].pk], found[practices[2].pk]
    assert [c.iso3 for c in practice.countries.filter(iso3="NPL")] == ["NPL"]
    # each object's relation is its own: another practice's country is not in it
    assert not practice.countries.filter(iso3="MEX").exists()
    assert [c.iso3 for c in other.countries.filter(iso3__in=["MEX", "NPL"])] == ["MEX"]
    assert [c.iso3 for c in practice.countries.order_by("-iso3")] == ["PHL", "NPL", "BGD"]
    assert practice.countries.count() == 3 and other.countries.exclude(iso3="MEX").count() == 0
    # a filter across the relation again (sticky, as Django's own prefetch leaves it)
    assert practice.countries.filter(practices__pk=practices[0].pk).count() == 3


def test_the_copy_is_read_again_when_the_reference_data_are_loaded_again(reference):
    # given the copy of the objectives, read
    assert objective_get(20).names["fr"]
    # when a row changes without it being announced, the copy stands
    Objective.objects.filter(number=20).update(names={"en": "Remittances"})
    assert objective_get(20).names["fr"]
    # when reference data are loaded, which retires every page and the copy with them
    page_cache.changed_everything()
    assert objective_get(20).names == {"en": "Remittances"}
    load_reference()
    # then the next read has the loaded rows, with their actions
    assert objective_get(20).names["fr"]
    assert objective_get(20).pk == Objective.objects.get(number=20).pk
    assert [a.letter for a in objective_get(6).actions.all()][:2] == ["a", "b"]


def test_foreign_keys_to_vocabularies_need_no_query(reference, django_assert_num_queries):
    # given an organisation with a type, a level and a seat, and a practice of it
    org = make_organisation(stakeholder_type="trade-union", level="regional", home_country="SEN")
    joined = Organisation.objects.select_related(
        "stakeholder_type", "level", "home_country__region"
    ).get(pk=org.pk)
    found = with_reference(
        Organisation.objects.filter(pk=org.pk), "stakeholder_type", "level", "home_country"
    )
    list(found.all())  # the copy of each vocabulary is read once
    # when the organisation is read with them attached: one query, no join
    with django_assert_num_queries(1):
        org = found.get()
        # then they are the joined rows, the seat with its region
        assert (org.stakeholder_type, org.level, org.home_country) == (
            joined.stakeholder_type,
            joined.level,
            joined.home_country,
        )
        assert org.home_country.region.m49 == joined.home_country.region.m49 == "002"
        assert org.stakeholder_type.label == joined.stakeholder_type.label


def test_a_key_on_a_loaded_relation_and_an_empty_key(reference, django_assert_num_queries):
    # given a practice of an organisation without a seat
    practice = make_published()
    found = with_reference(
        Practice.objects.filter(pk=practice.pk).select_related("organisation"),
        "language",
        "organisation__stakeholder_type",
        "organisation__home_country",
    )
    list(found.all())
    with django_assert_num_queries(1):
        practice = found.get()
        assert practice.language.code == "en"
        assert practice.organisation.stakeholder_type.code == "civil-society"
        assert practice.organisation.home_country is None


def test_only_vocabularies_are_kept(reference):
    practice = make_published()
    with pytest.raises(ValueError, match="not a reference vocabulary"):
        list(with_reference(Practice.objects.filter(pk=practice.pk), "organisation"))


def test_many_rows_are_linked_in_batches(practices, monkeypatch):
    # given statements limited to one practice's links of every relation
    from migrationhub.taxonomy import selectors as taxonomy_selectors

    monkeypatch.setattr(taxonomy_selectors, "LINK_PARAMETERS", len(TAG_FIELDS))
    ids = [p.pk for p in practices]
    expected = {
        p.pk: _tags(p, TAG_FIELDS)
        for p in Practice.objects.filter(pk__in=ids).prefetch_related(*TAG_FIELDS)
    }
    # then the links come in several statements, each practice with its own
    found = with_reference(Practice.objects.filter(pk__in=ids), *TAG_FIELDS)
    assert {p.pk: _tags(p, TAG_FIELDS) for p in found} == expected
