"""Practice forms: parse and present. Rules live in services; their errors come back here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from migrationhub.organisations.models import Organisation
from migrationhub.taxonomy.selectors import vocabulary_choices

from .models import ReviewDecision


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

    def __init__(self, *args, user_organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = vocabulary_choices()
        self.fields["organisation"].choices = [(o.slug, o.name) for o in user_organisations]
        self.fields["language"].choices = choices["languages"]
        for field in (
            "objectives",
            "principles",
            "areas",
            "levels",
            "stakeholder_types",
            "countries",
        ):
            self.fields[field].choices = choices[field]
        self.fields["organisations"].choices = list(
            Organisation.objects.order_by("name").values_list("slug", "name")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end year cannot be before the start year."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = vocabulary_choices()["languages"]


class AssignReviewerForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [
            (str(u.pk), f"{u.name} <{u.email}> — {u.get_reviewer_role_display()}")
            for u in reviewers
        ]


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
