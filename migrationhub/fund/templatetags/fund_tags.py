"""`{{ code|earmark }}`: an earmark's name in the reader's language."""

from decimal import Decimal

from django import template

from migrationhub.fund.forms import earmark_choices

register = template.Library()


@register.filter
def earmark(code: str) -> str:
    return dict(earmark_choices()).get(code, code)


@register.filter
def money(value: object) -> str:
    """An amount as exact decimal text with its cents ("500000.00"): the same in every
    language, as in the downloads (no rounding, no float)."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return f"{value.quantize(Decimal('0.01')):f}"
