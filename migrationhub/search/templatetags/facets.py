"""`{% facet_values facet %}`: the checkboxes of one facet, written in Python.

A country facet has two hundred values; written through the template language they were a
quarter of the practice list's render (ADR 0005). The markup is the one `search/_facets.html`
had: values after the eighth fold under "More", open when a folded value is chosen.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from migrationhub.search.faceted import FOLD_AFTER, FacetView

register = template.Library()

VALUE = (
    '<label><input type="checkbox" id="facet-{}-{}" name="{}" value="{}"{}> <span>{}</span> '
    '<span class="count">{}</span></label>\n'
)


def _values(facet: FacetView, values: list) -> SafeString:
    return format_html_join(
        "",
        VALUE,
        (
            (
                facet.name,
                v.value,
                facet.name,
                v.value,
                " checked" if v.selected else "",
                v.label,
                v.count,
            )
            for v in values
        ),
    )


@register.simple_tag
def facet_values(facet: FacetView) -> SafeString:
    shown = _values(facet, facet.values[:FOLD_AFTER])
    if len(facet.values) <= FOLD_AFTER:
        return shown
    folded = format_html(
        "<details{}><summary>{}</summary>\n{}</details>",
        " open" if facet.more_selected else "",
        _("More"),
        _values(facet, facet.values[FOLD_AFTER:]),
    )
    return mark_safe(shown + folded)  # noqa: S308 - both built by format_html
