"""The review's filter forms (GET): what a coverage table, the gap finder and a report read.
Every value is checked against the reference vocabularies; a bad one is a field error, never a
server error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .coverage import KINDS, WORLD, Filters

AXIS_LABELS = {
    "objective": _("GCM objective"),
    "level": _("Governance level"),
    "region": _("Region (UN M49)"),
    "type": _("Stakeholder type"),
}
KIND_LABELS = {"partnership": _("Partnerships"), "pledge": _("Pledges"), "practice": _("Practices")}


def _optional(choices: list[tuple[str, str]], everything: Any) -> list[tuple[str, Any]]:
    return [("", everything), *choices]


class CoverageForm(forms.Form):
    rows = forms.ChoiceField(
        label=_("Rows"), required=False, choices=list(AXIS_LABELS.items()), initial="objective"
    )
    cols = forms.ChoiceField(
        label=_("Columns"), required=False, choices=list(AXIS_LABELS.items()), initial="region"
    )
    within = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("Counts what touches this region; its sub-regions are the region columns."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    objective = forms.ChoiceField(label=_("GCM objective"), required=False)
    level = forms.ChoiceField(label=_("Governance level"), required=False)
    type = forms.ChoiceField(label=_("Stakeholder type"), required=False)
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1900, max_value=2100
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900, max_value=2100)
    kinds = forms.MultipleChoiceField(
        label=_("Count"),
        required=False,
        choices=list(KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = _("All")
        self.fields["within"].choices = selectors.region_choices()
        self.fields["country"].choices = _optional(selectors.choices("countries"), every)
        self.fields["objective"].choices = _optional(selectors.choices("objectives"), every)
        self.fields["level"].choices = _optional(selectors.choices("levels"), every)
        self.fields["type"].choices = _optional(selectors.choices("stakeholder_types"), every)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("year_from"), data.get("year_to")
        if low is not None and high is not None and low > high:
            self.add_error("year_to", _("The period ends before it starts."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        within = data.get("within") or WORLD
        return Filters(
            country=data.get("country") or "",
            region="" if within == WORLD else within,
            objective=data.get("objective") or "",
            level=data.get("level") or "",
            type=data.get("type") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            kinds=tuple(data.get("kinds") or KINDS),
        )

    def axes(self) -> tuple[str, str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("rows") or "objective",
            data.get("cols") or "region",
            data.get("within") or WORLD,
        )


class GapForm(forms.Form):
    DEPTHS = [
        ("leaf", _("The most specific regions")),
        ("region", _("Regions")),
        ("subregion", _("Sub-regions")),
        ("intermediate", _("Intermediate regions")),
    ]
    depth = forms.ChoiceField(label=_("Regions at"), required=False, choices=DEPTHS)
    within = forms.ChoiceField(label=_("Or only within"), required=False)
    objective = forms.ChoiceField(label=_("GCM objective"), required=False)
    level = forms.ChoiceField(label=_("Governance level"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = _("All")
        self.fields["within"].choices = _optional(selectors.region_choices(), _("Anywhere"))
        self.fields["objective"].choices = _optional(selectors.choices("objectives"), every)
        self.fields["level"].choices = _optional(selectors.choices("levels"), every)


class CountryGapForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _optional(
            selectors.choices("countries"), _("Choose a country")
        )
