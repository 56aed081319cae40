"""Account forms: parse and present. Rules live in services; their errors come back here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ReviewerGrantForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered user"))
    role = forms.ChoiceField(
        label=_("Reviewer role"), choices=[c for c in User.REVIEWER_ROLES if c[0]]
    )


class ReviewerWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)
