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
