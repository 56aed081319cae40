"""Bulk open data: published practices and organisations as CSV, JSON, HXL CSV and a Frictionless
data package, over the API and the CLI; nothing personal ever leaves the platform."""

import csv
import datetime as dt
import io
import json
import re
import zipfile

import frictionless
import jsonschema
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.cli import main as cli_main
from migrationhub.core import open_data
from migrationhub.knowledge import exports, services
from migrationhub.knowledge.tests.factories import make_panel, make_practice, make_published
from migrationhub.organisations import exports as organisation_exports
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

HXL_DIR = settings.SHIPPED_DATA_DIR / "hxl"
API = "/api/v1/open-data"


def _parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _every_export() -> dict[str, str]:
    """Every file the platform publishes as open data, by name, as text."""
    files = {
        table.filename(fmt): open_data.export_text(table.name, fmt)
        for table, fmt in open_data.files()
    }
    for package in open_data.registry().packages.values():
        with zipfile.ZipFile(io.BytesIO(open_data.datapackage_zip(package.name))) as archive:
            for name in archive.namelist():
                files[f"{package.filename}/{name}"] = archive.read(name).decode("utf-8")
    return files


def _published_with_secrets():
    """A published practice whose organisation, reviewers and review comment are all known."""
    member = make_user(email="amina.private@example.org")
    org = make_organisation(
        admin=member,
        name="Migrant Workers Centre",
        acronym="MWC",
        home_country="PHL",
        countries=["PHL", "QAT"],
        objectives=[6, 22],
        languages=["en", "ar"],
        website="https://mwc.example.org",
    )
    practice = make_practice(
        member=member,
        organisation=org,
        submit=True,
        title="Ethical recruitment corridor",
        objectives=[6, 22],
        countries=["PHL", "QAT"],
        levels=["national", "regional"],
        period_start=2019,
        period_end=2023,
    )
    assignments = make_panel(practice)
    for assignment in assignments[:2]:
        practice = services.review_decide(
            actor=assignment.reviewer,
            assignment=assignment,
            decision="approve",
            comment="Reviewer-only remark: evidence thin in QAT",
        )
    return practice, member, [a.reviewer for a in assignments]


def test_only_published_practices_are_exported(reference):
    # given
    published = make_published(title="Published practice")
    make_practice(title="Draft practice")
    make_practice(title="Submitted practice", submit=True)
    archived = make_published(title="Archived practice")
    services.practice_archive(actor=make_admin(), practice=archived)
    # when
    rows = list(exports.practice_rows())
    # then
    assert [r["slug"] for r in rows] == [published.slug]


def test_every_organisation_is_exported_with_its_public_profile(reference):
    # given
    practice, _, _ = _published_with_secrets()
    lonely = make_organisation(name="Organisation without practices", level="global")
    # when
    rows = {
        r["slug"]: r
        for r in organisation_exports.organisation_rows(base_url="https://hub.example.org")
    }
    # then
    assert set(rows) == {practice.organisation.slug, lonely.slug}
    assert rows[practice.organisation.slug] == {
        "slug": practice.organisation.slug,
        "name": "Migrant Workers Centre",
        "acronym": "MWC",
        "stakeholder_type": "civil-society",
        "level": "national",
        "home_country": "PHL",
        "countries": ["PHL", "QAT"],
        "objectives": [6, 22],
        "languages": ["ar", "en"],
        "description": "",
        "website": "https://mwc.example.org",
        "verified": False,  # registered by a member, not checked by a platform admin
        "url": f"https://hub.example.org/organisations/{practice.organisation.slug}/",
    }
    assert rows[lonely.slug]["home_country"] is None
    assert rows[lonely.slug]["verified"] is True  # registered by the platform itself


def test_practice_row_holds_codes_dates_and_the_page_address(reference):
    # given
    practice, _, _ = _published_with_secrets()
    # when
    (row,) = exports.practice_rows(base_url="https://hub.example.org/")
    cells = dict(
        zip(PRACTICE_COLUMNS, _parse_csv(open_data.export_text("practices", "csv"))[1], strict=True)
    )
    # then
    assert list(row) == PRACTICE_COLUMNS
    assert row["organisation"] == practice.organisation.slug
    assert row["organisations"] == [practice.organisation.slug]
    assert row["objectives"] == [6, 22]
    assert row["countries"] == ["PHL", "QAT"]
    assert {"142", "035", "145"} <= set(row["regions"])  # Asia, South-eastern and Western Asia
    assert row["levels"] == ["national", "regional"]
    assert (row["period_start"], row["period_end"]) == (2019, 2023)
    assert isinstance(row["published_at"], dt.datetime)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cells["published_at"])
    assert cells["last_verified_at"] == practice.last_verified_at.isoformat()
    assert row["stale"] is False
    assert row["url"] == f"https://hub.example.org/practices/{practice.slug}/"


PRACTICE_COLUMNS = [
    "slug",
    "title",
    "summary",
    "body",
    "language",
    "organisation",
    "organisations",
    "objectives",
    "principles",
    "areas",
    "countries",
    "regions",
    "levels",
    "stakeholder_types",
    "sdg_targets",
    "period_start",
    "period_end",
    "results",
    "source",
    "published_at",
    "last_verified_at",
    "stale",
    "url",
]


def test_no_personal_data_in_any_export(reference):
    # given
    practice, member, reviewers = _published_with_secrets()
    secrets = [member.email, *[r.email for r in reviewers], "Reviewer-only remark"]
    # when
    files = _every_export()
    # then
    assert practice.slug in files["practices.csv"]
    for name, text in files.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {name}"
        assert "@" not in text, f"an e-mail address may have leaked into {name}"
    for table in open_data.registry().tables.values():
        # people, never organisations: a partnership's `members` are organisations (public)
        assert not {"created_by", "email", "reviewers", "submitted_by"} & set(table.column_names)
    assert not {"members", "provenance"} & set(
        open_data.registry().tables["practices"].column_names
    )


def test_csv_joins_multi_valued_fields_and_json_keeps_arrays(reference):
    # given
    _published_with_secrets()
    # when
    header, row = _parse_csv(open_data.export_text("practices", "csv"))
    document = json.loads(open_data.export_text("practices", "json"))
    # then
    cells = dict(zip(header, row, strict=True))
    assert header == PRACTICE_COLUMNS
    assert cells["objectives"] == "6;22"
    assert cells["countries"] == "PHL;QAT"
    assert cells["stale"] == "false"
    assert cells["body"].startswith("Employers, recruiters and unions")
    assert set(document) == {
        "name",
        "title",
        "source",
        "licence",
        "generated_at",
        "count",
        "items",
    }
    assert document["licence"]["name"] == "CC-BY-4.0"
    assert document["count"] == 1
    assert document["items"][0]["objectives"] == [6, 22]
    assert document["items"][0]["countries"] == ["PHL", "QAT"]


def _hxl_dictionary() -> tuple[set[str], set[str]]:
    with (HXL_DIR / "hxl_hashtags.csv").open(encoding="utf-8") as f:
        hashtags = {row["tag"] for row in csv.DictReader(f)}
    with (HXL_DIR / "hxl_attributes.csv").open(encoding="utf-8") as f:
        attributes = {row["attribute"] for row in csv.DictReader(f)}
    return hashtags, attributes


@pytest.mark.parametrize("kind", ["practices", "organisations"])
def test_hxl_row_uses_only_core_hashtags_and_attributes(reference, kind):
    # given
    _published_with_secrets()
    hashtags, attributes = _hxl_dictionary()
    # when
    rows = _parse_csv(open_data.export_text(kind, "hxl"))
    # then
    header, tags, data = rows[0], rows[1], rows[2:]
    assert header == open_data.table(kind).column_names
    assert len(tags) == len(header)
    assert len(data) == 1
    used = [t for t in tags if t]
    assert len(used) >= len(header) // 2
    for tag in used:
        assert re.fullmatch(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*", tag), tag
        hashtag, *attrs = tag.split("+")
        assert hashtag in hashtags, f"{tag}: {hashtag} is not a core HXL hashtag"
        for attr in attrs:
            assert f"+{attr}" in attributes, f"{tag}: +{attr} is not a core HXL attribute"
    assert len(set(used)) == len(used), "each tagged column is told apart by its attributes"
    tagged = dict(zip(header, tags, strict=True))
    assert tagged["slug"] in ("#activity+code", "#org+code")
    assert tagged["url"] == "#meta+url"


def test_hxl_tags_of_practices_follow_the_documented_choices(reference):
    # when
    tags = {c.name: c.hxl for c in exports.PRACTICES.columns}
    # then
    assert tags["title"] == "#activity+name"
    assert tags["objectives"] == "#sector+code"
    assert tags["countries"] == "#country+code"
    assert (tags["period_start"], tags["period_end"]) == ("#date+start", "#date+end")
    assert tags["organisation"] == "#org+code"


def _unpack(content: bytes, directory):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == [
            "datapackage.json",
            "evidence.csv",
            "organisations.csv",
            "practices.csv",
        ]
        archive.extractall(directory)
    return directory / "datapackage.json"


def test_datapackage_validates_with_frictionless(reference, tmp_path):
    # given
    _published_with_secrets()
    make_published(title="A second practice", countries=[], period_start=None)
    make_organisation(name="No practices, no country", level="global")
    # when
    descriptor_path = _unpack(
        open_data.datapackage_zip("knowledge", base_url="https://hub.example.org"), tmp_path
    )
    report = frictionless.validate(str(descriptor_path))
    # then
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"][0]["path"] == "https://hub.example.org"
    practices, evidence, organisations = descriptor["resources"]
    assert evidence["path"] == "evidence.csv"
    assert practices["path"] == "practices.csv"
    assert practices["schema"]["primaryKey"] == ["slug"]
    assert practices["schema"]["foreignKeys"] == [
        {"fields": "organisation", "reference": {"resource": "organisations", "fields": "slug"}}
    ]
    assert organisations["schema"]["primaryKey"] == ["slug"]
    assert [f["name"] for f in practices["schema"]["fields"]] == PRACTICE_COLUMNS
    assert len(_parse_csv((tmp_path / "practices.csv").read_text(encoding="utf-8"))) == 3


def test_datapackage_of_the_demo_content_validates(reference, tmp_path):
    # given: the curated demo organisations and practices shipped in data/demo/
    call_command("knowledge_load_demo")
    # when
    report = frictionless.validate(str(_unpack(open_data.datapackage_zip("knowledge"), tmp_path)))
    # then
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.tasks[0].stats["rows"] >= 40
    assert report.tasks[1].stats["rows"] == 734  # the evidence library
    assert report.tasks[2].stats["rows"] >= 50


def test_datapackage_schema_catches_a_broken_foreign_key_and_a_bad_code(reference, tmp_path):
    # given: the package of one published practice, then tampered with
    _published_with_secrets()
    descriptor_path = _unpack(open_data.datapackage_zip("knowledge"), tmp_path)
    organisations = tmp_path / "organisations.csv"
    organisations.write_text(
        organisations.read_text(encoding="utf-8").splitlines()[0] + "\r\n", encoding="utf-8"
    )
    practices = tmp_path / "practices.csv"
    practices.write_text(
        practices.read_text(encoding="utf-8").replace("6;22", "6;99"), encoding="utf-8"
    )
    # when
    report = frictionless.validate(str(descriptor_path))
    # then
    assert not report.valid
    errors = {(kind, field) for kind, field in report.flatten(["type", "fieldName"])}
    assert errors == {("foreign-key", None), ("constraint-error", "objectives")}


def test_export_queries_do_not_grow_with_the_rows(reference):
    # given
    _published_with_secrets()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            open_data.export_text("practices", "csv")
            open_data.export_text("organisations", "csv")
        return len(ctx.captured_queries)

    count_queries()  # the process's copy of the vocabularies is read once, as in production
    few = count_queries()
    for n in range(3):
        make_published(title=f"More practice {n}", countries=["MEX", "USA"])
    # when
    many = count_queries()
    # then
    assert many == few


OPEN_DATA_FILES = [
    ("practices.csv", "text/csv; charset=utf-8"),
    ("practices.json", "application/json"),
    ("practices.hxl.csv", "text/csv; charset=utf-8"),
    ("organisations.csv", "text/csv; charset=utf-8"),
    ("organisations.json", "application/json"),
    ("organisations.hxl.csv", "text/csv; charset=utf-8"),
    ("knowledge.datapackage.zip", "application/zip"),
    ("datapackage.zip", "application/zip"),
]


@pytest.mark.parametrize(("filename", "content_type"), OPEN_DATA_FILES)
def test_api_serves_each_file_with_its_type_and_name(reference, client, filename, content_type):
    # given
    practice, _, _ = _published_with_secrets()
    # when
    response = client.get(f"{API}/{filename}")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Access-Control-Allow-Origin"] == "*"
    if filename.startswith("practices"):
        assert practice.slug in response.content.decode("utf-8")
    if filename.endswith(".zip"):
        assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None


def test_api_json_uses_absolute_addresses_and_matches_its_documented_schema(reference, client):
    # given
    practice, _, _ = _published_with_secrets()
    # when
    document = client.get(f"{API}/practices.json").json()
    openapi = client.get("/api/v1/openapi.json").json()
    # then
    (item,) = document["items"]
    assert item["url"] == f"http://testserver/practices/{practice.slug}/"
    assert document["source"]["path"] == "http://testserver/"
    documented = openapi["paths"][f"{API}/practices.json"]["get"]["responses"]["200"]
    schema = documented["content"]["application/json"]["schema"]
    assert list(schema["properties"]["items"]["items"]["properties"]) == PRACTICE_COLUMNS
    jsonschema.validate(document, schema)
    for filename, content_type in OPEN_DATA_FILES:
        operation = openapi["paths"][f"{API}/{filename}"]["get"]
        assert operation["summary"]
        assert content_type.split(";")[0] in operation["responses"]["200"]["content"]


def test_cli_writes_each_format_to_a_file_or_stdout(reference, tmp_path):
    # given
    practice, _, _ = _published_with_secrets()
    stdout = io.StringIO()
    # when
    call_command("core_export", "practices", "hxl", "--out", str(tmp_path / "p.hxl.csv"))
    call_command("core_export", "organisations", "json", stdout=stdout)
    call_command("core_export", "knowledge", "csv", "--out", str(tmp_path / "all"))
    # then
    hxl = _parse_csv((tmp_path / "p.hxl.csv").read_text(encoding="utf-8"))
    assert hxl[1][0] == "#activity+code"
    assert hxl[2][0] == practice.slug
    assert json.loads(stdout.getvalue())["items"][0]["slug"] == practice.organisation.slug
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "evidence.csv",
        "organisations.csv",
        "practices.csv",
    ]


def test_cli_datapackage_needs_a_file_and_a_package(reference, tmp_path):
    # given
    _published_with_secrets()
    # when / then
    with pytest.raises(CommandError, match="--out"):
        call_command("core_export", "knowledge", "datapackage")
    with pytest.raises(CommandError, match="is a table"):
        call_command("core_export", "practices", "datapackage", "--out", "x.zip")
    with pytest.raises(CommandError, match="--out"):
        call_command("core_export", "knowledge", "json")
    call_command("core_export", "knowledge", "datapackage", "--out", str(tmp_path / "package.zip"))
    report = frictionless.validate(
        str(_unpack((tmp_path / "package.zip").read_bytes(), tmp_path / "unpacked"))
    )
    assert report.valid


def test_cli_dry_run_writes_nothing(reference, tmp_path):
    # when
    call_command("core_export", "practices", "csv", "--out", str(tmp_path / "p.csv"), "--dry-run")
    # then
    assert not (tmp_path / "p.csv").exists()


def test_migrationhub_export_command_is_wired_to_the_open_data_registry(
    reference, tmp_path, monkeypatch
):
    # given: the command line closes the database connections on exit; the test needs its own
    monkeypatch.setattr(connections, "close_all", lambda: None)
    practice, _, _ = _published_with_secrets()
    target = tmp_path / "practices.json"
    # when
    cli_main(["export", "practices", "json", "--out", str(target)])
    # then
    assert json.loads(target.read_text(encoding="utf-8"))["items"][0]["slug"] == practice.slug
