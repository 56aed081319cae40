"""Schemas shared by every router: errors and pagination envelopes."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    pages: int
