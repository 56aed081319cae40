"""Practice pages: search, detail, submit and edit, review. Views parse, call one service or
selector, and render; service errors come back as form errors."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from migrationhub.core.errors import ApplicationError, NotFound
from migrationhub.core.forms import add_service_errors
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, querystring_without_page
from migrationhub.organisations.selectors import organisations_of
from migrationhub.taxonomy.selectors import vocabulary_choices

from . import permissions, selectors, services
from .forms import (
    AssignReviewerForm,
    DecisionForm,
    DeclarationForm,
    PracticeForm,
    TranslationForm,
    TranslationReviewForm,
)
from .models import Evidence, Practice

PAGE_SIZE = 20


# The same URL answers a page or a fragment (htmx).
@cached_page(
    "practices",
    "organisations",
    "taxonomy",
    vary=("HX-Request", "HX-Boosted", "HX-History-Restore-Request"),
)
def practice_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.LIBRARY_SEARCH.filters_from(request.GET)
    result = selectors.library_search(
        request.GET.get("q"),
        filters,
        page=page_number(request.GET),
        page_size=PAGE_SIZE,
    )
    context = {"result": result, "querystring": querystring_without_page(request.GET)}
    # htmx swaps the filters and the results together, so the filters' counts follow the search.
    # Restoring a page from history needs the whole page.
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "knowledge/_search.html" if partial else "knowledge/practice_list.html"
    return render(request, template, context)


def _visible(request: HttpRequest, slug: str) -> Practice:
    try:
        return permissions.practice_for(request.user, selectors.practice_get(slug))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@cached_page("practices", "organisations", "taxonomy", "vectors")
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _visible(request, slug)
    lang = request.GET.get("lang")
    public_translations = selectors.public_translations(practice)
    translation = next((t for t in public_translations if t.language_id == lang), None)
    user = request.user
    can_edit = permissions.can_edit(user, practice)
    can_review_translations = permissions.can_review_translation(user, practice)
    pending = (
        selectors.translations_pending(practice) if can_edit or can_review_translations else []
    )
    assignment = selectors.assignment_for(user, practice)
    show_review = can_edit or assignment is not None or user.is_staff
    context = {
        "practice": practice,
        "translation": translation,
        "can_edit": can_edit,
        "assignment": assignment,
        "review_history": selectors.review_history(practice) if show_review else [],
        "panel": practice.assignments.select_related("reviewer") if show_review else [],
        # Single-blind review: the submitting organisation sees what reviewers decided and why,
        # not who they are; platform admins and fellow reviewers see names.
        "reviewers_visible": user.is_staff or assignment is not None,
        "declaration_form": DeclarationForm(),
        "decision_form": DecisionForm(),
        "translation_form": TranslationForm() if can_edit else None,
        "public_translations": public_translations,
        "similar": selectors.similar_records(selectors.KIND, practice.pk)
        if practice.status == Practice.PUBLISHED
        else [],
        "pending_translations": pending,
        "translation_reviews": [TranslationReviewForm.for_translation(t) for t in pending]
        if can_review_translations
        else [],
    }
    if user.is_staff and practice.status in (
        Practice.SUBMITTED,
        Practice.IN_REVIEW,
        Practice.RETURNED,
    ):
        context["assign_form"] = AssignReviewerForm(
            reviewers=selectors.eligible_reviewers(practice)
        )
    return render(request, "knowledge/practice_detail.html", context)


@login_required
def practice_create(request: HttpRequest) -> HttpResponse:
    orgs = list(organisations_of(request.user))
    if not orgs:
        messages.info(request, _("Join or register an organisation before submitting a practice."))
        return redirect("organisations:create")
    if _advising(request):
        data, advice = _advice(request)
        form = PracticeForm(data, user_organisations=orgs)
        context = {"form": form, "creating": True, "advice": advice}
        return render(request, "knowledge/practice_form.html", context)
    form = PracticeForm(request.POST or None, user_organisations=orgs, initial={"language": "en"})
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.slug == form.cleaned_data["organisation"])
        try:
            practice = services.practice_create(
                actor=request.user,
                organisation=org,
                fields=form.fields_value(),
                submit="submit" in request.POST,
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Submitted for review.")
                if practice.status != Practice.DRAFT
                else _("Draft saved."),
            )
            return redirect("knowledge:detail", slug=practice.slug)
    return render(request, "knowledge/practice_form.html", {"form": form, "creating": True})


@login_required
def practice_edit(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _visible(request, slug)
    if not permissions.can_edit(request.user, practice):
        raise Http404
    # The owner is shown, never changed: the field is disabled and keeps its initial value.
    owner = [practice.organisation] if practice.organisation else []
    initial = PracticeForm.initial_from(
        services.PracticeFields.of(practice),
        practice.organisation.slug if practice.organisation else "",
    )
    advice = None
    if _advising(request):
        data, advice = _advice(request, practice)
        form = PracticeForm(data, initial=initial, user_organisations=owner)
    else:
        form = PracticeForm(request.POST or None, initial=initial, user_organisations=owner)
    form.fields["organisation"].disabled = True
    form.fields["organisation"].required = False
    if advice is not None:
        context = {"form": form, "practice": practice, "advice": advice}
        return render(request, "knowledge/practice_form.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_update(
                actor=request.user, practice=practice, fields=form.fields_value()
            )
            if "submit" in request.POST:
                services.practice_submit(actor=request.user, practice=practice)
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Submitted for review.") if "submit" in request.POST else _("Changes saved."),
            )
            return redirect("knowledge:detail", slug=practice.slug)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": practice})


def _advising(request: HttpRequest) -> bool:
    return request.method == "POST" and ("advise" in request.POST or "apply" in request.POST)


ADVISED = (
    ("objectives", _lazy("GCM objectives")),
    ("principles", _lazy("Guiding principles")),
    ("areas", _lazy("Areas of cooperation")),
)


def _advice(request: HttpRequest, practice: Practice | None = None) -> tuple[Any, dict[str, Any]]:
    """The draft as typed, with the tagger's suggestions and the duplicate warning; "apply"
    ticks the suggested tags in the form (nothing is saved until the submitter saves)."""
    data = request.POST.copy()
    advice = selectors.draft_advice(
        data.get("title", "")[:300],
        data.get("summary", "")[:5000],
        data.get("body", "")[:20000],
        data.get("language") or "en",
        exclude=practice.pk if practice else None,
    )
    choices = vocabulary_choices()
    groups = []
    for name, title in ADVISED:
        labels = dict(choices[name])
        found = getattr(advice, name)
        if "apply" in request.POST:
            data.setlist(name, list(dict.fromkeys([*data.getlist(name), *(s.code for s in found)])))
        groups.append(
            {
                "title": title,
                "items": [
                    {"label": labels.get(s.code, s.code), "percent": round(100 * s.confidence)}
                    for s in found
                ],
            }
        )
    duplicates = [
        {
            "record": record,
            "similarity": round(100 * score),
            "evidence": isinstance(record, Evidence),
        }
        for record, score in advice.duplicates
    ]
    return data, {"groups": groups, "duplicates": duplicates, "applied": "apply" in request.POST}


def _action(request: HttpRequest, slug: str, action: Any, success: str) -> HttpResponse:
    practice = _visible(request, slug)
    try:
        action(practice)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("knowledge:detail", slug=practice.slug)


@login_required
@require_POST
def practice_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _action(
        request,
        slug,
        lambda p: services.practice_submit(actor=request.user, practice=p),
        _("Submitted for review."),
    )


@login_required
@require_POST
def practice_verify(request: HttpRequest, slug: str) -> HttpResponse:
    return _action(
        request,
        slug,
        lambda p: services.practice_verify(actor=request.user, practice=p),
        _("Thank you: the practice is marked as verified today."),
    )


@login_required
@require_POST
def practice_translate(request: HttpRequest, slug: str) -> HttpResponse:
    form = TranslationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A translation needs a language, a title and a summary."))
        return redirect("knowledge:detail", slug=slug)
    data = form.cleaned_data
    published = _visible(request, slug).status == Practice.PUBLISHED
    return _action(
        request,
        slug,
        lambda p: services.translation_upsert(
            actor=request.user,
            practice=p,
            language=data["language"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
        ),
        _("Translation proposed: it is public once a reviewer approves it.")
        if published
        else _("Translation saved."),
    )


@login_required
@require_POST
def translation_review(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """Approve or reject a proposed translation (from the practice page or the review queue)."""
    practice = _visible(request, slug)
    translation = selectors.translation_get(practice, language)
    form = TranslationReviewForm(request.POST)
    if translation is None or not form.is_valid():
        raise Http404
    approve = form.cleaned_data["decision"] == "approve"
    note = form.cleaned_data["note"]
    return _action(
        request,
        slug,
        lambda p: (
            services.translation_approve(actor=request.user, translation=translation, note=note)
            if approve
            else services.translation_reject(actor=request.user, translation=translation, note=note)
        ),
        _("Translation approved: it is public now.") if approve else _("Translation rejected."),
    )


@login_required
@require_POST
def review_assign(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _visible(request, slug)
    form = AssignReviewerForm(request.POST, reviewers=selectors.eligible_reviewers(practice))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the list."))
        return redirect("knowledge:detail", slug=slug)
    reviewer = form.chosen_reviewer()
    return _action(
        request,
        slug,
        lambda p: services.review_assign(actor=request.user, practice=p, reviewer=reviewer),
        _("Reviewer assigned."),
    )


@login_required
@require_POST
def review_declare(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _visible(request, slug)
    assignment = selectors.assignment_for(request.user, practice)
    form = DeclarationForm(request.POST)
    if assignment is None or not form.is_valid():
        messages.error(request, _("Choose whether you have a conflict of interest."))
        return redirect("knowledge:detail", slug=slug)
    return _action(
        request,
        slug,
        lambda p: services.review_declare_interest(
            actor=request.user,
            assignment=assignment,
            conflict=form.cleaned_data["conflict"],
            statement=form.cleaned_data["statement"],
        ),
        _("Declaration recorded."),
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _visible(request, slug)
    assignment = selectors.assignment_for(request.user, practice)
    form = DecisionForm(request.POST)
    if assignment is None or not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("knowledge:detail", slug=slug)
    return _action(
        request,
        slug,
        lambda p: services.review_decide(
            actor=request.user,
            assignment=assignment,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        ),
        _("Decision recorded."),
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/review_queue.html",
        {
            "assignments": selectors.review_queue(request.user),
            "awaiting_panel": selectors.practices_awaiting_panel() if request.user.is_staff else [],
            "translation_reviews": [
                TranslationReviewForm.for_translation(t)
                for t in selectors.translations_to_review(request.user)
            ],
        },
    )


@login_required
def my_practices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/practice_mine.html",
        {
            "practices": selectors.practice_list_of_user_organisations(request.user),
            "organisations": organisations_of(request.user),
        },
    )


@cached_page("practices", "taxonomy", "vectors")
def evidence_detail(request: HttpRequest, slug: str) -> HttpResponse:
    evidence = selectors.evidence_get(slug)
    if evidence is None:
        raise Http404(_("No such evaluation."))
    context = {
        "evidence": evidence,
        "can_curate": permissions.can_curate_evidence(request.user),
        "similar": selectors.similar_records(selectors.EVIDENCE_KIND, evidence.pk),
    }
    return render(request, "knowledge/evidence_detail.html", context)


@login_required
@require_POST
def evidence_objectives(request: HttpRequest, slug: str) -> HttpResponse:
    """A curator confirms, removes or adds a GCM objective of an evaluation."""
    evidence = selectors.evidence_get(slug)
    if evidence is None:
        raise Http404(_("No such evaluation."))
    action = request.POST.get("action", "")
    number = request.POST.get("objective", "")
    actions = {
        "confirm": services.evidence_objective_confirm,
        "reject": services.evidence_objective_reject,
        "add": services.evidence_objective_add,
    }
    if action not in actions or not (number.isascii() and number.isdigit()) or len(number) > 3:
        messages.error(request, _("Choose an objective and an action."))
        return redirect("knowledge:evidence", slug=evidence.slug)
    try:
        actions[action](actor=request.user, evidence=evidence, objective=int(number))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The evaluation's objectives are updated."))
    return redirect("knowledge:evidence", slug=evidence.slug)
