"""The open-data kernel: one declaration, every format; CSV that spreadsheets cannot run."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from migrationhub.core import open_data
from migrationhub.core.open_data import Column, Table
from migrationhub.organisations.tests.factories import make_organisation

ROWS = [
    {
        "code": '=HYPERLINK("http://evil.example")',
        "share": Decimal("-1.50"),
        "tags": ["a", "b"],
        "day": dt.date(2024, 3, 1),
        "at": dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC),
        "ok": True,
    },
    {"code": "-2+3", "share": None, "tags": [], "day": None, "at": None, "ok": False},
]
TABLE = Table(
    name="sample",
    title="Sample",
    description="A table of every kind of value.",
    columns=(
        Column("code", "string", "Text", hxl="#meta+code"),
        Column("share", "number", "A decimal"),
        Column("tags", "string", "Codes", multiple=True),
        Column("day", "date", "A date"),
        Column("at", "datetime", "A moment"),
        Column("ok", "boolean", "A flag", required=True),
    ),
    rows=lambda base_url="": ROWS,
    primary_key=("code",),
)


def test_csv_neutralises_formulas_in_text_but_not_in_numbers():
    # when
    header, hxl, first, second = csv.reader(io.StringIO(open_data.write_csv(TABLE, ROWS, hxl=True)))
    # then
    assert header == ["code", "share", "tags", "day", "at", "ok"]
    assert hxl[0] == "#meta+code"
    assert first == [
        '\'=HYPERLINK("http://evil.example")',
        "-1.5",
        "a;b",
        "2024-03-01",
        "2024-03-01T12:00:00Z",
        "true",
    ]
    assert second == ["'-2+3", "", "", "", "", "false"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_neutralised(prefix):
    assert open_data.neutralise_formula(f"{prefix}1+1") == f"'{prefix}1+1"
    assert open_data.neutralise_formula(f"a{prefix}1") == f"a{prefix}1"


def test_json_keeps_the_original_text_and_types():
    # when
    document = json.loads(
        open_data.write_json(
            TABLE, ROWS, base_url="", generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )
    )
    # then
    first = document["items"][0]
    assert first["code"].startswith("=HYPERLINK")
    assert first["share"] == -1.5 and first["tags"] == ["a", "b"]
    assert first["at"] == "2024-03-01T12:00:00Z" and first["ok"] is True
    assert document["generated_at"] == "2026-01-01T00:00:00Z" and document["count"] == 2


def test_json_schema_is_derived_from_the_columns():
    import jsonschema

    schema = open_data.json_schema(TABLE)
    document = json.loads(
        open_data.write_json(TABLE, ROWS, base_url="", generated_at=dt.datetime.now(dt.UTC))
    )
    jsonschema.validate(document, schema)
    document["items"][0]["ok"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


@pytest.mark.django_db
def test_an_organisation_name_cannot_inject_a_formula_into_the_directory_csv(reference, client):
    # given: anyone signed in can register an organisation with any name
    make_organisation(name='=cmd|" /C calc"!A0', acronym="@SUM(1+1)")
    # when
    text = client.get("/api/v1/open-data/organisations.csv").content.decode("utf-8")
    # then
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["name"] == '\'=cmd|" /C calc"!A0'
    assert row["acronym"] == "'@SUM(1+1)"


def test_every_app_declares_its_tables_once():
    registry = open_data.registry()
    assert {"practices", "organisations"} <= set(registry.tables)
    assert {"knowledge", "organisations", open_data.ALL} <= set(registry.packages)
    assert set(registry.packages[open_data.ALL].tables) == set(registry.tables)
    for package in registry.packages.values():
        assert set(package.tables) <= set(registry.tables)


@pytest.mark.django_db
def test_the_index_lists_every_file(reference, client):
    index = client.get("/api/v1/open-data/").json()
    names = {t["name"] for t in index["tables"]}
    assert names == set(open_data.registry().tables)
    for table in index["tables"]:
        for file in table["files"]:
            assert client.get(file["url"]).status_code == 200, file["url"]
