"""Partnership and pledge reads: the registry's faceted search, detail prefetched for pages and
API, the scorecard and the status light computed from the data, and the contributions to other
apps' pages."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Max,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrationhub.core import audit
from migrationhub.core.models import AuditEvent
from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.permissions import organisation_ids_of
from migrationhub.search.faceted import Facet, FacetedResult, FacetedSearch
from migrationhub.taxonomy.selectors import with_reference

from . import lights, scoring
from .indexing import KIND, NO, PLEDGE_KIND, YES
from .models import (
    TAG_FIELDS,
    Commitment,
    Goal,
    Member,
    OrganisationRef,
    Output,
    Partnership,
    PartnershipTranslation,
    Pledge,
    Pledger,
    ProgressReport,
    Role,
)

LIGHT_LABELS = {
    lights.GREEN: _("Reported in the last 12 months"),
    lights.AMBER: _("Report overdue"),
    lights.RED: _("Inactive: no report for 24 months"),
    lights.CLOSED: _("Closed"),
}
SCORE_BANDS = tuple(f"{n:02d}" for n in range(90, -1, -10))  # "90" … "00", best first
SCORE_LABELS = {b: f"{int(b)}–{int(b) + 9 if b != '90' else 100}" for b in SCORE_BANDS}
SORTS = ("relevance", "score")

# --- reference ---------------------------------------------------------------------------------


@functools.cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes (data/reference/currencies.csv)."""
    path = Path(settings.SHIPPED_DATA_DIR) / "reference" / "currencies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle) if row["code"])


def role_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Role.choices]


# --- partnerships ------------------------------------------------------------------------------


def _members() -> QuerySet[Member]:
    return (
        with_reference(Member.objects, "organisation__stakeholder_type", "organisation__level")
        .select_related("organisation")
        .order_by("-is_lead", "created_at", "pk")
    )


def _partnership_base() -> QuerySet[Partnership]:
    # The vocabulary rows from the process's copy of the reference data (with_reference).
    return with_reference(
        Partnership.objects,
        *TAG_FIELDS,
        "language",
        "lead__stakeholder_type",
        "lead__level",
    ).select_related("lead")


def _detail_prefetches() -> list[Prefetch[Any]]:
    return [
        Prefetch("members", queryset=_members()),
        Prefetch("goals", queryset=with_reference(Goal.objects, "objectives", "sdg_targets")),
        Prefetch("commitments", queryset=Commitment.objects.select_related("organisation")),
        Prefetch(
            "outputs",
            queryset=Output.objects.select_related("practice", "practice__organisation"),
        ),
        Prefetch(
            "translations", queryset=with_reference(PartnershipTranslation.objects, "language")
        ),
        Prefetch(
            "reports",
            queryset=ProgressReport.objects.select_related("organisation", "goal").order_by(
                "-reported_on", "-pk"
            ),
        ),
        Prefetch(
            "pledges",
            queryset=Pledge.objects.prefetch_related(
                Prefetch("pledgers", queryset=Pledger.objects.select_related("organisation"))
            ),
        ),
    ]


def partnership_queryset() -> QuerySet[Partnership]:
    """Everything the detail page, the API detail, the scorecard and the IATI export read."""
    return _partnership_base().prefetch_related(*_detail_prefetches())


def partnership_summary_queryset() -> QuerySet[Partnership]:
    """What lists show: lead, objectives, levels."""
    return with_reference(Partnership.objects, "objectives", "levels", "language").select_related(
        "lead"
    )


@functools.cache
def _relations_present_sql() -> str:
    """One expression naming the detail's relations that have rows ("members,goals,"), written
    once per process from the models' tables: the same question as an ORM EXISTS per relation,
    whose seven subqueries took ~2.5 ms to build on every page."""
    qn = connection.ops.quote_name
    outer = f"{qn(Partnership._meta.db_table)}.{qn(Partnership._meta.pk.column)}"
    cases = []
    for prefetch in _detail_prefetches():
        rel = Partnership._meta.get_field(prefetch.prefetch_to)
        table = qn(rel.related_model._meta.db_table)  # type: ignore[union-attr]
        column = qn(rel.field.column)  # type: ignore[union-attr]
        cases.append(
            f"CASE WHEN EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = {outer}) "
            f"THEN '{prefetch.prefetch_to},' ELSE '' END"
        )
    return " || ".join(cases)


def partnership_get(slug: str) -> Partnership | None:
    """The partnership with what `partnership_queryset` reads. A relation that has no rows is
    not asked for: most partnerships have no pledges, translations or reports yet, and on
    PostgreSQL each question is a round trip."""
    partnership = (
        _partnership_base()
        .filter(slug=slug)
        # Only the models' table and column names, no input: nothing to inject.
        .annotate(relations_present=RawSQL(_relations_present_sql(), ()))  # noqa: S611
        .first()
    )
    if partnership is None:
        return None
    present = set(partnership.relations_present.split(","))
    prefetches = _detail_prefetches()
    prefetch_related_objects([partnership], *(p for p in prefetches if p.prefetch_to in present))
    for prefetch in prefetches:
        if prefetch.prefetch_to not in present:
            _prefetched_empty(partnership, prefetch.prefetch_to)
    return partnership


def _prefetched_empty(obj: Any, name: str) -> None:
    """What `prefetch_related` leaves for a relation without rows: `obj.<name>.all()` is []."""
    empty = getattr(obj, name).get_queryset()
    empty._result_cache, empty._prefetch_done = [], True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = empty


def partnership_slugs() -> set[str]:
    return set(Partnership.objects.values_list("slug", flat=True))


def partnership_count() -> int:
    return Partnership.objects.count()


def partnership_list(*, order_by: str = "slug") -> QuerySet[Partnership]:
    """Every partnership, detail-prefetched (exports, IATI)."""
    return partnership_queryset().order_by(order_by)


PARTNERSHIP_SEARCH = FacetedSearch(
    kind=KIND,
    facets=(
        Facet("objective", _("GCM objective"), "objectives"),
        Facet("status", _("Status"), labels=dict(Partnership.STATUSES)),
        Facet("light", _("Reporting"), labels=LIGHT_LABELS),
        Facet("score", _("Scorecard"), labels=SCORE_LABELS, newest_first=True),
        Facet("level", _("Level"), "levels"),
        Facet("region", _("Region"), "regions"),
        Facet("country", _("Country"), "countries", upper=True),
        Facet("stakeholder_type", _("Stakeholder type of a member"), "stakeholder_types"),
        Facet("area", _("Area of cooperation"), "areas"),
        Facet("sdg_target", _("SDG target"), "sdg_targets"),
    ),
    load=lambda ids: partnership_summary_queryset().in_bulk(ids),
)
# Sorted by the scorecard: the best band first (90–100, 80–89 …), each band in its usual order.
PARTNERSHIP_SEARCH_BY_SCORE = replace(PARTNERSHIP_SEARCH, tiers=("score", SCORE_BANDS))


def partnership_search(
    query: str | None,
    filters: dict[str, list[str]],
    *,
    page: int = 1,
    page_size: int = 20,
    sort: str = "relevance",
) -> FacetedResult:
    """Partnerships matching `query` and `filters` (AND across facets, OR within one), ranked
    (or newest first), or by scorecard band with `sort="score"`; with every facet's counts."""
    search = PARTNERSHIP_SEARCH_BY_SCORE if sort == "score" else PARTNERSHIP_SEARCH
    result = search.run(query, filters, page=page, page_size=page_size)
    if sort == "score":
        # Within the page, the exact score orders what the band grouped.
        result.page.items.sort(key=lambda item: -item.object.score)
    return result


def partnership_cards() -> QuerySet[Partnership]:
    """Partnerships as cards show them ({% partnership_cards %}): name, language,
    light, score and status; only those columns."""
    return with_reference(Partnership.objects, "language").only(
        "slug", "name", "language", "light", "score", "status"
    )


def partnerships_for_organisation(organisation: Any) -> QuerySet[Partnership]:
    return (
        partnership_cards()
        .filter(members__organisation=organisation, members__status=Member.ACTIVE)
        .distinct()
        .order_by("-score", "name")
    )


def partnerships_for_objective(number: int) -> QuerySet[Partnership]:
    """Partnerships on GCM objective `number`, or with a goal on it. Two id subqueries rather
    than a DISTINCT over two many-to-many joins, which made PostgreSQL sort whole rows."""
    on_objective = Partnership.objectives.through.objects.filter(objective__number=number)
    on_goal = Goal.objectives.through.objects.filter(objective__number=number)
    return (
        partnership_cards()
        .filter(
            Q(id__in=on_objective.values("partnership_id"))
            | Q(id__in=on_goal.values("goal__partnership_id"))
        )
        .order_by("-score", "name")
    )


def partnerships_led_by_user(user: Any) -> QuerySet[Partnership]:
    return partnership_summary_queryset().filter(lead_id__in=organisation_ids_of(user))


def partnerships_of_user(user: Any) -> QuerySet[Partnership]:
    """Partnerships in which an organisation of `user` is an active member."""
    return (
        partnership_summary_queryset()
        .filter(
            members__organisation_id__in=organisation_ids_of(user), members__status=Member.ACTIVE
        )
        .distinct()
        .order_by("name")
    )


def active_members(partnership: Partnership) -> list[Member]:
    return [m for m in partnership.members.all() if m.status == Member.ACTIVE]


def pending_members(partnership: Partnership) -> list[Member]:
    return [m for m in partnership.members.all() if m.status == Member.INVITED]


def member_get(partnership: Partnership, pk: int) -> Member | None:
    return next((m for m in partnership.members.all() if m.pk == pk), None)


def member_by_organisation(partnership: Partnership, organisation_slug: str) -> Member | None:
    """The membership (or invitation) of the organisation `organisation_slug` (prefetched)."""
    return next(
        (m for m in partnership.members.all() if m.organisation.slug == organisation_slug), None
    )


def goal_get(partnership: Partnership, pk: int) -> Goal | None:
    return next((g for g in partnership.goals.all() if g.pk == pk), None)


def commitment_get(partnership: Partnership, pk: int) -> Commitment | None:
    return next((c for c in partnership.commitments.all() if c.pk == pk), None)


def output_get(partnership: Partnership, pk: int) -> Output | None:
    return next((o for o in partnership.outputs.all() if o.pk == pk), None)


def public_translations(partnership: Partnership) -> list[PartnershipTranslation]:
    return list(partnership.translations.all())


def partnership_names(partnership: Partnership) -> dict[str, str]:
    """The name in each language: the original and the translations."""
    return {
        partnership.language_id: partnership.name,
        **{t.language_id: t.name for t in partnership.translations.all()},
    }


def organisation_refs(organisation_ids: set[int] | None = None) -> dict[int, str]:
    """IATI identifiers of organisations, by organisation id."""
    qs = OrganisationRef.objects.all()
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    return dict(qs.values_list("organisation_id", "ref"))


def organisations_by_ref(refs: set[str]) -> dict[str, int]:
    return dict(OrganisationRef.objects.filter(ref__in=refs).values_list("ref", "organisation_id"))


# --- scorecard and light -------------------------------------------------------------------------


def member_facts(member: Member, refs: dict[int, Any] | None = None) -> scoring.MemberFacts:
    org = member.organisation
    claimed = org.claims_public_body
    type_code = "" if claimed else org.stakeholder_type.code
    return scoring.MemberFacts(
        key=org.slug,
        stakeholder_type=type_code,
        level=org.level.code,
        roles=frozenset(member.roles),
        government=org.is_verified and type_code in scoring.GOVERNMENT_TYPES,
    )


def partnership_facts(partnership: Partnership) -> scoring.PartnershipFacts:
    """What the scorecard reads, from a partnership fetched by `partnership_queryset`."""
    members = active_members(partnership)
    keys = {m.organisation_id: m.organisation.slug for m in members}
    goals = list(partnership.goals.all())
    objectives = {o.number for o in partnership.objectives.all()} | {
        o.number for g in goals for o in g.objectives.all()
    }
    return scoring.PartnershipFacts(
        members=tuple(member_facts(m) for m in members),
        levels=frozenset(lv.code for lv in partnership.levels.all()),
        goals=tuple(
            scoring.GoalFacts(
                indicator=g.indicator,
                unit=g.unit,
                baseline=g.baseline,
                target=g.target,
                due=g.due_date,
                linked=bool(list(g.objectives.all()) or list(g.sdg_targets.all())),
            )
            for g in goals
        ),
        commitments=tuple(
            scoring.CommitmentFacts(member=keys[c.organisation_id], kind=c.kind, amount=c.amount)
            for c in partnership.commitments.all()
            if c.organisation_id in keys
        ),
        objectives=frozenset(objectives),
        start=partnership.start_date,
        end=partnership.end_date,
        published_outputs=sum(
            1 for o in partnership.outputs.all() if o.practice.status == "published"
        ),
    )


def partnership_scorecard(partnership: Partnership) -> scoring.Scorecard:
    return scoring.scorecard(partnership_facts(partnership))


def reporting_since(record: Partnership | Pledge) -> dt.date:
    """When the duty to report began: registration (or a curated record's source date), or a
    later start."""
    created = record.created_at.date() if record.created_at else timezone.localdate()
    since = record.as_of or created
    start = getattr(record, "start_date", None)
    return max(since, start) if start else since


def partnership_light(partnership: Partnership, today: dt.date | None = None) -> lights.Light:
    return lights.status_light(
        today=today or timezone.localdate(),
        since=reporting_since(partnership),
        last_report=partnership.last_reported_on,
        closed=partnership.is_closed,
    )


def pledge_light(pledge: Pledge, today: dt.date | None = None) -> lights.Light:
    last = pledge.last_reported_on
    partnership = pledge.partnership
    if partnership is not None and partnership.last_reported_on:
        last = max(last, partnership.last_reported_on) if last else partnership.last_reported_on
    return lights.status_light(
        today=today or timezone.localdate(),
        since=reporting_since(pledge),
        last_report=last,
        closed=pledge.is_closed,
    )


def last_report_on(partnership: Partnership) -> dt.date | None:
    return ProgressReport.objects.filter(partnership=partnership).aggregate(d=Max("reported_on"))[
        "d"
    ]


def pledge_last_report_on(pledge: Pledge) -> dt.date | None:
    return ProgressReport.objects.filter(pledge=pledge).aggregate(d=Max("reported_on"))["d"]


def goal_progress(partnership: Partnership) -> list[dict[str, Any]]:
    """Each goal with its reports (newest first), its latest value, and what keeps it from
    being SMART."""
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in partnership.reports.all():
        if report.goal_id:
            reports[report.goal_id].append(report)
    rows = []
    for goal in partnership.goals.all():
        facts = scoring.GoalFacts(
            indicator=goal.indicator,
            unit=goal.unit,
            baseline=goal.baseline,
            target=goal.target,
            due=goal.due_date,
            linked=bool(list(goal.objectives.all()) or list(goal.sdg_targets.all())),
        )
        own = reports.get(goal.pk, [])
        rows.append(
            {
                "goal": goal,
                "reports": own,
                "latest": own[0] if own else None,
                "smart_problems": scoring.smart_problems(
                    facts, partnership.start_date, partnership.end_date
                ),
            }
        )
    return rows


def scorecards_all() -> dict[int, scoring.Scorecard]:
    """The scorecard of every partnership, from a fixed number of plain queries (no model
    instances): what `partnerships-refresh` refreshes and the benchmark measures.

    At 20k partnerships (80k memberships) what costs is converting and allocating per row, so
    each organisation's facts are read and built once (not once per membership), each distinct
    set of roles is parsed once, a membership's facts are shared by every partnership with the
    same organisation in the same roles, and commitments name their organisation by id. The
    cyclic garbage collector is paused meanwhile: these are a million small objects without
    cycles, and its passes over them took as long as the scoring itself (bench/partnerships_bench.py)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _scorecards_all()
    finally:
        if paused:
            gc.enable()


def _scorecards_all() -> dict[int, scoring.Scorecard]:
    active = Member.objects.filter(status=Member.ACTIVE)
    organisations: dict[int, tuple[str, str, str, bool]] = {}
    for oid, slug, type_code, public_body, verified, level in (
        active.annotate(
            verified=ExpressionWrapper(
                Q(organisation__verified_at__isnull=False), output_field=BooleanField()
            )
        )
        .values_list(
            "organisation_id",
            "organisation__slug",
            "organisation__stakeholder_type__code",
            "organisation__stakeholder_type__public_body",
            "verified",
            "organisation__level__code",
        )
        .distinct()
    ):
        code = "" if public_body and not verified else type_code  # a claimed public body
        organisations[oid] = (slug, code, level, bool(verified))
    roles_of: dict[str, frozenset[str]] = {}
    shared: dict[tuple[int, str], scoring.MemberFacts] = {}
    members: dict[int, list[scoring.MemberFacts]] = defaultdict(list)
    rows = active.annotate(roles_text=Cast("roles", output_field=TextField())).values_list(
        "partnership_id", "organisation_id", "roles_text"
    )
    for pid, oid, roles_text in rows.iterator(chunk_size=5000):
        member = shared.get((oid, roles_text))
        if member is None:
            roles = roles_of.get(roles_text)
            if roles is None:
                roles = roles_of[roles_text] = frozenset(json.loads(roles_text or "[]") or ())
            slug, code, level, verified = organisations[oid]
            member = shared[(oid, roles_text)] = scoring.MemberFacts(
                key=slug,
                stakeholder_type=code,
                level=level,
                roles=roles,
                government=verified and code in scoring.GOVERNMENT_TYPES,
            )
        members[pid].append(member)
    levels: dict[int, set[str]] = defaultdict(set)
    through = Partnership.levels.through
    for pid, code in through.objects.values_list("partnership_id", "level__code").iterator(
        chunk_size=5000
    ):
        levels[pid].add(code)
    objectives: dict[int, set[int]] = defaultdict(set)
    for pid, number in Partnership.objectives.through.objects.values_list(
        "partnership_id", "objective__number"
    ).iterator(chunk_size=5000):
        objectives[pid].add(number)
    goal_links: dict[int, int] = defaultdict(int)
    for gid, number, pid in Goal.objectives.through.objects.values_list(
        "goal_id", "objective__number", "goal__partnership_id"
    ).iterator(chunk_size=5000):
        goal_links[gid] += 1
        objectives[pid].add(number)
    for gid in Goal.sdg_targets.through.objects.values_list("goal_id", flat=True).iterator(
        chunk_size=5000
    ):
        goal_links[gid] += 1
    goals: dict[int, list[scoring.GoalFacts]] = defaultdict(list)
    for gid, pid, indicator, unit, baseline, target, due in Goal.objects.values_list(
        "pk", "partnership_id", "indicator", "unit", "baseline", "target", "due_date"
    ).iterator(chunk_size=5000):
        goals[pid].append(
            scoring.GoalFacts(
                indicator=indicator,
                unit=unit,
                baseline=baseline,
                target=target,
                due=due,
                linked=goal_links.get(gid, 0) > 0,
            )
        )
    commitments: dict[int, list[scoring.CommitmentFacts]] = defaultdict(list)
    for pid, oid, kind, amount in Commitment.objects.values_list(
        "partnership_id", "organisation_id", "kind", "amount"
    ).iterator(chunk_size=5000):
        # An organisation that is not an active member is in no partnership's members: its
        # commitments count nowhere (scoring.resources), whatever key they carry.
        key = organisations[oid][0] if oid in organisations else f"#{oid}"
        commitments[pid].append(scoring.CommitmentFacts(member=key, kind=kind, amount=amount))
    outputs: dict[int, int] = defaultdict(int)
    for pid in Output.objects.filter(practice__status="published").values_list(
        "partnership_id", flat=True
    ):
        outputs[pid] += 1
    cards = {}
    for pid, start, end in Partnership.objects.values_list("pk", "start_date", "end_date").iterator(
        chunk_size=5000
    ):
        cards[pid] = scoring.scorecard(
            scoring.PartnershipFacts(
                members=tuple(members.get(pid, ())),
                levels=frozenset(levels.get(pid, ())),
                goals=tuple(goals.get(pid, ())),
                commitments=tuple(commitments.get(pid, ())),
                objectives=frozenset(objectives.get(pid, ())),
                start=start,
                end=end,
                published_outputs=outputs.get(pid, 0),
            )
        )
    return cards


def partnerships_to_refresh() -> QuerySet[Partnership]:
    """Every partnership with what its light and its stored score need."""
    return Partnership.objects.only(
        "pk",
        "status",
        "created_at",
        "as_of",
        "start_date",
        "last_reported_on",
        "light",
        "score",
        "score_breadth",
        "score_focus",
        "score_resources",
    )


def pledges_to_refresh() -> QuerySet[Pledge]:
    return Pledge.objects.select_related("partnership").only(
        "pk",
        "status",
        "created_at",
        "as_of",
        "last_reported_on",
        "light",
        "partnership__last_reported_on",
    )


def partnerships_needing_reminder(*, reminded_before: dt.datetime) -> QuerySet[Partnership]:
    """Open partnerships whose light is amber or red and whose admins were not reminded since
    `reminded_before`."""
    return (
        Partnership.objects.filter(light__in=[lights.AMBER, lights.RED])
        .exclude(status__in=Partnership.CLOSED_STATUSES)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=reminded_before))
        .select_related("lead")
    )


def admin_emails_of(organisation: Any) -> list[str]:
    return org_selectors.admin_emails(organisation)


# --- history ---------------------------------------------------------------------------------


UNCONSENTED_ACTIONS = ("member.invite", "member.decline", "partnership.remind")
"""Events that say something of an organisation that has not agreed to be shown with the
partnership (an invitation it has not answered or declined) or of its reporting duty: for the
partnership's admins only."""


def partnership_history(partnership: Partnership, *, public: bool = False) -> QuerySet[AuditEvent]:
    """The partnership's audit trail: who did what, when (every member, goal, resource,
    output, report and translation change is an event on the partnership). The `public` trail
    leaves out UNCONSENTED_ACTIONS: no organisation is shown beside a partnership it did not
    join."""
    events = audit.events_for(partnership)
    return events.exclude(action__in=UNCONSENTED_ACTIONS) if public else events


def partnership_versions(partnership: Partnership) -> list[Any]:
    """The saved versions of the partnership's own fields (django-simple-history), newest first."""
    return list(partnership.history.select_related("history_user").order_by("-history_date")[:50])


# --- invitations -------------------------------------------------------------------------------


def admin_organisation_ids(user: Any) -> set[int]:
    """Organisations `user` is an admin of (not as a platform admin)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        o.pk
        for o in org_selectors.organisations_of(user)
        if user.email.lower() in {e.lower() for e in org_selectors.admin_emails(o)}
    }


def invitations_for(user: Any) -> dict[str, list[Any]]:
    """Open invitations to organisations `user` administers: to join partnerships, and to
    co-sign pledges."""
    ids = admin_organisation_ids(user)
    return {
        "members": list(
            Member.objects.filter(organisation_id__in=ids, status=Member.INVITED)
            .select_related("partnership__lead", "organisation")
            .order_by("-created_at")
        ),
        "pledgers": list(
            Pledger.objects.filter(organisation_id__in=ids, status=Pledger.INVITED)
            .select_related("pledge__lead", "organisation")
            .order_by("-created_at")
        ),
    }


def invitation_count(user: Any) -> int:
    found = invitations_for(user)
    return len(found["members"]) + len(found["pledgers"])


def member_invitation_get(pk: int) -> Member | None:
    return Member.objects.select_related("partnership__lead", "organisation").filter(pk=pk).first()


def pledger_invitation_get(pk: int) -> Pledger | None:
    return Pledger.objects.select_related("pledge__lead", "organisation").filter(pk=pk).first()


# --- pledges -------------------------------------------------------------------------------


def pledge_queryset() -> QuerySet[Pledge]:
    return Pledge.objects.select_related(
        "lead", "partnership", "matches", "partnership__lead"
    ).prefetch_related(
        "objectives",
        Prefetch("pledgers", queryset=Pledger.objects.select_related("organisation")),
        Prefetch("matched_by", queryset=Pledge.objects.select_related("lead")),
        Prefetch(
            "reports",
            queryset=ProgressReport.objects.select_related("organisation").order_by(
                "-reported_on", "-pk"
            ),
        ),
    )


def pledge_get(slug: str) -> Pledge | None:
    return pledge_queryset().filter(slug=slug).first()


def pledge_slugs() -> set[str]:
    return set(Pledge.objects.values_list("slug", flat=True))


def pledge_list(*, order_by: str = "slug") -> QuerySet[Pledge]:
    return pledge_queryset().order_by(order_by)


def pledges_of_user(user: Any) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(
            pledgers__organisation_id__in=organisation_ids_of(user),
            pledgers__status=Pledger.ACTIVE,
        )
        .select_related("lead", "partnership")
        .distinct()
        .order_by("-pledged_on")
    )


def active_pledgers(pledge: Pledge) -> list[Pledger]:
    return [p for p in pledge.pledgers.all() if p.status == Pledger.ACTIVE]


def is_joint(pledge: Pledge) -> bool:
    return len(active_pledgers(pledge)) > 1


PLEDGE_SEARCH = FacetedSearch(
    kind=PLEDGE_KIND,
    facets=(
        Facet("type", _("Type"), labels=dict(Pledge.KINDS)),
        Facet("status", _("Status"), labels=dict(Pledge.STATUSES)),
        Facet("light", _("Reporting"), labels=LIGHT_LABELS),
        Facet("joint", _("Joint pledge"), labels={YES: _("Joint"), NO: _("Single")}),
        Facet("objective", _("GCM objective"), "objectives"),
    ),
    load=lambda ids: (
        Pledge.objects.select_related("lead", "partnership")
        .prefetch_related(
            Prefetch("pledgers", queryset=Pledger.objects.select_related("organisation"))
        )
        .in_bulk(ids)
    ),
)


def pledge_search(
    query: str | None, filters: dict[str, list[str]], *, page: int = 1, page_size: int = 20
) -> FacetedResult:
    return PLEDGE_SEARCH.run(query, filters, page=page, page_size=page_size)


def pledges_to_link(user: Any) -> QuerySet[Pledge]:
    """Open pledges that an organisation of `user` leads (for matching)."""
    return Pledge.objects.filter(status=Pledge.OPEN).order_by("title")


def pledge_choices() -> list[tuple[str, str]]:
    return list(Pledge.objects.order_by("title").values_list("slug", "title"))


def partnership_choices() -> list[tuple[str, str]]:
    return list(Partnership.objects.order_by("name").values_list("slug", "name"))


# --- IATI ------------------------------------------------------------------------------------


def country_iso2_map() -> dict[str, str]:
    """ISO 3166-1 alpha-2 → alpha-3, for the countries IATI files name."""
    from migrationhub.taxonomy.selectors import country_list

    return {c.iso2.upper(): c.iso3 for c in country_list() if c.iso2}


def iati_identifiers() -> set[str]:
    """Every iati-identifier the registry publishes: the one a partnership was imported with,
    else `<publisher ref>-<slug>` (as `exports.iati_identifier` writes it), so that importing
    the registry's own file back creates nothing twice."""
    prefix = settings.MIGRATIONHUB_IATI_PUBLISHER_REF
    return {
        identifier or f"{prefix}-{slug}"
        for slug, identifier in Partnership.objects.values_list("slug", "iati_identifier")
    }


# --- the scorecard, in words ---------------------------------------------------------------------

DIMENSION_TITLES = {
    scoring.BREADTH: _("Breadth and inclusiveness"),
    scoring.FOCUS: _("Focus"),
    scoring.RESOURCES: _("Resources"),
}
DIMENSION_QUESTIONS = {
    scoring.BREADTH: _(
        "Is it sufficiently broad and inclusive to deal with policy questions around migration "
        "effectively and with wide public support?"
    ),
    scoring.FOCUS: _("Is it focused on achieving specific policy goals, with clear timeframes?"),
    scoring.RESOURCES: _(
        "Is it able to mobilize and share knowledge, expertise and financial resources?"
    ),
}
CRITERION_RULES = {
    "stakeholder_types": _(
        "7 points per stakeholder type among the active members, up to 5 types (whole of "
        "society). An unverified organisation of a public-body type counts under no type."
    ),
    "levels": _("5 points per governance level linked (local, national, regional, global)."),
    "migrants": _("A migrant or diaspora organisation is a member."),
    "government": _(
        "A verified government body (national, local or regional, parliament) is a member."
    ),
    "whole_of_government": _(
        "Whole of government: more than one verified government body, or a verified local or "
        "regional authority."
    ),
    "smart_goals": _(
        "The share of goals that are SMART: an indicator and a unit, a baseline and a different "
        "target, linked to a GCM objective or SDG target, due within the partnership's period."
    ),
    "timeframe": _("A start and an end date: 25 points; only one of them: 10."),
    "objectives": _(
        "A focused set of GCM objectives: 1–3 objectives 25 points, 4–6 15, 7–9 5, none or more 0."
    ),
    "financial": _("Money committed by a member."),
    "in_kind": _("An in-kind contribution committed."),
    "expertise": _("Expertise committed."),
    "contributing_members": _("The share of members that commit something."),
    "knowledge_shared": _(
        "5 points per published practice of the knowledge platform linked as an output, up to 3."
    ),
}


def reason_message(reason: scoring.Reason) -> str:
    """What earned (or did not earn) the points of one criterion, in the active language."""
    f = reason.facts
    code, earned = reason.code, reason.points > 0
    if code == "stakeholder_types":
        labels = _labels("stakeholder_types", f["types"])
        return (
            str(_("Stakeholder types among the members: %(types)s.")) % {"types": labels}
            if f["types"]
            else str(_("No stakeholder type counts yet."))
        )
    if code == "levels":
        labels = _labels("levels", f["levels"])
        return (
            str(_("Governance levels linked: %(levels)s.")) % {"levels": labels}
            if f["levels"]
            else str(_("No governance level linked."))
        )
    if code == "smart_goals":
        if not f["goals"]:
            return str(_("No goal yet."))
        return str(_("%(smart)d of %(goals)d goals are SMART.")) % f
    if code == "timeframe":
        if f["start"] and f["end"]:
            return str(_("From %(start)s to %(end)s.")) % f
        if f["start"] or f["end"]:
            return str(_("Only one end of the period is known."))
        return str(_("No start or end date."))
    if code == "objectives":
        return str(_("%(count)d GCM objectives.")) % f
    if code == "contributing_members":
        return str(_("%(contributing)d of %(members)d members commit resources.")) % f
    if code == "knowledge_shared":
        return str(_("%(outputs)d published practices shared as outputs.")) % f
    if code == "whole_of_government":
        return str(_("%(count)d verified government bodies, %(local)d local or regional.")) % f
    texts = {
        "migrants": (
            _("A migrant or diaspora organisation is a member."),
            _("No migrant or diaspora organisation is a member."),
        ),
        "government": (
            _("A verified government body is a member."),
            _("No verified government body is a member."),
        ),
        "financial": (_("Money is committed."), _("No money is committed.")),
        "in_kind": (
            _("An in-kind contribution is committed."),
            _("No in-kind contribution is committed."),
        ),
        "expertise": (_("Expertise is committed."), _("No expertise is committed.")),
    }
    yes, no = texts[code]
    return str(yes if earned else no)


def _labels(vocabulary: str, codes_: list[str]) -> str:
    from migrationhub.taxonomy.selectors import vocabulary_choices

    labels = dict(vocabulary_choices().get(vocabulary, []))
    return ", ".join(labels.get(c, c) for c in codes_)


def scorecard_view(card: scoring.Scorecard) -> dict[str, Any]:
    """The scorecard as pages and the API show it: each dimension with its reasons in words."""
    return {
        "overall": card.overall,
        "dimensions": [
            {
                "name": d.name,
                "title": DIMENSION_TITLES[d.name],
                "question": DIMENSION_QUESTIONS[d.name],
                "score": d.score,
                "reasons": [
                    {
                        "code": r.code,
                        "points": r.points,
                        "max_points": r.max_points,
                        "message": reason_message(r),
                    }
                    for r in d.reasons
                ],
            }
            for d in card.dimensions
        ],
    }


def scorecard_criteria_explained() -> list[dict[str, Any]]:
    """The formula, from `scoring.CRITERIA`, for the "about the scorecard" page."""
    return [
        {
            "name": name,
            "title": DIMENSION_TITLES[name],
            "question": DIMENSION_QUESTIONS[name],
            "criteria": [
                {"code": code, "max_points": points, "rule": CRITERION_RULES[code]}
                for dimension, code, points in scoring.CRITERIA
                if dimension == name
            ],
        }
        for name in scoring.DIMENSIONS
    ]


def practice_choices() -> list[tuple[str, str]]:
    """(slug, title) of the published practices, for linking outputs."""
    from migrationhub.knowledge.selectors import practice_cards

    return list(practice_cards().order_by("title").values_list("slug", "title"))


def invitable_organisations(partnership: Partnership) -> list[tuple[str, str]]:
    """(slug, name) of the organisations that are neither members nor invited."""
    taken = {
        m.organisation.slug
        for m in partnership.members.all()
        if m.status in (Member.ACTIVE, Member.INVITED)
    }
    return [(s, n) for s, n in org_selectors.organisation_choices() if s not in taken]


# --- plain rows for the review (read-side aggregates over the whole registry) ------------------


def partnership_review_facts() -> dict[str, list[tuple[Any, ...]]]:
    """Every partnership and pledge as plain rows for the review (coverage, gaps, network,
    trends, reports), in a fixed number of queries and no model instances, so that the whole
    registry (20k partnerships) reads in well under a second:
    - `partnerships`: `(id, slug, name, status, start_date, end_date, registered_on, as_of,
      light, score, last_reported_on, lead_id, score_breadth, score_focus, score_resources)`;
    - `(partnership id, code)` pairs: `objectives` (from the partnership and its goals),
      `levels`, `countries`; `members`: `(partnership id, organisation id)`, active members only;
    - `pledges`: `(id, slug, title, status, pledged_on, light, lead_id, partnership_id, as_of,
      last_reported_on)`; `pledge_objectives`: `(pledge id, number)`; `pledgers`: `(pledge id,
      organisation id)` active ones;
    - `reports`: `(partnership id or None, pledge id or None, reported_on, goal id or None)`;
    - `goals`: `(partnership id, goal id)`."""
    return {
        "partnerships": [
            (pk, slug, name, status, start, end, created.date(), as_of, light, score, last, *rest)
            for pk, slug, name, status, start, end, created, as_of, light, score, last, *rest in (
                Partnership.objects.values_list(
                    "pk",
                    "slug",
                    "name",
                    "status",
                    "start_date",
                    "end_date",
                    "created_at",
                    "as_of",
                    "light",
                    "score",
                    "last_reported_on",
                    "lead_id",
                    "score_breadth",
                    "score_focus",
                    "score_resources",
                ).iterator(chunk_size=5000)
            )
        ],
        "objectives": list(
            Partnership.objectives.through.objects.values_list(
                "partnership_id", "objective__number"
            ).union(
                Goal.objectives.through.objects.values_list(
                    "goal__partnership_id", "objective__number"
                )
            )
        ),
        "levels": list(
            Partnership.levels.through.objects.values_list("partnership_id", "level__code")
        ),
        "countries": list(
            Partnership.countries.through.objects.values_list("partnership_id", "country__iso3")
        ),
        "members": list(
            Member.objects.filter(status=Member.ACTIVE).values_list(
                "partnership_id", "organisation_id"
            )
        ),
        "pledges": list(
            Pledge.objects.values_list(
                "pk",
                "slug",
                "title",
                "status",
                "pledged_on",
                "light",
                "lead_id",
                "partnership_id",
                "as_of",
                "last_reported_on",
            )
        ),
        "pledge_objectives": list(
            Pledge.objectives.through.objects.values_list("pledge_id", "objective__number")
        ),
        "pledgers": list(
            Pledger.objects.filter(status=Pledger.ACTIVE).values_list(
                "pledge_id", "organisation_id"
            )
        ),
        "reports": list(
            ProgressReport.objects.values_list(
                "partnership_id", "pledge_id", "reported_on", "goal_id"
            )
        ),
        "goals": list(Goal.objects.values_list("partnership_id", "pk")),
    }


def light_on(*, today: dt.date, since: dt.date, last_report: dt.date | None, closed: bool) -> str:
    """The status light a record had on `today` (ADR 0006's rule, `lights.status_light`), for
    the review's trends of inactive records over past years."""
    return lights.status_light(
        today=today, since=since, last_report=last_report, closed=closed
    ).colour


# --- plain rows for the connection hub's matching (track record) ------------------------------


def member_track_rows() -> list[tuple[int, int, str, str, int]]:
    """Every active membership as `(organisation id, partnership id, partnership status,
    light, score)`, one query, no model instances: the hub's track record and load."""
    return list(
        Member.objects.filter(status=Member.ACTIVE).values_list(
            "organisation_id",
            "partnership_id",
            "partnership__status",
            "partnership__light",
            "partnership__score",
        )
    )


def partnership_objective_rows() -> list[tuple[int, int]]:
    """`(partnership id, GCM objective number)` of every partnership, one query."""
    return list(
        Partnership.objectives.through.objects.values_list("partnership_id", "objective__number")
    )


def published_practice_objective_rows() -> list[tuple[int, int]]:
    """`(organisation id, GCM objective number)` for every published practice of the knowledge
    platform, once per practice: the hub's track record (the hub reads knowledge only through
    partnerships, whose outputs are published practices)."""
    from migrationhub.knowledge.selectors import practice_cards

    return [
        (org, number)
        for org, number in practice_cards()
        .prefetch_related(None)
        .order_by()
        .values_list("organisations__id", "objectives__number")
        if org is not None and number is not None
    ]


def published_practice_links(ids: list[int]) -> dict[int, tuple[str, str]]:
    """`{practice id: (slug, title)}` of the published practices among `ids` (the hub's similar
    solutions link to them)."""
    from migrationhub.knowledge.selectors import practice_cards

    return {
        pk: (slug, title)
        for pk, slug, title in practice_cards()
        .prefetch_related(None)
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "slug", "title")
    }


def partnership_links(ids: list[int]) -> dict[int, tuple[str, str]]:
    """`{partnership id: (slug, name)}` of the partnerships among `ids`."""
    return {
        pk: (slug, name)
        for pk, slug, name in Partnership.objects.filter(pk__in=ids).values_list(
            "pk", "slug", "name"
        )
    }


def published_practice_organisation_rows(ids: list[int]) -> list[tuple[int, int]]:
    """`(practice id, organisation id)` for the published practices among `ids` and the
    organisations involved in them (the hub credits an organisation with its practices' likeness
    to a request)."""
    from migrationhub.knowledge.selectors import practice_cards

    return [
        (pk, org)
        for pk, org in practice_cards()
        .prefetch_related(None)
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "organisations__id")
        if org is not None
    ]
