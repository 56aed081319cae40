"""The evidence library: import (the shipped export and hostile rows), suggested objectives and
their curation, search beside practices, sections, open data, the pages."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.core import open_data
from migrationhub.core.errors import PermissionDenied, ValidationFailed
from migrationhub.core.imports import ImportFailed
from migrationhub.core.models import AuditEvent
from migrationhub.knowledge import selectors, services
from migrationhub.knowledge.importers import EvidenceReader, evidence_rows, split_listed
from migrationhub.knowledge.models import Evidence, EvidenceObjective
from migrationhub.taxonomy.models import Objective
from migrationhub.taxonomy.selectors import country_labels

from .factories import make_published

HEADER = (
    "Title,Year,Languages,Countries Covered,Regions Covered,Migration Thematic Areas,"
    "Name of Project(s) Being Evaluated,Executive Summary,Best Practicesor Lessons Learnt,"
    "Date of Publication,File URL\n"
)
ROWS = (
    '"Final evaluation of the ethical recruitment project",2020,English,"Philippines, Nepal",'
    '"RO for Asia and the Pacific","Labour migration (ethical recruitment, labour market etc)",'
    '"Fair recruitment of migrant workers",Yes,No,2020-05-01,'
    '"https://evaluation.example.org/report.pdf,   https://evaluation.example.org/brief.pdf"\n'
    '"Evaluación del proyecto de reintegración de retornados",2019,Spanish,"Guatemala, Honduras",'
    '"RO for Latin America and the Caribbean","Return and AVRR","Reintegración sostenible",'
    "No,Yes,,https://evaluation.example.org/informe.pdf\n"
)


def _reader():
    with translation.override("en"):
        return EvidenceReader(country_labels())


def _import(text=HEADER + ROWS, actor=None):
    return services.evidence_import(
        actor=actor, records=evidence_rows(text), convert=_reader(), source="test.csv"
    )


def test_the_shipped_export_loads_with_suggested_objectives(reference):
    # when
    call_command("knowledge_load_demo", if_empty=True)
    # then: every evaluation, its places and links, and machine-suggested objectives
    assert selectors.evidence_count() == 734
    colombia = selectors.evidence_list_for_country("COL").count()
    assert colombia >= 50
    assert Evidence.objects.filter(source_row__isnull=True).count() == 0
    assert not Evidence.objects.exclude(documents__0__url__startswith="http").exists()
    tags = EvidenceObjective.objects.all()
    assert tags.exists() and not tags.filter(status=EvidenceObjective.CONFIRMED).exists()
    assert all(0 < t.confidence <= 1 for t in tags)
    assert max(Evidence.objects.values_list("pk", flat=True)) and all(
        len(e.tags.all()) <= services.SUGGESTED_OBJECTIVES
        for e in Evidence.objects.prefetch_related("tags")[:50]
    )
    # and loading again changes nothing
    call_command("knowledge_load_demo", if_empty=True)
    assert selectors.evidence_count() == 734


def test_import_reads_names_lists_and_flags(reference):
    # when
    first, second = _import()
    # then
    assert sorted(c.iso3 for c in first.countries.all()) == ["NPL", "PHL"]
    assert first.themes == ["Labour migration (ethical recruitment, labour market etc)"]
    assert first.language_id == "en" and second.language_id == "es"
    assert first.has_executive_summary and not first.has_lessons
    assert [d["url"] for d in first.documents] == [
        "https://evaluation.example.org/report.pdf",
        "https://evaluation.example.org/brief.pdf",
    ]
    assert first.source == "test.csv" and (first.source_row, second.source_row) == (1, 2)
    assert AuditEvent.objects.filter(action="evidence.import").count() == 2
    assert first.history.count() == 1


def test_split_listed_keeps_parentheses_and_continuations():
    assert split_listed(
        "Migration health (assessment, travel), Migration policy - dialogue, consultations etc"
    ) == ["Migration health (assessment, travel)", "Migration policy - dialogue, consultations etc"]


def test_hostile_rows_are_each_reported_and_nothing_is_written(reference):
    # given: a bad year, a script link, NUL, an empty title
    bad = (
        HEADER
        + '"A fine one",2020,English,Kenya,,,,Yes,Yes,,https://x.example.org/a.pdf\n'
        + '"Bad year",19x5,English,Kenya,,,,Yes,Yes,,\n'
        + '"Bad link",2020,English,Kenya,,,,Yes,Yes,,javascript:alert(1)\n'
        + '"Nul \x00 title",2020,English,Kenya,,,,Yes,Yes,,\n'
        + ",2020,English,Kenya,,,,Yes,Yes,,\n"
        + '"Bad date",2020,English,Kenya,,,,Yes,Yes,2020-13-45,\n'
    )
    # when
    with pytest.raises(ImportFailed) as raised:
        _import(bad)
    # then
    assert [e.row for e in raised.value.row_errors] == [2, 3, 4, 5, 6]
    assert selectors.evidence_count() == 0


def test_only_platform_admins_import(reference):
    with pytest.raises(PermissionDenied):
        _import(actor=make_user())
    assert len(_import(actor=make_admin())) == 2


def test_curators_confirm_remove_and_add_objectives(reference):
    # given
    evidence, _ = _import()
    EvidenceObjective.objects.filter(evidence=evidence).delete()
    EvidenceObjective.objects.create(evidence=evidence, objective_id=selectors.objective_pks()[6])
    curator = make_reviewer("internal")
    # when a member of the public tries
    with pytest.raises(PermissionDenied):
        services.evidence_objective_confirm(actor=make_user(), evidence=evidence, objective=6)
    # when the curator confirms, adds one and removes one
    services.evidence_objective_confirm(actor=curator, evidence=evidence, objective=6)
    services.evidence_objective_add(actor=curator, evidence=evidence, objective=22)
    services.evidence_objective_reject(actor=curator, evidence=evidence, objective=22)
    # then
    tag = EvidenceObjective.objects.get(evidence=evidence)
    assert (tag.objective.number, tag.status, tag.confirmed_by) == (6, "confirmed", curator)
    assert tag.history.count() == 2
    actions = list(
        AuditEvent.objects.filter(target_id=str(evidence.pk)).values_list("action", flat=True)
    )
    assert "evidence.confirm_objective" in actions and "evidence.reject_objective" in actions
    with pytest.raises(ValidationFailed):
        services.evidence_objective_confirm(actor=curator, evidence=evidence, objective=9)
    # and the open data says which are confirmed
    row = next(r for r in open_data.table("evidence").rows() if r["slug"] == evidence.slug)
    assert row["objectives"] == [6] and row["objectives_suggested"] == []


def test_evidence_is_searchable_beside_practices_with_a_kind_facet(reference):
    # given
    make_published(title="Fair recruitment code for employers")
    _import()
    # when
    both = selectors.library_search("recruitment", {})
    only = selectors.library_search("recruitment", {"kind": ["evidence"]})
    # then
    assert {i.hit.kind for i in both.page.items} == {"practice", "evidence"}
    assert dict((v.value, v.count) for v in both.facets[0].values) == {"practice": 1, "evidence": 1}
    assert [i.hit.kind for i in only.page.items] == ["evidence"]
    assert selectors.practice_search("recruitment", {}).total == 1  # the API's list: practices


def test_pages_show_evidence_and_curation_is_for_curators(reference, client):
    evidence, _ = _import()
    # the list, filtered to evidence
    body = client.get("/practices/?kind=evidence").content.decode()
    assert evidence.title in body and "Evaluations (evidence)" in body
    # the detail, to the public: machine-suggested, no curation form
    page = client.get(f"/practices/evidence/{evidence.slug}/").content.decode()
    assert "<h1" in page and "Read the report" in page
    assert 'name="action"' not in page
    # a curator confirms from the page
    curator = make_reviewer("internal")
    client.force_login(curator)
    number = evidence.tags.first().objective.number if evidence.tags.exists() else None
    if number is None:
        services.evidence_objective_add(actor=curator, evidence=evidence, objective=6)
        number = 6
    response = client.post(
        f"/practices/evidence/{evidence.slug}/objectives/",
        {"action": "confirm", "objective": str(number)},
    )
    assert response.status_code == 302
    assert evidence.tags.get(objective__number=number).is_confirmed
    # hostile input is a message, never an error page
    response = client.post(
        f"/practices/evidence/{evidence.slug}/objectives/", {"action": "drop", "objective": "1e9"}
    )
    assert response.status_code == 302


def test_objective_page_links_the_evidence(reference, client):
    evidence, _ = _import()
    curator = make_admin()
    services.evidence_objective_add(actor=curator, evidence=evidence, objective=6)
    body = client.get("/objectives/6/").content.decode()
    assert "Evidence: programme evaluations" in body and evidence.title in body
    assert "kind=evidence&amp;objective=6" in body


def test_open_data_has_no_author(reference):
    _import()
    text = open_data.export_text("evidence", "csv")
    header = next(csv.reader(io.StringIO(text)))
    assert "author" not in {h.lower() for h in header}
    assert "title" in header and "objectives_suggested" in header


def test_search_results_show_each_kind_as_its_card(reference, client, settings):
    """The results list (knowledge/templatetags/library.py): an evaluation's objectives say
    which are only suggested, its countries are named; a practice's owner is escaped."""
    settings.MIGRATIONHUB_PAGE_CACHE = False
    evidence, _ = _import()
    EvidenceObjective.objects.filter(evidence=evidence).delete()
    curator = make_admin()
    services.evidence_objective_add(actor=curator, evidence=evidence, objective=6)
    EvidenceObjective.objects.create(
        evidence=evidence,
        objective=Objective.objects.get(number=2),
        status=EvidenceObjective.SUGGESTED,
        confidence=0.5,
    )
    make_published(title="Recruitment code <b>for</b> employers", period_start=2019)
    # when
    body = client.get("/practices/?q=recruitment").content.decode()
    # then: the objectives in number order, the suggested one marked
    card = body[body.index('<li class="result-evidence">') :]
    card = card[: card.index("</li>\n  </li>") if "</li>\n  </li>" in card else None]
    tags = card[card.index('<ul class="tags"') : card.index("</ul>")]
    assert tags.index("Objective 2") < tags.index("Objective 6")
    assert 'Objective 2 <span class="meta">(suggested)</span>' in tags
    assert "Objective 6</li>" in tags
    assert "Philippines, Nepal" in card or "Nepal, Philippines" in card
    assert f'href="/practices/evidence/{evidence.slug}/"' in card
    # the practice: escaped, verified when published, its period
    assert "<b>for</b>" not in body and "&lt;b&gt;for&lt;/b&gt;" in body
    assert re.search(
        r"Last verified \d{4}-\d\d-\d\d · <bdi>Organisation \d+</bdi> · 2019</p>", body
    )
