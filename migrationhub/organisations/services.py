"""Organisation writes: register, update, verify, members, join requests and invitations. Each
runs in one transaction, checks rights first, and is audited (django-simple-history with the
acting user, and an audit event); e-mails leave once the transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.accounts import permissions as account_permissions
from migrationhub.accounts import selectors as account_selectors
from migrationhub.core import audit, page_cache
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.slugs import save_with_unique_slug
from migrationhub.core.tasks import notify_on_commit
from migrationhub.taxonomy.selectors import resolve_many, resolve_one

from . import permissions, selectors
from .errors import Code
from .indexing import organisation_reindex
from .models import Invitation, JoinRequest, Membership, Organisation

NAME_MAX = 300
INVITATION_VALID_FOR = dt.timedelta(days=14)
# Only web addresses: a `javascript:` or `data:` "website" would run in visitors' browsers.
WEBSITE = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True, kw_only=True)
class OrganisationFields:
    """An organisation's public profile: texts, and codes of the reference vocabularies
    (stakeholder type, level, ISO 3166 alpha-3 countries, GCM objective numbers, languages)."""

    name: str
    stakeholder_type: str
    level: str
    names: dict[str, str] = field(default_factory=dict)
    acronym: str = ""
    home_country: str | None = None
    countries: Sequence[str] = ()
    objectives: Sequence[int | str] = ()
    languages: Sequence[str] = ()
    description: str = ""
    website: str = ""

    @classmethod
    def of(cls, org: Organisation) -> OrganisationFields:
        """The organisation's current profile (prefetched by `selectors.organisation_get`)."""
        return cls(
            name=org.name,
            names=dict(org.names),
            acronym=org.acronym,
            stakeholder_type=org.stakeholder_type.code,
            level=org.level.code,
            home_country=org.home_country.iso3 if org.home_country else None,
            countries=[c.iso3 for c in org.countries.all()],
            objectives=[o.number for o in org.objectives.all()],
            languages=[lang.code for lang in org.languages.all()],
            description=org.description,
            website=org.website,
        )


def _apply(org: Organisation, fields: OrganisationFields) -> dict[str, list[Any]]:
    """Set the profile on `org`; the many-to-many rows to set once it is saved. Every problem is
    reported at once."""
    errors: dict[str, list[str]] = {}
    name = fields.name.strip()
    if not name:
        errors["name"] = [_("required")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("at most 300 characters")]
    org.name = name
    org.names = {k: v for k, v in fields.names.items() if v}
    org.acronym = fields.acronym.strip()
    org.description = fields.description.strip()
    org.website = fields.website.strip()
    if org.website:
        try:
            WEBSITE(org.website)
        except DjangoValidationError:
            errors["website"] = [_("an address starting with http:// or https://")]
    for attr, vocabulary, code in (
        ("stakeholder_type", "stakeholder_types", fields.stakeholder_type),
        ("level", "levels", fields.level),
    ):
        try:
            setattr(org, attr, resolve_one(vocabulary, code))
        except ValidationFailed as exc:
            errors[attr] = [m for ms in exc.fields.values() for m in ms]
    try:
        org.home_country = resolve_one("countries", fields.home_country, required=False)
    except ValidationFailed:
        errors["home_country"] = [_("unknown: %(codes)s") % {"codes": fields.home_country}]
    related: dict[str, list[Any]] = {}
    for name_ in ("countries", "objectives", "languages"):
        try:
            related[name_] = resolve_many(name_, getattr(fields, name_))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return related


def _save(org: Organisation, actor: Any, related: dict[str, list[Any]], slug: str = "") -> None:
    audit.by(org, actor)
    if org.pk is None:
        save_with_unique_slug(org, slug or org.acronym or org.name, fallback="organisation")
    else:
        org.save()
    for name, rows in related.items():
        getattr(org, name).set(rows)
    organisation_reindex(org)
    page_cache.changed("organisations")


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    fields: OrganisationFields,
    slug: str = "",
    provenance: Sequence[dict[str, Any]] = (),
) -> Organisation:
    """Register an organisation; the actor (a signed-in user) becomes its first admin, and it is
    unverified until a platform admin verifies it. The platform itself (`actor` None) registers
    the curated demo organisations, which it vouches for: they start verified."""
    org = Organisation(provenance=list(provenance))
    if actor is None:
        org.verified_at = timezone.now()
        org.verification_evidence = "Curated by the platform."
    related = _apply(org, fields)
    _save(org, actor, related, slug)
    if getattr(actor, "is_authenticated", False):
        Membership.objects.create(organisation=org, user=actor, role=Membership.ADMIN)
    audit.record(actor=actor, action="organisation.create", target=org)
    return org


def _identity(org: Organisation) -> tuple[Any, ...]:
    """What a verification vouches for: when an organisation's own admins change it, the
    verification no longer holds (a verified NGO renamed "Ministry of Labour" is not verified)."""
    return (org.name, org.acronym, org.stakeholder_type_id, org.home_country_id, org.website)


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, fields: OrganisationFields
) -> Organisation:
    """Change the profile; its admins may. A change of identity (name, acronym, type, seat,
    website) by anyone but a platform admin withdraws the verification."""
    permissions.require_admin(actor, organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _identity(org)
    related = _apply(org, fields)
    withdrawn = (
        org.is_verified
        and _identity(org) != before
        and not account_permissions.is_platform_admin(actor)
    )
    if withdrawn:
        org.verified_at, org.verified_by = None, None
    _save(org, actor, related)
    audit.record(actor=actor, action="organisation.update", target=org)
    if withdrawn:
        audit.record(
            actor=actor,
            action="organisation.unverify",
            target=org,
            reason="The organisation changed its name, type, seat or website.",
        )
        notify_on_commit(
            lambda: _("[MigrationHub] Verification withdrawn: %(name)s") % {"name": org.name},
            lambda: (
                _(
                    "%(name)s changed its name, type, seat or website, so it is no longer shown as "
                    "verified. A platform administrator will check it again."
                )
                % {"name": org.name}
            ),
            selectors.admin_emails(org),
        )
    return org


@transaction.atomic
def organisation_verify(*, actor: Any, organisation: Organisation, evidence: str) -> Organisation:
    """A platform admin vouches for the organisation, noting what they checked (`evidence`:
    e.g. an official letter, the ministry's switchboard, its own website's contact page).
    Verifying again replaces the evidence. Its admins are told by e-mail."""
    permissions.require_verifier(actor)
    evidence = evidence.strip()
    if not evidence:
        raise ValidationFailed(
            _("Say what you checked to verify this organisation."),
            fields={"evidence": [_("required")]},
        )
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    org.verified_at = timezone.now()
    org.verified_by = actor
    org.verification_evidence = evidence
    audit.by(org, actor)
    org.save()
    organisation_reindex(org)
    page_cache.changed("organisations")
    audit.record(actor=actor, action="organisation.verify", target=org, reason=evidence)
    notify_on_commit(
        lambda: _("[MigrationHub] Your organisation is verified: %(name)s") % {"name": org.name},
        lambda: (
            _(
                "A platform administrator verified %(name)s. It is now shown as verified in the "
                "directory."
            )
            % {"name": org.name}
        ),
        selectors.admin_emails(org),
    )
    return org


@transaction.atomic
def organisation_unverify(*, actor: Any, organisation: Organisation, reason: str) -> Organisation:
    """A platform admin withdraws the verification, saying why; its admins are told."""
    permissions.require_verifier(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the verification is withdrawn."), fields={"reason": [_("required")]}
        )
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not org.is_verified:
        raise Conflict(_("This organisation is not verified."), code=Code.NOT_VERIFIED)
    org.verified_at, org.verified_by = None, None
    audit.by(org, actor)
    org.save()
    organisation_reindex(org)
    page_cache.changed("organisations")
    audit.record(actor=actor, action="organisation.unverify", target=org, reason=reason)
    notify_on_commit(
        lambda: _("[MigrationHub] Verification withdrawn: %(name)s") % {"name": org.name},
        lambda: (
            _("A platform administrator withdrew the verification of %(name)s. Reason: %(reason)s")
            % {"name": org.name, "reason": reason}
        ),
        selectors.admin_emails(org),
    )
    return org


def _check_role(role: str) -> None:
    if role not in dict(Membership.ROLES):
        raise ValidationFailed(
            _("Unknown role."), fields={"role": [_("unknown: %(codes)s") % {"codes": role}]}
        )


@transaction.atomic
def membership_set(
    *, actor: Any, organisation: Organisation, user: Any, role: str = Membership.MEMBER
) -> Membership:
    """Add `user` to the organisation or change their role; only its admins may."""
    permissions.require_admin(actor, organisation)
    _check_role(role)
    membership, created = Membership.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    audit.by(membership, actor)
    audit.record(
        actor=actor,
        action="membership.add" if created else "membership.change_role",
        target=organisation,
        user=user.pk,
        role=role,
    )
    return membership


@transaction.atomic
def membership_add_by_email(
    *, actor: Any, organisation: Organisation, email: str, role: str = Membership.MEMBER
) -> Membership:
    """Add the registered user with `email`. Rights are checked before the address is looked
    up, so nobody but the organisation's admins learns whether an address is registered."""
    permissions.require_admin(actor, organisation)
    _check_role(role)
    user = account_selectors.user_get_by_email(email)
    if user is None:
        raise ValidationFailed(
            _("No registered user has this e-mail address. Ask them to sign up first."),
            fields={"email": [_("not registered")]},
            code=Code.USER_NOT_REGISTERED,
        )
    return membership_set(actor=actor, organisation=organisation, user=user, role=role)


@transaction.atomic
def membership_remove(*, actor: Any, organisation: Organisation, user: Any) -> None:
    permissions.require_admin(actor, organisation)
    admins = Membership.objects.select_for_update().filter(
        organisation=organisation, role=Membership.ADMIN
    )
    if admins.filter(user=user).exists() and admins.count() == 1:
        raise ValidationFailed(
            _("An organisation keeps at least one administrator."), code=Code.LAST_ADMIN
        )
    Membership.objects.filter(organisation=organisation, user=user).delete()
    audit.record(actor=actor, action="membership.remove", target=organisation, user=user.pk)


# --- joining: requests from people, invitations from admins ----------------------------------


def _membership_grant(organisation: Organisation, user: Any, role: str, actor: Any) -> Membership:
    """Add `user` with `role` (an existing member keeps the higher of the two roles)."""
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership(organisation=organisation, user=user, role=role)
    elif role == Membership.ADMIN:
        membership.role = role
    audit.by(membership, actor)
    membership.save()
    return membership


@transaction.atomic
def join_request_create(
    *, actor: Any, organisation: Organisation, message: str = ""
) -> JoinRequest:
    """A signed-in user asks to join; the organisation's admins are told by e-mail."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to ask to join an organisation."))
    if permissions.is_member(actor, organisation):
        raise Conflict(
            _("You are already a member of this organisation."), code=Code.ALREADY_MEMBER
        )
    if JoinRequest.objects.filter(
        organisation=organisation, user=actor, status=JoinRequest.PENDING
    ).exists():
        raise Conflict(
            _("You have already asked to join; its administrators will answer."),
            code=Code.JOIN_REQUEST_PENDING,
        )
    join_request = JoinRequest(organisation=organisation, user=actor, message=message.strip())
    audit.by(join_request, actor)
    try:
        with transaction.atomic():
            join_request.save()
    except IntegrityError:  # the same request, sent twice at once: one pending request stays
        raise Conflict(
            _("You have already asked to join; its administrators will answer."),
            code=Code.JOIN_REQUEST_PENDING,
        ) from None
    audit.record(actor=actor, action="join_request.create", target=organisation, user=actor.pk)
    notify_on_commit(
        lambda: (
            _("[MigrationHub] %(email)s asks to join %(name)s")
            % {"email": actor.email, "name": organisation.name}
        ),
        lambda: (
            _(
                "%(email)s asks to join %(name)s on MigrationHub. Accept or refuse on the "
                "organisation's page.\n\nTheir message: %(message)s"
            )
            % {"email": actor.email, "name": organisation.name, "message": join_request.message}
        ),
        selectors.admin_emails(organisation),
    )
    return join_request


def _decide(actor: Any, join_request: JoinRequest, status: str) -> JoinRequest:
    permissions.require_admin(actor, join_request.organisation)
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.PENDING:
        raise Conflict(_("This request has already been answered."), code=Code.JOIN_REQUEST_DECIDED)
    locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
    audit.by(locked, actor)
    locked.save()
    return locked


@transaction.atomic
def join_request_accept(
    *, actor: Any, join_request: JoinRequest, role: str = Membership.MEMBER
) -> JoinRequest:
    """An admin of the organisation accepts: the requester becomes a member (or `role`) and is
    told by e-mail."""
    _check_role(role)
    decided = _decide(actor, join_request, JoinRequest.ACCEPTED)
    org = decided.organisation
    _membership_grant(org, decided.user, role, actor)
    audit.record(
        actor=actor, action="join_request.accept", target=org, user=decided.user_id, role=role
    )
    notify_on_commit(
        lambda: _("[MigrationHub] Welcome to %(name)s") % {"name": org.name},
        lambda: (
            _("An administrator of %(name)s accepted your request: you are now a member.")
            % {"name": org.name}
        ),
        [decided.user.email],
    )
    return decided


@transaction.atomic
def join_request_refuse(*, actor: Any, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    """An admin of the organisation refuses; the requester is told by e-mail (with the reason)."""
    decided = _decide(actor, join_request, JoinRequest.REFUSED)
    org = decided.organisation
    audit.record(
        actor=actor,
        action="join_request.refuse",
        target=org,
        reason=reason.strip(),
        user=decided.user_id,
    )
    notify_on_commit(
        lambda: _("[MigrationHub] Your request to join %(name)s") % {"name": org.name},
        lambda: (
            _("An administrator of %(name)s did not accept your request to join. %(reason)s")
            % {"name": org.name, "reason": reason.strip()}
        ),
        [decided.user.email],
    )
    return decided


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    role: str = Membership.MEMBER,
    site_url: str = "",
) -> tuple[Invitation, str]:
    """Invite an e-mail address, registered or not, with `role`; only the organisation's admins
    may. The address receives a link (`site_url` + the invitation's page) valid 14 days; an
    earlier open invitation of the same address is replaced. Returns the invitation and its
    token, which is never stored (only its hash)."""
    permissions.require_admin(actor, organisation)
    _check_role(role)
    email = email.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Enter a valid e-mail address."), fields={"email": [_("invalid")]}
        ) from None
    if email in selectors.member_emails(organisation):
        raise Conflict(
            _("This address belongs to a member already."),
            fields={"email": [_("already a member")]},
            code=Code.ALREADY_MEMBER,
        )
    Invitation.objects.filter(
        organisation=organisation, email=email, status=Invitation.PENDING
    ).update(status=Invitation.REVOKED, responded_at=timezone.now())
    token = Invitation.new_token()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    audit.by(invitation, actor)
    invitation.save()
    audit.record(
        actor=actor, action="invitation.create", target=organisation, email=email, role=role
    )
    link = site_url.rstrip("/") + reverse("invitations:open", args=[token])
    notify_on_commit(
        lambda: _("[MigrationHub] Invitation to join %(name)s") % {"name": organisation.name},
        lambda: (
            _(
                "%(inviter)s invites you to join %(name)s on MigrationHub as %(role)s.\n\n"
                "Open this link, signed in with this address (sign up first if you have no "
                "account), to accept or decline: %(link)s\n\nThe invitation expires on %(date)s."
            )
            % {
                "inviter": actor.email,
                "name": organisation.name,
                "role": invitation.get_role_display(),
                "link": link,
                "date": invitation.expires_at.date().isoformat(),
            }
        ),
        [email],
    )
    return invitation, token


def _respond(actor: Any, invitation: Invitation, status: str) -> Invitation:
    """Lock the invitation and check that `actor` may answer it: it is open, and addressed to an
    address the actor has verified (the link alone is not enough: e-mails get forwarded)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to answer an invitation."))
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.email not in account_selectors.verified_emails(actor):
        raise PermissionDenied(
            _("This invitation is for another e-mail address. Sign in with it (and confirm it)."),
            code=Code.INVITATION_OTHER_ADDRESS,
        )
    if locked.status != Invitation.PENDING:
        raise Conflict(_("This invitation has already been answered."), code=Code.INVITATION_CLOSED)
    if locked.is_expired:
        raise Conflict(
            _("This invitation has expired. Ask the organisation for a new one."),
            code=Code.INVITATION_EXPIRED,
        )
    locked.status, locked.responded_by, locked.responded_at = status, actor, timezone.now()
    audit.by(locked, actor)
    locked.save()
    return locked


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: Invitation) -> Membership:
    """The invited person accepts: they join with the invitation's role."""
    answered = _respond(actor, invitation, Invitation.ACCEPTED)
    membership = _membership_grant(answered.organisation, actor, answered.role, actor)
    audit.record(
        actor=actor,
        action="invitation.accept",
        target=answered.organisation,
        user=actor.pk,
        role=answered.role,
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation) -> Invitation:
    answered = _respond(actor, invitation, Invitation.DECLINED)
    audit.record(
        actor=actor, action="invitation.decline", target=answered.organisation, user=actor.pk
    )
    return answered
