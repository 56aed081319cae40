"""The partnership commands: `partnerships-refresh` (daily lights, scores and reminders),
`import-iati FILE` (all or nothing, every bad activity named) and `export-iati`."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone
from lxml import etree

from migrationhub.accounts.tests.factories import make_user
from migrationhub.cli import COMMANDS
from migrationhub.cli import main as cli_main
from migrationhub.partnerships import selectors
from migrationhub.partnerships.models import Member, Partnership

from .factories import commit, join, make_goal, make_org, make_partnership, report

pytestmark = pytest.mark.django_db

REAL_FILES = Path(__file__).parent / "fixtures"  # real files of other publishers (SOURCES.md there)


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_the_public_names_run_the_partnership_commands():
    assert COMMANDS["partnerships-refresh"] == ["partnerships_refresh"]
    assert COMMANDS["import-iati"] == ["partnerships_import_iati"]
    assert COMMANDS["export-iati"] == ["partnerships_export_iati"]


# --- partnerships-refresh ------------------------------------------------------------------------


def test_refresh_turns_lights_as_days_pass_and_reminds_once(
    reference, django_capture_on_commit_callbacks
):
    # given a partnership whose last report (its source's date) is now 13 months old, whose
    # stored light is still green, and a fresh one
    old = make_partnership(name="Overdue partnership")
    fresh = make_partnership(name="Fresh partnership")
    Partnership.objects.filter(pk=old.pk).update(
        as_of=timezone.localdate() - dt.timedelta(days=400)
    )
    assert Partnership.objects.get(pk=old.pk).light == "green"
    # when the daily command runs
    with django_capture_on_commit_callbacks(execute=True):
        out = run("partnerships_refresh")
    # then the overdue one turns amber (in lists and search too) and its admins are reminded
    assert "1 partnership(s) and 0 pledge(s) changed" in out
    assert "reminders sent for 1 partnership(s)" in out
    assert Partnership.objects.get(pk=old.pk).light == "amber"
    assert Partnership.objects.get(pk=fresh.pk).light == "green"
    amber = selectors.partnership_search(None, {"light": ["amber"]})
    assert [r.object.pk for r in amber.page.items] == [old.pk]
    [reminder] = mail.outbox
    assert old.test_admin.email in reminder.to and "Overdue partnership" in reminder.subject
    # and a second run the same day changes nothing and reminds nobody again
    with django_capture_on_commit_callbacks(execute=True):
        again = run("partnerships_refresh")
    assert "0 partnership(s) and 0 pledge(s) changed" in again
    assert "reminders sent for 0" in again and len(mail.outbox) == 1


def test_refresh_recomputes_stored_scores(reference):
    p = make_partnership()
    union = make_org(stakeholder_type="trade-union")
    join(p, union)
    commit(p, union)
    expected = Partnership.objects.get(pk=p.pk).score
    Partnership.objects.filter(pk=p.pk).update(score=0, score_resources=0)
    out = run("partnerships_refresh")
    assert "1 partnership(s)" in out
    assert Partnership.objects.get(pk=p.pk).score == expected > 0


def test_refresh_dry_run_writes_nothing(reference):
    p = make_partnership()
    Partnership.objects.filter(pk=p.pk).update(as_of=timezone.localdate() - dt.timedelta(days=900))
    assert "dry run: rolled back" in run("partnerships_refresh", "--dry-run")
    assert Partnership.objects.get(pk=p.pk).light == "green"


# --- export-iati and import-iati -----------------------------------------------------------------


@pytest.fixture
def exported(reference, tmp_path):
    """A partnership with members, money and a goal with progress, exported with `export-iati`
    and then removed from the registry."""
    lead = make_org(name="Ministry of Labour", stakeholder_type="national-government")
    union = make_org(name="Harbour Workers Union", stakeholder_type="trade-union")
    p = make_partnership(lead=lead, name="Corridor of fair recruitment", countries=["PHL"])
    join(p, union, roles=["implementing"])
    commit(p, union)
    report(make_goal(p), union, on=timezone.localdate() - dt.timedelta(days=10))
    target = tmp_path / "registry.xml"
    out = run("partnerships_export_iati", "--output", str(target))
    assert f"wrote {target} (1 activities" in out
    Partnership.objects.all().delete()
    return target


def test_export_writes_the_registry_to_standard_output(reference):
    make_partnership(name="First partnership")
    make_partnership(name="Second partnership")
    root = etree.fromstring(run("partnerships_export_iati").encode("utf-8"))
    assert root.tag == "iati-activities"
    assert len(root.findall("iati-activity")) == 2


def test_an_exported_registry_imports_back(exported):
    # when
    out = run("partnerships_import_iati", str(exported))
    # then
    assert "imported 1 partnership(s) from registry.xml" in out
    p = selectors.partnership_get(Partnership.objects.get().slug)
    assert p.name == "Corridor of fair recruitment"
    assert {m.organisation.name: m.roles for m in p.members.all()} == {
        "Ministry of Labour": ["accountable"],
        "Harbour Workers Union": ["implementing"],
    }
    assert {m.source for m in p.members.all()} == {Member.RECORD}
    assert [c.currency for c in p.commitments.all()] == ["EUR"]
    assert p.goals.count() == 1 and p.light == "green"


def _activity(identifier: str, org: str, country: str = "PH") -> str:
    return f"""
  <iati-activity last-updated-datetime="2025-03-01T00:00:00">
    <iati-identifier>{identifier}</iati-identifier>
    <reporting-org ref="XM-TEST" type="90"><narrative>Test publisher</narrative></reporting-org>
    <title><narrative>Activity {identifier}</narrative></title>
    <description type="1"><narrative>What {identifier} does.</narrative></description>
    <participating-org role="2" type="10"><narrative>{org}</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2024-01-01"/>
    <recipient-country code="{country}"/>
  </iati-activity>"""


def _file(tmp_path, *activities: str) -> Path:
    path = tmp_path / "activities.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">'
        f"{''.join(activities)}\n</iati-activities>\n",
        encoding="utf-8",
    )
    return path


def test_a_file_with_bad_activities_writes_nothing_and_names_each(reference, tmp_path):
    # given one good activity, one naming an unknown organisation, one a country that is none
    make_org(name="Ministry of Labour")
    path = _file(
        tmp_path,
        _activity("XM-TEST-good", "Ministry of Labour"),
        _activity("XM-TEST-stranger", "Unknown Ministry of Nowhere"),
        _activity("XM-TEST-country", "Ministry of Labour", country="QQ"),
    )
    # when / then
    with pytest.raises(CommandError) as refused:
        call_command("partnerships_import_iati", str(path))
    message = str(refused.value)
    assert "Nothing was imported: 2 rows have errors." in message
    assert "XM-TEST-stranger" in message and "Unknown Ministry of Nowhere" in message
    assert "XM-TEST-country" in message and "recipient-country" in message
    assert "XM-TEST-good" not in message
    assert not Partnership.objects.exists()


def test_a_refused_file_exits_non_zero_with_the_errors(reference, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the CLI closes them on exit
    path = _file(tmp_path, _activity("XM-TEST-stranger", "Unknown Ministry of Nowhere"))
    with pytest.raises(SystemExit) as exited:
        cli_main(["import-iati", str(path)])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "XM-TEST-stranger" in err and "participating-org" in err
    assert not Partnership.objects.exists()


@pytest.mark.parametrize(
    "content, problem",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
            "<iati-activities>&lol;</iati-activities>",
            "document type",
        ),
        ("<iati-activities><iati-activity>", "well-formed"),
        ("<html><body>not IATI</body></html>", "Not an IATI activity file"),
        ("", "empty"),
    ],
)
def test_a_hostile_or_malformed_file_is_refused_clearly(reference, tmp_path, content, problem):
    path = tmp_path / "bad.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=problem) as refused:
        call_command("partnerships_import_iati", str(path))
    assert "Nothing was imported" in str(refused.value)
    assert not Partnership.objects.exists()


def test_only_platform_admins_import(exported):
    with pytest.raises(CommandError, match="may not import"):
        call_command("partnerships_import_iati", str(exported), "--as", make_user().email)
    with pytest.raises(CommandError, match="no active user"):
        call_command("partnerships_import_iati", str(exported), "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("partnerships_import_iati", str(exported.parent / "missing.xml"))
    assert not Partnership.objects.exists()


def test_import_dry_run_writes_nothing(exported):
    assert "dry run: rolled back" in run("partnerships_import_iati", str(exported), "--dry-run")
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("name", sorted(p.name for p in REAL_FILES.glob("*.xml")))
def test_real_files_of_other_publishers_import_or_are_refused_clearly(reference, name):
    # whatever the file, the command answers with a result or a CommandError, never a crash
    try:
        out = run("partnerships_import_iati", str(REAL_FILES / name))
    except CommandError as exc:
        assert "Nothing was imported" in str(exc)
        assert not Partnership.objects.exists()
    else:
        assert out.startswith("imported ")
