"""Verification of organisations (ADR 0004): who verifies, what it changes in the directory, the
profile, the API, the open data and the home page, and what an unverified public body cannot do."""

from dataclasses import replace

import pytest
from django.core import mail

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.models import AuditEvent
from migrationhub.organisations import exports, selectors, services
from migrationhub.organisations.services import OrganisationFields
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_registered_organisation_starts_unverified_and_its_admin_cannot_verify_it(reference):
    # given
    founder = make_user()
    org = make_organisation(
        admin=founder, name="Ministry of Labour", stakeholder_type="national-government"
    )
    # then
    assert not org.is_verified and org.claims_public_body
    with pytest.raises(PermissionDenied):
        services.organisation_verify(actor=founder, organisation=org, evidence="It is us.")


def test_a_platform_admin_verifies_with_evidence_and_the_admins_are_told(
    reference, django_capture_on_commit_callbacks
):
    # given
    founder = make_user(email="founder@example.org")
    org = make_organisation(admin=founder, stakeholder_type="national-government")
    staff = make_admin()
    with pytest.raises(ValidationFailed) as err:
        services.organisation_verify(actor=staff, organisation=org, evidence="  ")
    assert "evidence" in err.value.fields
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        org = services.organisation_verify(
            actor=staff, organisation=org, evidence="Letter from the ministry, ref. 12/2026"
        )
    # then
    assert org.is_verified and org.verified_by == staff and not org.claims_public_body
    assert org.verification_evidence == "Letter from the ministry, ref. 12/2026"
    assert AuditEvent.objects.filter(action="organisation.verify", target_id=str(org.pk)).exists()
    assert org.history.first().history_user == staff
    assert [m.to for m in mail.outbox] == [["founder@example.org"]]
    # and withdrawing needs a reason, is audited, and tells the admins
    with pytest.raises(ValidationFailed):
        services.organisation_unverify(actor=staff, organisation=org, reason="")
    org = services.organisation_unverify(actor=staff, organisation=org, reason="Not the ministry")
    assert not org.is_verified
    assert AuditEvent.objects.filter(action="organisation.unverify").count() == 1
    with pytest.raises(Conflict):
        services.organisation_unverify(actor=staff, organisation=org, reason="again")


def test_renaming_a_verified_organisation_withdraws_its_verification(reference):
    # given a verified NGO
    founder = make_user()
    org = make_organisation(admin=founder, name="Kathmandu Migrant Centre")
    org = services.organisation_verify(actor=make_admin(), organisation=org, evidence="Visited")
    fields = OrganisationFields.of(selectors.organisation_get(org.slug))
    # when its admin changes the description, it stays verified
    org = services.organisation_update(
        actor=founder, organisation=org, fields=replace(fields, description="We help migrants.")
    )
    assert org.is_verified
    # when its admin renames it into a ministry, it is not verified any more
    org = services.organisation_update(
        actor=founder,
        organisation=org,
        fields=replace(fields, name="Ministry of Labour", stakeholder_type="national-government"),
    )
    assert not org.is_verified and org.claims_public_body


def test_the_directory_lists_verified_organisations_first(reference, client):
    # given an unverified organisation registered after two verified ones
    verified_old = make_organisation(name="Labour Ministry Nepal")  # the platform's: verified
    verified_new = make_organisation(name="Labour Ministry Ghana")
    impostor = make_organisation(
        admin=make_user(), name="Ministry of Labour", stakeholder_type="national-government"
    )
    # when the directory lists them, newest first, or ranked by a query
    browse = selectors.organisation_search(None, {}, page_size=10)
    ranked = selectors.organisation_search("ministry labour", {}, page_size=10)
    # then the unverified one comes last either way
    assert [i.object for i in browse.page.items] == [verified_new, verified_old, impostor]
    assert [i.object for i in ranked.page.items][-1] == impostor
    assert ranked.total == 3
    # and pages split across the two groups without losing or repeating anyone
    first = selectors.organisation_search(None, {}, page=1, page_size=2)
    second = selectors.organisation_search(None, {}, page=2, page_size=2)
    assert [i.object for i in first.page.items + second.page.items] == [
        verified_new,
        verified_old,
        impostor,
    ]
    # and the list page marks it
    page = client.get("/organisations/").content.decode()
    assert page.index("Labour Ministry Ghana") < page.index("Ministry of Labour")
    assert "Unverified" in page


def test_an_unverified_public_body_counts_under_its_type_only_once_verified(reference, client):
    # given
    claimant = make_organisation(
        admin=make_user(), name="Ministry of Labour", stakeholder_type="national-government"
    )
    make_organisation(admin=make_user(), name="Small NGO", stakeholder_type="civil-society")
    # then the directory's stakeholder-type facet does not count the claim
    result = selectors.organisation_search(None, {})
    types = {v["value"]: v["count"] for v in result.facet_counts()["stakeholder_type"]}
    assert types == {"civil-society": 1}
    assert {v["value"]: v["count"] for v in result.facet_counts()["verified"]} == {"no": 2}
    filtered = selectors.organisation_search(None, {"stakeholder_type": ["national-government"]})
    assert filtered.total == 0
    assert "national-government" not in {
        row["stakeholder_type__code"] for row in selectors.stakeholder_type_counts()
    }
    # and its profile says what it claims
    page = client.get(f"/organisations/{claimant.slug}/").content.decode()
    assert "Claims to be a public body (National government) — not yet verified" in page
    # when verified
    services.organisation_verify(actor=make_admin(), organisation=claimant, evidence="Decree")
    # then it counts
    result = selectors.organisation_search(None, {"stakeholder_type": ["national-government"]})
    assert result.total == 1
    page = client.get(f"/organisations/{claimant.slug}/").content.decode()
    assert "not yet verified" not in page and "Verified" in page


def test_api_output_open_data_and_home_page_show_verification(reference, client):
    # given
    unverified = make_organisation(admin=make_user(), name="Self-declared Body")
    verified = make_organisation(name="Curated Body")
    # then
    body = client.get(f"/api/v1/organisations/{unverified.slug}").json()
    assert body["verified"] is False and body["verified_at"] is None
    assert client.get(f"/api/v1/organisations/{verified.slug}").json()["verified"] is True
    rows = {r["slug"]: r["verified"] for r in exports.organisation_rows()}
    assert rows == {unverified.slug: False, verified.slug: True}
    assert "verified" in exports.ORGANISATIONS.column_names
    home = client.get("/").content.decode()
    assert "<strong>1</strong> verified organisation<" in home


def test_api_verify_is_for_platform_admins_and_needs_evidence(reference, client):
    # given
    founder = make_user()
    org = make_organisation(admin=founder, stakeholder_type="parliament")
    staff = make_admin()
    url = f"/api/v1/organisations/{org.slug}/verify"
    # when / then
    assert client.post(url, {"evidence": "x"}, content_type="application/json").status_code == 401
    denied = client.post(url, {"evidence": "x"}, content_type="application/json", **bearer(founder))
    assert denied.status_code == 403
    missing = client.post(url, {}, content_type="application/json", **bearer(staff))
    assert missing.status_code == 422
    blank = client.post(url, {"evidence": " "}, content_type="application/json", **bearer(staff))
    assert blank.status_code == 422 and "evidence" in blank.json()["fields"]
    ok = client.post(
        url,
        {"evidence": "Parliament's website lists us"},
        content_type="application/json",
        **bearer(staff),
    )
    assert ok.status_code == 200 and ok.json()["verified"] is True
    gone = client.post(
        f"/api/v1/organisations/{org.slug}/unverify",
        {"reason": "Wrong parliament"},
        content_type="application/json",
        **bearer(staff),
    )
    assert gone.status_code == 200 and gone.json()["verified"] is False


def test_platform_admins_verify_and_withdraw_on_the_organisation_page(reference, client):
    # given
    org = make_organisation(admin=make_user(), stakeholder_type="nhri")
    staff = make_admin()
    client.force_login(staff)
    page = client.get(f"/organisations/{org.slug}/").content.decode()
    assert "Verify this organisation" in page
    # when
    response = client.post(f"/organisations/{org.slug}/verify/", {"evidence": "NHRI registry"})
    # then
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.is_verified
    client.post(f"/organisations/{org.slug}/unverify/", {"reason": "Registry outdated"})
    org.refresh_from_db()
    assert not org.is_verified
    # and nobody else sees the form or may post it
    other = make_user()
    client.force_login(other)
    assert (
        "Verify this organisation" not in client.get(f"/organisations/{org.slug}/").content.decode()
    )
    response = client.post(f"/organisations/{org.slug}/verify/", {"evidence": "me"})
    assert response.status_code == 404
    org.refresh_from_db()
    assert not org.is_verified


def test_an_index_written_before_verification_existed_still_lists_everyone(reference):
    # given organisations indexed without the "verified" facet (before `search-rebuild`)
    from migrationhub.organisations.indexing import organisation_document
    from migrationhub.search import services as search_services

    orgs = [make_organisation(name="Older index A"), make_organisation(name="Older index B")]
    for org in orgs:
        document = organisation_document(org)
        document["facets"].pop("verified")
        search_services.document_upsert(**document)
    # when
    result = selectors.organisation_search(None, {})
    # then nobody is lost: the list is not grouped until the index is rebuilt
    assert result.total == 2
    assert {i.object for i in result.page.items} == set(orgs)


OLD_EXPERTISE = (  # the objective page's list as a template wrote it before directory.py
    "{% load i18n content %}<ul>{% for org in organisations %}<li>"
    "<a href=\"{% url 'organisations:detail' org.slug %}\" {% content_attrs %}>"
    "{{ org.display_name }}</a>{% if not org.claims_public_body %} — "
    "{{ org.stakeholder_type.label }}{% endif %}{% if not org.is_verified %} · "
    '{% if org.is_verified %}<span class="badge-verified">{% trans "Verified" %}</span>'
    '{% elif org.claims_public_body %}<span class="badge-unverified">{% trans "Unverified" %}'
    '</span> <span class="claim">{% blocktrans trimmed with type=org.stakeholder_type.label %}'
    "Claims to be a public body ({{ type }}) — not yet verified{% endblocktrans %}</span>"
    '{% else %}<span class="badge-unverified">{% trans "Unverified" %}</span>{% endif %}'
    "{% endif %}</li>{% endfor %}</ul>"
)


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh"])
def test_the_expertise_list_written_in_python_is_the_templates_markup(reference, language):
    # given a verified organisation, an unverified one and one claiming to be a public body
    import html

    from django.template import engines
    from django.utils import translation

    from migrationhub.organisations.templatetags.directory import expertise_items

    founder = make_user()
    organisations = [
        make_organisation(name="Verified <NGO> & co"),  # registered by the platform: verified
        make_organisation(admin=founder, name="L'association"),
        make_organisation(
            admin=founder, name="Ministry of Labour", stakeholder_type="national-government"
        ),
    ]
    with translation.override(language):
        # when
        new = expertise_items(organisations)
        old = engines["django"].from_string(OLD_EXPERTISE).render({"organisations": organisations})
    # then: the same markup and text (apostrophes escaped here, as the other lists escape them)
    assert html.unescape(f"<ul>{new}</ul>") == html.unescape(old)
    assert "Verified &lt;NGO&gt; &amp; co" in new
    assert organisations[0].is_verified and new.count("badge-unverified") == 2
    assert new.count('class="claim"') == 1
