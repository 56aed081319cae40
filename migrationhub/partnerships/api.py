"""Partnerships and pledges over the API: the registry's faceted search, detail with members,
goals and progress, resources, the scorecard with its reasons and the status light; the IATI 2.03
activity files; and token-authenticated writes through the services (registration, invitations
answered by the invited organisation's own admins, goals, progress, commitments, pledges).

Two routers: `router` (mounted at /api/v1/partnerships/) and `pledge_router` (/api/v1/pledges/).
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, token_user
from migrationhub.core.errors import NotFound, ValidationFailed
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import FacetValueOut, SearchMeta, errors, related_keys
from migrationhub.organisations.selectors import organisation_get, organisations_by_slug

from . import exports, lights, permissions, selectors, services
from .models import Commitment, Goal, Member, Partnership, Pledge, ProgressReport

router = Router(tags=["partnerships"])
pledge_router = Router(tags=["pledges"])

DOMAINS = ("partnerships", "organisations", "taxonomy")
XML = "application/xml"
NOT_INACTIVE = (lights.GREEN, lights.AMBER, lights.CLOSED)
NO_COLOUR = "none"  # a light no record has: the filter that matches nothing
CENT = Decimal("0.01")


def _number(value: Decimal | None) -> str | None:
    """An indicator's value as exact decimal text without trailing zeros ("500", "12.5")."""
    return None if value is None else f"{value.normalize():f}"


def _money(value: Decimal | None) -> str | None:
    """An amount as exact decimal text with its cents ("1000.50")."""
    return None if value is None else f"{value.quantize(CENT):f}"


# --- schemas: what is read ---------------------------------------------------------------------


class StatusLightOut(Schema):
    """The status light computed from the reporting dates (`partnerships/lights.py`)."""

    colour: str
    label: str
    inactive: bool
    reference: dt.date | None
    due: dt.date | None
    inactive_on: dt.date | None


def _light_out(light: lights.Light) -> dict[str, Any]:
    return {
        "colour": light.colour,
        "label": str(selectors.LIGHT_LABELS[light.colour]),
        "inactive": light.inactive,
        "reference": light.reference,
        "due": light.due,
        "inactive_on": light.inactive_on,
    }


class PartnershipSummaryOut(Schema):
    """A partnership as lists show it: the stored scorecard and light (refreshed daily)."""

    slug: str
    name: str
    language: str
    status: str
    lead: str
    objectives: list[int]
    levels: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    score: int
    score_breadth: int
    score_focus: int
    score_resources: int
    light: str
    inactive: bool
    last_reported_on: dt.date | None

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id

    @staticmethod
    def resolve_lead(obj: Any) -> Any:
        return obj.lead.slug

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_levels(obj: Any) -> Any:
        return related_keys(obj, "levels", "code")

    @staticmethod
    def resolve_inactive(obj: Any) -> Any:
        return obj.light == lights.RED


class PartnershipHitOut(PartnershipSummaryOut):
    title_html: str
    snippet_html: str


class PartnershipSearchOut(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[PartnershipHitOut]


class MemberOut(Schema):
    organisation: str
    name: str
    stakeholder_type: str
    level: str
    roles: list[str]
    is_lead: bool
    status: str
    source: str

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Any) -> Any:
        return obj.organisation.name

    @staticmethod
    def resolve_stakeholder_type(obj: Any) -> Any:
        return obj.organisation.stakeholder_type.code

    @staticmethod
    def resolve_level(obj: Any) -> Any:
        return obj.organisation.level.code


class ProgressOut(Schema):
    """A progress report; `value` is exact decimal text."""

    id: int
    goal: int | None
    organisation: str
    value: str | None
    reported_on: dt.date
    narrative: str
    evidence_url: str

    @staticmethod
    def resolve_goal(obj: Any) -> Any:
        return obj.goal_id

    @staticmethod
    def resolve_value(obj: Any) -> Any:
        return _number(obj.value)

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug


class GoalOut(Schema):
    """A goal; numbers are exact decimal text. `smart_problems` lists what keeps it from being
    SMART (specific, measurable, relevant, time_bound): empty when it is."""

    id: int
    indicator: str
    unit: str
    baseline: str | None
    target: str | None
    due_date: dt.date | None
    objectives: list[int]
    sdg_targets: list[str]
    smart: bool
    smart_problems: list[str]
    latest_value: str | None
    latest_reported_on: dt.date | None
    reports: list[ProgressOut]


def _goal_row(row: dict[str, Any]) -> dict[str, Any]:
    goal, latest = row["goal"], row["latest"]
    return {
        "id": goal.pk,
        "indicator": goal.indicator,
        "unit": goal.unit,
        "baseline": _number(goal.baseline),
        "target": _number(goal.target),
        "due_date": goal.due_date,
        "objectives": related_keys(goal, "objectives", "number"),
        "sdg_targets": related_keys(goal, "sdg_targets", "code"),
        "smart": not row["smart_problems"],
        "smart_problems": row["smart_problems"],
        "latest_value": _number(latest.value) if latest else None,
        "latest_reported_on": latest.reported_on if latest else None,
        "reports": row["reports"],
    }


class CommitmentOut(Schema):
    """A resource committed; `amount` is exact decimal text, in `currency` (ISO 4217)."""

    id: int
    organisation: str
    kind: str
    description: str
    amount: str | None
    currency: str
    period_start: dt.date | None
    period_end: dt.date | None

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug

    @staticmethod
    def resolve_amount(obj: Any) -> Any:
        return _money(obj.amount)


class OutputOut(Schema):
    practice: str
    title: str


class ReasonOut(Schema):
    code: str
    points: int
    max_points: int
    message: str


class DimensionOut(Schema):
    name: str
    title: str
    question: str
    score: int
    reasons: list[ReasonOut]


class ScorecardOut(Schema):
    """Seed 003 §4's three questions, each 0-100 from the data, with the reasons for every
    point (the formula: `partnerships/scoring.py`, and the "about the scorecard" page)."""

    overall: int
    dimensions: list[DimensionOut]


class PartnershipTranslationOut(Schema):
    language: str
    name: str
    purpose: str

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id


class PartnershipOut(PartnershipSummaryOut):
    """A partnership with everything the registry knows of it. `light`, `inactive`,
    `status_light` and `scorecard` are computed afresh from the data."""

    purpose: str
    names: dict[str, str]
    principles: list[str]
    areas: list[str]
    countries: list[str]
    sdg_targets: list[str]
    website: str
    provenance: list[dict[str, Any]]
    iati_identifier: str
    registered_on: dt.date | None
    status_light: StatusLightOut
    members: list[MemberOut]
    goals: list[GoalOut]
    commitments: list[CommitmentOut]
    outputs: list[OutputOut]
    pledges: list[str]
    scorecard: ScorecardOut
    translations: list[PartnershipTranslationOut]

    @staticmethod
    def resolve_light(obj: Any) -> Any:
        return selectors.partnership_light(obj).colour

    @staticmethod
    def resolve_inactive(obj: Any) -> Any:
        return selectors.partnership_light(obj).inactive

    @staticmethod
    def resolve_status_light(obj: Any) -> Any:
        return _light_out(selectors.partnership_light(obj))

    @staticmethod
    def resolve_names(obj: Any) -> Any:
        return selectors.partnership_names(obj)

    @staticmethod
    def resolve_principles(obj: Any) -> Any:
        return related_keys(obj, "principles", "code")

    @staticmethod
    def resolve_areas(obj: Any) -> Any:
        return related_keys(obj, "areas", "code")

    @staticmethod
    def resolve_countries(obj: Any) -> Any:
        return related_keys(obj, "countries", "iso3")

    @staticmethod
    def resolve_sdg_targets(obj: Any) -> Any:
        return related_keys(obj, "sdg_targets", "code")

    @staticmethod
    def resolve_iati_identifier(obj: Any) -> Any:
        return exports.iati_identifier(obj)

    @staticmethod
    def resolve_members(obj: Any) -> Any:
        return selectors.active_members(obj)

    @staticmethod
    def resolve_goals(obj: Any) -> Any:
        return [_goal_row(row) for row in selectors.goal_progress(obj)]

    @staticmethod
    def resolve_outputs(obj: Any) -> Any:
        return [{"practice": o.practice.slug, "title": o.practice.title} for o in obj.outputs.all()]

    @staticmethod
    def resolve_pledges(obj: Any) -> Any:
        return related_keys(obj, "pledges", "slug")

    @staticmethod
    def resolve_scorecard(obj: Any) -> Any:
        view = selectors.scorecard_view(selectors.partnership_scorecard(obj))
        for dimension in view["dimensions"]:
            dimension["title"], dimension["question"] = (
                str(dimension["title"]),
                str(dimension["question"]),
            )
        return view

    @staticmethod
    def resolve_translations(obj: Any) -> Any:
        return selectors.public_translations(obj)


class PartnershipFilters(Schema):
    q: str | None = None
    objective: list[str] = []
    status: list[str] = []
    light: list[str] = []
    inactive: bool | None = None
    score: list[str] = []
    level: list[str] = []
    region: list[str] = []
    country: list[str] = []
    stakeholder_type: list[str] = []
    area: list[str] = []
    sdg_target: list[str] = []
    sort: Literal["relevance", "score"] = "relevance"
    page: int = 1
    page_size: int = 20


# --- schemas: what is written ----------------------------------------------------------------


class PartnershipCreateIn(Schema):
    lead: str
    roles: list[str] = ["accountable"]
    name: str
    purpose: str
    language: str = "en"
    status: str = Partnership.ACTIVE
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    objectives: list[int] = []
    principles: list[str] = []
    areas: list[str] = []
    countries: list[str] = []
    levels: list[str] = []
    sdg_targets: list[str] = []
    website: str = ""


class PartnershipUpdateIn(Schema):
    name: str | None = None
    purpose: str | None = None
    language: str | None = None
    status: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    objectives: list[int] | None = None
    principles: list[str] | None = None
    areas: list[str] | None = None
    countries: list[str] | None = None
    levels: list[str] | None = None
    sdg_targets: list[str] | None = None
    website: str | None = None


NULLABLE = {"start_date", "end_date"}


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The schema's values that are partnership fields (not the lead, not its roles); a null for
    a field that cannot be empty leaves it as it is."""
    names = services.PartnershipFields.__dataclass_fields__
    return {k: v for k, v in data.items() if k in names and (v is not None or k in NULLABLE)}


class MemberInviteIn(Schema):
    organisation: str
    roles: list[str]
    message: str = ""


class MemberAcceptIn(Schema):
    roles: list[str] | None = None


class MemberRolesIn(Schema):
    roles: list[str]


class ReasonIn(Schema):
    reason: str = ""


class OutputIn(Schema):
    practice: str


class InvitationOut(Schema):
    """An open invitation to an organisation you administer: to join a partnership (`kind`
    "member", `target` its slug) or to co-sign a pledge (`kind` "pledger")."""

    kind: str
    target: str
    title: str
    organisation: str
    invited_at: dt.datetime


class GoalIn(Schema):
    indicator: str
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    due_date: dt.date | None = None
    objectives: list[int] = []
    sdg_targets: list[str] = []


class ProgressIn(Schema):
    organisation: str
    value: Decimal
    reported_on: dt.date
    narrative: str = ""
    evidence_url: str = ""


class CommitmentIn(Schema):
    organisation: str
    kind: str
    description: str = ""
    amount: Decimal | None = None
    currency: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None


# --- helpers -----------------------------------------------------------------------------------


def _partnership(slug: str) -> Partnership:
    return permissions.partnership_for(selectors.partnership_get(slug))


def _organisation(slug: str, field: str = "organisation") -> Any:
    """The organisation a request body names, or a 422 on that field."""
    organisation = organisation_get(slug)
    if organisation is None:
        raise ValidationFailed(
            _("No such organisation."), fields={field: [_("unknown: %(codes)s") % {"codes": slug}]}
        )
    return organisation


def _member(partnership: Partnership, organisation: str) -> Member:
    member = selectors.member_by_organisation(partnership, organisation)
    if member is None:
        raise NotFound(_("This organisation is not a member of the partnership, nor invited."))
    return member


def _goal(partnership: Partnership, goal_id: int) -> Goal:
    goal = selectors.goal_get(partnership, goal_id)
    if goal is None:
        raise NotFound(_("No such goal in this partnership."))
    return goal


def _light_filter(light: list[str], inactive: bool | None) -> list[str]:
    """`inactive=true` is `light=red`, `inactive=false` every other colour; with `light` too, both
    hold (AND): the colours in both, or none."""
    if inactive is None:
        return light
    allowed = [lights.RED] if inactive else list(NOT_INACTIVE)
    if not light:
        return allowed
    return [v for v in light if v in allowed] or [NO_COLOUR]


def _xml(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{XML}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _xml_response(description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {"description": description, "content": {XML: {"schema": {"type": "string"}}}}
        }
    }


# --- partnerships: reads -----------------------------------------------------------------------


@router.get(
    "/",
    response={200: PartnershipSearchOut, **errors(422)},
    summary="Search the registry of partnerships, with facets",
    operation_id="partnership_list",
)
@decorate_view(cached_api(*DOMAINS))
def partnership_list(request: HttpRequest, filters: Query[PartnershipFilters]) -> dict[str, Any]:
    """Ranked full-text search over every partnership (name, purpose, members, goals,
    countries); filters combine as AND across facets and OR within one; facet counts cover every
    match. `light` is the status light (green, amber, red, closed) and `inactive=true` the red
    ones (no progress report for 24 months); `score` a scorecard band ("90" is 90-100, "80"
    80-89 …). `sort=score` lists the best scorecards first; without `q`, the newest first."""
    data = filters.dict()
    data["light"] = _light_filter(filters.light, filters.inactive)
    result = selectors.partnership_search(
        filters.q,
        selectors.PARTNERSHIP_SEARCH.filters_from(data),
        page=filters.page,
        page_size=filters.page_size,
        sort=filters.sort,
    )
    items = []
    for item in result.page.items:
        partnership = item.object
        partnership.title_html, partnership.snippet_html = item.title_html, item.snippet_html
        items.append(partnership)
    return {"meta": result.meta(), "facets": result.facet_counts(), "items": items}


@router.get(
    "/iati.xml",
    response=errors(422),
    summary="The whole registry as one IATI 2.03 iati-activities file",
    operation_id="partnership_registry_iati",
    openapi_extra=_xml_response("iati-activities (IATI Activity Standard 2.03)"),
)
@decorate_view(cached_api(*DOMAINS))
def partnership_registry_iati(request: HttpRequest) -> HttpResponse:
    """Every partnership as an `iati-activity` (participating organisations with their roles,
    GCM objectives and SDG targets as tags, recipient countries, budgets and planned
    disbursements from the financial commitments, results from goals and progress)."""
    document = exports.iati_document(selectors.partnership_list())
    return _xml(document, "migrationhub-partnerships.iati.xml")


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **errors(401)},
    auth=TokenAuth(),
    summary="Open invitations to the organisations you administer: to join partnerships and to co-sign pledges",
    operation_id="partnership_invitations",
)
def invitations(request: HttpRequest) -> list[dict[str, Any]]:
    found = selectors.invitations_for(token_user(request))
    return [
        *(
            {
                "kind": "member",
                "target": m.partnership.slug,
                "title": m.partnership.name,
                "organisation": m.organisation.slug,
                "invited_at": m.created_at,
            }
            for m in found["members"]
        ),
        *(
            {
                "kind": "pledger",
                "target": p.pledge.slug,
                "title": p.pledge.title,
                "organisation": p.organisation.slug,
                "invited_at": p.created_at,
            }
            for p in found["pledgers"]
        ),
    ]


@router.get(
    "/{slug}",
    response={200: PartnershipOut, **errors(404, 422)},
    summary="One partnership: members, goals and progress, resources, scorecard, status light",
    operation_id="partnership_detail",
)
@decorate_view(cached_api(*DOMAINS, "practices"))
def partnership_detail(request: HttpRequest, slug: str) -> Partnership:
    return _partnership(slug)


@router.get(
    "/{slug}/iati.xml",
    response=errors(404, 422),
    summary="One partnership as an IATI 2.03 activity",
    operation_id="partnership_iati",
    openapi_extra=_xml_response("iati-activities holding the partnership's iati-activity"),
)
@decorate_view(cached_api(*DOMAINS))
def partnership_iati(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(slug)
    return _xml(exports.iati_document([partnership]), f"{partnership.slug}.iati.xml")


# --- partnerships: writes ----------------------------------------------------------------------


@router.post(
    "/",
    response={201: PartnershipOut, **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Register a partnership led by your organisation (its admins; verified leads)",
    operation_id="partnership_create",
)
def partnership_create(request: HttpRequest, payload: PartnershipCreateIn) -> Status[Any]:
    partnership = services.partnership_create(
        actor=token_user(request),
        lead=_organisation(payload.lead, "lead"),
        fields=services.PartnershipFields(**_fields(payload.dict())),
        roles=payload.roles,
    )
    return Status(201, selectors.partnership_get(partnership.slug))


@router.patch(
    "/{slug}",
    response={200: PartnershipOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Edit a partnership (the lead organisation's admins)",
    operation_id="partnership_update",
)
def partnership_update(
    request: HttpRequest, slug: str, payload: PartnershipUpdateIn
) -> Partnership | None:
    partnership = _partnership(slug)
    changes = _fields(payload.dict(exclude_unset=True))
    services.partnership_update(
        actor=token_user(request),
        partnership=partnership,
        fields=replace(services.PartnershipFields.of(partnership), **changes),
    )
    return selectors.partnership_get(slug)


@router.post(
    "/{slug}/members",
    response={201: MemberOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Invite an organisation, proposing its roles (the partnership's admins)",
    operation_id="partnership_member_invite",
)
def member_invite(request: HttpRequest, slug: str, payload: MemberInviteIn) -> Status[Any]:
    """The invited organisation is not a member until one of its own admins accepts."""
    member = services.member_invite(
        actor=token_user(request),
        partnership=_partnership(slug),
        organisation=_organisation(payload.organisation),
        roles=payload.roles,
        message=payload.message,
    )
    return Status(201, member)


@router.post(
    "/{slug}/members/{organisation}/accept",
    response={200: MemberOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Accept an invitation, with the proposed roles or others (the invited organisation's own admins)",
    operation_id="partnership_member_accept",
)
def member_accept(
    request: HttpRequest, slug: str, organisation: str, payload: MemberAcceptIn
) -> Member:
    return services.member_accept(
        actor=token_user(request),
        member=_member(_partnership(slug), organisation),
        roles=payload.roles,
    )


@router.post(
    "/{slug}/members/{organisation}/decline",
    response={200: MemberOut, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="Decline an invitation (the invited organisation's own admins)",
    operation_id="partnership_member_decline",
)
def member_decline(request: HttpRequest, slug: str, organisation: str) -> Member:
    return services.member_decline(
        actor=token_user(request), member=_member(_partnership(slug), organisation)
    )


@router.post(
    "/{slug}/goals",
    response={201: GoalOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Add a goal with its indicator (the partnership's admins)",
    operation_id="partnership_goal_add",
)
def goal_add(request: HttpRequest, slug: str, payload: GoalIn) -> Status[Any]:
    goal = services.goal_add(
        actor=token_user(request),
        partnership=_partnership(slug),
        fields=services.GoalFields(**payload.dict()),
    )
    partnership = _partnership(slug)
    row = next(r for r in selectors.goal_progress(partnership) if r["goal"].pk == goal.pk)
    return Status(201, _goal_row(row))


@router.post(
    "/{slug}/goals/{goal_id}/progress",
    response={201: ProgressOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Report the value of a goal's indicator on a date (people of an active member, in its name)",
    operation_id="partnership_progress_report",
)
def progress_report(
    request: HttpRequest, slug: str, goal_id: int, payload: ProgressIn
) -> Status[Any]:
    partnership = _partnership(slug)
    report: ProgressReport = services.progress_report(
        actor=token_user(request),
        goal=_goal(partnership, goal_id),
        organisation=_organisation(payload.organisation),
        fields=services.ProgressFields(
            reported_on=payload.reported_on,
            value=payload.value,
            narrative=payload.narrative,
            evidence_url=payload.evidence_url,
        ),
    )
    return Status(201, report)


@router.post(
    "/{slug}/commitments",
    response={201: CommitmentOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Commit money, in-kind resources or expertise (a member's own admins)",
    operation_id="partnership_commitment_add",
)
def commitment_add(request: HttpRequest, slug: str, payload: CommitmentIn) -> Status[Any]:
    data = payload.dict()
    commitment: Commitment = services.commitment_add(
        actor=token_user(request),
        partnership=_partnership(slug),
        organisation=_organisation(data.pop("organisation")),
        fields=services.CommitmentFields(**data),
    )
    return Status(201, commitment)


@router.put(
    "/{slug}/members/{organisation}/roles",
    response={200: MemberOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Set a member's roles: its own to choose (the member organisation's own admins)",
    operation_id="partnership_member_roles",
)
def member_roles(
    request: HttpRequest, slug: str, organisation: str, payload: MemberRolesIn
) -> Member:
    return services.member_roles_set(
        actor=token_user(request),
        member=_member(_partnership(slug), organisation),
        roles=payload.roles,
    )


@router.post(
    "/{slug}/members/{organisation}/leave",
    response={200: MemberOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Leave a partnership, with a reason (the member's own admins), or end a membership (the partnership's admins); the lead cannot leave",
    operation_id="partnership_member_leave",
)
def member_leave(request: HttpRequest, slug: str, organisation: str, payload: ReasonIn) -> Member:
    return services.member_leave(
        actor=token_user(request),
        member=_member(_partnership(slug), organisation),
        reason=payload.reason,
    )


@router.post(
    "/{slug}/outputs",
    response={201: OutputOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Link a published practice as an output (the partnership's admins)",
    operation_id="partnership_output_add",
)
def output_add(request: HttpRequest, slug: str, payload: OutputIn) -> Status[Any]:
    output = services.output_add(
        actor=token_user(request), partnership=_partnership(slug), practice_slug=payload.practice
    )
    return Status(201, {"practice": output.practice.slug, "title": output.practice.title})


@router.delete(
    "/{slug}/outputs/{practice}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="Remove an output (the partnership's admins)",
    operation_id="partnership_output_remove",
)
def output_remove(request: HttpRequest, slug: str, practice: str) -> Status[None]:
    partnership = _partnership(slug)
    output = next((o for o in partnership.outputs.all() if o.practice.slug == practice), None)
    if output is None:
        raise NotFound(_("This practice is not an output of the partnership."))
    services.output_remove(actor=token_user(request), output=output)
    return Status(204, None)


# --- pledges -----------------------------------------------------------------------------------


class PledgerOut(Schema):
    organisation: str
    name: str
    status: str

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Any) -> Any:
        return obj.organisation.name


class PledgeSummaryOut(Schema):
    slug: str
    title: str
    kind: str
    status: str
    amount: str | None
    currency: str
    due_date: dt.date | None
    pledged_on: dt.date
    lead: str
    partnership: str | None
    joint: bool
    light: str
    inactive: bool
    last_reported_on: dt.date | None

    @staticmethod
    def resolve_amount(obj: Any) -> Any:
        return _money(obj.amount)

    @staticmethod
    def resolve_lead(obj: Any) -> Any:
        return obj.lead.slug

    @staticmethod
    def resolve_partnership(obj: Any) -> Any:
        return obj.partnership.slug if obj.partnership else None

    @staticmethod
    def resolve_joint(obj: Any) -> Any:
        return selectors.is_joint(obj)

    @staticmethod
    def resolve_inactive(obj: Any) -> Any:
        return obj.light == lights.RED


class PledgeHitOut(PledgeSummaryOut):
    title_html: str
    snippet_html: str


class PledgeSearchOut(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[PledgeHitOut]


class PledgeOut(PledgeSummaryOut):
    """A pledge, its pledging organisations (active: joint when more than one; invited ones are
    not shown), the pledge it matches and those matching it, and its reports."""

    narrative: str
    objectives: list[int]
    pledgers: list[PledgerOut]
    matches: str | None
    matched_by: list[str]
    provenance: list[dict[str, Any]]
    status_light: StatusLightOut
    reports: list[ProgressOut]

    @staticmethod
    def resolve_light(obj: Any) -> Any:
        return selectors.pledge_light(obj).colour

    @staticmethod
    def resolve_inactive(obj: Any) -> Any:
        return selectors.pledge_light(obj).inactive

    @staticmethod
    def resolve_status_light(obj: Any) -> Any:
        return _light_out(selectors.pledge_light(obj))

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_pledgers(obj: Any) -> Any:
        return selectors.active_pledgers(obj)

    @staticmethod
    def resolve_matches(obj: Any) -> Any:
        return obj.matches.slug if obj.matches else None

    @staticmethod
    def resolve_matched_by(obj: Any) -> Any:
        return related_keys(obj, "matched_by", "slug")

    @staticmethod
    def resolve_reports(obj: Any) -> Any:
        return list(obj.reports.all())


class PledgeFilters(Schema):
    q: str | None = None
    type: list[str] = []
    status: list[str] = []
    light: list[str] = []
    inactive: bool | None = None
    joint: list[str] = []
    objective: list[str] = []
    page: int = 1
    page_size: int = 20


class PledgeCreateIn(Schema):
    lead: str
    co_pledgers: list[str] = []
    title: str
    narrative: str
    kind: str
    amount: Decimal | None = None
    currency: str = ""
    due_date: dt.date | None = None
    pledged_on: dt.date | None = None
    partnership: str = ""
    matches: str = ""
    objectives: list[int] = []


@pledge_router.get(
    "/",
    response={200: PledgeSearchOut, **errors(422)},
    summary="Search pledges, with facets",
    operation_id="pledge_list",
)
@decorate_view(cached_api(*DOMAINS))
def pledge_list(request: HttpRequest, filters: Query[PledgeFilters]) -> dict[str, Any]:
    """Pledges (the IMRF pledging model) by text and facets: `type` (financial, technical,
    human_resources, policy, process), `status`, `light` or `inactive`, `joint` (yes, no),
    `objective`."""
    data = filters.dict()
    data["light"] = _light_filter(filters.light, filters.inactive)
    result = selectors.pledge_search(
        filters.q,
        selectors.PLEDGE_SEARCH.filters_from(data),
        page=filters.page,
        page_size=filters.page_size,
    )
    items = []
    for item in result.page.items:
        pledge = item.object
        pledge.title_html, pledge.snippet_html = item.title_html, item.snippet_html
        items.append(pledge)
    return {"meta": result.meta(), "facets": result.facet_counts(), "items": items}


@pledge_router.get(
    "/{slug}",
    response={200: PledgeOut, **errors(404, 422)},
    summary="One pledge: who pledges, what, its reports and status light",
    operation_id="pledge_detail",
)
@decorate_view(cached_api(*DOMAINS))
def pledge_detail(request: HttpRequest, slug: str) -> Pledge:
    return permissions.pledge_for(selectors.pledge_get(slug))


def _pledge(slug: str) -> Pledge:
    return permissions.pledge_for(selectors.pledge_get(slug))


def _pledger(pledge: Pledge, organisation: str) -> Any:
    pledger = next((p for p in pledge.pledgers.all() if p.organisation.slug == organisation), None)
    if pledger is None:
        raise NotFound(_("This organisation neither makes this pledge nor is invited to."))
    return pledger


@pledge_router.post(
    "/{slug}/pledgers/{organisation}/accept",
    response={200: PledgerOut, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="Co-sign a pledge you were invited to (the invited organisation's own admins)",
    operation_id="pledge_pledger_accept",
)
def pledger_accept(request: HttpRequest, slug: str, organisation: str) -> Any:
    return services.pledger_accept(
        actor=token_user(request), pledger=_pledger(_pledge(slug), organisation)
    )


@pledge_router.post(
    "/{slug}/pledgers/{organisation}/decline",
    response={200: PledgerOut, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="Decline to co-sign a pledge (the invited organisation's own admins)",
    operation_id="pledge_pledger_decline",
)
def pledger_decline(request: HttpRequest, slug: str, organisation: str) -> Any:
    return services.pledger_decline(
        actor=token_user(request), pledger=_pledger(_pledge(slug), organisation)
    )


class PledgeStatusIn(Schema):
    status: Literal["open", "fulfilled", "withdrawn"]
    reason: str = ""


@pledge_router.post(
    "/{slug}/status",
    response={200: PledgeOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Mark a pledge fulfilled or withdrawn, or open again, with a reason (its lead's admins)",
    operation_id="pledge_status",
)
def pledge_status(request: HttpRequest, slug: str, payload: PledgeStatusIn) -> Pledge | None:
    services.pledge_status_set(
        actor=token_user(request),
        pledge=_pledge(slug),
        status=payload.status,
        reason=payload.reason,
    )
    return selectors.pledge_get(slug)


class PledgeReportIn(Schema):
    organisation: str
    reported_on: dt.date
    narrative: str
    value: Decimal | None = None
    evidence_url: str = ""


@pledge_router.post(
    "/{slug}/reports",
    response={201: ProgressOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Report what was done on a pledge (people of a pledging organisation, in its name)",
    operation_id="pledge_report",
)
def pledge_report(request: HttpRequest, slug: str, payload: PledgeReportIn) -> Status[Any]:
    report = services.pledge_report(
        actor=token_user(request),
        pledge=_pledge(slug),
        organisation=_organisation(payload.organisation),
        fields=services.ProgressFields(
            reported_on=payload.reported_on,
            value=payload.value,
            narrative=payload.narrative,
            evidence_url=payload.evidence_url,
        ),
    )
    return Status(201, report)


@pledge_router.post(
    "/",
    response={201: PledgeOut, **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Make a pledge for your organisation; co-pledgers are invited (its admins; verified organisations)",
    operation_id="pledge_create",
)
def pledge_create(request: HttpRequest, payload: PledgeCreateIn) -> Status[Any]:
    data = payload.dict()
    lead = _organisation(data.pop("lead"), "lead")
    wanted = list(dict.fromkeys(data.pop("co_pledgers")))
    co_pledgers = list(organisations_by_slug(wanted))
    unknown = sorted(set(wanted) - {o.slug for o in co_pledgers})
    if unknown:
        raise ValidationFailed(
            _("No such organisation."),
            fields={"co_pledgers": [_("unknown: %(codes)s") % {"codes": ", ".join(unknown)}]},
        )
    pledge = services.pledge_create(
        actor=token_user(request),
        lead=lead,
        fields=services.PledgeFields(**data),
        co_pledgers=co_pledgers,
    )
    return Status(201, selectors.pledge_get(pledge.slug))
