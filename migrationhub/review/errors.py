"""The review app's error codes, declared once: API clients rely on them."""

from enum import StrEnum


class Code(StrEnum):
    PDF_RATE_LIMITED = "pdf_rate_limited"
    PDF_BUSY = "pdf_busy"
    UNKNOWN_SCOPE = "unknown_scope"
