"""Organisation reads, prefetched so pages and API cannot fall into N+1 queries."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from migrationhub.accounts import selectors as account_selectors
from migrationhub.search.faceted import Facet, FacetedResult, FacetedSearch
from migrationhub.search.selectors import similar_documents
from migrationhub.taxonomy.selectors import with_reference

from .indexing import KIND, UNVERIFIED, VERIFIED
from .models import Invitation, JoinRequest, Membership, Organisation


def organisation_queryset() -> QuerySet[Organisation]:
    # The vocabulary rows from the process's copy of the reference data (with_reference).
    return with_reference(
        Organisation.objects,
        *("countries", "objectives", "languages", "stakeholder_type", "level", "home_country"),
    ).select_related("verified_by")


def organisation_list(
    *,
    stakeholder_types: Iterable[str] = (),
    levels: Iterable[str] = (),
    countries: Iterable[str] = (),
    regions: Iterable[str] = (),
    objectives: Iterable[int] = (),
    ids: Iterable[int] | None = None,
    related: bool = True,
) -> QuerySet[Organisation]:
    """Organisations matching every filter given; with their countries, objectives and
    languages unless `related` is False (a list of names and types)."""
    qs = organisation_queryset() if related else _summary_queryset()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if stakeholder_types:
        qs = qs.filter(stakeholder_type__code__in=stakeholder_types)
    if levels:
        qs = qs.filter(level__code__in=levels)
    if countries:
        qs = qs.filter(Q(home_country__iso3__in=countries) | Q(countries__iso3__in=countries))
    if regions:
        qs = qs.filter(
            Q(home_country__region__m49__in=regions)
            | Q(home_country__subregion__m49__in=regions)
            | Q(countries__region__m49__in=regions)
            | Q(countries__subregion__m49__in=regions)
        )
    if objectives:
        qs = qs.filter(objectives__number__in=objectives)
    return qs.distinct()


def organisation_get(slug: str) -> Organisation | None:
    return organisation_queryset().filter(slug=slug).first()


def organisations_by_slug(slugs: Iterable[str]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(slug__in=list(slugs))


def organisation_choices() -> list[tuple[str, str]]:
    """(slug, name) of every organisation, for pickers."""
    return list(Organisation.objects.order_by("name").values_list("slug", "name"))


ORGANISATION_SEARCH = FacetedSearch(
    kind=KIND,
    facets=(
        Facet("stakeholder_type", _("Stakeholder type"), "stakeholder_types"),
        Facet("level", _("Level"), "levels"),
        Facet("region", _("Region"), "regions"),
        Facet("country", _("Country"), "countries", upper=True),
        Facet("objective", _("GCM objective of expertise"), "objectives"),
        Facet(
            "verified",
            _("Verification"),
            labels={VERIFIED: _("Verified"), UNVERIFIED: _("Not yet verified")},
        ),
    ),
    load=lambda ids: organisation_queryset().in_bulk(ids),
    # Verified organisations first: registering "Ministry of Labour" does not put it at the top.
    tiers=("verified", (VERIFIED, UNVERIFIED)),
)


def organisation_search(
    query: str | None,
    filters: dict[str, list[str]],
    *,
    page: int = 1,
    page_size: int = 30,
    related: bool = True,
) -> FacetedResult:
    """The directory: organisations matching `query` and `filters`, ranked, with facet counts;
    with their countries, objectives and languages unless `related` is False (the directory
    page shows type, level and home country only)."""
    load = None if related else _summary_queryset().in_bulk
    return ORGANISATION_SEARCH.run(query, filters, page=page, page_size=page_size, load=load)


def _summary_queryset() -> QuerySet[Organisation]:
    return with_reference(Organisation.objects, "stakeholder_type", "level", "home_country")


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-role", "user__email")


def member_emails(organisation: Organisation) -> list[str]:
    """Where to write to an organisation: its members' addresses."""
    return list(organisation.memberships.values_list("user__email", flat=True))


def member_ids_of(organisation_ids: Iterable[int]) -> set[int]:
    """The users who belong to any of the organisations."""
    return set(
        Membership.objects.filter(organisation_id__in=list(organisation_ids)).values_list(
            "user_id", flat=True
        )
    )


def organisations_of(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisation_count(*, verified_only: bool = False) -> int:
    qs = Organisation.objects.all()
    if verified_only:
        qs = qs.filter(verified_at__isnull=False)
    return qs.count()


def stakeholder_type_counts() -> list[dict[str, Any]]:
    """Organisations per type; an unverified public body does not count as one (ADR 0004)."""
    return list(
        Organisation.objects.exclude(stakeholder_type__public_body=True, verified_at__isnull=True)
        .values("stakeholder_type__code", "stakeholder_type__title")
        .annotate(n=Count("id"))
        .order_by("-n")
    )


def admin_emails(organisation: Organisation) -> list[str]:
    """Where to write about the organisation's membership and verification: its admins."""
    return list(
        organisation.memberships.filter(role=Membership.ADMIN).values_list("user__email", flat=True)
    )


def member_ids_of_unverified_public_bodies() -> set[int]:
    """Users who belong to an organisation claiming to be a public body, not verified."""
    return set(
        Membership.objects.filter(
            organisation__stakeholder_type__public_body=True,
            organisation__verified_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def belongs_to_unverified_public_body(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in member_ids_of_unverified_public_bodies()


def join_requests_pending(organisation: Organisation) -> QuerySet[JoinRequest]:
    return organisation.join_requests.filter(status=JoinRequest.PENDING).select_related("user")


def join_request_get(organisation: Organisation, pk: int) -> JoinRequest | None:
    return organisation.join_requests.select_related("user", "organisation").filter(pk=pk).first()


def join_request_pending_of(user: Any, organisation: Organisation) -> JoinRequest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return organisation.join_requests.filter(user=user, status=JoinRequest.PENDING).first()


def invitations_open(organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations still waiting for an answer (expired ones included, so
    admins see them expire)."""
    return organisation.invitations.filter(status=Invitation.PENDING).order_by("-created_at")


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def invitation_for(user: Any, pk: int) -> Invitation | None:
    """One invitation addressed to one of `user`'s verified addresses."""
    return invitations_for(user).filter(pk=pk).first()


def invitations_for(user: Any) -> QuerySet[Invitation]:
    """Pending invitations to `user`'s verified addresses, newest first (expired ones too: the
    page says they expired)."""
    emails = account_selectors.verified_emails(user)
    return (
        Invitation.objects.filter(email__in=emails, status=Invitation.PENDING)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def organisation_review_facts() -> list[tuple[int, str, str, str, str, str, str]]:
    """Every organisation as `(id, slug, name, acronym, stakeholder type code, level code, home
    country iso3 or "")`: the nodes of the review's partnership network, as plain rows (one
    query, no model instances: fast at thousands of organisations)."""
    return [
        (pk, slug, name, acronym, type_code, level_code, iso3 or "")
        for pk, slug, name, acronym, type_code, level_code, iso3 in Organisation.objects.values_list(
            "pk",
            "slug",
            "name",
            "acronym",
            "stakeholder_type__code",
            "level__code",
            "home_country__iso3",
        )
    ]


def organisation_registration_years() -> dict[int, int]:
    """Organisation id → the year it was registered in the directory (its `created_at`, in the
    site's time zone): what the review's network history calls "registered by then" when it
    counts the organisations that had no link at the end of a year (one query, plain values)."""
    return dict(
        Organisation.objects.order_by()
        .annotate(registered=ExtractYear("created_at"))
        .values_list("pk", "registered")
    )


def organisation_match_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every organisation as plain rows for the connection hub's matching, in four queries and
    no model instances (fast at 10k organisations):
    - `organisations`: `(id, name, stakeholder type code, level code, home country iso3 or "",
      verified, public body)`;
    - `countries`, `objectives`, `languages`: `(organisation id, code)` pairs (countries of
      operation, GCM objective numbers of expertise, language codes)."""
    return {
        "organisations": [
            (pk, name, type_code, level_code, iso3 or "", verified is not None, bool(public))
            for pk, name, type_code, level_code, iso3, verified, public in (
                Organisation.objects.order_by().values_list(
                    "pk",
                    "name",
                    "stakeholder_type__code",
                    "level__code",
                    "home_country__iso3",
                    "verified_at",
                    "stakeholder_type__public_body",
                )
            )
        ],
        "countries": list(
            Organisation.countries.through.objects.values_list("organisation_id", "country__iso3")
        ),
        "objectives": list(
            Organisation.objectives.through.objects.values_list(
                "organisation_id", "objective__number"
            )
        ),
        "languages": list(
            Organisation.languages.through.objects.values_list("organisation_id", "language_id")
        ),
    }


def similar_organisations(organisation: Organisation, *, limit: int = 5) -> list[tuple[Any, float]]:
    """The organisations whose descriptions are nearest in meaning to this one's (the search
    engine's vectors, in any language), with their similarity: partners doing similar work."""
    found = similar_documents(KIND, organisation.pk, kinds=[KIND], limit=limit)
    rows = _summary_queryset().in_bulk([d.object_id for d in found])
    return [(rows[d.object_id], d.score) for d in found if d.object_id in rows]
