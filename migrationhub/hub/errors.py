"""Error codes of the connection hub, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    NOT_A_GOVERNMENT = "not_a_government"
    REQUESTER_NOT_VERIFIED = "requester_not_verified"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    REASON_REQUIRED = "reason_required"
    PROPOSAL_NOT_OPEN = "proposal_not_open"
    EMPTY_CONSORTIUM = "empty_consortium"
    OFFER_WITHDRAWN = "offer_withdrawn"
