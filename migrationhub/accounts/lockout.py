"""How django-axes names the account a sign-in attempt is for.

allauth authenticates with `email=` while its form posts `login`; axes must see the same name
when it records a failure and when it checks a lockout, or it never locks anyone out.
"""


def attempted_username(request, credentials) -> str | None:
    credentials = credentials or {}
    name = (
        credentials.get("email")
        or credentials.get("username")
        or credentials.get("login")
        or (request.POST.get("login") if request is not None and request.method == "POST" else None)
    )
    return name.strip().lower() if isinstance(name, str) else name


def locked_out(request, original_response=None, credentials=None):
    """The lockout page: 429 with `Retry-After` (the cool-off), so clients know when to retry."""
    from django.conf import settings
    from django.shortcuts import render

    seconds = int(float(settings.AXES_COOLOFF_TIME) * 3600)
    response = render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": seconds // 60},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
