"""IATI 2.03 export: every partnership, and the whole registry, valid against the official schema
shipped in the package (data/iati/), offline; the mapping's codes are those of the IATI codelists."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from migrationhub.cli import COMMANDS
from migrationhub.partnerships import exports, iati, selectors, services
from migrationhub.partnerships.models import OrganisationRef, Partnership, Role

from .factories import commit, join, make_goal, make_org, make_partnership, report

pytestmark = pytest.mark.django_db


def _document(*partnerships) -> bytes:
    found = [selectors.partnership_get(p.slug) for p in partnerships]
    return exports.iati_document(found)


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _valid(data: bytes) -> None:
    errors = iati.validate(data)
    assert errors == [], "\n".join(errors[:20])


@pytest.fixture
def rich(reference):
    """A partnership with every part the export maps: members with IATI and other roles, money
    in two currencies, in kind, goals with progress, a translation, countries, a website."""
    lead = make_org(name="Ministry of Labour", stakeholder_type="national-government")
    funder = make_org(name="Fair Work Foundation", stakeholder_type="philanthropy", level="global")
    union = make_org(name="Workers United", stakeholder_type="trade-union")
    diaspora = make_org(name="Diaspora Network", stakeholder_type="migrant-diaspora")
    city = make_org(name="City of Manila", stakeholder_type="local-authority", level="local")
    OrganisationRef.objects.create(organisation=funder, ref="XM-DAC-99-FWF")
    p = make_partnership(
        lead=lead,
        name="Fair recruitment corridor",
        purpose="Governments, employers and unions make recruitment fair.",
        objectives=[6, 22],
        sdg_targets=["10.7", "8.8"],
        countries=["PHL", "ARE"],
        levels=["national", "regional"],
        website="https://fair-recruitment.example.org/",
    )
    join(p, funder, roles=["funding", "advisory"])
    join(p, union, roles=["implementing", "technical"])
    join(p, diaspora, roles=["migrant_representative"])
    join(p, city, roles=["extending"])
    commit(p, funder, amount=Decimal("1000000.50"), currency="USD")
    commit(
        p,
        funder,
        amount=Decimal("250000"),
        currency="EUR",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    commit(
        p,
        union,
        kind="in_kind",
        description="Training rooms",
        amount=Decimal("5000"),
        currency="PHP",
    )
    commit(p, diaspora, kind="expertise", description="Peer counselling")
    goal = make_goal(p)
    make_goal(
        p,
        indicator="Recruitment agencies certified",
        unit="%",
        baseline=None,
        objectives=[22],
        sdg_targets=[],
    )
    report(
        goal,
        union,
        value=Decimal("120"),
        on=dt.date.today() - dt.timedelta(days=200),
        narrative="First cohort",
        evidence_url="https://example.org/report-1",
    )
    report(goal, lead, value=Decimal("340.5"), on=dt.date.today() - dt.timedelta(days=20))
    services.translation_upsert(
        actor=lead.test_admin,
        partnership=p,
        language="fr",
        name="Corridor de recrutement équitable",
        purpose="Des gouvernements, employeurs et syndicats rendent le recrutement équitable.",
    )
    return selectors.partnership_get(p.slug)


def test_the_shipped_schema_loads_offline_from_its_own_folder(monkeypatch):
    seen = []
    original = iati._LocalSchemas.resolve

    def spy(self, url, public_id, context):
        seen.append(url)
        return original(self, url, public_id, context)

    monkeypatch.setattr(iati._LocalSchemas, "resolve", spy)
    iati.schema.cache_clear()
    try:
        iati.schema()
    finally:
        iati.schema.cache_clear()
    names = sorted(url.rsplit("/", 1)[-1] for url in seen)
    assert names == ["iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"]
    assert all(not url.startswith(("http:", "https:")) for url in seen)
    assert iati.ACTIVITIES_SCHEMA.is_relative_to(iati.IATI_DATA_DIR)
    assert "migrationhub/data/iati" in iati.ACTIVITIES_SCHEMA.as_posix()


def _schema_copy(folder, common: str, xml: str):
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("iati-activities-schema.xsd", "iati-common.xsd"):
        text = (iati.SCHEMA_DIR / name).read_text(encoding="utf-8")
        text = text.replace('schemaLocation="iati-common.xsd"', f'schemaLocation="{common}"')
        text = text.replace('schemaLocation="xml.xsd"', f'schemaLocation="{xml}"')
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "xml.xsd").write_bytes((iati.SCHEMA_DIR / "xml.xsd").read_bytes())
    return str(folder / "iati-activities-schema.xsd")


def test_a_schema_that_reaches_outside_its_folder_is_refused(tmp_path):
    assert iati.schema(_schema_copy(tmp_path / "ok", "iati-common.xsd", "xml.xsd"))
    _schema_copy(tmp_path / "elsewhere", "iati-common.xsd", "xml.xsd")
    outside = _schema_copy(tmp_path / "a", "../elsewhere/iati-common.xsd", "../elsewhere/xml.xsd")
    with pytest.raises((iati.Unreadable, etree.XMLSchemaParseError)):
        iati.schema(outside)
    network = _schema_copy(tmp_path / "b", "iati-common.xsd", "http://www.w3.org/2001/xml.xsd")
    with pytest.raises((iati.Unreadable, etree.XMLSchemaParseError)):
        iati.schema(network)


def test_the_official_conformance_examples_pass_the_shipped_schema():
    valid = (
        Path(__file__).parent / "fixtures" / "activity-standard-example-annotated.xml"
    ).read_bytes()
    assert iati.validate(valid) == []
    broken = etree.fromstring(valid)
    identifier = broken.find("iati-activity/iati-identifier")
    identifier.getparent().remove(identifier)
    assert iati.validate(etree.tostring(broken)) != []


def test_the_mapping_uses_codes_of_the_iati_codelists():
    assert set(iati.ROLE_CODES.values()) <= iati.codelist("OrganisationRole")
    assert set(iati.ROLES_BY_CODE) == iati.codelist("OrganisationRole")
    assert set(iati.ROLE_CODES) <= set(Role.values)
    assert set(iati.STATUS_CODES.values()) <= iati.codelist("ActivityStatus")
    assert set(iati.STATUSES_BY_CODE) == iati.codelist("ActivityStatus")
    date_codes = {kinds[0] for kinds in iati.DATE_TYPES.values()}
    assert date_codes == iati.codelist("ActivityDateType")
    assert iati.WEB_PAGE_CATEGORY in iati.codelist("DocumentCategory")
    assert iati.MIGRATION_SECTOR in iati.codelist("Sector")
    assert {"3", "99"} <= iati.codelist("TagVocabulary")
    assert {"1", "8"} <= iati.codelist("SectorVocabulary")
    assert "99" in iati.codelist("IndicatorVocabulary")
    assert {"1", "2"} <= iati.codelist("IndicatorMeasure")
    assert "2" in iati.codelist("ResultType")
    assert {"1"} <= iati.codelist("BudgetType") and {"2"} <= iati.codelist("BudgetStatus")
    assert "1" in iati.codelist("DescriptionType")
    types = iati.codelist("OrganisationType")
    assert set(exports.ORGANISATION_TYPES.values()) | set(exports.NGO_TYPES.values()) <= types
    assert {"22", "90"} <= types


def test_every_sdg_target_of_the_reference_is_an_iati_tag_code(reference):
    from migrationhub.taxonomy.selectors import vocabulary_choices

    ours = {code for code, _label in vocabulary_choices()["sdg_targets"]}
    assert ours and ours <= iati.codelist("UNSDG-Targets")


def test_a_rich_partnership_exports_as_a_valid_activity_with_every_part_mapped(rich):
    data = _document(rich)
    _valid(data)
    activity = _tree(data).find("iati-activity")
    assert activity.findtext("iati-identifier") == f"XX-MIGRATIONHUB-{rich.slug}"
    assert activity.find("reporting-org").get("ref") == "XX-MIGRATIONHUB"

    roles: dict[str, set[str]] = {}
    for org in activity.findall("participating-org"):
        roles.setdefault(org.findtext("narrative"), set()).add(org.get("role"))
    assert roles == {
        "Ministry of Labour": {"2"},
        "Fair Work Foundation": {"1"},
        "Workers United": {"4"},
        "Diaspora Network": {"4"},  # migrant representative: no IATI code, implementing
        "City of Manila": {"3"},
    }
    funder = activity.find("participating-org[@ref='XM-DAC-99-FWF']")
    assert funder is not None and funder.get("type") == "60"
    assert funder.get(f"{{{iati.MH}}}roles") == "funding advisory"
    lead = activity.find("participating-org[@role='2']")
    assert lead.get(f"{{{iati.MH}}}lead") == "true" and lead.get("type") == "10"
    city = next(o for o in activity.findall("participating-org") if o.get("role") == "3")
    assert city.get("type") == "11"

    assert sorted(c.get("code") for c in activity.findall("recipient-country")) == ["AE", "PH"]
    assert [(s.get("vocabulary"), s.get("code")) for s in activity.findall("sector")] == [
        ("1", "15190")
    ]
    tags = [
        (t.get("vocabulary"), t.get("code"), t.get("vocabulary-uri"))
        for t in activity.findall("tag")
    ]
    assert ("3", "10.7", None) in tags and ("3", "8.8", None) in tags
    assert ("99", "6", iati.GCM_VOCABULARY_URI) in tags
    assert ("99", "22", iati.GCM_VOCABULARY_URI) in tags

    budgets = {
        b.find("value").get("currency"): b.findtext("value") for b in activity.findall("budget")
    }
    assert budgets == {"EUR": "250000", "USD": "1000000.5"}
    disbursements = activity.findall("planned-disbursement")
    assert len(disbursements) == 2  # financial commitments only: in kind is not a disbursement
    assert {d.find("provider-org").get("ref") for d in disbursements} == {"XM-DAC-99-FWF"}
    eur = next(d for d in disbursements if d.find("value").get("currency") == "EUR")
    assert eur.find("period-start").get("iso-date") == "2025-01-01"
    assert eur.find("period-end").get("iso-date") == "2025-12-31"

    results = activity.findall("result")
    assert [r.findtext("title/narrative") for r in results] == [
        "Workers recruited without paying fees",
        "Recruitment agencies certified",
    ]
    first = results[0].find("indicator")
    assert first.find("baseline").get("value") == "0"
    periods = first.findall("period")
    assert periods[0].find("target").get("value") == "1000"
    assert periods[0].find("period-end").get("iso-date") == "2026-12-31"
    assert [p.find("actual").get("value") for p in periods[1:]] == ["120", "340.5"]
    references = [
        (r.get("vocabulary"), r.get("code"), r.get("indicator-uri"))
        for r in first.findall("reference")
    ]
    assert references == [
        ("99", "6", iati.GCM_VOCABULARY_URI),
        ("99", "10.7", iati.SDG_VOCABULARY_URI),  # the goal's SDG target
    ]
    gcm = next(t for t in activity.findall("tag") if t.get("vocabulary") == "99")
    assert gcm.findtext("narrative")  # IATI asks vocabulary 99 tags for a narrative
    assert results[1].find("indicator").get("measure") == "2"

    titles = {n.get(iati.XML_LANG): n.text for n in activity.findall("title/narrative")}
    assert titles == {None: "Fair recruitment corridor", "fr": "Corridor de recrutement équitable"}
    link = activity.find("document-link")
    assert link.get("url") == "https://fair-recruitment.example.org/"


def test_a_bare_partnership_exports_valid(reference):
    p = make_partnership(
        start_date=None, end_date=None, countries=[], sdg_targets=[], objectives=[], levels=[]
    )
    data = _document(p)
    _valid(data)
    dates = _tree(data).findall("iati-activity/activity-date")
    assert [d.get("type") for d in dates] == ["1"]  # planned start: the day it was registered


@pytest.mark.parametrize("status", [s for s, _label in Partnership.STATUSES])
def test_every_status_exports_valid(reference, status):
    p = make_partnership(status=status)
    data = _document(p)
    _valid(data)
    code = _tree(data).find("iati-activity/activity-status").get("code")
    assert code == iati.STATUS_CODES[status]


def test_the_registry_document_round_trips_through_the_reader(rich):
    other = make_partnership()
    data = exports.iati_document(selectors.partnership_list())
    _valid(data)
    parsed = {a.identifier: a for a in iati.parse(data)}
    assert set(parsed) == {exports.iati_identifier(rich), exports.iati_identifier(other)}
    a = parsed[exports.iati_identifier(rich)]
    assert a.problems == []
    assert a.title == rich.name and a.status == "active"
    assert sorted(a.countries) == ["AE", "PH"]
    assert sorted(a.objectives) == [6, 22] and sorted(a.sdg_targets) == ["10.7", "8.8"]
    roles = {o.name: set(o.roles) for o in a.participating}
    assert roles["Fair Work Foundation"] == {"funding", "advisory"}
    assert roles["Diaspora Network"] == {"migrant_representative"}  # not implementing
    assert roles["Workers United"] == {"implementing", "technical"}
    assert roles["City of Manila"] == {"extending"}
    assert [o.name for o in a.participating if o.lead] == ["Ministry of Labour"]
    assert {(v.currency, v.amount) for v in a.disbursements} == {
        ("USD", Decimal("1000000.5")),
        ("EUR", Decimal("250000")),
    }
    assert a.indicators[0].target == Decimal("1000")
    assert (a.indicators[0].objectives, a.indicators[0].sdg_targets) == ([6], ["10.7"])
    assert (a.indicators[1].objectives, a.indicators[1].sdg_targets) == ([22], [])
    assert [value for _day, value, _c in a.indicators[0].actuals] == [
        Decimal("120"),
        Decimal("340.5"),
    ]
    assert a.translations["fr"][0] == "Corridor de recrutement équitable"


def test_texts_with_markup_and_control_characters_still_export_valid(reference):
    p = make_partnership(
        name="Workers <first> & “fair” recruitment ]]>",
        purpose="Line one\nline two\ttabbed; emoji 🌍 and Arabic العمال",
    )
    data = _document(p)
    _valid(data)
    assert _tree(data).findtext("iati-activity/title/narrative") == p.name


def test_characters_xml_cannot_carry_are_dropped_not_a_crash(reference):
    """The services store any Unicode text but NUL; XML 1.0 has no form-feed, escape or U+FFFE:
    one such character must not break the registry's IATI file."""
    p = make_partnership(
        name="Fair\x0crecruitment\x1b corridor\ufffe", purpose="Bell\x07 and\x0b tab\x1f"
    )
    lead = make_org(name="Ministry\x0c of Labour")
    join(p, lead, roles=["funding"])
    goal = make_goal(p, indicator="Workers\x08 recruited", unit="work\x0cers")
    report(goal, lead, narrative="Done\x0c")
    data = exports.iati_document(selectors.partnership_list())
    _valid(data)
    activity = _tree(data).find("iati-activity")
    assert activity.findtext("title/narrative") == "Fairrecruitment corridor"
    assert activity.findtext("description/narrative") == "Bell and tab"
    names = [o.findtext("narrative") for o in activity.findall("participating-org")]
    assert "Ministry of Labour" in names


def test_every_demo_partnership_and_the_whole_demo_registry_export_valid(reference):
    """Whatever `migrationhub load-demo` loads (the demo partnerships, when there are), each
    activity and the whole registry file are valid IATI 2.03."""
    for command in COMMANDS["load-demo"]:
        call_command(command)
    partnerships = list(selectors.partnership_list())
    data = exports.iati_document(partnerships)
    if not partnerships:  # the schema wants at least one activity: nothing to validate
        assert _tree(data).findall("iati-activity") == []
        return
    errors = iati.validate(data)
    assert errors == [], "\n".join(errors[:20])
    activities = _tree(data).findall("iati-activity")
    assert len(activities) == len(partnerships)
    for p in partnerships:
        single = exports.iati_document([p])
        assert iati.validate(single) == [], p.slug
