"""Labels of the registry's codes in templates: status lights and scorecard bands."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from migrationhub.partnerships.selectors import LIGHT_LABELS

register = template.Library()


@register.filter
def light_label(colour: Any) -> str:
    """The words of a status light (colour is never the only signal)."""
    return str(LIGHT_LABELS.get(str(getattr(colour, "colour", colour)), ""))


@register.filter
def light_colour(light: Any) -> str:
    return str(getattr(light, "colour", light))


@register.simple_tag(name="light")
def light_badge(light: Any) -> SafeString:
    """The status light (`partnerships/_light.html`), written here rather than through an
    include for each row of a list."""
    return format_html(
        '<span class="light light-{}">{}</span>\n', light_colour(light), light_label(light)
    )


@register.filter
def smart_label(code: str) -> str:
    from django.utils.translation import gettext

    labels = {
        "specific": gettext("specific (an indicator and a unit)"),
        "measurable": gettext("measurable (a baseline and a different target)"),
        "relevant": gettext("relevant (a GCM objective or SDG target)"),
        "time_bound": gettext("time-bound (a due date within the partnership's period)"),
    }
    return labels.get(code, code)
