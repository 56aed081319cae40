"""Organisations: registration, admins and members, permissions, audit trail, search."""

import re
from dataclasses import replace

import pytest

from migrationhub.accounts.tests.factories import make_user
from migrationhub.core.errors import PermissionDenied, ValidationFailed
from migrationhub.organisations import permissions, services
from migrationhub.organisations.models import Membership
from migrationhub.organisations.services import OrganisationFields
from migrationhub.organisations.tests.factories import make_organisation
from migrationhub.search.selectors import search

pytestmark = pytest.mark.django_db


def _changed(org, **changes) -> OrganisationFields:
    return replace(OrganisationFields.of(org), **changes)


def test_creator_becomes_admin_and_organisation_is_searchable(reference):
    # given
    user = make_user()
    # when
    org = services.organisation_create(
        actor=user,
        fields=OrganisationFields(
            name="Kathmandu Migrant Resource Centre",
            stakeholder_type="civil-society",
            level="local",
            home_country="npl",
            objectives=[3, 6],
        ),
    )
    # then
    assert permissions.is_admin(user, org)
    assert org.home_country.iso3 == "NPL"
    result = search("kathmandu", kinds=["organisation"], facets=["region"])
    assert result.total == 1 and ("034", 1) in result.facets["region"]  # Southern Asia


def test_required_fields_and_unknown_codes(reference):
    with pytest.raises(ValidationFailed) as err:
        services.organisation_create(
            actor=make_user(), fields=OrganisationFields(name="X", stakeholder_type="", level="")
        )
    assert set(err.value.fields) == {"stakeholder_type", "level"}
    with pytest.raises(ValidationFailed) as err:
        services.organisation_create(
            actor=make_user(),
            fields=OrganisationFields(name="", stakeholder_type="media", level="global"),
        )
    assert set(err.value.fields) == {"name"}
    with pytest.raises(ValidationFailed) as err:
        services.organisation_create(
            actor=make_user(),
            fields=OrganisationFields(name="Y", stakeholder_type="media", level="planetary"),
        )
    assert "level" in err.value.fields


def test_only_admins_update_and_manage_members(reference):
    admin, member, outsider = make_user(), make_user(), make_user()
    org = make_organisation(admin=admin)
    services.membership_set(actor=admin, organisation=org, user=member)
    assert permissions.is_member(member, org) and not permissions.is_admin(member, org)
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=member, organisation=org, fields=_changed(org, acronym="X")
        )
    with pytest.raises(PermissionDenied):
        services.membership_set(
            actor=outsider, organisation=org, user=outsider, role=Membership.ADMIN
        )
    services.organisation_update(
        actor=admin, organisation=org, fields=_changed(org, acronym="KMRC")
    )
    org.refresh_from_db()
    assert org.acronym == "KMRC"


def test_last_admin_cannot_be_removed(reference):
    admin = make_user()
    org = make_organisation(admin=admin)
    with pytest.raises(ValidationFailed):
        services.membership_remove(actor=admin, organisation=org, user=admin)


def test_audit_trail_records_who_changed_what(reference):
    admin = make_user()
    org = make_organisation(admin=admin, description="First")
    services.organisation_update(
        actor=admin, organisation=org, fields=_changed(org, description="Second")
    )
    history = list(org.history.order_by("history_date"))
    assert [h.description for h in history] == ["First", "Second"]
    assert history[-1].history_user == admin
    assert history[-1].history_type == "~"


def test_directory_page_filters_by_type_and_region(reference, client):
    make_organisation(
        name="Accra Diaspora Desk",
        stakeholder_type="migrant-diaspora",
        level="national",
        home_country="GHA",
    )
    make_organisation(
        name="Quito City Hall",
        stakeholder_type="local-authority",
        level="local",
        home_country="ECU",
    )
    page = client.get("/organisations/", {"region": "002"}).content.decode()
    assert "Accra Diaspora Desk" in page and "Quito City Hall" not in page
    page = client.get("/organisations/", {"stakeholder_type": "local-authority"}).content.decode()
    assert "Quito City Hall" in page and "Accra Diaspora Desk" not in page


def test_register_organisation_page_shows_field_errors(reference, client):
    client.force_login(make_user())
    response = client.post(
        "/organisations/new/", {"name": "", "stakeholder_type": "media", "level": "global"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_organisation_names_are_isolated_on_arabic_pages(reference, client):
    # given an organisation with an English name and description (their language is not known)
    org = make_organisation(
        admin=make_user(), name="Migrants Rights Network (UK)", description="Advice, in English."
    )
    # when the Arabic directory and profile show it
    directory = client.get("/ar/organisations/").content.decode()
    profile = client.get(f"/ar/organisations/{org.slug}/").content.decode()
    # then each name and the description take their direction from their own text
    assert re.search(
        r'<h2 dir="auto"><a href="[^"]+">Migrants Rights Network \(UK\)</a></h2>', directory
    )
    assert '<h1 dir="auto">Migrants Rights Network (UK)</h1>' in profile
    assert '<p dir="auto">Advice, in English.</p>' in profile
