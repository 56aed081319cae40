"""Organisation reads, prefetched so pages and API cannot fall into N+1 queries."""

from django.db.models import Count, Q, QuerySet

from .models import Membership, Organisation


def organisation_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related(
        "stakeholder_type", "level", "home_country__region"
    ).prefetch_related("countries", "objectives", "languages")


def organisation_list(
    *,
    stakeholder_types=(),
    levels=(),
    countries=(),
    regions=(),
    objectives=(),
    ids=None,
) -> QuerySet[Organisation]:
    qs = organisation_queryset()
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


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-role", "user__email")


def organisations_of(user) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisation_count() -> int:
    return Organisation.objects.count()


def stakeholder_type_counts() -> list[dict]:
    return list(
        Organisation.objects.values("stakeholder_type__code", "stakeholder_type__title")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
