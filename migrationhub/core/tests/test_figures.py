"""`fixed` (core/templatetags/figures.py) writes exactly what `floatformat` writes, in every
language of the site, for less."""

import random
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import floatformat
from django.utils import translation

from migrationhub.core.templatetags.figures import fixed

EDGES = [
    Decimal("6.125"),
    Decimal("-0.004"),
    Decimal("-0.005"),
    Decimal("0"),
    Decimal("-0"),
    Decimal("999.994"),
    Decimal("999.995"),
    Decimal("-999.995"),
    Decimal("1234.5"),
    Decimal("12.3456789012"),
    Decimal("1E+2"),
    Decimal("1E-10"),
    Decimal("Infinity"),
    Decimal("NaN"),
    5,
    -3,
    2.675,
    0.1,
    -0.0,
    float("nan"),
    True,
    None,
    "",
    "12.5",
    "abc",
]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_fixed_writes_what_floatformat_writes(language):
    rows = random.Random(14)
    values = [
        *EDGES,
        *(Decimal(rows.uniform(-50, 1500)).quantize(Decimal("1E-7")) for _ in range(500)),
    ]
    with translation.override(language):
        for value in values:
            for arg in (2, "2", "2g", 1, "1", "3", "6", "7", -1, "0", "x"):
                assert fixed(value, arg) == floatformat(value, arg), (value, arg)


def test_fixed_in_a_template():
    template = engines["django"].from_string("{% load figures %}{{ v|fixed:2 }}|{{ v|fixed:'2g' }}")
    with translation.override("fr"):
        assert template.render({"v": Decimal("6.125")}) == "6,13|6,13"
        assert template.render({"v": Decimal("1234.5")}) == "1234,50|1\xa0234,50"
