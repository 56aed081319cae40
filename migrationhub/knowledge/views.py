"""Practice pages: search, detail, submit and edit, review. Views parse, call one service or
selector, and render; service errors come back as form errors."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from migrationhub.core.errors import ApplicationError, NotFound
from migrationhub.core.forms import add_service_errors
from migrationhub.organisations.selectors import organisations_of
from migrationhub.taxonomy.selectors import facet_labels

from . import permissions, selectors, services
from .forms import (
    AssignReviewerForm,
    DecisionForm,
    DeclarationForm,
    PracticeForm,
    TranslationForm,
)
from .models import Practice

PAGE_SIZE = 20
FACET_ORDER = (
    "objective",
    "region",
    "country",
    "level",
    "stakeholder_type",
    "area",
    "principle",
    "language",
    "year",
)
FACET_TITLES = {
    "objective": gettext_lazy("GCM objective"),
    "region": gettext_lazy("Region"),
    "country": gettext_lazy("Country"),
    "level": gettext_lazy("Level"),
    "stakeholder_type": gettext_lazy("Stakeholder type"),
    "area": gettext_lazy("Area of cooperation"),
    "principle": gettext_lazy("Guiding principle"),
    "language": gettext_lazy("Language"),
    "year": gettext_lazy("Year"),
}


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@vary_on_headers("HX-Request")  # the same URL answers a page or a fragment
def practice_list(request):
    query = request.GET.get("q", "").strip()
    filters = {f: [v for v in request.GET.getlist(f) if v] for f in FACET_ORDER}
    filters["country"] = [c.upper() for c in filters["country"]]
    page = _page_number(request)
    result, practices = selectors.practice_search(
        query, filters=filters, page=page, page_size=PAGE_SIZE
    )
    hits = {h.object_id: h for h in result.hits}
    labels = facet_labels(result.facets)
    facets = []
    for name in FACET_ORDER:
        selected = set(filters.get(name, []))
        values = [
            {"value": v, "label": labels[name].get(v, v), "count": n, "selected": v in selected}
            for v, n in result.facets.get(name, [])
        ]
        present = {v["value"] for v in values}
        values += [
            {"value": v, "label": labels[name].get(v, v), "count": 0, "selected": True}
            for v in selected - present
        ]
        if name == "year":
            values.sort(key=lambda v: v["value"], reverse=True)
        facets.append(
            {
                "name": name,
                "title": FACET_TITLES[name],
                "values": values,
                # The template folds values after the eighth under "More": open it when one
                # of them is chosen, so that a chosen filter is never hidden.
                "more_selected": any(v["selected"] for v in values[8:]),
            }
        )
    pages = max(1, -(-result.total // PAGE_SIZE))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "query": query,
        "items": [(p, hits[p.pk]) for p in practices],
        "total": result.total,
        "facets": facets,
        "page": page,
        "pages": pages,
        "querystring": params.urlencode(),
        "active_filters": any(filters.values()),
    }
    # htmx swaps the filters and the results together, so the filters' counts follow the search.
    # Restoring a page from history needs the whole page.
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "knowledge/_search.html" if partial else "knowledge/practice_list.html"
    return render(request, template, context)


def _visible(request, slug) -> Practice:
    try:
        return permissions.practice_for(request.user, selectors.practice_get(slug))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def practice_detail(request, slug):
    practice = _visible(request, slug)
    lang = request.GET.get("lang")
    translation = next((t for t in practice.translations.all() if t.language_id == lang), None)
    user = request.user
    can_edit = permissions.can_edit(user, practice)
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
    }
    if user.is_staff and practice.status in (
        Practice.SUBMITTED,
        Practice.IN_REVIEW,
        Practice.RETURNED,
    ):
        context["assign_form"] = AssignReviewerForm(reviewers=_eligible_reviewers(practice))
    return render(request, "knowledge/practice_detail.html", context)


def _eligible_reviewers(practice):
    assigned = practice.assignments.values_list("reviewer_id", flat=True)
    involved = {practice.organisation_id, *practice.organisations.values_list("pk", flat=True)}
    return (
        get_user_model()
        .objects.exclude(reviewer_role="")
        .exclude(pk__in=assigned)
        .exclude(memberships__organisation_id__in=[i for i in involved if i])
        .order_by("reviewer_role", "email")
    )


@login_required
def practice_create(request):
    orgs = list(organisations_of(request.user))
    if not orgs:
        messages.info(request, _("Join or register an organisation before submitting a practice."))
        return redirect("organisations:create")
    form = PracticeForm(request.POST or None, user_organisations=orgs, initial={"language": "en"})
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.slug == form.cleaned_data["organisation"])
        try:
            practice = services.practice_create(
                actor=request.user,
                organisation=org,
                data=form.service_data(),
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
def practice_edit(request, slug):
    practice = _visible(request, slug)
    if not permissions.can_edit(request.user, practice):
        raise Http404
    orgs = list(organisations_of(request.user)) or (
        [practice.organisation] if practice.organisation else []
    )
    initial = {
        "organisation": practice.organisation.slug if practice.organisation else "",
        "title": practice.title,
        "summary": practice.summary,
        "body": practice.body,
        "language": practice.language_id,
        "objectives": [str(o.number) for o in practice.objectives.all()],
        "principles": [p.code for p in practice.principles.all()],
        "areas": [a.code for a in practice.areas.all()],
        "levels": [lv.code for lv in practice.levels.all()],
        "stakeholder_types": [s.code for s in practice.stakeholder_types.all()],
        "countries": [c.iso3 for c in practice.countries.all()],
        "organisations": [o.slug for o in practice.organisations.all()],
        "period_start": practice.period_start,
        "period_end": practice.period_end,
        "results": practice.results,
        "source": practice.source,
    }
    form = PracticeForm(request.POST or None, initial=initial, user_organisations=orgs)
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_update(
                actor=request.user, practice=practice, data=form.service_data()
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


def _action(request, slug, action, success):
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
def practice_submit(request, slug):
    return _action(
        request,
        slug,
        lambda p: services.practice_submit(actor=request.user, practice=p),
        _("Submitted for review."),
    )


@login_required
@require_POST
def practice_verify(request, slug):
    return _action(
        request,
        slug,
        lambda p: services.practice_verify(actor=request.user, practice=p),
        _("Thank you: the practice is marked as verified today."),
    )


@login_required
@require_POST
def practice_translate(request, slug):
    form = TranslationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A translation needs a language, a title and a summary."))
        return redirect("knowledge:detail", slug=slug)
    data = dict(form.cleaned_data)
    language = data.pop("language")
    return _action(
        request,
        slug,
        lambda p: services.translation_upsert(
            actor=request.user, practice=p, language=language, data=data
        ),
        _("Translation saved."),
    )


@login_required
@require_POST
def review_assign(request, slug):
    practice = _visible(request, slug)
    form = AssignReviewerForm(request.POST, reviewers=_eligible_reviewers(practice))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the list."))
        return redirect("knowledge:detail", slug=slug)
    reviewer = get_user_model().objects.get(pk=form.cleaned_data["reviewer"])
    return _action(
        request,
        slug,
        lambda p: services.review_assign(actor=request.user, practice=p, reviewer=reviewer),
        _("Reviewer assigned."),
    )


@login_required
@require_POST
def review_declare(request, slug):
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
def review_decide(request, slug):
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
def review_queue(request):
    return render(
        request,
        "knowledge/review_queue.html",
        {
            "assignments": selectors.review_queue(request.user),
            "awaiting_panel": selectors.practices_awaiting_panel() if request.user.is_staff else [],
        },
    )


@login_required
def my_practices(request):
    return render(
        request,
        "knowledge/practice_mine.html",
        {
            "practices": selectors.practice_list_of_user_organisations(request.user),
            "organisations": organisations_of(request.user),
        },
    )
