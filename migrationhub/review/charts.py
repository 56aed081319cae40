"""The review's charts as inline SVG drawn on the server: a heat map, grouped bars, the network.

No JavaScript, no CDN, nothing to load; colours are presentation attributes (the pages' strict
Content-Security-Policy allows no inline `style`). Every mark carries a `<title>` (read by screen
readers, shown on hover), every chart an `aria-label`, and every page prints the same figures in
a table beside the chart. Labels come in translated and are escaped here, so the SVG is safe to
mark safe. Drawn narrow (360 units) where it must be read on a phone at its natural size, and
left to right in every language (`direction="ltr"`: the axes do not mirror on Arabic pages; the
labels inside are shaped by the browser in their own direction).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# A sequential blue scale for counts (white = none), and the gap colour.
HEAT = ("#f7fbff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY = "#fde0dd"
TEXT = "#1b1f23"
MUTED = "#555d66"


def _shade(value: int, top: int) -> str:
    if value <= 0:
        return EMPTY
    step = 1 + int((len(HEAT) - 2) * math.log1p(value) / math.log1p(max(top, 1)))
    return HEAT[min(step, len(HEAT) - 1)]


def heat_map(
    *,
    title: str,
    rows: Sequence[tuple[str, str]],
    cols: Sequence[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    empty_label: str,
) -> str:
    """Rows × columns of counts; `rows`/`cols` are (key, short label); empty cells are marked
    (pink, with a cross) so that gaps stand out without relying on colour alone."""
    cell_w = max(28, min(56, 300 // max(len(cols), 1)))
    cell_h = 16
    left, top = 40, 64
    width = left + cell_w * len(cols) + 8
    height = top + cell_h * len(rows) + 8
    highest = max(counts.values(), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" direction="ltr" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart heat-map" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for j, (_key, label) in enumerate(cols):
        x = left + cell_w * j + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" font-size="10" fill="{TEXT}" '
            f'transform="rotate(-40 {x:.1f} {top - 6})">{escape(label[:18])}</text>'
        )
    for i, (rkey, rlabel) in enumerate(rows):
        y = top + cell_h * i
        parts.append(
            f'<text x="{left - 4}" y="{y + 12}" font-size="10" text-anchor="end" '
            f'fill="{TEXT}">{escape(rlabel[:6])}</text>'
        )
        for j, (ckey, clabel) in enumerate(cols):
            x = left + cell_w * j
            n = counts.get((rkey, ckey), 0)
            tip = f"{rlabel} · {clabel}: {n if n else empty_label}"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                f'fill="{_shade(n, highest)}"><title>{escape(tip)}</title></rect>'
            )
            if n:
                colour = "#ffffff" if _shade(n, highest) in HEAT[4:] else TEXT
                parts.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + 12}" font-size="9" '
                    f'text-anchor="middle" fill="{colour}">{n}</text>'
                )
            else:
                parts.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + 12}" font-size="9" '
                    f'text-anchor="middle" fill="#b2182b">×</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Bars:
    label: str
    values: Sequence[float | None]


def bar_chart(
    *, title: str, x_labels: Sequence[str], series: Sequence[Bars], unit: str = ""
) -> str:
    """Grouped vertical bars, one group per x label; a legend below."""
    width, height, left, right, top, bottom = 360, 220, 36, 6, 10, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for s in series for v in s.values if v is not None), default=0.0) or 1.0
    magnitude = 10 ** math.floor(math.log10(highest))
    ceiling = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if highest <= s * magnitude)
    n = max(len(x_labels), 1)
    group = plot_w / n
    bar = max(1.0, (group - 2) / max(len(series), 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / ceiling)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" direction="ltr" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for k in range(5):
        v = ceiling * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#eef1f4"/><text x="{left - 3}" y="{y(v) + 3:.1f}" font-size="9" '
            f'text-anchor="end" fill="{MUTED}">{v:g}{escape(unit)}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i, label in enumerate(x_labels):
        x0 = left + group * i + 1
        for s_index, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                continue
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x0 + bar * s_index:.1f}" y="{y(v):.1f}" width="{bar - 0.5:.1f}" '
                f'height="{max(0.0, top + plot_h - y(v)):.1f}" fill="{colour}"><title>'
                f"{escape(s.label)}, {escape(label)}: {v:g}{escape(unit)}</title></rect>"
            )
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{left + group * (i + 0.5):.1f}" y="{top + plot_h + 12}" font-size="9" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    offset, row = float(left), 0
    for s_index, s in enumerate(series):
        w = 18 + 5.5 * len(s.label)
        if offset + w > width - right and offset > left:
            row, offset = row + 1, float(left)
        ly = height - 18 + 12 * row
        parts.append(
            f'<rect x="{offset:.1f}" y="{ly - 7}" width="10" height="8" '
            f'fill="{PALETTE[s_index % len(PALETTE)]}"/><text x="{offset + 13:.1f}" y="{ly}" '
            f'font-size="9" fill="{TEXT}">{escape(s.label)}</text>'
        )
        offset += w
    if row:
        parts[0] = parts[0].replace(f"0 0 {width} {height}", f"0 0 {width} {height + 12 * row}")
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Dot:
    id: int
    label: str
    x: float  # in [-1, 1]
    y: float
    group: int  # colour index (e.g. the stakeholder type's position)
    size: float  # radius in SVG units
    caption: str  # for the <title>


def network_picture(
    *, title: str, dots: Sequence[Dot], links: Sequence[tuple[int, int, int]], legend: Sequence[str]
) -> str:
    """Organisations as dots (coloured by `group`, sized by `size`), shared partnerships as
    lines (thicker for more); `links` are (id, id, weight)."""
    size, pad = 360, 22
    where = {
        d.id: (pad + (d.x + 1) / 2 * (size - 2 * pad), pad + (d.y + 1) / 2 * (size - 2 * pad))
        for d in dots
    }
    legend_rows = math.ceil(len(legend) / 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" direction="ltr" viewBox="0 0 {size} {size + 14 * legend_rows}" '
        f'role="img" class="chart network" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for a, b, w in links:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#9aa5b1" '
                f'stroke-opacity="0.6" stroke-width="{min(4.0, 0.6 + 0.6 * w):.1f}"/>'
            )
    for d in dots:
        x, y = where[d.id]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{d.size:.1f}" fill="{PALETTE[d.group % len(PALETTE)]}" '
            f'stroke="#ffffff"><title>{escape(d.caption)}</title></circle>'
        )
    for d in sorted(dots, key=lambda d: -d.size)[:5]:
        x, y = where[d.id]
        parts.append(
            f'<text x="{x:.1f}" y="{y - d.size - 2:.1f}" font-size="9" text-anchor="middle" '
            f'fill="{TEXT}">{escape(d.label[:22])}</text>'
        )
    for i, label in enumerate(legend):
        lx, ly = 8 + (i % 2) * 178, size + 10 + 14 * (i // 2)
        parts.append(
            f'<circle cx="{lx + 4}" cy="{ly - 3}" r="4" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 12}" y="{ly}" font-size="9" fill="{TEXT}">{escape(label[:34])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
