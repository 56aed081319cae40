"""The signed-in user's page: organisations and API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrationhub.organisations.selectors import organisations_of

from . import services


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {
            "organisations": organisations_of(request.user),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True).order_by(
                "-created_at"
            ),
            "new_key": request.session.pop("new_api_key", None),
        },
    )


@login_required
@require_POST
def token_create(request):
    _token, key = services.api_token_create(
        user=request.user, name=request.POST.get("name", "").strip() or "API token"
    )
    request.session["new_api_key"] = key
    messages.success(request, _("Token created. Copy it now: it is shown only once."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, token_id):
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
