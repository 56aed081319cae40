"""Reads of the reference vocabularies, and code → row resolution for forms, API and imports."""

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Manager, Model, Q, QuerySet, sql
from django.db.models.manager import BaseManager
from django.db.models.query import ModelIterable
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrationhub.core import page_cache
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
    SdgTarget,
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
    "sdg_targets": (SdgTarget, "code"),
}


def _unknown(field: str, codes: list[str]) -> ValidationFailed:
    listed = ", ".join(codes)
    return ValidationFailed(
        _("Unknown %(field)s: %(codes)s") % {"field": field, "codes": listed},
        fields={field: [_("unknown: %(codes)s") % {"codes": listed}]},
    )


def resolve_many(field: str, codes: Iterable[object] | None) -> list[Any]:
    """Rows for `codes` in the vocabulary `field`; unknown codes raise ValidationFailed naming them."""
    model, key = VOCABULARIES[field]
    wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
    if key == "iso3":
        wanted = [c.upper() for c in wanted]
    if key == "number":
        # str.isdigit() accepts "²", which int() refuses: only ASCII digits are numbers.
        bad = [c for c in wanted if not (c.isascii() and c.isdigit()) or len(c) > 9]
        if bad:
            raise _unknown(field, bad)
    rows = list(model._default_manager.filter(**{f"{key}__in": wanted}))
    found = {str(getattr(r, key)) for r in rows}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise _unknown(field, missing)
    return rows


class Resolver:
    """`resolve_many` and `resolve_one` for many records at once (imports): each vocabulary is
    read once, then codes are looked up in memory. Same answers, same errors."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {}

    def _vocabulary(self, field: str) -> dict[str, Any]:
        if field not in self._rows:
            model, key = VOCABULARIES[field]
            self._rows[field] = {str(getattr(r, key)): r for r in model._default_manager.all()}
        return self._rows[field]

    def many(self, field: str, codes: Iterable[object] | None) -> list[Any]:
        _model, key = VOCABULARIES[field]
        wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
        if key == "iso3":
            wanted = [c.upper() for c in wanted]
        if key == "number":  # "06" is objective 6, as the database would read it
            wanted = [str(int(c)) if c.isascii() and c.isdigit() else c for c in wanted]
        rows = self._vocabulary(field)
        missing = [c for c in wanted if c not in rows]
        if missing:
            raise _unknown(field, missing)
        return list({id(rows[c]): rows[c] for c in wanted}.values())

    def one(self, field: str, code: object, *, required: bool = True) -> Any:
        if code in (None, ""):
            return resolve_one(field, code, required=required)
        return self.many(field, [code])[0]


def resolve_one(field: str, code: object, *, required: bool = True) -> Any:
    if code in (None, ""):
        if required:
            raise ValidationFailed(
                _("%(field)s is required.") % {"field": field}, fields={field: [_("required")]}
            )
        return None
    return resolve_many(field, [code])[0]


def region_codes_by_pk() -> dict[int, str]:
    """UN M49 code of every region, by primary key (to name a country's regions cheaply)."""
    return dict(Region.objects.values_list("pk", "m49"))


def objective_list() -> QuerySet[Objective]:
    return Objective.objects.all()


def objective_numbers() -> dict[int, int]:
    """Each GCM objective's number by primary key, from this process's copy of the reference
    rows (to show an objective named by its key without a join)."""
    return {pk: o.number for pk, o in reference_rows(Objective).items()}


def objective_get(number: int) -> Objective | None:
    """The objective with its actions, from this process's copy of the reference rows (shared:
    not to be changed)."""
    return next((o for o in reference_rows(Objective).values() if o.number == number), None)


def vocabulary_choices() -> dict[str, list[tuple[str, str]]]:
    """(code, label) pairs for every facetable vocabulary, for filters and forms.

    Cached per language: reference data changes only through `load_reference`, which clears it;
    each process keeps its copy while the reference data are unchanged (`page_cache.memo`).
    """
    language = get_language() or "en"

    def shared() -> dict[str, list[tuple[str, str]]]:
        choices = cache.get_or_set(f"taxonomy:choices:{language}", _vocabulary_choices, CHOICES_TTL)
        return choices or _vocabulary_choices()

    return page_cache.memo(("taxonomy:choices", language), REFERENCE_DOMAINS, shared)


CHOICES_TTL = 600


def vocabulary_cache_clear() -> None:
    from django.conf import settings

    cache.delete_many(
        [f"taxonomy:{name}:{code}" for code, _ in settings.LANGUAGES for name in CACHED]
    )


CACHED = ("choices", "country-labels")


def country_labels() -> dict[str, str]:
    """The name of every country and area (former ones too) in the active language, by ISO
    3166 alpha-3 code: for pages that name many countries without reading their rows.

    Cached per language like `vocabulary_choices`."""
    language = get_language() or "en"

    def shared() -> dict[str, str]:
        labels = cache.get_or_set(
            f"taxonomy:country-labels:{language}", _country_labels, CHOICES_TTL
        )
        return labels or _country_labels()

    return page_cache.memo(("taxonomy:country-labels", language), REFERENCE_DOMAINS, shared)


def _country_labels() -> dict[str, str]:
    return {c.iso3: c.label for c in Country.objects.only("iso3", "title", "names")}


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
        "sdg_targets": [
            (t.code, f"{t.code} {t.label}") for t in SdgTarget.objects.select_related("goal")
        ],
    }


def principle_list() -> QuerySet[Principle]:
    return Principle.objects.all()


def area_list() -> QuerySet[Area]:
    return Area.objects.all()


def level_list() -> QuerySet[Level]:
    return Level.objects.all()


def stakeholder_type_list() -> QuerySet[StakeholderType]:
    return StakeholderType.objects.all()


def language_list() -> QuerySet[Language]:
    return Language.objects.all()


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("parent")


def country_list(*, region: str | None = None) -> QuerySet[Country]:
    """Countries and areas, optionally of one UN M49 region or sub-region."""
    qs = Country.objects.select_related("region", "subregion")
    if region:
        qs = qs.filter(Q(region__m49=region) | Q(subregion__m49=region))
    return qs


def countries_with_regions() -> QuerySet[Country]:
    """Countries with their UN M49 region, sub-region and intermediate region (one query)."""
    return Country.objects.select_related("region", "subregion", "intermediate_region")


def sdg_target_list(*, goal: int | None = None) -> QuerySet[SdgTarget]:
    qs = SdgTarget.objects.select_related("goal").prefetch_related("indicators")
    if goal:
        qs = qs.filter(goal__number=goal)
    return qs


def sdg_goal_list() -> QuerySet[SdgGoal]:
    return SdgGoal.objects.prefetch_related("targets__indicators")


def vocabulary_codes(vocabulary: str) -> list[str]:
    """Every code of `vocabulary` (e.g. "objectives": "1" … "23"), in code order."""
    model, key = VOCABULARIES[vocabulary]
    return [str(code) for code in model._default_manager.order_by(key).values_list(key, flat=True)]


def codes(vocabulary: str) -> Callable[[], list[str]]:
    """The codes of `vocabulary`, read when called: what open-data columns declare as `codes`."""
    return functools.partial(vocabulary_codes, vocabulary)


@functools.cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes (data/reference/currencies.csv): what every app checks a currency
    against (the partnerships app has had its own copy; this is the shared one)."""
    import csv
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.SHIPPED_DATA_DIR) / "reference" / "currencies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle) if row["code"])


# --- plain rows for the review (read-side aggregates over every record) ------------------------


def region_facts() -> list[tuple[str, str, str, str, dict[str, str]]]:
    """Every UN M49 region as `(m49, kind, parent m49 or "", title, names)`: the hierarchy the
    review counts along, without model instances (one query)."""
    return [
        (m49, kind, parent or "", title, names or {})
        for m49, kind, parent, title, names in Region.objects.values_list(
            "m49", "kind", "parent__m49", "title", "names"
        )
    ]


def country_facts() -> list[tuple[str, str, dict[str, str], str, str, str]]:
    """Every country as `(iso3, title, names, region m49, sub-region m49, intermediate m49)`,
    empty strings where M49 has no such level (one query)."""
    return [
        (iso3, title, names or {}, r or "", s or "", i or "")
        for iso3, title, names, r, s, i in Country.objects.values_list(
            "iso3",
            "title",
            "names",
            "region__m49",
            "subregion__m49",
            "intermediate_region__m49",
        )
    ]


def vocabulary_facts(vocabulary: str) -> list[tuple[str, str, dict[str, str]]]:
    """`(code, title, names)` of the objectives, levels or stakeholder types, in their order."""
    model, key = VOCABULARIES[vocabulary]
    order = "number" if vocabulary == "objectives" else "order"
    return [
        (str(code), title, names or {})
        for code, title, names in model._default_manager.order_by(order).values_list(
            key, "title", "names"
        )
    ]


# --- this process's copy of the reference rows -------------------------------------------------
# Pages tag what they list with vocabulary rows (a practice's levels, a partnership's objectives,
# an evaluation's countries). Prefetched, each relation is a query that reads and decodes rows
# only `load_reference` changes, and on PostgreSQL a round trip. Each process keeps the rows of a
# vocabulary once read (`page_cache.memo`) while the page cache's "taxonomy" generation (and "*",
# which `load_reference` replaces) is the one they were read under: the generations that retire
# cached pages. The rows are shared between requests and threads: read them, never change them.

M = TypeVar("M", bound=Model)

# What a row carries with it (what pages and schemas read of a tag).
REFERENCE_SELECT: dict[type[Model], tuple[str, ...]] = {
    Country: ("region", "subregion", "intermediate_region"),
    SdgTarget: ("goal",),
}
REFERENCE_PREFETCH: dict[type[Model], tuple[str, ...]] = {Objective: ("actions",)}
REFERENCE_DOMAINS = ("taxonomy",)
LINK_PARAMETERS = 20_000


def reference_rows(model: type[M]) -> dict[Any, M]:
    """Every row of the vocabulary `model` by primary key, in its order, read once per process
    while the reference data are unchanged."""
    return _vocabulary(model)[0]


def _vocabulary(model: type[M]) -> tuple[dict[Any, M], dict[Any, int]]:
    """The rows of `model` by primary key, and each one's place in the vocabulary's order."""

    def read() -> tuple[dict[Any, M], dict[Any, int]]:
        qs = model._default_manager.select_related(*REFERENCE_SELECT.get(model, ()))
        rows = {r.pk: r for r in qs.prefetch_related(*REFERENCE_PREFETCH.get(model, ()))}
        return rows, {pk: i for i, pk in enumerate(rows)}

    return page_cache.memo(("taxonomy:rows", model), REFERENCE_DOMAINS, read)


def attach_reference(objects: Sequence[Model], fields: Iterable[str]) -> None:
    """Fill the vocabulary relations `fields` of `objects` (all of one model) from this
    process's copy of the reference rows, as `select_related` or `prefetch_related` would:

    - a foreign key to a vocabulary (`"language"`, or one on an object already loaded with it,
      `"lead__stakeholder_type"`): no query, no join;
    - a many-to-many relation to a vocabulary (`"countries"`): the links of every such relation
      in one query over their link tables (UNION ALL), instead of a query per relation.
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    many = []
    for path in fields:
        field = meta.get_field(path) if "__" not in path else None
        if field is not None and field.many_to_many:
            many.append(path)
        else:
            _attach_foreign_key(objects, path)
    if many:
        _attach_many(objects, many)


def _rows_with(model: type[M], keys: Iterable[Any]) -> tuple[dict[Any, M], dict[Any, int]]:
    """The copy of `model`'s rows and order, with any of `keys` it lacks (a row added without
    `load_reference`, which announces it) read from the database."""
    if model._meta.app_label != Objective._meta.app_label:
        raise ValueError(f"{model.__name__} is not a reference vocabulary")
    rows, order = _vocabulary(model)
    missing = set(keys) - set(rows)
    missing.discard(None)
    if missing:
        added = model._default_manager.in_bulk(missing)
        rows, order = {**rows, **added}, {**order, **dict.fromkeys(added, len(order))}
    return rows, order


def _attach_foreign_key(objects: Sequence[Model], path: str) -> None:
    *parents, name = path.split("__")
    holders: list[Any] = list(objects)
    for part in parents:  # the objects holding the key, loaded with `objects`
        holders = [h for h in (getattr(o, part) for o in holders) if h is not None]
    if not holders:
        return
    field = type(holders[0])._meta.get_field(name)
    keys = [getattr(h, field.attname) for h in holders]
    rows, _order = _rows_with(field.related_model, keys)
    for holder, key in zip(holders, keys, strict=True):
        holder._state.fields_cache[field.cache_name] = None if key is None else rows[key]


def _attach_many(objects: Sequence[Model], fields: list[str]) -> None:
    meta = type(objects[0])._meta
    pks = list({o.pk for o in objects})
    relations = [meta.get_field(name) for name in fields]
    models = [field.related_model for field in relations]
    # One column of keys for every relation: text where the vocabularies' keys differ in type
    # (a language's is its code), read back as each vocabulary's key.
    as_text = len({m._meta.pk.get_internal_type() for m in models}) > 1  # type: ignore[union-attr]
    # Written here rather than by the ORM: compiling one queryset per relation cost more than
    # the query (the statement names only link tables and their key columns).
    alias = objects[0]._state.db or DEFAULT_DB_ALIAS
    quote = connections[alias].ops.quote_name
    tables = []
    for field in relations:
        through = field.remote_field.through  # type: ignore[union-attr]
        source = quote(through._meta.get_field(field.m2m_field_name()).column)  # type: ignore[union-attr]
        target = quote(through._meta.get_field(field.m2m_reverse_field_name()).column)  # type: ignore[union-attr]
        tables.append((quote(through._meta.db_table), source, target))
    found: dict[tuple[int, Any], list[Any]] = {}
    batch = max(1, LINK_PARAMETERS // len(tables))  # SQLite's limit on a statement's parameters
    with connections[alias].cursor() as cursor:
        for start in range(0, len(pks), batch):
            chunk = pks[start : start + batch]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {position}, {source}, {f'CAST({target} AS TEXT)' if as_text else target}"
                    f" FROM {table} WHERE {source} IN ({marks})"
                    for position, (table, source, target) in enumerate(tables)
                ),
                chunk * len(tables),
            )
            for position, source_pk, target_pk in cursor.fetchall():
                if as_text:
                    target_pk = models[position]._meta.pk.to_python(target_pk)
                found.setdefault((position, source_pk), []).append(target_pk)
    for position, (name, model) in enumerate(zip(fields, models, strict=True)):
        keys = {pk for (p, _s), pks in found.items() if p == position for pk in pks}
        rows, order = _rows_with(model, keys)  # type: ignore[arg-type]
        prefetched = _prefetcher(objects[0], name)
        for obj in objects:
            targets = found.get((position, obj.pk), ())
            values = [rows[pk] for pk in sorted(targets, key=order.__getitem__)]
            prefetched(obj, values)


def _prefetcher(sample: Model, name: str) -> Callable[[Model, list[Any]], None]:
    """What Django's prefetch leaves on an object of `sample`'s model, for its many-to-many
    relation `name`: `obj.<name>.all()` answers the values given, and a further filter on it
    queries the relation of that object.

    Django builds that queryset through a related manager and a cloned, filtered queryset per
    object (about 70 µs; 140 of them for a page of 20 practices with seven vocabularies). When
    the related model's manager builds its querysets plainly, the same queryset is made
    directly, its filter on the object deferred as Django defers it (applied only if the query
    is ever needed)."""
    manager = getattr(sample, name)
    plain = type(manager.model._default_manager).get_queryset is BaseManager.get_queryset
    if not plain or manager._db:

        def through_manager(obj: Model, values: list[Any]) -> None:
            cache_ = obj.__dict__.setdefault("_prefetched_objects_cache", {})
            cache_.pop(name, None)
            qs = getattr(obj, name).get_queryset()
            qs._result_cache = values
            qs._prefetch_done = True
            cache_[name] = qs

        return through_manager
    model, queryset_class = manager.model, manager._queryset_class
    keys = [
        (f"{manager.query_field_name}__{target.name}", target.attname)
        for _source, target in manager.source_field.related_fields
    ]

    if queryset_class is QuerySet:
        # The state QuerySet.__init__ gives, copied rather than made again, without the SQL
        # query: `PrefetchedQuerySet` makes it if a filter ever asks (most are only iterated).
        state = {k: v for k, v in QuerySet(model=model).__dict__.items() if k != "_query"}

        def directly(obj: Model, values: list[Any]) -> None:
            qs: Any = object.__new__(PrefetchedQuerySet)
            qs.__dict__.update(state)
            qs._hints = {"instance": obj}
            qs._known_related_objects = {}
            qs._deferred_filter = (False, (), {key: getattr(obj, attname) for key, attname in keys})
            qs._result_cache = values
            qs._prefetch_done = True
            obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs

        return directly

    def through_class(obj: Model, values: list[Any]) -> None:
        qs = queryset_class(model=model, hints={"instance": obj})
        qs._query.filter_is_sticky = True  # as `_next_is_sticky()` leaves the filtered clone
        qs._deferred_filter = (False, (), {key: getattr(obj, attname) for key, attname in keys})
        qs._result_cache = values
        qs._prefetch_done = True
        obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs

    return through_class


class PrefetchedQuerySet(QuerySet[Any]):
    """The queryset of a relation attached by `attach_reference`, whose SQL query is made the
    first time it is asked for: building one (`sql.Query`) was most of the cost of attaching
    seven vocabularies to twenty practices, and only a further filter on the relation reads it.
    Made as the relation's own filtered clone is, sticky (`_next_is_sticky()`)."""

    @property
    def _query(self) -> sql.Query:
        query = self.__dict__.get("_made_query")
        if query is None:
            query = self.__dict__["_made_query"] = sql.Query(self.model)
            query.filter_is_sticky = True
        return query

    @_query.setter
    def _query(self, value: sql.Query) -> None:
        self.__dict__["_made_query"] = value


class ReferenceQuerySet(QuerySet[M]):
    """A queryset whose rows come with vocabulary relations attached by `attach_reference` when
    it is evaluated (iterated, sliced, `first()`, `in_bulk()`, a `Prefetch` of another
    queryset, `iterator()` chunk by chunk), as `select_related` and `prefetch_related` of those
    relations would."""

    _reference_fields: tuple[str, ...] = ()

    def _clone(self) -> "ReferenceQuerySet[M]":
        clone: ReferenceQuerySet[M] = super()._clone()  # type: ignore[misc]
        clone._reference_fields = self._reference_fields
        return clone

    def _fetch_all(self) -> None:
        fetched = self._result_cache is None
        super()._fetch_all()
        rows = self._result_cache
        if fetched and rows and self._reference_fields and self._iterable_class is ModelIterable:
            attach_reference(rows, self._reference_fields)

    def _iterator(self, use_chunked_fetch: bool, chunk_size: int | None) -> Iterator[M]:
        rows = super()._iterator(use_chunked_fetch, chunk_size)  # type: ignore[misc]
        if not self._reference_fields or self._iterable_class is not ModelIterable:
            yield from rows
            return
        while chunk := list(itertools.islice(rows, chunk_size or 2000)):
            attach_reference(chunk, self._reference_fields)
            yield from chunk


def with_reference(queryset: QuerySet[M] | Manager[M], *fields: str) -> QuerySet[M]:
    """`queryset` (or a manager's) with the vocabulary relations `fields` attached from this
    process's copy when it is evaluated (`attach_reference`): what `select_related` (foreign
    keys) and `prefetch_related` (many-to-many) of them give, without their joins and with one
    query for every many-to-many relation."""
    found = queryset.all()
    if not isinstance(found, ReferenceQuerySet):
        found.__class__ = ReferenceQuerySet  # a plain QuerySet's state, two methods more
    assert isinstance(found, ReferenceQuerySet)
    found._reference_fields = (*found._reference_fields, *fields)
    return found
