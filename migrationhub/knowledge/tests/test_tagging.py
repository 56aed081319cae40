"""Suggested tags and the duplicate warning: the pure tagger, the draft advice, the form and the
API."""

import pytest
from django.core.management import call_command

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.knowledge import selectors, tagging
from migrationhub.organisations.tests.factories import make_organisation

from .factories import make_published
from .test_evidence import _import


def _terms(text, language):
    return [w.lower()[:6] for w in text.split() if len(w) > 2]


EXAMPLES = [
    tagging.Example("fair recruitment fees employers", "en", {"objectives": ["6"]}, key="a"),
    tagging.Example("ethical recruitment agencies workers", "en", {"objectives": ["6"]}, key="b"),
    tagging.Example("remittances cheaper transfer costs", "en", {"objectives": ["20"]}, key="c"),
    tagging.Example("mobile money remittances diaspora", "en", {"objectives": ["20", "19"]}),
]


def test_the_tagger_suggests_the_nearest_tags_with_confidences():
    tagger = tagging.Tagger.fit(EXAMPLES, _terms)
    suggestions = tagger.suggest("recruitment fees charged to workers", "en", k=3)
    assert suggestions[0].code == "6"
    assert abs(sum(s.confidence for s in tagger.suggest("remittances", "en", k=10)) - 1) < 0.01
    assert tagger.suggest("zzz qqq", "en") == []
    assert [n.key for n in tagger.neighbours("ethical recruitment agencies", "en", k=1)] == ["b"]


def test_cross_validation_reports_accuracy_at_three():
    figures = tagging.accuracy_at(EXAMPLES * 3, [], _terms, folds=3)
    assert figures["records"] == 12 and 0 <= figures["accuracy@3"] <= 1


@pytest.fixture
def demo(reference):
    call_command("knowledge_load_demo")


def test_draft_advice_suggests_objectives_and_warns_of_a_duplicate(demo):
    # a draft about recruitment fees
    advice = selectors.draft_advice(
        "Zero recruitment fees for migrant workers",
        "Employers pay the recruitment costs; workers pay no fees to agencies.",
    )
    assert "6" in [s.code for s in advice.objectives]
    assert advice.duplicates == []
    # a draft repeating a published practice
    published = selectors.practice_get("remittance-cost-comparison-websites")
    advice = selectors.draft_advice(published.title, published.summary, published.body)
    assert advice.duplicates and advice.duplicates[0][0].pk == published.pk
    assert selectors.draft_advice(
        published.title, published.summary, published.body, exclude=published.pk
    ).duplicates == [] or all(
        r.pk != published.pk
        for r, _ in selectors.draft_advice(
            published.title, published.summary, published.body, exclude=published.pk
        ).duplicates
    )


def test_the_form_offers_suggestions_and_ticks_them_only_when_asked(reference, client):
    make_published(title="Fair recruitment code with employers")
    member = make_user()
    make_organisation(admin=member)
    client.force_login(member)
    draft = {
        "title": "Zero recruitment fees",
        "summary": "Employers pay recruitment costs, not the workers.",
        "language": "en",
    }
    page = client.post("/practices/new/", {**draft, "advise": "1"}).content.decode()
    assert "Suggested tags" in page and "confidence" in page
    assert 'value="6" checked' not in page.replace("\n", " ")
    page = client.post("/practices/new/", {**draft, "apply": "1"}).content.decode()
    assert "The suggested tags are ticked above" in page
    from migrationhub.knowledge.models import Practice

    assert not Practice.objects.filter(title="Zero recruitment fees").exists()  # nothing saved


def _bearer(user):
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_suggestions_similar_and_evidence(reference, client):
    make_published(title="Fair recruitment code with employers")
    evidence, _ = _import()
    # suggestions need a token, and refuse an oversized draft
    assert (
        client.post(
            "/api/v1/practices/suggestions", {}, content_type="application/json"
        ).status_code
        == 401
    )
    headers = _bearer(make_user())
    response = client.post(
        "/api/v1/practices/suggestions",
        {"title": "Recruitment fees", "summary": "Workers pay no fees."},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and "objectives" in response.json()
    response = client.post(
        "/api/v1/practices/suggestions",
        {"title": "x" * 301},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    # the evidence list and detail
    listed = client.get("/api/v1/practices/evidence/", {"q": "recruitment"}).json()
    assert [i["slug"] for i in listed["items"]] == [evidence.slug]
    detail = client.get(f"/api/v1/practices/evidence/{evidence.slug}").json()
    assert detail["countries"] == ["NPL", "PHL"] or sorted(detail["countries"]) == ["NPL", "PHL"]
    assert "author" not in detail
    assert client.get("/api/v1/practices/evidence/nope").status_code == 404
    assert client.get(f"/api/v1/practices/evidence/{evidence.slug}/similar").status_code == 200
    # curation through the API: curators only
    url = f"/api/v1/practices/evidence/{evidence.slug}/objectives/6"
    assert client.put(url, **_bearer(make_user())).status_code == 403
    body = client.put(url, **_bearer(make_reviewer("internal"))).json()
    assert {(o["objective"], o["status"]) for o in body["objectives"]} >= {(6, "confirmed")}
    assert client.delete(url, **_bearer(make_admin())).status_code == 200
    assert (
        client.post(url + "/confirm", **_bearer(make_admin())).json()["code"] == "not_a_suggestion"
    )
