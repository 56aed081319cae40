"""Connection hub forms: parse and present. Rules live in services; their errors come back here
(`core.forms.add_service_errors`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.taxonomy.selectors import principle_list, vocabulary_choices

from . import workflow
from .models import STATUS_TITLES, SupportKind
from .services import CONSORTIUM_SIZES, OfferFields, PrincipleCheck, RequestFields

DATE = {"type": "date"}


def _checks(label: Any, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, widget=forms.CheckboxSelectMultiple, **kw)


def _many(label: Any, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
        **kw,
    )


def _date(label: Any, **kw: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE), **kw)


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=18, decimal_places=2, min_value=0
    )


class RequestForm(forms.Form):
    requester = forms.ChoiceField(
        label=_("Requesting government or authority"),
        help_text=_(
            "A verified national government or local or regional authority you administer."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    country = forms.ChoiceField(label=_("Country"))
    objectives = _checks(_("GCM objectives"))
    need = forms.CharField(
        label=_("The need"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the problem is, for whom, and what has been tried."),
    )
    outcomes = forms.CharField(
        label=_("Outcomes sought"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; each becomes a goal of the partnership."),
    )
    levels = _checks(_("Governance levels it spans"), required=False)
    start_date = _date(_("From"), required=False)
    end_date = _date(_("Until"), required=False)
    budget_min = _money(_("Budget from"))
    budget_max = _money(_("Budget up to"))
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("ISO 4217, e.g. USD")
    )
    support_kinds = _checks(_("Kinds of support"), choices=SupportKind.choices)
    partner_types = _checks(_("Preferred partner types"), required=False)
    languages = _checks(_("Working languages"), required=False)
    language = forms.ChoiceField(label=_("Language of this request"))
    private = forms.BooleanField(
        label=_("Keep this request private"),
        required=False,
        help_text=_("Otherwise it is public once screened."),
    )

    def __init__(self, *args: Any, requesters: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["requester"].choices = [(o.slug, o.display_name) for o in requesters]
        self.fields["country"].choices = choices["countries"]
        self.fields["objectives"].choices = choices["objectives"]
        self.fields["levels"].choices = choices["levels"]
        self.fields["partner_types"].choices = choices["stakeholder_types"]
        self.fields["languages"].choices = choices["languages"]
        self.fields["language"].choices = choices["languages"]

    @staticmethod
    def initial_of(request: Any) -> dict[str, Any]:
        """The form's values for an existing request (prefetched)."""
        return {
            "requester": request.requester.slug,
            "title": request.title,
            "country": request.country.iso3,
            "objectives": [str(o.number) for o in request.objectives.all()],
            "need": request.need,
            "outcomes": "\n".join(request.outcomes),
            "levels": [lv.code for lv in request.levels.all()],
            "start_date": request.start_date,
            "end_date": request.end_date,
            "budget_min": request.budget_min,
            "budget_max": request.budget_max,
            "currency": request.currency,
            "support_kinds": list(request.support_kinds),
            "partner_types": [t.code for t in request.partner_types.all()],
            "languages": [lang.code for lang in request.languages.all()],
            "language": request.language_id,
            "private": request.private,
        }

    def fields_value(self) -> RequestFields:
        d = self.cleaned_data
        return RequestFields(
            title=d["title"],
            need=d["need"],
            country=d["country"],
            objectives=d["objectives"],
            outcomes=[line.strip() for line in d["outcomes"].splitlines() if line.strip()],
            language=d["language"],
            levels=d["levels"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            budget_min=d["budget_min"],
            budget_max=d["budget_max"],
            currency=d["currency"],
            support_kinds=d["support_kinds"],
            partner_types=d["partner_types"],
            languages=d["languages"],
            private=d["private"],
        )


class ScreenForm(forms.Form):
    """Completeness, and one finding with a note per guiding principle."""

    complete = forms.BooleanField(
        label=_("The request is complete"),
        required=False,
        help_text=_("Need, outcomes, objectives, timeframe and kinds of support are clear."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principles = list(principle_list())
        for p in self.principles:
            self.fields[f"met_{p.code}"] = forms.BooleanField(
                label=_("%(principle)s: respected") % {"principle": p.label}, required=False
            )
            self.fields[f"note_{p.code}"] = forms.CharField(
                label=_("Note on %(principle)s") % {"principle": p.label},
                required=False,
                max_length=2000,
            )

    def checks(self) -> list[PrincipleCheck]:
        d = self.cleaned_data
        return [
            PrincipleCheck(
                principle=p.code, met=bool(d.get(f"met_{p.code}")), note=d.get(f"note_{p.code}", "")
            )
            for p in self.principles
        ]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to decline, withdraw or set a proposal aside."),
    )

    def __init__(self, *args: Any, steps: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, STATUS_TITLES[s]) for s in steps]


class ProposeForm(forms.Form):
    size = forms.TypedChoiceField(
        label=_("Consortium size"),
        coerce=int,
        choices=[(n, str(n)) for n in CONSORTIUM_SIZES],
        initial=4,
    )
    exclude = forms.CharField(
        label=_("Leave out (organisation identifiers, comma-separated)"), required=False
    )
    note = forms.CharField(
        label=_("Note to the requester"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def excluded(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data.get("exclude", "").split(",") if s.strip()]


class OfferForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Offered by"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("What you offer"), widget=forms.Textarea(attrs={"rows": 5})
    )
    kinds = _checks(_("Kinds of support"), choices=SupportKind.choices)
    objectives = _checks(_("GCM objectives"), required=False)
    regions = _many(_("Regions (none: anywhere)"))
    languages = _checks(_("Languages"), required=False)
    capacity = forms.CharField(
        label=_("Capacity"),
        required=False,
        max_length=300,
        help_text=_("e.g. two experts for six months"),
    )
    ends_on = _date(_("Open until"))
    language = forms.ChoiceField(label=_("Language of this offer"))

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["organisation"].choices = [(o.slug, o.display_name) for o in organisations]
        self.fields["objectives"].choices = choices["objectives"]
        self.fields["regions"].choices = choices["regions"]
        self.fields["languages"].choices = choices["languages"]
        self.fields["language"].choices = choices["languages"]

    @staticmethod
    def initial_of(offer: Any) -> dict[str, Any]:
        return {
            "organisation": offer.organisation.slug,
            "title": offer.title,
            "description": offer.description,
            "kinds": list(offer.kinds),
            "objectives": [str(o.number) for o in offer.objectives.all()],
            "regions": [r.m49 for r in offer.regions.all()],
            "languages": [lang.code for lang in offer.languages.all()],
            "capacity": offer.capacity,
            "ends_on": offer.ends_on,
            "language": offer.language_id,
        }

    def fields_value(self) -> OfferFields:
        d = self.cleaned_data
        return OfferFields(
            title=d["title"],
            description=d["description"],
            ends_on=d["ends_on"],
            kinds=d["kinds"],
            objectives=d["objectives"],
            regions=d["regions"],
            languages=d["languages"],
            capacity=d["capacity"],
            language=d["language"],
        )


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = vocabulary_choices()["languages"]


FINAL_STATUSES = workflow.FINAL
