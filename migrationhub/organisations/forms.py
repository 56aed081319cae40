"""Organisation forms: parse and present. Rules live in services; their errors come back here."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.taxonomy.selectors import vocabulary_choices

from .models import Membership
from .services import OrganisationFields


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

    def fields_value(self) -> OrganisationFields:
        data = self.cleaned_data
        return OrganisationFields(
            name=data["name"],
            acronym=data["acronym"],
            stakeholder_type=data["stakeholder_type"],
            level=data["level"],
            home_country=data["home_country"] or None,
            countries=data["countries"],
            objectives=data["objectives"],
            languages=data["languages"],
            description=data["description"],
            website=data["website"],
        )

    @staticmethod
    def initial_from(fields: OrganisationFields) -> dict[str, Any]:
        return {
            "name": fields.name,
            "acronym": fields.acronym,
            "stakeholder_type": fields.stakeholder_type,
            "level": fields.level,
            "home_country": fields.home_country or "",
            "countries": list(fields.countries),
            "objectives": [str(o) for o in fields.objectives],
            "languages": list(fields.languages),
            "description": fields.description,
            "website": fields.website,
        }


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered user"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.ROLES)


class VerifyForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence checked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What you checked and how (an official letter, a call to the body's switchboard, its "
            "official website). Seen by platform admins only."
        ),
    )


class UnverifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the verification is withdrawn"), widget=forms.Textarea(attrs={"rows": 2})
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisation's administrators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you are and what you do there."),
    )


class JoinDecisionForm(forms.Form):
    """Accept or refuse one request: the two buttons carry `decision`."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason if you refuse (optional, sent to them)"), required=False, max_length=1000
    )
    join_request: Any = None


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.ROLES)


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
