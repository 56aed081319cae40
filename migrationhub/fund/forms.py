"""The fund's forms: they parse what people type; the services decide what is valid (their
errors come back on the form through core.forms.add_service_errors)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.taxonomy import selectors as taxonomy_selectors

from . import services
from .models import Screening

MARKERS = [
    ("0", _("0: not targeted")),
    ("1", _("1: significant objective")),
    ("2", _("2: principal objective")),
]
AMOUNT_HELP = _("An exact amount, with at most two decimals (e.g. 250000.00).")


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=AMOUNT_HELP,
        localize=False,
    )


def earmark_choices() -> list[tuple[str, str]]:
    """`none`, then every GCM objective, area of cooperation and UN M49 region."""
    choices = taxonomy_selectors.vocabulary_choices()
    rows: list[tuple[str, str]] = [("none", str(_("None (unearmarked)")))]
    objective, area, region = _("Objective"), _("Area of cooperation"), _("Region")
    rows += [(f"objective-{c}", f"{objective} {label}") for c, label in choices["objectives"]]
    rows += [(f"area-{c}", f"{area}: {label}") for c, label in choices["areas"]]
    rows += [(f"region-{c}", f"{region}: {label}") for c, label in choices["regions"]]
    return rows


class ContributionForm(forms.Form):
    contributor = forms.ChoiceField(label=_("Contributing organisation"))
    amount = _amount(_("Amount"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD, EUR, CHF.")
    )
    date = forms.DateField(label=_("Date"), help_text=_("YYYY-MM-DD"))
    earmark = forms.ChoiceField(label=_("Earmark"))
    deposited = forms.BooleanField(
        label=_("Already deposited (the money is in the fund's account)"), required=False
    )
    reference = forms.CharField(label=_("Contributor's reference"), max_length=100, required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributor"].choices = organisations
        self.fields["earmark"].choices = earmark_choices()

    def fields_value(self) -> services.ContributionFields:
        d = self.cleaned_data
        return services.ContributionFields(
            contributor=d["contributor"],
            amount=d["amount"],
            currency=d["currency"],
            date=d["date"],
            earmark=d["earmark"],
            deposited=d["deposited"],
            reference=d["reference"],
        )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Concept note"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the project does, for whom, with whom, and what it changes."),
    )
    amount = _amount(_("Amount requested"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    earmark = forms.ChoiceField(
        label=_("Earmark"),
        help_text=_("The earmarked contributions this proposal may draw on, if any."),
    )
    whole_of_government = forms.CharField(
        label=_("Whole-of-government participation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Which ministries and levels of government take part, and how."),
    )
    whole_of_society = forms.CharField(
        label=_("Whole-of-society participation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Which migrants, civil society, employers, unions… take part, and how."),
    )

    hub_request = forms.ChoiceField(
        label=_("Support request it answers (connection hub)"), required=False
    )

    def __init__(
        self, *args: Any, hub_requests: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earmark"].choices = earmark_choices()
        self.fields["hub_request"].choices = [("", "—"), *(hub_requests or [])]

    def fields_value(self) -> services.ProposalFields:
        d = self.cleaned_data
        return services.ProposalFields(
            title=d["title"],
            summary=d["summary"],
            amount=d["amount"],
            currency=d["currency"],
            earmark=d["earmark"],
            whole_of_government=d["whole_of_government"],
            whole_of_society=d["whole_of_society"],
            hub_request=d.get("hub_request") or "",
        )


class CheckForm(forms.Form):
    """A rating and a note per guiding principle, then the markers and the evidence."""

    complete = forms.BooleanField(label=_("The concept note is complete"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principles = list(taxonomy_selectors.principle_list())
        for p in self.principles:
            self.fields[f"principle_{p.code}"] = forms.ChoiceField(
                label=_("%(number)s. %(principle)s: rating")
                % {"number": p.number, "principle": p.label},
                choices=Screening.RATINGS,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{p.code}"] = forms.CharField(
                label=_("%(principle)s: note") % {"principle": p.label},
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["gender_marker"] = forms.ChoiceField(
            label=_("Gender marker"), choices=MARKERS, widget=forms.RadioSelect
        )
        self.fields["human_rights_marker"] = forms.ChoiceField(
            label=_("Human-rights marker"), choices=MARKERS, widget=forms.RadioSelect
        )
        self.fields["whole_of_government"] = forms.BooleanField(
            label=_("Evidence of whole-of-government participation"), required=False
        )
        self.fields["whole_of_society"] = forms.BooleanField(
            label=_("Evidence of whole-of-society participation"), required=False
        )
        self.fields["note"] = forms.CharField(
            label=_("Overall note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
        )

    def fields_value(self) -> services.CheckFields:
        d = self.cleaned_data
        return services.CheckFields(
            complete=d["complete"],
            principles={
                p.code: (d[f"principle_{p.code}"], d[f"note_{p.code}"]) for p in self.principles
            },
            gender_marker=int(d["gender_marker"]),
            human_rights_marker=int(d["human_rights_marker"]),
            whole_of_government=d["whole_of_government"],
            whole_of_society=d["whole_of_society"],
            note=d["note"],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Published.")
    )


class AllocationForm(forms.Form):
    amount = _amount(_("Amount to allocate"))
    earmark = forms.ChoiceField(label=_("From the pool"))
    date = forms.DateField(
        label=_("Date"), required=False, help_text=_("YYYY-MM-DD; today if empty.")
    )

    def __init__(self, *args: Any, pools: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earmark"].choices = pools


class DisbursementForm(forms.Form):
    amount = _amount(_("Tranche"))
    date = forms.DateField(
        label=_("Date"), required=False, help_text=_("YYYY-MM-DD; today if empty.")
    )


class ExpenditureForm(forms.Form):
    amount = _amount(_("Expenditure"))
    period_end = forms.DateField(label=_("Up to"), help_text=_("YYYY-MM-DD"))


class ReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this movement is reversed"), widget=forms.Textarea(attrs={"rows": 2})
    )
