"""Organisation writes: create, update, members. Each runs in one transaction and is audited
by django-simple-history with the acting user recorded."""

from django.db import transaction
from django.utils.text import slugify

from migrationhub.core.errors import ValidationFailed
from migrationhub.taxonomy.selectors import resolve_many, resolve_one

from . import permissions
from .indexing import organisation_reindex
from .models import Membership, Organisation

M2M_FIELDS = ("countries", "objectives", "languages")
SCALAR_FIELDS = ("name", "acronym", "description", "website", "names", "provenance")


def _unique_slug(base: str, exclude_pk=None) -> str:
    root = slugify(base)[:100] or "organisation"
    slug, n = root, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


def _apply(org: Organisation, data: dict) -> dict:
    for field in SCALAR_FIELDS:
        if field in data and data[field] is not None:
            setattr(org, field, data[field])
    if "stakeholder_type" in data:
        org.stakeholder_type = resolve_one("stakeholder_types", data["stakeholder_type"])
    if "level" in data:
        org.level = resolve_one("levels", data["level"])
    if "home_country" in data:
        org.home_country = resolve_one("countries", data["home_country"], required=False)
    return {f: resolve_many(f, data[f]) for f in M2M_FIELDS if data.get(f) is not None}


def _validate(org: Organisation) -> None:
    errors = {}
    if not (org.name or "").strip():
        errors["name"] = ["required"]
    if errors:
        raise ValidationFailed("The organisation is incomplete.", fields=errors)


@transaction.atomic
def organisation_create(*, actor, data: dict, admin_user=None) -> Organisation:
    """Create an organisation; `admin_user` (default: the actor) becomes its first admin."""
    if "stakeholder_type" not in data or "level" not in data:
        raise ValidationFailed(
            "Stakeholder type and level are required.",
            fields={k: ["required"] for k in ("stakeholder_type", "level") if k not in data},
        )
    org = Organisation()
    m2m = _apply(org, data)
    _validate(org)
    org.slug = _unique_slug(data.get("slug") or org.acronym or org.name)
    org._history_user = actor
    org.save()
    for field, rows in m2m.items():
        getattr(org, field).set(rows)
    owner = admin_user if admin_user is not None else actor
    if owner is not None and getattr(owner, "is_authenticated", False):
        Membership.objects.create(organisation=org, user=owner, role=Membership.ADMIN)
    organisation_reindex(org)
    return org


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict) -> Organisation:
    permissions.require_admin(actor, organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    m2m = _apply(org, data)
    _validate(org)
    org._history_user = actor
    org.save()
    for field, rows in m2m.items():
        getattr(org, field).set(rows)
    organisation_reindex(org)
    return org


@transaction.atomic
def membership_set(*, actor, organisation: Organisation, user, role: str = Membership.MEMBER):
    """Add `user` to the organisation or change their role; only its admins may."""
    if role not in dict(Membership.ROLES):
        raise ValidationFailed("Unknown role.", fields={"role": [f"unknown: {role}"]})
    permissions.require_admin(actor, organisation)
    membership, _ = Membership.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, organisation: Organisation, user) -> None:
    permissions.require_admin(actor, organisation)
    admins = Membership.objects.filter(organisation=organisation, role=Membership.ADMIN)
    if admins.filter(user=user).exists() and admins.count() == 1:
        raise ValidationFailed("An organisation keeps at least one administrator.")
    Membership.objects.filter(organisation=organisation, user=user).delete()
