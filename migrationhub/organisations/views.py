"""Organisation directory, profile, registration and members: parse, call one selector or
service, render. What other apps show on a profile comes through the `organisation.profile`
contribution point (core.sections)."""

from collections.abc import Callable
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrationhub.accounts import selectors as account_selectors
from migrationhub.accounts.permissions import is_platform_admin
from migrationhub.core.errors import ApplicationError
from migrationhub.core.forms import add_service_errors
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, querystring_without_page

from . import permissions, selectors, services
from .forms import (
    InvitationAnswerForm,
    InvitationForm,
    JoinDecisionForm,
    JoinRequestForm,
    MemberForm,
    OrganisationForm,
    UnverifyForm,
    VerifyForm,
)
from .models import Invitation, Organisation

PAGE_SIZE = 30


@cached_page("organisations", "taxonomy")
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ORGANISATION_SEARCH.filters_from(request.GET)
    result = selectors.organisation_search(
        request.GET.get("q"),
        filters,
        page=page_number(request.GET),
        page_size=PAGE_SIZE,
        related=False,  # the directory shows type, level and home country
    )
    return render(
        request,
        "organisations/organisation_list.html",
        {"result": result, "querystring": querystring_without_page(request.GET)},
    )


def _get(slug: str) -> Organisation:
    org = selectors.organisation_get(slug)
    if org is None:
        raise Http404
    return org


def _decision_forms(org: Organisation) -> list[JoinDecisionForm]:
    """One form per pending request, each with its own field ids."""
    forms = []
    for join_request in selectors.join_requests_pending(org):
        form = JoinDecisionForm(auto_id=f"request{join_request.pk}_%s")
        form.join_request = join_request
        forms.append(form)
    return forms


@cached_page("organisations", "taxonomy", "vectors", slots=("organisation.profile",))
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    user = request.user
    is_admin = permissions.is_admin(user, org)
    is_member = permissions.is_member(user, org)
    platform_admin = is_platform_admin(user)
    can_ask = user.is_authenticated and not is_member
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": org,
            "is_admin": is_admin,
            "is_platform_admin": platform_admin,
            "members": selectors.organisation_members(org) if is_admin else [],
            "member_form": MemberForm() if is_admin else None,
            "invitation_form": InvitationForm(auto_id="invite_%s") if is_admin else None,
            "join_requests": _decision_forms(org) if is_admin else [],
            "invitations": selectors.invitations_open(org) if is_admin else [],
            "join_form": JoinRequestForm() if can_ask else None,
            "my_request": selectors.join_request_pending_of(user, org) if can_ask else None,
            "similar": selectors.similar_organisations(org),
            "verify_form": VerifyForm() if platform_admin else None,
            "unverify_form": UnverifyForm() if platform_admin and org.is_verified else None,
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation registered. You are its administrator."))
            return redirect("organisations:detail", slug=org.slug)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    if not permissions.is_admin(request.user, org):
        raise Http404
    current = services.OrganisationFields.of(org)
    form = OrganisationForm(request.POST or None, initial=OrganisationForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=org,
                fields=replace(form.fields_value(), names=current.names),
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisations:detail", slug=org.slug)
    return render(
        request, "organisations/organisation_form.html", {"form": form, "organisation": org}
    )


@login_required
@require_POST
def organisation_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address and role."))
        return redirect("organisations:detail", slug=slug)
    try:
        services.membership_add_by_email(
            actor=request.user,
            organisation=org,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Member added."))
    return redirect("organisations:detail", slug=slug)


def _done(
    request: HttpRequest, slug: str, action: Callable[[], object], success: str
) -> HttpResponse:
    """Run one service; its error (or `success`) is shown on the organisation's page."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("organisations:detail", slug=slug)


@login_required
@require_POST
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    if not is_platform_admin(request.user):
        raise Http404
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what you checked to verify this organisation."))
        return redirect("organisations:detail", slug=slug)
    return _done(
        request,
        slug,
        lambda: services.organisation_verify(
            actor=request.user, organisation=org, evidence=form.cleaned_data["evidence"]
        ),
        _("Organisation verified."),
    )


@login_required
@require_POST
def organisation_unverify(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    if not is_platform_admin(request.user):
        raise Http404
    form = UnverifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the verification is withdrawn."))
        return redirect("organisations:detail", slug=slug)
    return _done(
        request,
        slug,
        lambda: services.organisation_unverify(
            actor=request.user, organisation=org, reason=form.cleaned_data["reason"]
        ),
        _("Verification withdrawn."),
    )


@login_required
@require_POST
def join_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _done(
        request,
        slug,
        lambda: services.join_request_create(actor=request.user, organisation=org, message=message),
        _("Request sent. The organisation's administrators will answer by e-mail."),
    )


@login_required
@require_POST
def join_request_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org = _get(slug)
    if not permissions.is_admin(request.user, org):
        raise Http404
    join_request = selectors.join_request_get(org, pk)
    form = JoinDecisionForm(request.POST)
    if join_request is None or not form.is_valid():
        raise Http404
    if form.cleaned_data["decision"] == "accept":
        return _done(
            request,
            slug,
            lambda: services.join_request_accept(actor=request.user, join_request=join_request),
            _("Request accepted: they are a member now."),
        )
    return _done(
        request,
        slug,
        lambda: services.join_request_refuse(
            actor=request.user, join_request=join_request, reason=form.cleaned_data["reason"]
        ),
        _("Request refused."),
    )


@login_required
@require_POST
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    org = _get(slug)
    if not permissions.is_admin(request.user, org):
        raise Http404
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address and role."))
        return redirect("organisations:detail", slug=slug)
    return _done(
        request,
        slug,
        lambda: services.invitation_create(
            actor=request.user,
            organisation=org,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            site_url=request.build_absolute_uri("/"),
        ),
        _("Invitation sent."),
    )


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    """The invitations addressed to the signed-in user's confirmed addresses."""
    return render(
        request,
        "organisations/invitation_list.html",
        {"invitations": selectors.invitations_for(request.user)},
    )


def _answer(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect("invitations:list")
    accept = form.cleaned_data["answer"] == "accept"
    try:
        if accept:
            services.invitation_accept(actor=request.user, invitation=invitation)
        else:
            services.invitation_decline(actor=request.user, invitation=invitation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("invitations:list")
    if accept:
        messages.success(request, _("Welcome: you are a member now."))
        return redirect("organisations:detail", slug=invitation.organisation.slug)
    messages.success(request, _("Invitation declined."))
    return redirect("invitations:list")


@login_required
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: who invites, to what, and accept or decline."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    if request.method == "POST":
        return _answer(request, invitation)
    return render(
        request,
        "organisations/invitation_detail.html",
        {
            "invitation": invitation,
            "for_me": invitation.email in account_selectors.verified_emails(request.user),
        },
    )


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline from the list of one's invitations."""
    invitation = selectors.invitation_for(request.user, pk)
    if invitation is None:
        raise Http404
    return _answer(request, invitation)
