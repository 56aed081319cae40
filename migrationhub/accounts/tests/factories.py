import itertools

from migrationhub.accounts.models import User
from migrationhub.accounts.services import user_create

_seq = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = "correct horse battery", **fields
) -> User:
    return user_create(email=email or f"user{next(_seq)}@example.org", password=password, **fields)


def make_reviewer(kind: str = User.EXTERNAL, **fields) -> User:
    return make_user(reviewer_role=kind, **fields)


def make_admin(**fields) -> User:
    return make_user(is_staff=True, reviewer_role=User.INTERNAL, **fields)
