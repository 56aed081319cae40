"""The remittance pages' long lists, written in Python with the markup their templates had: the
comparison's offers, the corridor table's rows, and the monitor's tables and rankings.

Through the template language these lists were most of each page's render (several hundred
variable lookups and `fixed` filters a page, each value through localisation and escaping
checks; ADR 0005). Here every value is escaped once, translated words are looked up once per
list and links come from one `reverse()` per page (`address_of`). Translations are written as
`{% trans %}` writes them (unescaped); figures through `fixed`, as the templates' filter.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from migrationhub.core.addresses import address_of
from migrationhub.core.templatetags.figures import fixed

from ..comparison import Ranking
from ..selectors import GroupRow, PeriodSummary, RankedCorridor

register = template.Library()


def _text(value: Any) -> str:
    """`{{ value }}`: localised (numbers), then escaped."""
    return escape(str(localize(value)))


def _below_zero_mark() -> str:
    """What `remittances/_below_zero_mark.html` writes."""
    label = _("below zero: what it means")
    return (
        ' <a class="below-zero-mark" href="#below-zero"><span aria-hidden="true">*</span>'
        f'<span class="visually-hidden">{label}</span></a>\n'
    )


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - every value written here is escaped or a figure


@register.simple_tag
def offer_list(result: Ranking) -> SafeString:
    """The `<li>`s of the comparison's ranked offers (in `<ol class="offers">`), or the item
    that says there is none."""
    if not result.offers:
        none = _("No provider in this survey disclosed a full price.")
        return _safe(f"\n    <li>{none}</li>\n  ")
    currency = escape(result.currency)
    arrives, lost, fee = _("Arrives"), _("Lost to fee and margin"), _("Fee")
    margin, speed, pickup, service = (
        _("Exchange-rate margin"),
        _("Speed"),
        _("Pick-up"),
        _("Service"),
    )
    cheapest, fastest = _("Cheapest"), _("Fastest")
    cheapest = f'<span class="badge badge-cheapest">{cheapest}</span>'
    fastest = f'<span class="badge badge-fastest">{fastest}</span>'
    smart_label = _("In the corridor's SmaRT")
    smart = f'<span class="badge badge-smart">{smart_label}</span>'
    below_zero = _("Cost below zero")
    below_zero = f'<span class="badge badge-below-zero">{below_zero}</span>'
    notes_intro = _("The survey notes:")
    explained = _(
        "Less than nothing is lost: this provider's rate beat the interbank rate the survey "
        "used as reference, and the survey's notes say why (a parallel market, or a more "
        "favourable rate)."
    )
    unexplained = _(
        "Less than nothing is lost: this provider's rate beat the interbank rate the survey "
        "used as reference, and the survey does not show the figure to be real (a promotion, "
        "a parallel market or an out-of-date reference rate)."
    )
    what_below_zero = _("What a cost below zero means")
    what_below_zero = f' <a href="#below-zero">{what_below_zero}</a>'
    worth = _("worth %(value)s %(currency)s")
    written = []
    for offer in result.offers:
        badges = ""
        if (
            offer.cheapest
            or offer.fastest
            or offer.in_smart
            or offer.conditions
            or offer.negative_cost
        ):
            conditions = "".join(
                f'<span class="badge badge-condition">{escape(label)}</span>'
                for label in offer.condition_labels
            )
            badges = (
                '<p class="badges">\n'
                f"        {cheapest if offer.cheapest else ''}\n"
                f"        {fastest if offer.fastest else ''}\n"
                f"        {smart if offer.in_smart else ''}\n"
                f"        {conditions}\n"
                f"        {below_zero if offer.negative_cost else ''}\n"
                "      </p>"
            )
        notes = ""
        if offer.conditions:
            quoted = " ".join(f'<q dir="auto">{escape(n)}</q>' for n in offer.condition_notes)
            notes = f'<p class="condition">{notes_intro} {quoted}</p>'
        negative = ""
        if offer.negative_cost:
            why = explained if offer.negative_cost_explained else unexplained
            negative = f'<p class="condition">{why}{what_below_zero}</p>'
        received = ""
        if offer.received is not None:
            received = f"{fixed(offer.received, '2g')} {escape(offer.payout_currency)} · "
        value = worth % {"value": fixed(offer.received_value, "2g"), "currency": currency}
        access = f" · <bdi>{escape(offer.access_point)}</bdi>" if offer.access_point else ""
        rank = _text(offer.rank)
        written.append(
            f'\n    <li class="offer{" offer-conditional" if offer.conditions else ""}" '
            f'data-rank="{rank}" data-received-value="{_text(offer.received_value)}" '
            f'data-conditions="{" ".join(escape(str(c)) for c in offer.conditions)}">\n'
            f'      <h4><span class="rank" aria-hidden="true">{rank}</span> '
            f"<bdi>{escape(offer.provider)}</bdi> "
            f'<span class="meta">{escape(offer.provider_type)}</span></h4>\n'
            f"      {badges}\n"
            f"      {notes}\n"
            f"      {negative}\n"
            '      <dl class="facts">\n'
            f"        <dt>{arrives}</dt>\n"
            f'        <dd class="arrives"><strong>{received}{value}</strong></dd>\n'
            f"        <dt>{lost}</dt>\n"
            f'        <dd class="lost">{fixed(offer.total_cost, "2g")} {currency} · '
            f"<strong>{fixed(offer.total_cost_pct, 2)}%</strong></dd>\n"
            f"        <dt>{fee}</dt><dd>{fixed(offer.fee, '2g')} {currency}</dd>\n"
            f"        <dt>{margin}</dt><dd>{fixed(offer.fx_margin_pct, 2)}% · "
            f"{fixed(offer.margin_cost, '2g')} {currency}</dd>\n"
            f"        <dt>{speed}</dt><dd>{escape(offer.speed_label or '—')}</dd>\n"
            f"        <dt>{pickup}</dt><dd><bdi>{escape(offer.pickup_method or '—')}</bdi></dd>\n"
            f"        <dt>{service}</dt><dd><bdi>{escape(offer.product or '—')}</bdi>{access}</dd>\n"
            "      </dl>\n"
            "    </li>\n  "
        )
    return _safe("".join(written))


@register.simple_tag
def corridor_rows(rows: Iterable[tuple[Any, Decimal | None]]) -> SafeString:
    """The `<tr>`s of the corridor table: (`CorridorStat` with its countries, the World Bank's
    published average or None) per row, or the row that says none matches."""
    url = address_of("remittances:corridor")
    # `{% trans %}` doubles a template's percent signs in the message id and restores them
    above_5 = _("above 5%%").replace("%%", "%")
    flag = (
        f' <span class="flag-above" title="{above_5}">▲ '
        f'<span class="visually-hidden">{above_5}</span></span>'
    )
    mark = _below_zero_mark()
    written = []
    for stat, published in rows:
        corridor = stat.corridor
        smart = f"{fixed(stat.smart_pct, 2)}%" if stat.smart_pct is not None else "—"
        wb = f"{fixed(published, 2)}%" if published is not None else "—"
        written.append(
            "\n    <tr>\n"
            f'      <th scope="row"><a href="{url(corridor.code)}">'
            f"{escape(corridor.sending.label)} → {escape(corridor.receiving.label)}</a></th>\n"
            f'      <td class="num">{fixed(stat.average_pct, 2)}%'
            f"{mark if stat.average_pct < 0 else ''}{flag if stat.above_5 else ''}</td>\n"
            f'      <td class="num">{smart}</td>\n'
            f'      <td class="num">{fixed(stat.cheapest_pct, 2)}%'
            f"{mark if stat.cheapest_pct < 0 else ''}</td>\n"
            f'      <td class="num">{fixed(stat.dearest_pct, 2)}%</td>\n'
            f'      <td class="num">{_text(stat.quotes)}</td>\n'
            f'      <td class="num">{wb}</td>\n'
            "    </tr>\n  "
        )
    if not written:
        none = _("No corridor matches.")
        written.append(f'\n    <tr><td colspan="7">{none}</td></tr>\n  ')
    return _safe("".join(written))


@register.simple_tag
def summary_rows(summaries: Iterable[PeriodSummary]) -> SafeString:
    """The `<tr>`s of the monitor's global figures, one per period."""
    return _safe(
        "".join(
            f'<tr><th scope="row">{escape(s.period)}</th>'
            f'<td class="num">{fixed(s.global_average, 2)}%</td>'
            f'<td class="num">{fixed(s.weighted_average, 2)}%</td>'
            f'<td class="num">{fixed(s.smart, 2)}%</td>'
            f'<td class="num">{fixed(s.share_under_5, 1)}%</td>'
            f'<td class="num">{_text(s.corridors_above_5)} / {_text(s.corridors)}</td></tr>'
            for s in summaries
        )
    )


@register.simple_tag
def region_rows(rows: Iterable[tuple[str, Sequence[Decimal | None]]]) -> SafeString:
    """The `<tr>`s of the monitor's regional averages: (region, its average per period)."""
    return _safe(
        "".join(
            f'<tr><th scope="row">{escape(region)}</th>'
            + "".join(
                f'<td class="num">{"" if value is None else f"{fixed(value, 2)}%"}</td>'
                for value in values
            )
            + "</tr>"
            for region, values in rows
        )
    )


@register.simple_tag
def provider_type_rows(rows: Iterable[GroupRow]) -> SafeString:
    """The `<tr>`s of the monitor's averages by type of provider."""
    return _safe(
        "".join(
            f'<tr><th scope="row">{escape(row.label)}</th>'
            f'<td class="num">{fixed(row.average, 2)}%</td>'
            f'<td class="num">{_text(row.quotes)}</td></tr>'
            for row in rows
        )
    )


@register.simple_tag
def corridor_ranking(ranked: Iterable[RankedCorridor]) -> SafeString:
    """The `<li>`s of one of the monitor's rankings: each corridor linked to its page, with its
    average."""
    url = address_of("remittances:corridor")
    return _safe(
        "".join(
            f'<li><a href="{url(r.corridor.code)}">{escape(r.corridor.sending_label)} → '
            f"{escape(r.corridor.receiving_label)}</a> "
            f'<span class="num">{fixed(r.average_pct, 2)}%</span></li>'
            for r in ranked
        )
    )
