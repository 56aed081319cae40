"""Review pages: coverage (table and heat map), the gap finder, the partnership network, trends,
and the country, regional and objective reports (HTML and PDF). Views parse, call the selectors,
and render; every page works without JavaScript and is cached for anonymous visitors until the
data it shows changes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrationhub.core.errors import ApplicationError
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import Page, page_number, querystring_without_page

from . import figures, pdf, selectors
from .coverage import WORLD
from .forms import AXIS_LABELS, KIND_LABELS, CountryGapForm, CoverageForm, GapForm

DOMAINS = selectors.DOMAINS
GAP_PAGE_SIZE = 50

Run = Callable[..., HttpResponse]


def fresh_only(view: Run) -> Run:
    """Inside `cached_page`/`cached_api`: an answer made from facts older than the data (served
    while they are refreshed after a write, selectors.snapshot) is marked `no-store`, so that
    the page cache does not keep it under the new data's generations."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        selectors.reset_stale()
        response = view(request, *args, **kwargs)
        if selectors.served_stale():
            patch_cache_control(response, no_store=True)
        return response

    # cached_api finds the django-ninja operation (for its throttles) on the bound `run`
    wrapper.__self__ = getattr(view, "__self__", None)  # type: ignore[attr-defined]
    return wrapper


@cached_page(*DOMAINS)
@fresh_only
def coverage(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("rows", "objective")
        data.setdefault("cols", "region")
    form = CoverageForm(data)
    valid = form.is_valid() if request.GET else True
    rows, cols, within = form.axes() if request.GET else ("objective", "region", WORLD)
    view = selectors.coverage_view(rows=rows, cols=cols, within=within, filters=form.filters())
    context = {
        "form": form,
        "valid": valid,
        "view": view,
        "heat_map": figures.coverage_heat_map(view),
        "kinds": [(k, KIND_LABELS[k]) for k in view.filters.kinds],
        "top_gaps": selectors.gap_list()[:10],
        "querystring": request.GET.urlencode(),
        "row_title": AXIS_LABELS[view.rows],
        "col_title": AXIS_LABELS[view.cols],
    }
    return render(request, "review/coverage.html", context, status=200 if valid else 422)


@cached_page(*DOMAINS)
@fresh_only
def gap_finder(request: HttpRequest) -> HttpResponse:
    form = GapForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    found = (
        selectors.gap_list(
            region_kind=data.get("depth") or "leaf",
            within=data.get("within") or "",
            objective=data.get("objective") or "",
            level=data.get("level") or "",
        )
        if valid
        else []
    )
    number = page_number(request.GET)
    page = Page.of(
        found[(number - 1) * GAP_PAGE_SIZE : number * GAP_PAGE_SIZE],
        len(found),
        number,
        GAP_PAGE_SIZE,
    )
    country_form = CountryGapForm(request.GET if "country" in request.GET else None)
    country_gaps = None
    if "country" in request.GET and country_form.is_valid():
        country_gaps = selectors.country_gap_list(country_form.cleaned_data["country"])
    context = {
        "form": form,
        "page": page,
        "country_form": country_form,
        "country_gaps": country_gaps,
        "querystring": querystring_without_page(request.GET),
    }
    status = 200 if valid and (country_form.is_bound is False or country_form.is_valid()) else 422
    return render(request, "review/gaps.html", context, status=status)


@cached_page(*DOMAINS)
@fresh_only
def network_page(request: HttpRequest) -> HttpResponse:
    facts = selectors.network_facts()
    picture, dots = figures.network_chart()
    years = selectors.trend_years()
    context = {
        "facts": facts,
        "picture": picture,
        "dots": dots,
        "brokers": [
            {**selectors.organisation_brief(b.id), "betweenness": b.betweenness, "degree": b.degree}
            for b in facts.brokers
        ],
        "isolates": [selectors.organisation_brief(i) for i in facts.isolates[:100]],
        "components": [len(c) for c in facts.components[:20]],
        "level_pairs": selectors.pair_labels(facts.level_pairs, "levels"),
        "type_pairs": selectors.pair_labels(facts.type_pairs, "stakeholder_types"),
        "history": selectors.network_history_rows(years),
    }
    return render(request, "review/network.html", context)


@cached_page(*DOMAINS)
@fresh_only
def trends_page(request: HttpRequest) -> HttpResponse:
    rows = selectors.trend_rows()
    counts, shares = figures.trends_chart(rows)
    return render(request, "review/trends.html", {"rows": rows, "counts": counts, "shares": shares})


def _report(kind: str, code: str) -> selectors.Report:
    found = selectors.report(kind, code)
    if found is None:
        raise Http404(_("Nothing to review here."))
    return found


def _report_context(found: selectors.Report) -> dict[str, Any]:
    picture, dots = figures.network_chart((found.kind, found.code))
    return {
        "report": found,
        "heat_map": figures.coverage_heat_map(found.coverage),
        "row_title": AXIS_LABELS[found.coverage.rows],
        "picture": picture,
        "dots": dots,
        "light_labels": selectors.light_labels(),
        "level_pairs": selectors.pair_labels(found.network.level_pairs, "levels"),
        "type_pairs": selectors.pair_labels(found.network.type_pairs, "stakeholder_types"),
    }


@cached_page(*DOMAINS)
@fresh_only
def report_page(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    found = _report(kind, code.upper() if kind == "country" else code)
    return render(request, "review/report.html", _report_context(found))


def report_pdf(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The report as a PDF: stored per language until the data changes; a client may make the
    server render only a few per minute (WeasyPrint takes a second or more)."""
    found = _report(kind, code.upper() if kind == "country" else code)
    try:
        body = pdf.report_pdf(
            found,
            language=get_language() or "en",
            client=request.META.get("REMOTE_ADDR", ""),
            render_html=lambda: render(
                request, "review/report_pdf.html", _report_context(found)
            ).content.decode(),
            base_url=request.build_absolute_uri("/"),
        )
    except ApplicationError as exc:
        response = HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = "60"
        return response
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{found.kind}-{found.code}.pdf"'
    response["Cache-Control"] = "public, max-age=300"
    return response
