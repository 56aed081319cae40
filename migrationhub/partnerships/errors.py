"""Error codes of the partnership registry, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    LEAD_NOT_VERIFIED = "lead_not_verified"
    ALREADY_MEMBER = "already_member"
    NOT_INVITED = "not_invited"
    NOT_A_MEMBER = "not_a_member"
    LEAD_CANNOT_LEAVE = "lead_cannot_leave"
    PARTNERSHIP_CLOSED = "partnership_closed"
    PRACTICE_NOT_PUBLISHED = "practice_not_published"
    ALREADY_LINKED = "already_linked"
    PLEDGE_CLOSED = "pledge_closed"
    MATCHING_ITSELF = "matching_itself"
    IATI_IDENTIFIER_TAKEN = "iati_identifier_taken"
    IATI_UNREADABLE = "iati_unreadable"
