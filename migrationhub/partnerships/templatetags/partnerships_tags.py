"""Labels of the registry's codes in templates (status lights, scorecard bands) and its repeated
lists written in Python: `{% partnership_cards %}` (objective and organisation pages) and
`{% partnership_results %}` (the registry's search), where a template loop spent ~0.3 ms a row
on variable lookups (ADR 0005)."""

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from migrationhub.core.addresses import address_of
from migrationhub.core.templatetags.content import content_attrs, isolate
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


@register.simple_tag
def partnership_cards(partnerships: Iterable[Any], empty: str = "") -> SafeString:
    """One `<li class="card">` per partnership (`selectors.partnership_cards` reads what they
    show): name, light, score and status; `empty` is the item shown when there is none."""
    url, scorecard = address_of("partnerships:detail"), escape(_("Scorecard"))
    written = [
        f'<li class="card">\n'
        f'  <h3 {content_attrs(p.language)}><a href="{url(p.slug)}">{escape(p.name)}</a></h3>\n'
        f'  <p class="meta">{light_badge(p.light)} · {scorecard} {p.score}/100 · '
        f"{escape(str(p.get_status_display()))}</p>\n</li>"
        for p in partnerships
    ]
    if not written and empty:
        written.append(f"<li>{escape(empty)}</li>")
    return mark_safe("".join(written))  # noqa: S308 - every value escaped or already HTML


@register.simple_tag
def partnership_results(items: list[Any]) -> SafeString:
    """The registry search's results (`search.faceted.Result`: the title and snippet already
    highlighted HTML), with light, score, status, lead and objectives."""
    if not items:
        none = _("No partnership matches. Try fewer words or remove a filter.")
        return mark_safe(f"  <li>{escape(none)}</li>\n")  # noqa: S308 - escaped here
    url, scorecard = address_of("partnerships:detail"), escape(_("Scorecard"))
    objectives, objective = escape(_("GCM objectives")), escape(_("Objective"))
    written = []
    for item in items:
        p = item.object
        lead = isolate(p.lead.display_name if p.lead else "")
        tags = "".join(f"<li>{objective} {o.number}</li>" for o in p.objectives.all())
        written.append(
            f"  <li>\n"
            f'    <h2 {content_attrs(p.language)}><a href="{url(p.slug)}">{item.title_html}</a></h2>\n'
            f'    <p class="meta">{light_badge(p.light)} · {scorecard} <span class="score">'
            f"{p.score}</span>/100 · {escape(str(p.get_status_display()))} · {lead}</p>\n"
            f"    <p {content_attrs()}>{item.snippet_html}</p>\n"
            f'    <ul class="tags" aria-label="{objectives}">{tags}</ul>\n  </li>\n'
        )
    return mark_safe("".join(written))  # noqa: S308 - every value escaped or already HTML
