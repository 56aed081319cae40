"""`migrationhub import`: drafts imported --as a member of --organisation, curated records
--publish'ed by the platform, all or nothing with every bad row named."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils.html import escape

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.cli import main as cli_main
from migrationhub.core import open_data
from migrationhub.knowledge.models import Practice
from migrationhub.knowledge.tests.factories import practice_data
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

CSV_HEADER = "title,summary,body,objectives,levels,countries\n"


def _write_json(path, rows) -> str:
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


def test_member_imports_drafts_for_their_organisation(reference, tmp_path):
    # given
    member = make_user(email="importer@example.org")
    org = make_organisation(admin=member)
    source = _write_json(tmp_path / "drafts.json", [practice_data(), practice_data()])
    # when
    call_command(
        "knowledge_import", source, "--organisation", org.slug, "--as", "Importer@Example.org"
    )
    # then
    practices = list(Practice.objects.filter(organisation=org))
    assert len(practices) == 2
    assert {p.status for p in practices} == {Practice.DRAFT}
    assert {p.created_by for p in practices} == {member}
    assert {p.history.first().history_user for p in practices} == {member}


def test_drafts_need_an_importing_member(reference, tmp_path):
    # given
    org = make_organisation(admin=make_user())
    outsider = make_user(email="outsider@example.org")
    source = _write_json(tmp_path / "drafts.json", [practice_data()])
    # when / then
    with pytest.raises(CommandError, match="--as EMAIL"):
        call_command("knowledge_import", source, "--organisation", org.slug)
    with pytest.raises(CommandError, match="may not import"):
        call_command("knowledge_import", source, "--organisation", org.slug, "--as", outsider.email)
    with pytest.raises(CommandError, match="no active user"):
        call_command(
            "knowledge_import", source, "--organisation", org.slug, "--as", "nobody@example.org"
        )
    assert not Practice.objects.exists()


def test_publish_imports_curated_records_as_the_platform(reference, tmp_path):
    # given
    org = make_organisation(name="Curated Org")
    rows = [practice_data(organisation=org.slug, slug="curated-one", last_verified_at="2020-05-01")]
    source = _write_json(tmp_path / "curated.json", rows)
    # when
    call_command("knowledge_import", source, "--publish")
    # then
    practice = Practice.objects.get(slug="curated-one")
    assert practice.status == Practice.PUBLISHED
    assert practice.organisation == org
    assert practice.created_by is None
    assert practice.history.first().history_user is None
    assert practice.last_verified_at.isoformat() == "2020-05-01"


def test_publish_as_a_user_requires_a_platform_admin(reference, tmp_path):
    # given
    admin, member = make_admin(), make_user()
    source = _write_json(tmp_path / "curated.json", [practice_data(slug="by-admin")])
    # when / then
    with pytest.raises(CommandError, match="platform administrators"):
        call_command("knowledge_import", source, "--publish", "--as", member.email)
    call_command("knowledge_import", source, "--publish", "--as", admin.email)
    assert Practice.objects.get(slug="by-admin").created_by == admin


def test_a_bad_row_imports_nothing_and_is_reported_by_number(reference, tmp_path):
    # given: the second data row names an objective the GCM does not have
    member = make_user()
    org = make_organisation(admin=member)
    source = tmp_path / "drafts.csv"
    source.write_text(
        CSV_HEADER
        + "Good one,A summary,A body,6;7,national,PHL\n"
        + "Bad one,A summary,A body,6;99,national,PHL\n"
        + "Good two,A summary,A body,1,local,MEX\n",
        encoding="utf-8",
    )
    # when
    with pytest.raises(CommandError) as error:
        call_command(
            "knowledge_import", str(source), "--organisation", org.slug, "--as", member.email
        )
    # then
    message = str(error.value)
    assert "Nothing was imported: 1 row has errors." in message
    assert "row 2:" in message and "99" in message
    assert "row 1" not in message and "row 3" not in message
    assert not Practice.objects.exists()


def test_an_unreadable_file_is_a_clear_error(reference, tmp_path):
    # given
    member = make_user()
    org = make_organisation(admin=member)
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    # when / then
    with pytest.raises(CommandError, match="Not valid JSON"):
        call_command(
            "knowledge_import", str(broken), "--organisation", org.slug, "--as", member.email
        )
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "knowledge_import", str(tmp_path / "missing.csv"), "--publish", "--as", member.email
        )


def test_exported_csv_imports_back_as_published_records(reference, tmp_path, monkeypatch):
    # given: the open-data CSV of one curated practice, then the practice gone
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the CLI closes them on exit
    org = make_organisation()
    rows = [
        practice_data(
            slug="round-trip",
            organisation=org.slug,
            objectives=[6, 22],
            countries=["PHL", "QAT"],
            period_start=2019,
            last_verified_at="2021-03-04",
        )
    ]
    call_command("knowledge_import", _write_json(tmp_path / "curated.json", rows), "--publish")
    exported = tmp_path / "practices.csv"
    exported.write_text(open_data.export_text("practices", "csv"), encoding="utf-8")
    Practice.objects.all().delete()
    # when
    cli_main(["import", str(exported), "--publish"])
    # then
    practice = Practice.objects.get(slug="round-trip")
    assert practice.status == Practice.PUBLISHED
    assert practice.organisation == org
    assert sorted(practice.objectives.values_list("number", flat=True)) == [6, 22]
    assert sorted(practice.countries.values_list("iso3", flat=True)) == ["PHL", "QAT"]
    assert (practice.period_start, practice.last_verified_at.isoformat()) == (2019, "2021-03-04")


HOSTILE_ROWS = {
    "a non-ASCII digit as objective": ({"objectives": ["²"]}, "objectives"),
    "a field over 128 KB": ({"body": "x" * (128 * 1024)}, "body"),
    "an impossible date": ({"last_verified_at": "2024-13-45"}, "last_verified_at"),
    "deeply nested JSON in a text field": ({"title": [[[[[["deep"]]]]]]}, "title"),
    "a NUL character": ({"summary": "null\x00byte"}, "summary"),
    "a lone surrogate": ({"summary": "half \ud800 a character"}, "summary"),
    "an objective of 10^30": ({"objectives": [10**30]}, "objectives"),
    "a year of 10^30": ({"period_start": 10**30}, "period_start"),
}


@pytest.mark.parametrize("case", HOSTILE_ROWS, ids=list(HOSTILE_ROWS))
def test_hostile_values_are_row_errors_and_write_nothing(reference, tmp_path, case):
    # given: a good row, then a row with the hostile value
    overrides, field = HOSTILE_ROWS[case]
    rows = [practice_data(), practice_data(**overrides)]
    source = tmp_path / "curated.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    # when
    with pytest.raises(CommandError) as error:
        call_command("knowledge_import", str(source), "--publish")
    # then
    message = str(error.value)
    assert "Nothing was imported" in message
    assert "row 2: " in message and f"{field}:" in message, message
    assert "row 1" not in message
    assert not Practice.objects.exists()


def test_a_csv_with_a_byte_order_mark_imports(reference, tmp_path):
    # given: what spreadsheet programs write
    source = tmp_path / "from-excel.csv"
    source.write_bytes(
        ("\ufeff" + CSV_HEADER + "Fair fees,A summary,A body,6,national,PHL\n").encode("utf-8")
    )
    # when
    call_command("knowledge_import", str(source), "--publish")
    # then
    assert Practice.objects.get().title == "Fair fees"


def test_a_cell_over_the_csv_module_limit_is_a_row_error(reference, tmp_path):
    # given: a cell larger than the csv module's default field limit (128 KB)
    source = tmp_path / "big.csv"
    source.write_text(
        CSV_HEADER + "Good,A summary,A body,6,national,PHL\n"
        f"Big,A summary,{'y' * 200_000},6,national,PHL\n",
        encoding="utf-8",
    )
    # when
    with pytest.raises(CommandError) as error:
        call_command("knowledge_import", str(source), "--publish")
    # then
    assert "row 2: " in str(error.value) and "body:" in str(error.value)
    assert not Practice.objects.exists()


def test_demo_provenance_names_the_document_not_just_its_number(reference, client):
    # given
    call_command("knowledge_load_demo")
    practice = Practice.objects.filter(provenance__0__document="003").first()
    # when
    html = client.get(f"/practices/{practice.slug}/").content.decode()
    # then
    assert "Partnerships and innovative initiatives for the way forward" in html
    assert "2018-12-11" in html and "United Nations" in html
    assert escape(practice.provenance[0]["quote"]) in html
