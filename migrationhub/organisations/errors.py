"""Error codes of the directory of organisations, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    USER_NOT_REGISTERED = "user_not_registered"
    LAST_ADMIN = "last_admin"
    NOT_VERIFIED = "not_verified"
    ALREADY_MEMBER = "already_member"
    JOIN_REQUEST_PENDING = "join_request_pending"
    JOIN_REQUEST_DECIDED = "join_request_decided"
    INVITATION_CLOSED = "invitation_closed"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_OTHER_ADDRESS = "invitation_other_address"
