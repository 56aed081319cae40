"""Connection hub pages: the hub's front page (public requests), asking for support, a request's
page with its recorded workflow and proposals, screening, matching (ranked organisations with
every component, offers, similar solutions, the consortium builder), accepting, translations,
the curators' queue, and the offers board. Views parse, call one service or selector, and
render; service errors come back as form errors or messages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from migrationhub.core.errors import ApplicationError, NotFound
from migrationhub.core.forms import act_and_redirect as _act
from migrationhub.core.forms import add_service_errors
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, querystring_without_page
from migrationhub.organisations.selectors import organisation_get
from migrationhub.taxonomy.selectors import vocabulary_choices

from . import matching, permissions, selectors, services, workflow
from .forms import (
    OfferForm,
    ProposeForm,
    RequestForm,
    ScreenForm,
    TransitionForm,
    TranslationForm,
)
from .models import STATUS_TITLES, Offer, SupportRequest

PAGE_SIZE = 20
DOMAINS = ("hub", "organisations", "taxonomy", "partnerships")
COMPONENT_TITLES = {
    "objectives": gettext_lazy("GCM objectives"),
    "geography": gettext_lazy("Geography"),
    "level": gettext_lazy("Governance level"),
    "type": gettext_lazy("Stakeholder type wanted"),
    "track_record": gettext_lazy("Track record"),
    "load": gettext_lazy("Current load"),
    "language": gettext_lazy("Language"),
    "text": gettext_lazy("Similarity of texts"),
}


def _request(request: HttpRequest, slug: str) -> SupportRequest:
    try:
        return permissions.request_for(request.user, selectors.support_request_get(slug))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _offer(slug: str) -> Offer:
    offer = selectors.offer_get(slug)
    if offer is None:
        raise Http404(_("No such offer."))
    return offer


def _labels() -> dict[str, dict[str, str]]:
    return {name: dict(pairs) for name, pairs in vocabulary_choices().items()}


# --- the hub and its requests ----------------------------------------------------------------


@cached_page(*DOMAINS)
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.support_request_list_public(page=page_number(request.GET), page_size=PAGE_SIZE)
    return render(
        request,
        "hub/index.html",
        {
            "page": page,
            "querystring": querystring_without_page(request.GET),
            "is_curator": permissions.is_curator(request.user),
            "statuses": STATUS_TITLES,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hub/mine.html",
        {"requests": selectors.requests_of_user(request.user), "statuses": STATUS_TITLES},
    )


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    requesters = selectors.requester_choices(request.user)
    form = RequestForm(request.POST or None, requesters=requesters)
    if request.method == "POST" and form.is_valid():
        requester = organisation_get(form.cleaned_data["requester"])
        try:
            if requester is None:
                raise NotFound(_("No such organisation."))
            created = services.request_submit(
                actor=request.user, requester=requester, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request was submitted; hub curators will screen it."))
            return redirect("hub:request_detail", slug=created.slug)
    return render(
        request,
        "hub/request_form.html",
        {"form": form, "requesters": requesters, "title": _("Ask for support")},
    )


@login_required
def request_edit(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    if not permissions.is_requester(request.user, support):
        raise Http404(_("No such page."))
    form = RequestForm(
        request.POST or None,
        initial=RequestForm.initial_of(support),
        requesters=[support.requester],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(actor=request.user, request=support, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request is updated."))
            return redirect("hub:request_detail", slug=slug)
    return render(
        request,
        "hub/request_form.html",
        {
            "form": form,
            "requesters": [support.requester],
            "title": _("Correct the request"),
            "submit": _("Save the request"),
        },
    )


@cached_page(*DOMAINS)
def request_detail(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    user = request.user
    roles = permissions.roles_of(user, support)
    steps = workflow.next_steps(support.status, roles)
    lang = request.GET.get("lang")
    translations = list(support.translations.all())
    return render(
        request,
        "hub/request_detail.html",
        {
            "support": support,
            "translation": next((t for t in translations if t.language_id == lang), None),
            "translations": translations,
            "transitions": selectors.transitions(support),
            "proposals": selectors.proposals(support),
            "statuses": STATUS_TITLES,
            "labels": _labels(),
            "is_curator": workflow.CURATOR in roles,
            "is_requester": permissions.is_requester(user, support),
            "may_accept": workflow.REQUESTER in roles and support.status == workflow.PROPOSED,
            "may_edit": permissions.is_requester(user, support)
            and support.status in workflow.OPEN_BEFORE_ACCEPTANCE,
            "may_match": permissions.can_see_matches(user, support),
            "transition_form": TransitionForm(steps=steps) if steps else None,
            "screening": _screening(support),
        },
    )


def _screening(support: SupportRequest) -> list[dict[str, Any]]:
    findings = (support.screening or {}).get("principles") or {}
    labels = dict(vocabulary_choices()["principles"])
    return [
        {"label": labels.get(code, code), "met": f.get("met"), "note": f.get("note", "")}
        for code, f in findings.items()
    ]


@login_required
def request_screen(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    if not permissions.is_curator(request.user):
        raise Http404(_("No such page."))
    form = ScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_screen(
                actor=request.user,
                request=support,
                complete=form.cleaned_data["complete"],
                principles=form.checks(),
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request is screened."))
            return redirect("hub:request_detail", slug=slug)
    return render(
        request,
        "hub/screen_form.html",
        {"form": form, "support": support, "title": _("Screen the request")},
    )


@login_required
@require_POST
def request_move(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    steps = workflow.next_steps(support.status, permissions.roles_of(request.user, support))
    form = TransitionForm(request.POST, steps=steps)
    if not form.is_valid():
        messages.error(request, _("Choose what happens next."))
        return redirect("hub:request_detail", slug=slug)
    to = form.cleaned_data["to"]
    return _act(
        request,
        lambda: services.request_transition(
            actor=request.user, request=support, to=to, reason=form.cleaned_data["reason"]
        ),
        _("The request is now: %(status)s.") % {"status": STATUS_TITLES[to]},
        "hub:request_detail",
        slug=slug,
    )


@login_required
def request_matches(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    if not permissions.can_see_matches(request.user, support):
        raise Http404(_("No such page."))
    form = ProposeForm(request.POST or None)
    if request.method == "POST":
        if not permissions.is_curator(request.user):
            raise Http404(_("No such page."))
        if form.is_valid():
            try:
                services.proposal_create(
                    actor=request.user,
                    request=support,
                    size=form.cleaned_data["size"],
                    note=form.cleaned_data["note"],
                    exclude=form.excluded(),
                )
            except ApplicationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The consortium is proposed to the requester."))
                return redirect("hub:request_detail", slug=slug)
    matches = selectors.request_matches(support, limit=20)
    return render(
        request,
        "hub/request_matches.html",
        {
            "support": support,
            "matches": [_match_view(m) for m in matches],
            "offers": selectors.request_offers(support),
            "solutions": selectors.similar_solutions(support),
            "form": form,
            "may_propose": permissions.is_curator(request.user)
            and support.status in (workflow.MATCHING, workflow.PROPOSED),
            "components": [
                (c, COMPONENT_TITLES[c], matching.WEIGHTS[c]) for c in matching.COMPONENTS
            ],
            "labels": _labels(),
        },
    )


def _match_view(m: matching.Match) -> dict[str, Any]:
    return {
        "match": m,
        "rows": [
            {"title": COMPONENT_TITLES[c], "value": v, "weight": w, "points": p}
            for c, v, w, p in m.explained()
        ],
    }


@login_required
@require_POST
def proposal_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    support = _request(request, slug)
    proposal = selectors.proposal_get(support, pk)
    if proposal is None:
        raise Http404(_("No such proposal."))
    try:
        services.proposal_accept(actor=request.user, proposal=proposal)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("hub:request_detail", slug=slug)
    messages.success(
        request,
        _("Accepted: the partnership is registered and its members are invited."),
    )
    fresh = selectors.support_request_get(slug)
    if fresh is not None and fresh.partnership is not None:
        return redirect("partnerships:detail", slug=fresh.partnership.slug)
    return redirect("hub:request_detail", slug=slug)


@login_required
def request_translate(request: HttpRequest, slug: str) -> HttpResponse:
    support = _request(request, slug)
    form = TranslationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_translate(
                actor=request.user,
                request=support,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                need=form.cleaned_data["text"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("hub:request_detail", slug=slug)
    return render(
        request,
        "hub/form_page.html",
        {"form": form, "title": _("Translate the request"), "back": support, "submit": _("Save")},
    )


@login_required
def curation(request: HttpRequest) -> HttpResponse:
    if not permissions.is_curator(request.user):
        raise Http404(_("No such page."))
    return render(
        request,
        "hub/curation.html",
        {"queue": selectors.curation_queue(), "statuses": STATUS_TITLES},
    )


# --- offers ----------------------------------------------------------------------------------


@cached_page(*DOMAINS)
def offer_list(request: HttpRequest) -> HttpResponse:
    result = selectors.offer_search(
        request.GET.get("q"),
        selectors.OFFER_SEARCH.filters_from(request.GET),
        page=page_number(request.GET),
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "hub/offer_list.html",
        {
            "result": result,
            "querystring": querystring_without_page(request.GET),
            "today": timezone.localdate(),
        },
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.offer_organisation_choices(request.user)
    form = OfferForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_get(form.cleaned_data["organisation"])
        try:
            if organisation is None:
                raise NotFound(_("No such organisation."))
            offer = services.offer_create(
                actor=request.user, organisation=organisation, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your offer is on the board."))
            return redirect("hub:offer_detail", slug=offer.slug)
    return render(
        request,
        "hub/form_page.html",
        {
            "form": form,
            "title": _("Post an offer"),
            "submit": _("Post the offer"),
            "empty": not organisations,
        },
    )


@login_required
def offer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _offer(slug)
    if not permissions.is_offer_admin(request.user, offer):
        raise Http404(_("No such page."))
    form = OfferForm(
        request.POST or None,
        initial=OfferForm.initial_of(offer),
        organisations=[offer.organisation],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(actor=request.user, offer=offer, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The offer is updated."))
            return redirect("hub:offer_detail", slug=slug)
    return render(
        request,
        "hub/form_page.html",
        {"form": form, "title": _("Edit the offer"), "submit": _("Save the offer")},
    )


@cached_page(*DOMAINS)
def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _offer(slug)
    lang = request.GET.get("lang")
    translations = list(offer.translations.all())
    return render(
        request,
        "hub/offer_detail.html",
        {
            "offer": offer,
            "translation": next((t for t in translations if t.language_id == lang), None),
            "translations": translations,
            "is_admin": permissions.is_offer_admin(request.user, offer),
            "today": timezone.localdate(),
            "labels": _labels(),
        },
    )


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _offer(slug)
    return _act(
        request,
        lambda: services.offer_withdraw(
            actor=request.user, offer=offer, reason=request.POST.get("reason", "")
        ),
        _("The offer is withdrawn."),
        "hub:offer_detail",
        slug=slug,
    )


@login_required
def offer_translate(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _offer(slug)
    form = TranslationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_translate(
                actor=request.user,
                offer=offer,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["text"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("hub:offer_detail", slug=slug)
    return render(
        request,
        "hub/form_page.html",
        {"form": form, "title": _("Translate the offer"), "submit": _("Save")},
    )
