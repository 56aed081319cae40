"""`{% sections "slot" subject %}`: render what higher apps contribute to a page (core.sections)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from migrationhub.core.sections import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context: template.Context, slot: str, subject: Any) -> SafeString:
    request = context["request"]
    parts = [
        render_to_string(s.template, {**s.context, "subject": subject}, request=request)
        for s in sections_for(slot, request, subject)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped by Django
