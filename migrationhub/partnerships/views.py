"""Partnership and pledge pages: the registry's search, detail with scorecard and status light,
registration and editing, members by invitation, goals, resources, outputs, progress, history,
translations, pledges, and the page that explains the scorecard. Views parse, call one service or
selector, and render; service errors come back as form errors or messages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrationhub.core.errors import ApplicationError
from migrationhub.core.forms import act_and_redirect as _act
from migrationhub.core.forms import add_service_errors
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, querystring_without_page
from migrationhub.organisations.selectors import (
    organisation_choices,
    organisation_get,
    organisations_of,
)

from . import permissions, selectors, services
from .forms import (
    AnswerForm,
    CommitmentForm,
    GoalForm,
    InviteForm,
    OutputForm,
    PartnershipForm,
    PledgeForm,
    PledgeInviteForm,
    PledgeStatusForm,
    ProgressForm,
    RolesForm,
    TranslationForm,
)
from .models import Partnership, Pledge

PAGE_SIZE = 20
DOMAINS = ("partnerships", "organisations", "taxonomy")


def _get(slug: str) -> Partnership:
    partnership = selectors.partnership_get(slug)
    if partnership is None:
        raise Http404(_("No such partnership."))
    return partnership


def _get_pledge(slug: str) -> Pledge:
    pledge = selectors.pledge_get(slug)
    if pledge is None:
        raise Http404(_("No such pledge."))
    return pledge


def _lead_choices(user: Any) -> list[Any]:
    """The organisations `user` may register a partnership or make a pledge for."""
    return [o for o in organisations_of(user) if o.pk in selectors.admin_organisation_ids(user)]


def _organisation(slug: str) -> Any:
    organisation = organisation_get(slug)
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


# --- the registry ---------------------------------------------------------------------------


@cached_page(*DOMAINS, vary=("HX-Request", "HX-Boosted", "HX-History-Restore-Request"))
def partnership_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else "relevance"
    result = selectors.partnership_search(
        request.GET.get("q"),
        selectors.PARTNERSHIP_SEARCH.filters_from(request.GET),
        page=page_number(request.GET),
        page_size=PAGE_SIZE,
        sort=sort,
    )
    context = {
        "result": result,
        "sort": sort,
        "querystring": querystring_without_page(request.GET),
        "today": timezone.localdate(),
    }
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "partnerships/_search.html" if partial else "partnerships/partnership_list.html"
    return render(request, template, context)


@cached_page("partnerships")
def scorecard_about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnerships/scorecard_about.html",
        {"criteria": selectors.scorecard_criteria_explained()},
    )


@cached_page(*DOMAINS, "practices")
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    user = request.user
    is_admin = permissions.is_partnership_admin(user, p)
    own = selectors.admin_organisation_ids(user)
    reporters = permissions.reporting_organisation_ids(user, p)
    members = selectors.active_members(p)
    lang = request.GET.get("lang")
    translations = selectors.public_translations(p)
    context: dict[str, Any] = {
        "partnership": p,
        "translation": next((t for t in translations if t.language_id == lang), None),
        "translations": translations,
        "scorecard": selectors.scorecard_view(selectors.partnership_scorecard(p)),
        "light": selectors.partnership_light(p),
        "members": members,
        "pending": selectors.pending_members(p) if is_admin else [],
        "goals": selectors.goal_progress(p),
        "commitments": list(p.commitments.all()),
        "outputs": list(p.outputs.all()),
        "pledges": list(p.pledges.all()),
        "is_admin": is_admin,
        "own_member_ids": {m.pk for m in members if m.organisation_id in own},
        "can_report": bool(reporters),
        "can_commit": any(m.organisation_id in own for m in members),
        "roles_form": RolesForm(),
    }
    if is_admin:
        context["invite_form"] = InviteForm(organisations=selectors.invitable_organisations(p))
        context["output_form"] = OutputForm(practices=selectors.practice_choices())
        context["translation_form"] = TranslationForm()
    return render(request, "partnerships/partnership_detail.html", context)


@cached_page(*DOMAINS)
def partnership_history(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    return render(
        request,
        "partnerships/partnership_history.html",
        {
            "partnership": p,
            "events": selectors.partnership_history(
                p, public=not permissions.is_partnership_admin(request.user, p)
            )[:200],
            "versions": selectors.partnership_versions(p),
        },
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    leads = _lead_choices(request.user)
    if not leads:
        messages.info(
            request,
            _(
                "Register your organisation (or ask its admins to make you one) to register a partnership."
            ),
        )
        return redirect("organisations:list")
    form = PartnershipForm(
        request.POST or None,
        lead_organisations=leads,
        initial={"language": "en", "status": Partnership.ACTIVE, "lead_roles": ["accountable"]},
    )
    if request.method == "POST" and form.is_valid():
        lead = next(o for o in leads if o.slug == form.cleaned_data["lead"])
        try:
            p = services.partnership_create(
                actor=request.user,
                lead=lead,
                fields=form.fields_value(),
                roles=form.cleaned_data["lead_roles"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Partnership registered. Invite its members next."))
            return redirect("partnerships:detail", slug=p.slug)
    return render(
        request,
        "partnerships/form_page.html",
        {"form": form, "title": _("Register a partnership"), "submit": _("Register")},
    )


@login_required
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    if not permissions.is_partnership_admin(request.user, p):
        raise Http404
    form = PartnershipForm(
        request.POST or None,
        lead_organisations=[p.lead],
        initial={
            **PartnershipForm.initial_from(services.PartnershipFields.of(p)),
            "lead": p.lead.slug,
        },
    )
    for name in ("lead", "lead_roles"):
        form.fields[name].disabled = True
        form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                actor=request.user, partnership=p, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("partnerships:detail", slug=p.slug)
    return render(
        request,
        "partnerships/form_page.html",
        {"form": form, "title": _("Edit the partnership"), "submit": _("Save"), "partnership": p},
    )


@login_required
@require_POST
def partnership_translate(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    form = TranslationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A translation needs a language and a name."))
        return redirect("partnerships:detail", slug=slug)
    d = form.cleaned_data
    return _act(
        request,
        lambda: services.translation_upsert(
            actor=request.user,
            partnership=p,
            language=d["language"],
            name=d["name"],
            purpose=d["purpose"],
        ),
        _("Translation saved."),
        "partnerships:detail",
        slug=slug,
    )


# --- members ----------------------------------------------------------------------------------


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    form = InviteForm(request.POST, organisations=organisation_choices())
    if not form.is_valid():
        messages.error(request, _("Choose an organisation and at least one role."))
        return redirect("partnerships:detail", slug=slug)
    organisation = _organisation(form.cleaned_data["organisation"])
    return _act(
        request,
        lambda: services.member_invite(
            actor=request.user,
            partnership=p,
            organisation=organisation,
            roles=form.cleaned_data["roles"],
            message=form.cleaned_data["message"],
        ),
        _("Invitation sent: its administrators decide."),
        "partnerships:detail",
        slug=slug,
    )


def _member(p: Partnership, pk: int) -> Any:
    member = selectors.member_get(p, pk)
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def member_roles(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    member = _member(p, pk)
    form = RolesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose at least one role."))
        return redirect("partnerships:detail", slug=slug)
    return _act(
        request,
        lambda: services.member_roles_set(
            actor=request.user, member=member, roles=form.cleaned_data["roles"]
        ),
        _("Roles saved."),
        "partnerships:detail",
        slug=slug,
    )


@login_required
@require_POST
def member_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    member = _member(p, pk)
    return _act(
        request,
        lambda: services.member_leave(actor=request.user, member=member),
        _("The organisation is no longer a member."),
        "partnerships:detail",
        slug=slug,
    )


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    found = selectors.invitations_for(request.user)
    return render(
        request,
        "partnerships/invitations.html",
        {
            "members": found["members"],
            "pledgers": found["pledgers"],
            "partnerships": selectors.partnerships_of_user(request.user),
            "pledges": selectors.pledges_of_user(request.user),
            "form": AnswerForm(),
        },
    )


@login_required
@require_POST
def member_answer(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_invitation_get(pk)
    form = AnswerForm(request.POST)
    if member is None or not form.is_valid():
        raise Http404
    if form.cleaned_data["decision"] == "accept":
        roles = request.POST.getlist("roles") or None
        return _act(
            request,
            lambda: services.member_accept(actor=request.user, member=member, roles=roles),
            _("Accepted: your organisation is a member of the partnership."),
            "partnerships:invitations",
        )
    return _act(
        request,
        lambda: services.member_decline(actor=request.user, member=member),
        _("Declined."),
        "partnerships:invitations",
    )


@login_required
@require_POST
def pledger_answer(request: HttpRequest, pk: int) -> HttpResponse:
    pledger = selectors.pledger_invitation_get(pk)
    form = AnswerForm(request.POST)
    if pledger is None or not form.is_valid():
        raise Http404
    accept = form.cleaned_data["decision"] == "accept"
    return _act(
        request,
        lambda: (services.pledger_accept if accept else services.pledger_decline)(
            actor=request.user, pledger=pledger
        ),
        _("Accepted: your organisation makes this pledge jointly.") if accept else _("Declined."),
        "partnerships:invitations",
    )


# --- goals, resources, outputs, progress ---------------------------------------------------------


def _form_page(request: HttpRequest, form: Any, title: str, submit: str, p: Any) -> HttpResponse:
    return render(
        request,
        "partnerships/form_page.html",
        {"form": form, "title": title, "submit": submit, "partnership": p},
    )


@login_required
def goal_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    if not permissions.is_partnership_admin(request.user, p):
        raise Http404
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(actor=request.user, partnership=p, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect("partnerships:detail", slug=slug)
    return _form_page(request, form, _("Add a goal"), _("Add the goal"), p)


@login_required
def goal_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    goal = selectors.goal_get(p, pk)
    if goal is None or not permissions.is_partnership_admin(request.user, p):
        raise Http404
    form = GoalForm(request.POST or None, initial=GoalForm.initial_from(goal))
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(actor=request.user, goal=goal, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("partnerships:detail", slug=slug)
    return _form_page(request, form, _("Edit the goal"), _("Save"), p)


@login_required
@require_POST
def goal_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    goal = selectors.goal_get(p, pk)
    if goal is None:
        raise Http404
    return _act(
        request,
        lambda: services.goal_remove(actor=request.user, goal=goal),
        _("Goal removed."),
        "partnerships:detail",
        slug=slug,
    )


@login_required
def progress_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    goal = selectors.goal_get(p, pk)
    ids = permissions.reporting_organisation_ids(request.user, p)
    if goal is None or not ids:
        raise Http404
    organisations = [
        m.organisation for m in selectors.active_members(p) if m.organisation_id in ids
    ]
    form = ProgressForm(
        request.POST or None,
        organisations=organisations,
        initial={"reported_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if o.slug == form.cleaned_data["organisation"])
        try:
            services.progress_report(
                actor=request.user, goal=goal, organisation=organisation, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Progress reported. Thank you."))
            return redirect("partnerships:detail", slug=slug)
    return render(
        request,
        "partnerships/form_page.html",
        {
            "form": form,
            "title": _("Report progress"),
            "subtitle": goal.indicator,
            "submit": _("Report"),
            "partnership": p,
        },
    )


@login_required
def commitment_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    own = selectors.admin_organisation_ids(request.user)
    organisations = [
        m.organisation for m in selectors.active_members(p) if m.organisation_id in own
    ]
    if not organisations:
        raise Http404
    form = CommitmentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if o.slug == form.cleaned_data["organisation"])
        try:
            services.commitment_add(
                actor=request.user,
                partnership=p,
                organisation=organisation,
                fields=form.fields_value(),
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Commitment recorded."))
            return redirect("partnerships:detail", slug=slug)
    return _form_page(request, form, _("Commit resources"), _("Commit"), p)


@login_required
@require_POST
def commitment_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    commitment = selectors.commitment_get(p, pk)
    if commitment is None:
        raise Http404
    return _act(
        request,
        lambda: services.commitment_remove(actor=request.user, commitment=commitment),
        _("Commitment withdrawn."),
        "partnerships:detail",
        slug=slug,
    )


@login_required
@require_POST
def output_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _get(slug)
    practice = request.POST.get("practice", "")
    return _act(
        request,
        lambda: services.output_add(actor=request.user, partnership=p, practice_slug=practice),
        _("Output linked."),
        "partnerships:detail",
        slug=slug,
    )


@login_required
@require_POST
def output_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    p = _get(slug)
    output = selectors.output_get(p, pk)
    if output is None:
        raise Http404
    return _act(
        request,
        lambda: services.output_remove(actor=request.user, output=output),
        _("Output removed."),
        "partnerships:detail",
        slug=slug,
    )


# --- pledges ---------------------------------------------------------------------------------


@cached_page(*DOMAINS, vary=("HX-Request", "HX-Boosted", "HX-History-Restore-Request"))
def pledge_list(request: HttpRequest) -> HttpResponse:
    result = selectors.pledge_search(
        request.GET.get("q"),
        selectors.PLEDGE_SEARCH.filters_from(request.GET),
        page=page_number(request.GET),
        page_size=PAGE_SIZE,
    )
    context = {"result": result, "querystring": querystring_without_page(request.GET)}
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "partnerships/_pledge_search.html" if partial else "partnerships/pledge_list.html"
    return render(request, template, context)


@cached_page(*DOMAINS)
def pledge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = _get_pledge(slug)
    user = request.user
    is_admin = permissions.is_pledge_admin(user, pledge)
    mine = {o.pk for o in organisations_of(user)}
    pledgers = selectors.active_pledgers(pledge)
    context: dict[str, Any] = {
        "pledge": pledge,
        "light": selectors.pledge_light(pledge),
        "pledgers": pledgers,
        "invited": [p for p in pledge.pledgers.all() if p.status == "invited"] if is_admin else [],
        "joint": len(pledgers) > 1,
        "is_admin": is_admin,
        "report_form": ProgressForm(
            organisations=[p.organisation for p in pledgers if p.organisation_id in mine],
            initial={"reported_on": timezone.localdate()},
        )
        if any(p.organisation_id in mine for p in pledgers) and not pledge.is_closed
        else None,
    }
    if is_admin:
        context["status_form"] = PledgeStatusForm(initial={"status": pledge.status})
        context["invite_form"] = PledgeInviteForm(organisations=organisation_choices())
    return render(request, "partnerships/pledge_detail.html", context)


def _pledge_form(request: HttpRequest, pledge: Pledge | None = None) -> PledgeForm:
    return PledgeForm(
        request.POST or None,
        initial=PledgeForm.initial_from(pledge) if pledge else {"kind": Pledge.TECHNICAL},
        lead_organisations=_lead_choices(request.user),
        partnerships=selectors.partnership_choices(),
        pledges=[(s, t) for s, t in selectors.pledge_choices() if not pledge or s != pledge.slug],
        organisations=organisation_choices(),
        editing=pledge is not None,
    )


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    leads = _lead_choices(request.user)
    if not leads:
        messages.info(
            request, _("Only administrators of an organisation make pledges in its name.")
        )
        return redirect("partnerships:pledges")
    form = _pledge_form(request)
    if request.method == "POST" and form.is_valid():
        lead = next(o for o in leads if o.slug == form.cleaned_data["lead"])
        co = [_organisation(s) for s in form.cleaned_data["co_pledgers"] if s != lead.slug]
        try:
            pledge = services.pledge_create(
                actor=request.user, lead=lead, fields=form.fields_value(), co_pledgers=co
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pledge made."))
            return redirect("partnerships:pledge_detail", slug=pledge.slug)
    return render(
        request,
        "partnerships/form_page.html",
        {"form": form, "title": _("Make a pledge"), "submit": _("Pledge")},
    )


@login_required
def pledge_edit(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = _get_pledge(slug)
    if not permissions.is_pledge_admin(request.user, pledge):
        raise Http404
    form = _pledge_form(request, pledge)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_update(actor=request.user, pledge=pledge, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("partnerships:pledge_detail", slug=slug)
    return render(
        request,
        "partnerships/form_page.html",
        {"form": form, "title": _("Edit the pledge"), "submit": _("Save")},
    )


@login_required
@require_POST
def pledge_status(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = _get_pledge(slug)
    form = PledgeStatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _act(
        request,
        lambda: services.pledge_status_set(
            actor=request.user,
            pledge=pledge,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        ),
        _("Status saved."),
        "partnerships:pledge_detail",
        slug=slug,
    )


@login_required
@require_POST
def pledge_invite(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = _get_pledge(slug)
    form = PledgeInviteForm(request.POST, organisations=organisation_choices())
    if not form.is_valid():
        messages.error(request, _("Choose an organisation."))
        return redirect("partnerships:pledge_detail", slug=slug)
    organisation = _organisation(form.cleaned_data["organisation"])
    return _act(
        request,
        lambda: services.pledger_invite(
            actor=request.user, pledge=pledge, organisation=organisation
        ),
        _("Invitation sent: its administrators decide."),
        "partnerships:pledge_detail",
        slug=slug,
    )


@login_required
@require_POST
def pledge_report(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = _get_pledge(slug)
    mine = [o for o in organisations_of(request.user)]
    form = ProgressForm(request.POST, organisations=mine)
    if not form.is_valid():
        messages.error(request, _("A report needs a date and the organisation reporting."))
        return redirect("partnerships:pledge_detail", slug=slug)
    organisation = next(o for o in mine if o.slug == form.cleaned_data["organisation"])
    return _act(
        request,
        lambda: services.pledge_report(
            actor=request.user, pledge=pledge, organisation=organisation, fields=form.fields_value()
        ),
        _("Progress reported. Thank you."),
        "partnerships:pledge_detail",
        slug=slug,
    )
