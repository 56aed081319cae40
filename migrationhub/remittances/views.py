"""Remittance pages: the sender's comparison, the SDG 10.c monitor, corridors and their history.
Views parse, call selectors, draw charts (inline SVG) and render; everything works without
JavaScript."""

from collections.abc import Sequence
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, paginate, querystring_without_page

from . import charts, costs, selectors
from .errors import CorridorNotFound
from .forms import CompareForm, CorridorFilterForm

PAGE_SIZE = 50
# How a newer survey is loaded (README, "Remittances"): shown when the prices are old.
IMPORT_COMMAND = "migrationhub import-remittances PATH --layout collector --source NAME"


def _reference_lines() -> list[charts.ReferenceLine]:
    return [
        # xgettext:no-python-format
        charts.ReferenceLine(costs.SDG_GLOBAL_TARGET_PCT, _("SDG 10.c: 3% global"), "#1b6e3a"),
        charts.ReferenceLine(costs.SDG_CORRIDOR_CEILING_PCT, _("5%: no corridor above"), "#b3261e"),
    ]


@cached_page("remittances", "taxonomy")
def compare(request: HttpRequest) -> HttpResponse:
    choices = selectors.corridor_choices()
    data = request.GET if request.GET.get("sending") or request.GET.get("receiving") else None
    # any period with prices is a valid choice; the corridor's own are offered once it is known
    form = CompareForm(data, choices=choices, periods=selectors.periods() if data else None)
    result, elsewhere = None, []
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            result = selectors.comparison(
                values["sending"], values["receiving"], values["amount"], values["period"]
            )
        except CorridorNotFound:
            form.add_error(None, _("No prices are known for this corridor."))
            elsewhere = selectors.corridors_from(values["sending"])
        else:
            form = CompareForm(
                {**data.dict(), "amount": result.amount, "period": result.period},
                choices=choices,
                periods=result.periods,
            )
    latest = (selectors.period_summaries() or [None])[-1] if not result else None
    context = {
        "form": form,
        "result": result,
        "elsewhere": elsewhere,
        "popular": [] if result else selectors.popular_corridors(),
        "latest": latest,
        "survey": result.survey
        if result
        else (selectors.period_survey(latest.period, latest.period) if latest else None),
        "import_command": IMPORT_COMMAND,
        # the same comparison in the latest survey, when an older one is shown
        "newer_url": "?"
        + urlencode(
            {
                "sending": result.corridor.sending.iso3,
                "receiving": result.corridor.receiving.iso3,
                "amount": result.amount,
            }
        )
        if result and result.period != result.survey.latest
        else "",
    }
    return render(request, "remittances/compare.html", context)


def _series_chart(title: str, labels: list[str], series: Sequence[charts.Series]) -> SafeString:
    return mark_safe(  # noqa: S308 - charts.line_chart escapes every text it draws
        charts.line_chart(
            title=title, x_labels=labels, series=series, reference_lines=_reference_lines()
        )
    )


@cached_page("remittances", "taxonomy")
def monitor(request: HttpRequest) -> HttpResponse:
    data = selectors.monitor(request.GET.get("period"))
    labels = [s.period for s in data.summaries]
    global_chart = _series_chart(
        _("Global average cost of sending USD 200, against the SDG 10.c target"),
        labels,
        [
            charts.Series(_("Global average"), [s.global_average for s in data.summaries]),
            charts.Series(_("Weighted by flows"), [s.weighted_average for s in data.summaries]),
            charts.Series(_("SmaRT"), [s.smart for s in data.summaries]),
        ],
    )
    region_rows = [
        (region, [values.get(p) for p in labels]) for region, values in data.regions.items()
    ]
    region_chart = _series_chart(
        _("Average cost of sending USD 200 to each region"),
        labels,
        [charts.Series(region, values) for region, values in region_rows],
    )
    return render(
        request,
        "remittances/monitor.html",
        {
            "data": data,
            "summary": data.summary,
            "global_chart": global_chart,
            "region_chart": region_chart,
            "labels": labels,
            "region_rows": region_rows,
            "survey": data.survey,
            "import_command": IMPORT_COMMAND,
            "newer_url": "?" + urlencode({"period": data.periods[-1]}) if data.periods else "",
        },
    )


@cached_page("remittances", "taxonomy")
def corridor_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.corridor_choices()
    known = selectors.periods()
    form = CorridorFilterForm(request.GET or None, choices=choices, periods=known)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period") or (known[-1] if known else None)
    stats = selectors.corridor_stats(
        period=period,
        sending=filters.get("sending") or None,
        receiving=filters.get("receiving") or None,
        above_5=True if filters.get("above_5") else None,
        named_only=True,
    )
    order = filters.get("order") or "corridor"
    if order == "cheapest":
        stats = stats.order_by("average_pct")
    elif order == "dearest":
        stats = stats.order_by("-average_pct")
    page = paginate(stats, page_number(request.GET), PAGE_SIZE)
    published = selectors.published_for(page.items)
    rows = [(s, published.get((s.corridor_id, s.period))) for s in page.items]
    below_zero = any(s.average_pct < 0 or s.cheapest_pct < 0 for s in page.items)
    return render(
        request,
        "remittances/corridor_list.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "below_zero": below_zero,
            "page": page,
            "querystring": querystring_without_page(request.GET),
        },
    )


@cached_page("remittances", "taxonomy")
def corridor_detail(request: HttpRequest, code: str) -> HttpResponse:
    sending, _sep, receiving = code.upper().partition("-")
    try:
        corridor = selectors.corridor_get(sending, receiving)
    except CorridorNotFound as exc:
        raise Http404(exc.message) from exc
    history = selectors.corridor_history(corridor)
    labels = [row.quarter for row in history]
    chart = _series_chart(
        _("Average cost of sending USD 200 from %(sending)s to %(receiving)s")
        % {"sending": corridor.sending.label, "receiving": corridor.receiving.label},
        labels,
        [
            charts.Series(_("Computed from the quotes"), [row.average for row in history]),
            charts.Series(_("Published by the World Bank"), [row.published for row in history]),
            charts.Series(_("SmaRT"), [row.smart for row in history]),
        ],
    )
    latest = next((row for row in reversed(history) if row.average is not None), None)
    below_zero = any(row.average is not None and row.average < 0 for row in history)
    return render(
        request,
        "remittances/corridor_detail.html",
        {
            "corridor": corridor,
            "history": history,
            "chart": chart,
            "latest": latest,
            "below_zero": below_zero,
        },
    )
