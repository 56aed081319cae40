"""Error codes of accounts and platform roles, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    USER_NOT_REGISTERED = "user_not_registered"
    UNKNOWN_REVIEWER_ROLE = "unknown_reviewer_role"
    NOT_A_REVIEWER = "not_a_reviewer"
    NOT_A_HUB_CURATOR = "not_a_hub_curator"
