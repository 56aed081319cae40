"""The signed-in user's page: API tokens; what other apps show there (the user's organisations…)
comes through the `account.profile` contribution point (core.sections)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrationhub.core.errors import ApplicationError, NotFound
from migrationhub.core.forms import add_service_errors

from . import permissions, selectors, services
from .forms import ReviewerGrantForm, ReviewerWithdrawForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": selectors.active_tokens(request.user),
            "new_key": request.session.pop("new_api_key", None),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    _token, key = services.api_token_create(
        user=request.user, name=request.POST.get("name", "").strip() or "API token"
    )
    request.session["new_api_key"] = key
    messages.success(request, _("Token created. Copy it now: it is shown only once."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


def _require_platform_admin(request: HttpRequest) -> None:
    # The page is not there for anyone else (as an organisation's edit page for non-admins).
    if not permissions.is_platform_admin(request.user):
        raise Http404


@login_required
def reviewers(request: HttpRequest) -> HttpResponse:
    """Platform admins grant and withdraw reviewer roles; every change is in the audit trail,
    shown here."""
    _require_platform_admin(request)
    form = ReviewerGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = selectors.user_get_by_email(form.cleaned_data["email"])
        if user is None:
            form.add_error("email", _("No registered user has this e-mail address."))
        else:
            try:
                services.reviewer_role_grant(
                    actor=request.user, user=user, role=form.cleaned_data["role"]
                )
            except ApplicationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Reviewer role granted."))
                return redirect("accounts:reviewers")
    return render(
        request,
        "accounts/reviewers.html",
        {
            "form": form,
            "reviewers": [
                (r, ReviewerWithdrawForm(auto_id=f"withdraw{r.pk}_%s"))
                for r in selectors.reviewer_list()
            ],
            "events": selectors.reviewer_role_events(),
        },
    )


@login_required
@require_POST
def reviewer_withdraw(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_platform_admin(request)
    user = selectors.user_get(user_id)
    form = ReviewerWithdrawForm(request.POST)
    if user is None or not form.is_valid():
        raise Http404
    try:
        services.reviewer_role_withdraw(
            actor=request.user, user=user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reviewer role withdrawn."))
    return redirect("accounts:reviewers")
