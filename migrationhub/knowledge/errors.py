"""Error codes of the knowledge platform, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    NOT_EDITABLE = "not_editable"
    NOT_SUBMITTABLE = "not_submittable"
    NOT_IN_REVIEW = "not_in_review"
    NOT_PUBLISHED = "not_published"
    OWN_ORGANISATION = "own_organisation"
    RECUSED = "recused"
    ALREADY_ASSIGNED = "already_assigned"
    ALREADY_DECIDED = "already_decided"
    COI_REQUIRED = "coi_required"
    UNVERIFIED_PUBLIC_BODY = "unverified_public_body"
    TRANSLATION_NOT_PENDING = "translation_not_pending"
    OWN_TRANSLATION = "own_translation"
    NOT_A_SUGGESTION = "not_a_suggestion"
