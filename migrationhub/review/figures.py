"""The charts each review page shows, drawn from the selectors' views by `charts` (SVG), with
the same figures the page prints in its tables."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import charts, selectors
from .forms import AXIS_LABELS
from .selectors import CoverageView


def coverage_heat_map(view: CoverageView) -> SafeString:
    """Rows × columns of the table, every kind counted."""
    counts = {
        (r, c): view.table.count(r, c, view.filters.kinds)
        for r in view.table.rows
        for c in view.table.cols
    }
    rows = [(key, key if view.rows == "objective" else text) for key, text in view.row_labels]
    return mark_safe(  # noqa: S308 - charts escape every label
        charts.heat_map(
            title=_("Coverage: %(rows)s by %(cols)s")
            % {"rows": AXIS_LABELS[view.rows], "cols": AXIS_LABELS[view.cols]},
            rows=rows,
            cols=view.col_labels,
            counts=counts,
            empty_label=_("none: a gap"),
        )
    )


def trends_chart(rows: list[selectors.trends.Year]) -> tuple[SafeString, SafeString]:
    """New records per year, and the reporting rate beside the share inactive."""
    years = [str(r.year) for r in rows]
    counts = charts.bar_chart(
        title=_("New partnerships and pledges per year"),
        x_labels=years,
        series=[
            charts.Bars(_("Partnerships"), [float(r.new_partnerships) for r in rows]),
            charts.Bars(_("Pledges"), [float(r.new_pledges) for r in rows]),
        ],
    )
    shares = charts.bar_chart(
        title=_("Reporting rate and share inactive per year"),
        x_labels=years,
        series=[
            charts.Bars(_("Reported in the year"), [r.reporting_rate for r in rows]),
            charts.Bars(_("Inactive at the year's end"), [r.inactive_share for r in rows]),
        ],
        unit="%",
    )
    return mark_safe(counts), mark_safe(shares)  # noqa: S308


def network_chart(scope: tuple[str, str] = ("world", "")) -> tuple[SafeString, list[charts.Dot]]:
    dots, links, legend = selectors.network_picture_data(scope)
    svg = charts.network_picture(
        title=_("The most connected organisations and their shared partnerships"),
        dots=dots,
        links=links,
        legend=legend,
    )
    return mark_safe(svg), sorted(dots, key=lambda d: (-d.size, d.label))  # noqa: S308
