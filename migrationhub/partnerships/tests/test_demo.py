"""The curated demo partnerships and pledges (data/demo/partnerships.json): what `migrationhub
load-demo` loads, grounded in the seed documents, and shown by the registry's pages."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from migrationhub.cli import COMMANDS
from migrationhub.core.demo import DOCUMENT_DATES, demo_dir
from migrationhub.partnerships import selectors
from migrationhub.partnerships.models import Commitment, Member, Partnership, Pledge, Pledger
from migrationhub.search.models import Document, IndexState, Term

# The seed documents sit beside the checkout in development (../shared/seeds), not in the repo.
SEEDS = Path(settings.REPO_DIR).parent / "shared" / "seeds"
DATA = json.loads((demo_dir() / "partnerships.json").read_text(encoding="utf-8"))
ORGANISATIONS = {
    row["slug"]
    for row in json.loads((demo_dir() / "organisations.json").read_text(encoding="utf-8"))
}
PRACTICES = {
    row["slug"] for row in json.loads((demo_dir() / "practices.json").read_text(encoding="utf-8"))
}
RECORDS = [*DATA["partnerships"], *DATA["pledges"]]


def _words(text: str) -> str:
    return " ".join(text.split())


def _dates(row: dict) -> list[str]:
    found = [row.get(k) for k in ("start_date", "end_date", "due_date", "pledged_on")]
    for goal in row.get("goals", []):
        found.append(goal["due_date"])
        found += [r["reported_on"] for r in goal["reports"]]
    return [d for d in found if d]


def test_every_demo_record_cites_the_seeds_and_names_only_directory_organisations():
    for row in RECORDS:
        # every record has provenance: a seed document, a paragraph and a quote
        assert row["provenance"], row["slug"]
        for entry in row["provenance"]:
            assert entry["document"] in DOCUMENT_DATES and entry["paragraph"] and entry["quote"]
        # its organisations are in the directory's demo, its outputs among the demo practices
        named = {row["lead"], *row.get("co_pledgers", [])}
        named |= {m["organisation"] for m in row.get("members", [])}
        named |= {c["organisation"] for c in row.get("commitments", [])}
        assert named <= ORGANISATIONS, (row["slug"], named - ORGANISATIONS)
        assert set(row.get("outputs", [])) <= PRACTICES, row["slug"]
        # nothing the seeds do not state: no amount, and every date is a cited document's or is
        # spelled out (day, month, year) in one of the record's quotes
        assert row.get("amount") is None and all(
            c.get("amount") is None for c in row.get("commitments", [])
        ), row["slug"]
        quotes = " ".join(e["quote"] for e in row["provenance"])
        cited = {DOCUMENT_DATES[e["document"]].isoformat() for e in row["provenance"]}
        for value in _dates(row):
            day = dt.date.fromisoformat(value)
            spelled = all(
                re.search(rf"\b{part}\b", quotes)
                for part in (str(day.day), day.strftime("%B"), str(day.year))
            )
            assert value in cited or spelled, (row["slug"], value)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_every_demo_quote_is_word_for_word_in_its_seed_document():
    seeds = {
        path.name[:3]: _words(path.read_text(encoding="utf-8")) for path in SEEDS.glob("0*.txt")
    }
    missing = [
        (row["slug"], e["document"], e["quote"][:60])
        for row in RECORDS
        for e in row["provenance"]
        if _words(e["quote"]) not in seeds[e["document"]]
    ]
    assert missing == []


@pytest.mark.django_db
def test_load_demo_loads_partnerships_idempotently_and_the_registry_shows_them(
    reference, client, capsys
):
    # given: an empty registry; a dry run writes nothing
    call_command(*COMMANDS["load-demo"], "--dry-run")
    assert Partnership.objects.count() == 0
    # when `migrationhub load-demo` runs, twice
    for _ in range(2):
        call_command(*COMMANDS["load-demo"])
    # then every curated partnership and pledge is there once
    assert Partnership.objects.count() == len(DATA["partnerships"])
    assert Pledge.objects.count() == len(DATA["pledges"])
    call_command(*COMMANDS["load-demo"], "--if-empty")
    assert "demo partnerships already loaded" in capsys.readouterr().out
    # members are recorded as the source publishes them, never as having accepted an invitation
    assert not Member.objects.exclude(source=Member.RECORD).exists()
    assert not Member.objects.exclude(status=Member.ACTIVE).exists()
    assert not Pledger.objects.exclude(status=Pledger.ACTIVE).exists()
    assert Commitment.objects.filter(amount__isnull=False).count() == 0
    for row in DATA["partnerships"]:
        p = selectors.partnership_get(row["slug"])
        assert p.provenance[0]["quote"] == row["provenance"][0]["quote"]
        assert p.provenance[0]["title"], "the cited document is named"
        assert {m.organisation.slug for m in selectors.active_members(p)} == {
            row["lead"],
            *(m["organisation"] for m in row["members"]),
        }
        # the stored scorecard and light (what lists sort and filter by) are up to date
        card = selectors.partnership_scorecard(p)
        assert (p.score, p.light) == (card.overall, selectors.partnership_light(p).colour)
    # and the registry's pages show them
    result = selectors.partnership_search(None, {})
    assert result.total == len(DATA["partnerships"])
    found = selectors.partnership_search("ethical recruitment", {"objective": ["6"]})
    assert "iris-international-recruitment-integrity-system" in {
        item.object.slug for item in found.page.items
    }
    page = client.get("/partnerships/?q=diaspora&level=global")
    assert page.status_code == 200 and b"24-Hour Dialogue Initiative" in page.content
    for row in DATA["partnerships"]:
        assert client.get(f"/partnerships/{row['slug']}/").status_code == 200, row["slug"]
    for row in DATA["pledges"]:
        assert client.get(f"/partnerships/pledges/{row['slug']}/").status_code == 200, row["slug"]
    # the search index's terms, rebuilt once at the end of each load, count every document
    documents = list(Document.objects.values_list("title_terms", "body_terms"))
    assert IndexState.objects.get(pk=1).documents == len(documents)
    recruit = sum("recruit" in f"{t} {b}".split() for t, b in documents)
    assert recruit and Term.objects.get(term="recruit").documents == recruit
