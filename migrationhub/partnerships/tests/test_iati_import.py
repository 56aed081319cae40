"""IATI import: all or nothing, organisations matched (never created), every bad activity named
with the element at fault, hostile and malformed files refused without writing or crashing, and
real files of other publishers imported or refused with a clear message."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import PermissionDenied, ValidationFailed
from migrationhub.core.imports import ImportFailed
from migrationhub.core.models import AuditEvent
from migrationhub.organisations.models import Organisation
from migrationhub.partnerships import exports, iati, selectors, services
from migrationhub.partnerships.errors import Code
from migrationhub.partnerships.models import (
    Commitment,
    Goal,
    Member,
    OrganisationRef,
    Partnership,
    ProgressReport,
)

from .factories import commit, join, make_goal, make_org, make_partnership, report

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def activity(
    identifier="XM-TEST-001",
    *,
    title="Labour migration corridor",
    status="2",
    orgs=(("XM-DAC-1", "Ministry of Labour", "2"), ("", "Workers United", "4")),
    country="PH",
    extra="",
):
    participating = "".join(
        f'<participating-org role="{role}"{f" ref={chr(34)}{ref}{chr(34)}" if ref else ""}>'
        f"<narrative>{name}</narrative></participating-org>"
        for ref, name, role in orgs
    )
    return f"""
  <iati-activity last-updated-datetime="2025-03-01T10:00:00" xml:lang="en" default-currency="EUR">
    <iati-identifier>{identifier}</iati-identifier>
    <reporting-org ref="XM-DAC-1" type="10"><narrative>Ministry of Labour</narrative></reporting-org>
    <title><narrative>{title}</narrative><narrative xml:lang="fr">Corridor</narrative></title>
    <description type="1"><narrative>Fair recruitment between two countries.</narrative></description>
    {participating}
    <activity-status code="{status}"/>
    <activity-date type="2" iso-date="2024-01-01"/>
    <activity-date type="3" iso-date="2027-12-31"/>
    <recipient-country code="{country}"/>
    <tag vocabulary="3" code="10.7"/>
    <tag vocabulary="99" vocabulary-uri="{iati.GCM_VOCABULARY_URI}" code="6"/>
    <planned-disbursement type="1">
      <period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>
      <value currency="USD" value-date="2025-01-01">150000.25</value>
      <provider-org ref="XM-DAC-1"><narrative>Ministry of Labour</narrative></provider-org>
    </planned-disbursement>
    <result type="2">
      <title><narrative>Fees</narrative></title>
      <indicator measure="1">
        <title><narrative>Workers recruited without fees</narrative></title>
        <reference vocabulary="99" code="6" indicator-uri="{iati.GCM_VOCABULARY_URI}"/>
        <baseline year="2024" value="0"/>
        <period><period-start iso-date="2024-01-01"/><period-end iso-date="2026-12-31"/>
          <target value="1000"/></period>
        <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
          <actual value="250"/></period>
      </indicator>
    </result>
    {extra}
  </iati-activity>"""


def document(*activities: str) -> bytes:
    body = "".join(activities) or activity()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="2.03" generated-datetime="2025-03-01T10:00:00">{body}'
        "</iati-activities>"
    ).encode()


@pytest.fixture
def directory(reference):
    """The two organisations the sample activities name: one known by its IATI ref, one by its
    name only."""
    ministry = make_org(
        name="Ministère du Travail",
        stakeholder_type="national-government",
        names={"en": "Ministry of Labour"},
    )
    OrganisationRef.objects.create(organisation=ministry, ref="XM-DAC-1")
    union = make_org(name="Workers  united", stakeholder_type="trade-union")
    return ministry, union


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Partnership,
            Member,
            Goal,
            Commitment,
            ProgressReport,
            Organisation,
            OrganisationRef,
        )
    }


def _import(data: bytes, **kw):
    return services.partnerships_import_iati_file(actor=None, data=data, **kw)


def test_a_well_formed_file_imports_partnerships_matching_organisations(directory):
    ministry, union = directory
    created = _import(document(activity(), activity("XM-TEST-002", title="Second", status="1")))
    assert [p.iati_identifier for p in created] == ["XM-TEST-001", "XM-TEST-002"]
    p = selectors.partnership_get(created[0].slug)
    assert p.name == "Labour migration corridor" and p.status == "active"
    assert p.lead == ministry  # matched by its IATI ref (its name differs)
    members = {m.organisation: (m.roles, m.status, m.source) for m in p.members.all()}
    assert members == {
        ministry: (["accountable"], Member.ACTIVE, Member.RECORD),
        union: (["implementing"], Member.ACTIVE, Member.RECORD),  # matched by name
    }
    assert [c.iso3 for c in p.countries.all()] == ["PHL"]
    assert [o.number for o in p.objectives.all()] == [6]
    assert [t.code for t in p.sdg_targets.all()] == ["10.7"]
    assert (p.start_date, p.end_date) == (dt.date(2024, 1, 1), dt.date(2027, 12, 31))
    assert p.as_of == dt.date(2025, 3, 1)
    (money,) = p.commitments.all()
    assert (money.organisation, money.amount, money.currency) == (
        ministry,
        Decimal("150000.25"),
        "USD",
    )
    (goal,) = p.goals.all()
    assert (goal.indicator, goal.baseline, goal.target, goal.due_date) == (
        "Workers recruited without fees",
        Decimal("0"),
        Decimal("1000"),
        dt.date(2026, 12, 31),
    )
    assert [r.value for r in goal.reports.all()] == [Decimal("250")]
    assert [t.name for t in p.translations.all()] == ["Corridor"]
    assert AuditEvent.objects.filter(action="partnership.import_iati").count() == 2
    assert selectors.partnership_get(created[1].slug).status == "planned"
    # what was imported exports under the same identifier, valid
    data = exports.iati_document([p])
    assert iati.validate(data) == []
    assert b"<iati-identifier>XM-TEST-001</iati-identifier>" in data


def test_a_ref_seen_for_the_first_time_is_remembered_for_the_organisation_it_names(directory):
    _ministry, union = directory
    _import(document(activity(orgs=(("XM-DAC-1", "x", "2"), ("XM-WU-7", "Workers United", "4")))))
    assert OrganisationRef.objects.get(organisation=union).ref == "XM-WU-7"


def test_the_registrys_own_file_imports_nothing_twice(directory):
    """Partnerships registered here are published as `<publisher ref>-<slug>`: importing the
    registry's own IATI file back is refused, activity by activity."""
    ministry, _union = directory
    p = make_partnership(lead=ministry)
    imported = _import(document(activity()))
    before = _counts()
    data = exports.iati_document(selectors.partnership_list())
    with pytest.raises(ImportFailed) as failed:
        _import(data)
    messages = [e.message for e in failed.value.row_errors]
    assert len(messages) == 2
    assert any(exports.iati_identifier(p) in m for m in messages)
    assert any(imported[0].iati_identifier in m for m in messages)
    assert all("already registered" in str(e.fields) for e in failed.value.row_errors)
    assert _counts() == before


def test_the_same_activity_is_not_imported_twice(directory):
    _import(document(activity()))
    before = _counts()
    with pytest.raises(ImportFailed) as failed:
        _import(document(activity()))
    assert "XM-TEST-001" in failed.value.lines()[1]
    assert "already registered" in failed.value.lines()[1]
    assert _counts() == before
    with pytest.raises(ImportFailed):
        _import(document(activity("XM-TWICE"), activity("XM-TWICE")))
    assert _counts() == before


def test_unmatched_organisations_are_listed_and_never_created(directory):
    before = _counts()
    orgs = (
        ("XM-DAC-1", "Ministry of Labour", "2"),
        ("XM-NOPE-9", "Unknown Recruiters Ltd", "4"),
        ("", "Nobody Foundation", "1"),
    )
    with pytest.raises(ImportFailed) as failed:
        _import(document(activity(orgs=orgs)))
    text = "\n".join(failed.value.lines())
    assert "Unknown Recruiters Ltd" in text and "XM-NOPE-9" in text
    assert "Nobody Foundation" in text
    assert "imports never create organisations" in text
    assert _counts() == before


def test_one_bad_activity_writes_nothing_and_names_its_identifier_and_the_element(directory):
    before = _counts()
    bad_value = """<budget type="1" status="2"><period-start iso-date="2025-01-01"/>
      <period-end iso-date="2025-12-31"/><value currency="EUR" value-date="2025-01-01">lots</value>
      </budget>"""
    data = document(
        activity("XM-GOOD-1"),
        activity("XM-BAD-2", country="ZZ"),
        activity("XM-GOOD-3"),
        activity("XM-BAD-4", status="42", extra=bad_value),
    )
    with pytest.raises(ImportFailed) as failed:
        _import(data)
    errors = failed.value.row_errors
    assert [e.row for e in errors] == [2, 4]
    assert "XM-BAD-2" in errors[0].message
    assert "recipient-country" in errors[0].fields and "ZZ" in str(errors[0].fields)
    assert "XM-BAD-4" in errors[1].message
    fields = " ".join(errors[1].fields)
    assert "activity-status" in fields
    assert "value (line" in fields  # the element at fault, with its line
    assert _counts() == before


def test_other_indicator_vocabularies_are_not_read_as_gcm_objectives_or_sdg_targets(directory):
    """IndicatorVocabulary 3 is the US Foreign Assistance Framework and 8 HIPSO (not SDG
    targets, as in the tag and sector vocabularies); 99 is MigrationHub's only with its URIs."""
    others = """<result type="2"><title><narrative>Other</narrative></title>
      <indicator measure="1"><title><narrative>Health workers trained</narrative></title>
        <reference vocabulary="3" code="3.1.2"/><reference vocabulary="8" code="10.7"/>
        <reference vocabulary="99" code="5" indicator-uri="https://example.org/ours"/>
      </indicator></result>"""
    (p,) = _import(document(activity(extra=others)))
    goal = Goal.objects.get(partnership=p, indicator="Health workers trained")
    assert not goal.sdg_targets.exists() and not goal.objectives.exists()


def test_an_unknown_role_or_a_missing_identifier_is_reported(directory):
    with pytest.raises(ImportFailed) as failed:
        _import(document(activity("", orgs=(("XM-DAC-1", "Ministry of Labour", "7"),))))
    (error,) = failed.value.row_errors
    assert "no identifier" in error.message
    assert any("participating-org" in k for k in error.fields)
    assert "unknown organisation role '7'" in str(error.fields)


def test_an_unverified_lead_is_refused(directory):
    unverified = make_org(
        name="Claimed Ministry", stakeholder_type="national-government", verified=False
    )
    with pytest.raises(ImportFailed) as failed:
        _import(document(activity(orgs=(("", unverified.name, "2"),))))
    assert "not verified" in str(failed.value.row_errors[0].fields)


def test_only_platform_admins_import(directory):
    with pytest.raises(PermissionDenied):
        services.partnerships_import_iati_file(actor=make_user(), data=document())
    created = services.partnerships_import_iati_file(actor=make_admin(), data=document())
    assert len(created) == 1


def test_an_exported_partnership_imports_back_with_its_members_goals_and_money(directory):
    ministry, union = directory
    p = make_partnership(lead=ministry)
    join(p, union, roles=["implementing", "technical"])
    diaspora = make_org(name="Diaspora Network", stakeholder_type="migrant-diaspora")
    join(p, diaspora, roles=["migrant_representative"])
    commit(p, ministry, amount=Decimal("5000"), currency="GBP")
    goal = make_goal(p)
    report(goal, union, value=Decimal("12"), on=dt.date.today() - dt.timedelta(days=3))
    data = exports.iati_document([selectors.partnership_get(p.slug)])
    data = data.replace(exports.iati_identifier(p).encode(), b"XM-COPY-1")
    (copy,) = _import(data)
    copy = selectors.partnership_get(copy.slug)
    assert copy.name == p.name and copy.lead == ministry
    roles = {m.organisation: sorted(m.roles) for m in copy.members.all()}
    assert roles == {
        ministry: ["accountable"],
        union: ["implementing", "technical"],
        diaspora: ["migrant_representative"],
    }
    assert [(c.amount, c.currency) for c in copy.commitments.all()] == [(Decimal("5000"), "GBP")]
    (copied_goal,) = copy.goals.all()
    assert copied_goal.target == goal.target and copied_goal.due_date == goal.due_date
    assert [t.code for t in copied_goal.sdg_targets.all()] == ["10.7"]
    assert [o.number for o in copied_goal.objectives.all()] == [6]
    assert [r.value for r in copied_goal.reports.all()] == [Decimal("12")]


# --- hostile and malformed files ---------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;</iati-identifier>
<title><narrative>&lol9;</narrative></title></iati-activity></iati-activities>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier>
<title><narrative>&xxe;</narrative></title></iati-activity></iati-activities>"""

NETWORK_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/evil.dtd">
<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier>
</iati-activity></iati-activities>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<iati-activities version="2.03"/>"""

XINCLUDE = b"""<?xml version="1.0"?>
<iati-activities version="2.03" xmlns:xi="http://www.w3.org/2001/XInclude">
<iati-activity><iati-identifier>XM-1</iati-identifier>
<title><narrative><xi:include href="file:///etc/passwd" parse="text"/></narrative></title>
</iati-activity></iati-activities>"""


def _deep(depth: int) -> bytes:
    return (
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier>'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</iati-activity></iati-activities>"
    )


HOSTILE = {
    "billion laughs": BILLION_LAUGHS,
    "external entity (XXE)": XXE,
    "DTD with a network reference": NETWORK_DTD,
    "parameter entity": PARAMETER_ENTITY,
    "billion laughs in UTF-16": BILLION_LAUGHS.replace(
        b'version="1.0"?', b'version="1.0" encoding="UTF-16"?'
    )
    .decode()
    .encode("utf-16"),
    "XXE in UTF-16 big endian": XXE.decode().encode("utf-16-be"),
    "XXE in UTF-32": XXE.replace(b'version="1.0"?', b'version="1.0" encoding="UTF-32"?')
    .decode()
    .encode("utf-32"),
    "XML bomb depth": _deep(100_000),
    "not XML": b"partnership,lead\nfair recruitment,ILO\n",
    "JSON": b'{"iati-activities": []}',
    "binary": bytes(range(256)) * 4,
    "empty": b"",
    "blank": b"   \n\t ",
    "truncated": document()[:200],
    "wrong root": b'<?xml version="1.0"?><html><body>iati-activity</body></html>',
    "organisation file": b'<iati-organisations version="2.03"><iati-organisation/></iati-organisations>',
    "namespaced root": b'<iati-activities xmlns="http://example.org/ns" version="2.03"><iati-activity/></iati-activities>',
    "no activity": b'<iati-activities version="2.03"></iati-activities>',
    "NUL byte": b'<iati-activities version="2.03">\x00</iati-activities>',
}


REASONS = {
    "billion laughs": "declares a document type or entities",
    "external entity (XXE)": "declares a document type or entities",
    "DTD with a network reference": "declares a document type or entities",
    "parameter entity": "declares a document type or entities",
    "billion laughs in UTF-16": "declares a document type or entities",
    "XXE in UTF-16 big endian": "declares a document type or entities",
    "XXE in UTF-32": "declares a document type or entities",
    "XML bomb depth": "Not well-formed XML",
    "not XML": "Not well-formed XML",
    "empty": "empty",
    "blank": "empty",
    "wrong root": "the root element is <html>",
    "organisation file": "the root element is <iati-organisations>",
    "namespaced root": "the root element is '{http://example.org/ns}iati-activities'",
    "no activity": "holds no iati-activity",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_malformed_files_are_refused_and_write_nothing(directory, name):
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        _import(HOSTILE[name])
    assert refused.value.code == Code.IATI_UNREADABLE
    assert refused.value.message.startswith("This IATI file cannot be read")
    assert REASONS.get(name, "") in refused.value.message
    assert "root:" not in refused.value.message  # nothing of /etc/passwd
    assert _counts() == before


def test_xinclude_is_never_followed(directory):
    before = _counts()
    with pytest.raises(ImportFailed) as failed:  # read as an unknown element: no title
        _import(XINCLUDE)
    assert "root:" not in "\n".join(failed.value.lines())
    assert _counts() == before


def test_a_file_over_the_size_limit_is_refused_before_parsing(directory):
    before = _counts()
    data = document(activity())
    with pytest.raises(ValidationFailed) as refused:
        _import(data, max_bytes=len(data) - 1)
    assert refused.value.code == Code.IATI_UNREADABLE and "larger than" in refused.value.message
    padded = data + b" " * (iati.MAX_BYTES - len(data) + 1)
    with pytest.raises(ValidationFailed) as refused:
        _import(padded)
    assert "larger than 20 MB" in refused.value.message
    assert _counts() == before


def test_a_huge_text_node_is_refused(directory):
    text = "x" * 11_000_000  # beyond libxml2's limit on one text node without huge_tree
    with pytest.raises(ValidationFailed) as refused:
        _import(document(activity(title=text)))
    assert refused.value.code == Code.IATI_UNREADABLE


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=12) | st.sampled_from([b"<", b"&", b"]]>", b"<!--", b"\xff", b"&#0;"]),
)
def test_a_mangled_file_never_crashes_the_import(directory, cut, junk):
    data = document(activity(), activity("XM-TEST-002"))
    mangled = data[:cut] + junk + data[cut:]
    try:
        with transaction.atomic():
            created = _import(mangled)
            transaction.set_rollback(True)
    except ValidationFailed as refused:  # ImportFailed included
        assert refused.message
    else:
        assert len(created) <= 2


# --- real files of other publishers ------------------------------------------------------------

REAL_FILES = sorted(p.name for p in FIXTURES.glob("*.xml"))


def test_the_real_files_are_shipped_with_their_sources():
    assert len(REAL_FILES) >= 3
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    for name in REAL_FILES:
        assert name in sources


@pytest.mark.parametrize("name", REAL_FILES)
def test_a_real_file_imports_or_is_refused_with_a_clear_message(directory, name):
    before = _counts()
    try:
        created = _import((FIXTURES / name).read_bytes())
    except ImportFailed as failed:
        assert _counts() == before
        lines = failed.lines()
        assert lines[0].startswith("Nothing was imported")
        for error in failed.row_errors:
            assert "cannot be imported" in error.message
            assert error.fields  # each names the elements at fault
            assert all(messages for messages in error.fields.values())
    except ValidationFailed as refused:
        assert refused.code == Code.IATI_UNREADABLE and refused.message
        assert _counts() == before
    else:
        assert created


def test_the_annotated_iati_example_imports_once_its_organisations_are_registered(reference):
    for ref, name, kind in (
        ("AA-AAA-123456789", "Name of Agency A", "international-organisation"),
        ("BB-BBB-123456789", "Name of Agency B", "national-government"),
        ("CC-CCC-123456789", "Name of Agency C", "civil-society"),
    ):
        OrganisationRef.objects.create(
            organisation=make_org(name=name, stakeholder_type=kind), ref=ref
        )
    (p,) = _import((FIXTURES / "activity-standard-example-annotated.xml").read_bytes())
    p = selectors.partnership_get(p.slug)
    assert p.iati_identifier == "AA-AAA-123456789-ABC123"
    assert p.members.count() == 3 and p.goals.exists()
    assert iati.validate(exports.iati_document([p])) == []


def test_the_legacy_undp_file_names_every_problem(directory):
    with pytest.raises(ImportFailed) as failed:
        _import((FIXTURES / "undp_sample.xml").read_bytes())
    (error,) = failed.value.row_errors
    text = str(error.fields)
    assert "no identifier" in error.message or "iati-identifier" in text
    assert "UNITED NATIONS DEVELOPMENT PRO" in text
