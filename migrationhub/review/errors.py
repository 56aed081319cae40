"""The review app's error codes."""

from enum import StrEnum


class Code(StrEnum):
    pass
