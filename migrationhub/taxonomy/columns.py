"""The open-data columns of the reference vocabularies, declared once.

Every table that tags its records with GCM objectives, guiding principles, areas of cooperation,
countries, M49 regions, governance levels, stakeholder types, SDG targets or a language publishes
them the same way: name, Table Schema type, HXL hashtag, allowed codes. Declaring them in each
app's `exports.py` had already let two apps drift apart (one HXL hashtag lost).
"""

from __future__ import annotations

from dataclasses import replace

from migrationhub.core.open_data import Column

from .selectors import codes

_COLUMNS: dict[str, Column] = {
    column.name: column
    for column in (
        Column(
            "language",
            "string",
            "Original language (code of /api/v1/reference/languages).",
            required=True,
            codes=codes("languages"),
        ),
        Column(
            "objectives",
            "integer",
            "GCM objective numbers (1-23), separated by ';'.",
            hxl="#sector+code",
            multiple=True,
            codes=codes("objectives"),
        ),
        Column(
            "principles",
            "string",
            "GCM guiding principle codes, separated by ';'.",
            multiple=True,
            codes=codes("principles"),
        ),
        Column(
            "areas",
            "string",
            "Areas of multi-stakeholder cooperation (codes), separated by ';'.",
            multiple=True,
            codes=codes("areas"),
        ),
        Column(
            "countries",
            "string",
            "Countries (ISO 3166-1 alpha-3), separated by ';'.",
            hxl="#country+code",
            multiple=True,
            pattern="[A-Z]{3}",
        ),
        Column(
            "regions",
            "string",
            "UN M49 regions, sub-regions and intermediate regions of the countries, "
            "separated by ';'.",
            hxl="#region+code",
            multiple=True,
            pattern="[0-9]{3}",
        ),
        Column(
            "levels",
            "string",
            "Governance levels (local, national, regional, global), separated by ';'.",
            hxl="#activity+type",
            multiple=True,
            codes=codes("levels"),
        ),
        Column(
            "stakeholder_types",
            "string",
            "Types of stakeholders involved (codes), separated by ';'.",
            hxl="#org+type",
            multiple=True,
            codes=codes("stakeholder_types"),
        ),
        Column(
            "sdg_targets",
            "string",
            "SDG targets (e.g. 10.7, 10.c), separated by ';'.",
            multiple=True,
            codes=codes("sdg_targets"),
        ),
    )
}


def vocabulary_column(name: str, description: str = "") -> Column:
    """The column of the vocabulary `name` (a key of `_COLUMNS`), with the table's own
    description when it says more (whose countries, which objectives)."""
    column = _COLUMNS[name]
    return replace(column, description=description) if description else column
