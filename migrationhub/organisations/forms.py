from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.taxonomy.selectors import vocabulary_choices

from .models import Membership


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    stakeholder_type = forms.ChoiceField(label=_("Stakeholder type"))
    level = forms.ChoiceField(label=_("Governance level"))
    home_country = forms.ChoiceField(label=_("Home country"), required=False)
    countries = forms.MultipleChoiceField(
        label=_("Countries of operation"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    objectives = forms.MultipleChoiceField(
        label=_("GCM objectives of expertise"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["stakeholder_type"].choices = choices["stakeholder_types"]
        self.fields["level"].choices = choices["levels"]
        self.fields["home_country"].choices = [("", "—"), *choices["countries"]]
        self.fields["countries"].choices = choices["countries"]
        self.fields["objectives"].choices = choices["objectives"]
        self.fields["languages"].choices = choices["languages"]


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered user"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.ROLES)
