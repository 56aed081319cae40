"""Practice forms: parse and present. Rules live in services; their errors come back here."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.organisations.selectors import organisation_choices
from migrationhub.taxonomy.selectors import vocabulary_choices

from .models import TAG_FIELDS, ReviewDecision
from .services import PracticeFields

VOCABULARY_FIELDS = TAG_FIELDS


class PracticeForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Submitting organisation"))
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what, where, with whom."),
    )
    body = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Required before submission for review."),
    )
    language = forms.ChoiceField(label=_("Original language"))
    objectives = forms.MultipleChoiceField(
        label=_("GCM objectives"), widget=forms.CheckboxSelectMultiple, required=False
    )
    principles = forms.MultipleChoiceField(
        label=_("Guiding principles"), widget=forms.CheckboxSelectMultiple, required=False
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas of cooperation"), widget=forms.CheckboxSelectMultiple, required=False
    )
    levels = forms.MultipleChoiceField(
        label=_("Governance levels"), widget=forms.CheckboxSelectMultiple, required=False
    )
    stakeholder_types = forms.MultipleChoiceField(
        label=_("Stakeholder types involved"), widget=forms.CheckboxSelectMultiple, required=False
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    sdg_targets = forms.MultipleChoiceField(
        label=_("SDG targets"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "The Sustainable Development Goal targets the practice serves, e.g. 10.7, 10.c."
        ),
    )
    organisations = forms.MultipleChoiceField(
        label=_("Other organisations involved"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    period_start = forms.IntegerField(
        label=_("Start year"), required=False, min_value=1900, max_value=2100
    )
    period_end = forms.IntegerField(
        label=_("End year"), required=False, min_value=1900, max_value=2100
    )
    results = forms.CharField(
        label=_("Results and evidence"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        help_text=_("Where the information comes from (document, web page, evaluation)."),
    )

    def __init__(self, *args: Any, user_organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["organisation"].choices = [(o.slug, o.name) for o in user_organisations]
        self.fields["language"].choices = choices["languages"]
        for field in VOCABULARY_FIELDS:
            self.fields[field].choices = choices[field]
        self.fields["organisations"].choices = organisation_choices()

    def fields_value(self) -> PracticeFields:
        data = self.cleaned_data
        return PracticeFields(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            language=data["language"],
            objectives=[int(n) for n in data["objectives"]],
            principles=data["principles"],
            areas=data["areas"],
            countries=data["countries"],
            levels=data["levels"],
            stakeholder_types=data["stakeholder_types"],
            sdg_targets=data["sdg_targets"],
            organisations=data["organisations"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            results=data["results"],
            source=data["source"],
        )

    @staticmethod
    def initial_from(fields: PracticeFields, organisation: str) -> dict[str, Any]:
        return {
            "organisation": organisation,
            "title": fields.title,
            "summary": fields.summary,
            "body": fields.body,
            "language": fields.language,
            "objectives": [str(n) for n in fields.objectives],
            "principles": list(fields.principles),
            "areas": list(fields.areas),
            "levels": list(fields.levels),
            "stakeholder_types": list(fields.stakeholder_types),
            "sdg_targets": list(fields.sdg_targets),
            "countries": list(fields.countries),
            "organisations": list(fields.organisations),
            "period_start": fields.period_start,
            "period_end": fields.period_end,
            "results": fields.results,
            "source": fields.source,
        }


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = vocabulary_choices()["languages"]


class AssignReviewerForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args: Any, reviewers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reviewers = {str(u.pk): u for u in reviewers}
        self.fields["reviewer"].choices = [
            (pk, f"{u.name} <{u.email}> — {u.get_reviewer_role_display()}")
            for pk, u in self.reviewers.items()
        ]

    # Not named `reviewer`: a method of the field's name would replace the field itself.
    def chosen_reviewer(self) -> Any:
        """The chosen reviewer (one of the eligible ones the form was built with)."""
        return self.reviewers[self.cleaned_data["reviewer"]]


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with this practice or its organisations")),
            ("yes", _("I have a conflict of interest and withdraw from this review")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Statement (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=ReviewDecision.DECISIONS, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment to the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return or reject: say what is missing."),
    )


class TranslationReviewForm(forms.Form):
    """Approve or reject one proposed translation: the two buttons carry `decision`."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(
        label=_("Note to the translator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject: say what to correct."),
    )
    translation: Any = None

    @classmethod
    def for_translation(cls, translation: Any) -> "TranslationReviewForm":
        form = cls(auto_id=f"translation{translation.pk}_%s")
        form.translation = translation
        return form
