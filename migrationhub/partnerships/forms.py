"""Partnership and pledge forms: parse and present. Rules live in services; their errors come back
here (`core.forms.add_service_errors`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.core.forms import PlainSelect
from migrationhub.taxonomy.selectors import vocabulary_choices

from .models import TAG_FIELDS, Commitment, Partnership, Pledge, Role
from .services import (
    CommitmentFields,
    GoalFields,
    PartnershipFields,
    PledgeFields,
    ProgressFields,
)

DATE = {"type": "date"}


def _date(label: Any, **kw: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE), **kw)


def _checks(label: Any, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, widget=forms.CheckboxSelectMultiple, **kw)


def _many(label: Any, help_text: Any = "", **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=help_text or _("Hold Ctrl (or Cmd) to choose several."),
        **kw,
    )


def _number(label: Any, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=20, decimal_places=4, **kw)


def _roles(label: Any = None, **kw: Any) -> forms.MultipleChoiceField:
    return _checks(label or _("Roles"), choices=Role.choices, **kw)


class PartnershipForm(forms.Form):
    lead = forms.ChoiceField(
        label=_("Lead organisation"),
        help_text=_("A verified organisation you administer; its admins run the partnership."),
    )
    lead_roles = _roles(_("Roles of the lead organisation"), initial=[Role.ACCOUNTABLE])
    name = forms.CharField(label=_("Name"), max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The policy goal it pursues, with whom, where."),
    )
    language = forms.ChoiceField(label=_("Original language"))
    status = forms.ChoiceField(label=_("Status"), choices=Partnership.STATUSES)
    start_date = _date(_("Start"), required=False)
    end_date = _date(_("End"), required=False)
    levels = _checks(_("Governance levels"), required=False)
    objectives = _checks(_("GCM objectives"), required=False)
    principles = _checks(_("Guiding principles"), required=False)
    areas = _checks(_("Areas of cooperation"), required=False)
    countries = _many(_("Countries"))
    sdg_targets = _many(_("SDG targets"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, lead_organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["lead"].choices = [(o.slug, o.display_name) for o in lead_organisations]
        self.fields["language"].choices = choices["languages"]
        for name in TAG_FIELDS:
            self.fields[name].choices = choices[name]

    def fields_value(self) -> PartnershipFields:
        d = self.cleaned_data
        return PartnershipFields(
            name=d["name"],
            purpose=d["purpose"],
            language=d["language"],
            status=d["status"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            objectives=[int(n) for n in d["objectives"]],
            principles=d["principles"],
            areas=d["areas"],
            countries=d["countries"],
            levels=d["levels"],
            sdg_targets=d["sdg_targets"],
            website=d["website"],
        )

    @staticmethod
    def initial_from(fields: PartnershipFields) -> dict[str, Any]:
        return {
            "name": fields.name,
            "purpose": fields.purpose,
            "language": fields.language,
            "status": fields.status,
            "start_date": fields.start_date,
            "end_date": fields.end_date,
            "objectives": [str(n) for n in fields.objectives],
            "principles": list(fields.principles),
            "areas": list(fields.areas),
            "countries": list(fields.countries),
            "levels": list(fields.levels),
            "sdg_targets": list(fields.sdg_targets),
            "website": fields.website,
        }


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))
    name = forms.CharField(label=_("Name"), max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = vocabulary_choices()["languages"]


class InviteForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    roles = _roles(_("Proposed roles"))
    message = forms.CharField(
        label=_("Message to its administrators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = list(organisations)
        self.fields["organisation"].widget = PlainSelect()
        self.fields["organisation"].widget.choices = self.fields["organisation"].choices


class RolesForm(forms.Form):
    roles = _roles()


class AnswerForm(forms.Form):
    """Accept or decline an invitation: the two buttons carry `decision`."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class GoalForm(forms.Form):
    indicator = forms.CharField(
        label=_("Indicator"),
        max_length=300,
        help_text=_("What is measured, e.g. “Recruiters certified under the scheme”."),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=60, required=False, help_text=_("e.g. recruiters, %, USD")
    )
    baseline = _number(_("Baseline"), required=False)
    target = _number(_("Target"), required=False)
    due_date = _date(_("Due date"), required=False)
    objectives = _checks(_("GCM objectives"), required=False)
    sdg_targets = _many(_("SDG targets"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["objectives"].choices = choices["objectives"]
        self.fields["sdg_targets"].choices = choices["sdg_targets"]

    def fields_value(self) -> GoalFields:
        d = self.cleaned_data
        return GoalFields(
            indicator=d["indicator"],
            unit=d["unit"],
            baseline=d["baseline"],
            target=d["target"],
            due_date=d["due_date"],
            objectives=[int(n) for n in d["objectives"]],
            sdg_targets=d["sdg_targets"],
        )

    @staticmethod
    def initial_from(goal: Any) -> dict[str, Any]:
        return {
            "indicator": goal.indicator,
            "unit": goal.unit,
            "baseline": goal.baseline,
            "target": goal.target,
            "due_date": goal.due_date,
            "objectives": [str(o.number) for o in goal.objectives.all()],
            "sdg_targets": [t.code for t in goal.sdg_targets.all()],
        }


class CommitmentForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Committed by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Commitment.KINDS, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, required=False, min_value=0
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("ISO 4217 code, e.g. USD, EUR, XOF"),
    )
    period_start = _date(_("From"), required=False)
    period_end = _date(_("Until"), required=False)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.display_name) for o in organisations]

    def fields_value(self) -> CommitmentFields:
        d = self.cleaned_data
        return CommitmentFields(
            kind=d["kind"],
            description=d["description"],
            amount=d["amount"],
            currency=d["currency"],
            period_start=d["period_start"],
            period_end=d["period_end"],
        )


class OutputForm(forms.Form):
    practice = forms.ChoiceField(label=_("Published practice"))

    def __init__(self, *args: Any, practices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practice"].choices = list(practices)
        self.fields["practice"].widget = PlainSelect()
        self.fields["practice"].widget.choices = self.fields["practice"].choices


class ProgressForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Reported by"))
    value = _number(_("Value"), required=False)
    reported_on = _date(_("Date"))
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_url = forms.URLField(
        label=_("Evidence (link)"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.display_name) for o in organisations]

    def fields_value(self) -> ProgressFields:
        d = self.cleaned_data
        return ProgressFields(
            reported_on=d["reported_on"],
            value=d["value"],
            narrative=d["narrative"],
            evidence_url=d["evidence_url"],
        )


class PledgeForm(forms.Form):
    lead = forms.ChoiceField(label=_("Pledging organisation"))
    title = forms.CharField(label=_("Title"), max_length=300)
    narrative = forms.CharField(
        label=_("What is pledged"), widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Pledge.KINDS, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, required=False, min_value=0
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("ISO 4217 code")
    )
    due_date = _date(_("Due date"), required=False)
    partnership = forms.ChoiceField(
        label=_("Delivered by the partnership"),
        required=False,
        help_text=_("A partnership your organisation is a member of."),
    )
    matches = forms.ChoiceField(label=_("Matches the pledge"), required=False)
    objectives = _checks(_("GCM objectives"), required=False)
    co_pledgers = _many(
        _("Joint pledge with"),
        help_text=_(
            "Their administrators are asked to co-sign. Hold Ctrl (or Cmd) to choose several."
        ),
    )

    def __init__(
        self,
        *args: Any,
        lead_organisations: Any = (),
        partnerships: Any = (),
        pledges: Any = (),
        organisations: Any = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [(o.slug, o.display_name) for o in lead_organisations]
        self.fields["partnership"].choices = [("", "—"), *partnerships]
        self.fields["matches"].choices = [("", "—"), *pledges]
        self.fields["objectives"].choices = vocabulary_choices()["objectives"]
        self.fields["co_pledgers"].choices = list(organisations)
        if editing:
            del self.fields["lead"]
            del self.fields["co_pledgers"]

    def fields_value(self) -> PledgeFields:
        d = self.cleaned_data
        return PledgeFields(
            title=d["title"],
            narrative=d["narrative"],
            kind=d["kind"],
            amount=d["amount"],
            currency=d["currency"],
            due_date=d["due_date"],
            partnership=d["partnership"],
            matches=d["matches"],
            objectives=[int(n) for n in d["objectives"]],
        )

    @staticmethod
    def initial_from(pledge: Any) -> dict[str, Any]:
        return {
            "title": pledge.title,
            "narrative": pledge.narrative,
            "kind": pledge.kind,
            "amount": pledge.amount,
            "currency": pledge.currency,
            "due_date": pledge.due_date,
            "partnership": pledge.partnership.slug if pledge.partnership else "",
            "matches": pledge.matches.slug if pledge.matches else "",
            "objectives": [str(o.number) for o in pledge.objectives.all()],
        }


class PledgeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Pledge.STATUSES)
    reason = forms.CharField(label=_("Note"), required=False)


class PledgeInviteForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = list(organisations)
