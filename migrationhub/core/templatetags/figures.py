"""Figures in long tables: `{{ value|fixed:2 }}` is `{{ value|floatformat:2 }}`, for less.

Django's `floatformat` goes through its general number formatting (the format module of the
language, grouping, a second parse of the number): about 10 µs a figure, which is most of the
render of a table of fifty corridors with five figures each (ADR 0005). `fixed` writes a number
below 1,000 (every percentage, and most amounts of the comparison) with the rounding and the
decimal separator of `floatformat`, and hands anything else to `floatformat` itself, so the text
is the same in every language (`core/tests/test_figures.py`).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_STEPS = {places: Decimal(1).scaleb(-places) for places in range(1, 7)}


@register.filter(is_safe=True)
def fixed(value: Any, arg: int | str = -1) -> SafeString | str:
    """`floatformat:arg`: `places` decimals (a "g" after them groups thousands, as there)."""
    text = str(arg)
    grouped = text.endswith("g")
    try:
        places = int(text[:-1] if grouped else text)
    except ValueError:
        return floatformat(value, arg)
    step = _STEPS.get(places)
    if step is None or isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return floatformat(value, arg)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite() or abs(number) >= 1000:
            return floatformat(value, arg)
        rounded = number.quantize(step, ROUND_HALF_UP)
    except InvalidOperation:
        return floatformat(value, arg)
    if abs(rounded) >= 1000:  # 999.995 rounds to 1,000.00: grouped there
        return floatformat(value, arg)
    digits = f"{abs(rounded):f}"
    sign = "-" if rounded < 0 else ""  # as floatformat: no "-0.00"
    return mark_safe(sign + digits.replace(".", get_format("DECIMAL_SEPARATOR")))  # noqa: S308 - digits only
