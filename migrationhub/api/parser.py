"""The API's edge: every JSON body is checked once, here, before any schema or service sees it.

No string may hold a NUL character (PostgreSQL refuses them) or a lone surrogate (not UTF-8, so
no database can store it); no number may lie outside what a 64-bit column holds, nor be NaN or
infinite; a body may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE. Each is a 422 (413 for the size) in
the API's `{code, message, fields}` shape, with the path of the offending value, instead of a
server error deep in a database driver.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from migrationhub.core.errors import ApplicationError, Code, ValidationFailed
from migrationhub.core.imports import text_problem

INT_MIN, INT_MAX = -(2**63), 2**63 - 1


class PayloadTooLarge(ApplicationError):
    code: str = Code.PAYLOAD_TOO_LARGE
    status = 413


def problem(value: Any) -> str | None:
    """Why a JSON value cannot enter the platform, or None. Strings are judged as imports judge
    them (`core.imports.text_problem`), with the size left to the request's limit."""
    if isinstance(value, str):
        return text_problem(value, max_chars=len(value))
    if isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            return _("number out of range")
    elif isinstance(value, float) and not math.isfinite(value):
        return _("number out of range")
    return None


def problems(value: Any, path: str = "") -> dict[str, list[str]]:
    """Every bad value in a JSON document (keys too), by its path (`objectives.0`)."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                place = f"{where}.{key}" if where else str(key)
                if (why := problem(key)) is not None:
                    found.setdefault(where or "body", []).append(why)
                stack.append((place, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}.{i}" if where else str(i), child) for i, child in enumerate(item)
            )
        elif (why := problem(item)) is not None:
            found.setdefault(where or "body", []).append(why)
    return found


class CheckedJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            raw = request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge(_("The request body is too large.")) from exc
        try:
            data = json.loads(raw)
        except RecursionError as exc:
            raise ValidationFailed(_("The JSON is nested too deeply.")) from exc
        except ValueError as exc:
            raise ValidationFailed(
                _("The request body is not valid JSON."), fields={"body": [str(exc)]}
            ) from exc
        found = problems(data)
        if found:
            raise ValidationFailed(_("The request is not valid."), fields=found)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return super().parse_querydict(data, list_fields, request)
