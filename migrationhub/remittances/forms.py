"""Remittance forms: the sender's comparison and the corridor filters."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.core.forms import PlainChoices, PlainSelect

from .comparison import MAX_AMOUNT, period_label


def period_choices(periods: list[str] | None) -> list[tuple[str, str]]:
    """One choice per survey period, newest first, labelled as people read it (2014 Q2)."""
    return [(p, period_label(p)) for p in sorted(set(periods or []), reverse=True)]


class CompareForm(forms.Form):
    sending = forms.ChoiceField(label=_("Sending from"), widget=PlainSelect)
    receiving = forms.ChoiceField(label=_("Sending to"), widget=PlainSelect)
    amount = forms.DecimalField(
        label=_("Amount you pay, fee included"),
        required=False,
        min_value=Decimal(1),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        help_text=_("In the currency of the sending country. Empty: the amount the survey used."),
    )
    period = forms.ChoiceField(label=_("Survey"), required=False, widget=PlainSelect)

    def __init__(self, *args, choices: dict, periods: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choose = ("", _("Choose a country"))
        self.fields["sending"].choices = PlainChoices([choose, *choices["sending"]])
        self.fields["receiving"].choices = PlainChoices([choose, *choices["receiving"]])
        self.fields["period"].choices = PlainChoices([("", _("Latest")), *period_choices(periods)])


class CorridorFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Quarter"), required=False, widget=PlainSelect)
    sending = forms.ChoiceField(label=_("Sending from"), required=False, widget=PlainSelect)
    receiving = forms.ChoiceField(label=_("Sending to"), required=False, widget=PlainSelect)
    above_5 = forms.BooleanField(label=_("Only corridors above 5%"), required=False)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("corridor", _("Corridor")),
            ("cheapest", _("Cheapest first")),
            ("dearest", _("Dearest first")),
        ],
    )

    def __init__(self, *args, choices: dict, periods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        anyone = ("", _("Any"))
        self.fields["period"].choices = PlainChoices(period_choices(periods))
        self.fields["sending"].choices = PlainChoices([anyone, *choices["sending"]])
        self.fields["receiving"].choices = PlainChoices([anyone, *choices["receiving"]])
