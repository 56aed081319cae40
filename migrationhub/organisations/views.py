"""Organisation directory, profile, registration and members."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migrationhub.core.errors import ApplicationError
from migrationhub.core.forms import add_service_errors
from migrationhub.knowledge.selectors import practice_list_for_organisation
from migrationhub.search.selectors import search
from migrationhub.taxonomy.selectors import facet_labels

from . import permissions, selectors, services
from .forms import MemberForm, OrganisationForm
from .indexing import KIND

PAGE_SIZE = 30
FACETS = ("stakeholder_type", "level", "region", "country", "objective")
TITLES = {
    "stakeholder_type": gettext_lazy("Stakeholder type"),
    "level": gettext_lazy("Level"),
    "region": gettext_lazy("Region"),
    "country": gettext_lazy("Country"),
    "objective": gettext_lazy("GCM objective of expertise"),
}


def organisation_list(request):
    query = request.GET.get("q", "").strip()
    filters = {f: [v for v in request.GET.getlist(f) if v] for f in FACETS}
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    result = search(
        query,
        kinds=[KIND],
        filters=filters,
        facets=FACETS,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    by_id = selectors.organisation_queryset().in_bulk([h.object_id for h in result.hits])
    labels = facet_labels(result.facets)
    facets = []
    for f in FACETS:
        values = [
            {"value": v, "label": labels[f].get(v, v), "count": n, "selected": v in filters[f]}
            for v, n in result.facets.get(f, [])
        ]
        # Values after the eighth fold under "More": open it when one of them is chosen.
        more_selected = any(v["selected"] for v in values[8:])
        facets.append(
            {"name": f, "title": TITLES[f], "values": values, "more_selected": more_selected}
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "query": query,
            "items": [(by_id[h.object_id], h) for h in result.hits if h.object_id in by_id],
            "total": result.total,
            "facets": facets,
            "page": page,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
            "querystring": params.urlencode(),
        },
    )


def organisation_detail(request, slug):
    org = selectors.organisation_get(slug)
    if org is None:
        raise Http404
    is_admin = permissions.is_admin(request.user, org)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": org,
            "practices": practice_list_for_organisation(org),
            "is_admin": is_admin,
            "members": selectors.organisation_members(org) if is_admin else [],
            "member_form": MemberForm() if is_admin else None,
        },
    )


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation registered. You are its administrator."))
            return redirect("organisations:detail", slug=org.slug)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, slug):
    org = selectors.organisation_get(slug)
    if org is None or not permissions.is_admin(request.user, org):
        raise Http404
    initial = {
        "name": org.name,
        "acronym": org.acronym,
        "stakeholder_type": org.stakeholder_type.code,
        "level": org.level.code,
        "home_country": org.home_country.iso3 if org.home_country else "",
        "countries": [c.iso3 for c in org.countries.all()],
        "objectives": [str(o.number) for o in org.objectives.all()],
        "languages": [lang.code for lang in org.languages.all()],
        "description": org.description,
        "website": org.website,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user, organisation=org, data=dict(form.cleaned_data)
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisations:detail", slug=org.slug)
    return render(
        request, "organisations/organisation_form.html", {"form": form, "organisation": org}
    )


@login_required
def organisation_member_add(request, slug):
    org = selectors.organisation_get(slug)
    if org is None or request.method != "POST":
        raise Http404
    form = MemberForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(email=form.cleaned_data["email"].lower()).first()
        if user is None:
            messages.error(
                request, _("No registered user has this e-mail address. Ask them to sign up first.")
            )
        else:
            try:
                services.membership_set(
                    actor=request.user, organisation=org, user=user, role=form.cleaned_data["role"]
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Member added."))
    else:
        messages.error(request, _("Enter a valid e-mail address and role."))
    return redirect("organisations:detail", slug=slug)
