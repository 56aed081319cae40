"""The fund app's error codes, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    INSUFFICIENT_FUNDS = "fund_insufficient_funds"
    EXCEEDS_ALLOCATION = "fund_exceeds_allocation"
    EXCEEDS_REQUEST = "fund_exceeds_request"
    NOT_REVERSIBLE = "fund_not_reversible"
    ALREADY_REVERSED = "fund_already_reversed"
    ALREADY_DEPOSITED = "fund_already_deposited"
    WRONG_STAGE = "fund_wrong_stage"
    CONFLICT_OF_INTEREST = "fund_conflict_of_interest"
    EARMARK_MISMATCH = "fund_earmark_mismatch"
