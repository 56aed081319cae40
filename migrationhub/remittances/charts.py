"""Line charts as inline SVG, drawn on the server: no JavaScript, no CDN, nothing to load.

Colours and dashes are SVG presentation attributes, not `style` attributes, so the pages keep
their strict Content-Security-Policy. Every point carries a `<title>` (read by screen readers and
shown on hover), and pages print the same figures in a table beside the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40


@dataclass
class Series:
    label: str
    values: Sequence[Decimal | None]  # one per x label; None leaves a gap


@dataclass
class ReferenceLine:
    value: Decimal
    label: str
    colour: str = "#1b6e3a"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    reference_lines: Sequence[ReferenceLine] = (),
    unit: str = "%",
) -> str:
    """An accessible SVG line chart (escaped: safe to mark as safe in a template)."""
    values = [float(v) for s in series for v in s.values if v is not None]
    values += [float(r.value) for r in reference_lines]
    top = _nice_max(max(values, default=1.0) * 1.05)
    bottom = min(0.0, math.floor(min(values, default=0.0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - bottom) / (top - bottom))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#d6dbe0"/>',
    ]
    for k in range(5):
        v = bottom + (top - bottom) * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#eef1f4"/>'
            f'<text x="{LEFT - 4}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#555d66">{v:g}{escape(unit)}</text>'
        )
    step = max(1, math.ceil(n / 10))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                f'text-anchor="middle" fill="#555d66">{escape(label)}</text>'
            )
    for line in reference_lines:
        ly = y(float(line.value))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ly:.1f}" y2="{ly:.1f}" '
            f'stroke="{line.colour}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{ly - 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{line.colour}">{escape(line.label)}</text>'
        )
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        segments: list[list[str]] = [run]
        for i, v in enumerate(s.values):
            if v is None:
                run = []
                segments.append(run)
                continue
            run.append(f"{x(i):.1f},{y(float(v)):.1f}")
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash_attr}/>'
                )
        for i, v in enumerate(s.values):
            if v is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(float(v)):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{escape(s.label)}, {escape(x_labels[i])}: {float(v):.2f}"
                    f"{escape(unit)}</title></circle>"
                )
    # the legend, wrapped onto as many rows as it needs below the plot
    row, offset = 0, float(LEFT)
    for index, s in enumerate(series):
        width = 24 + 6.5 * len(s.label)
        if offset + width > WIDTH - RIGHT and offset > LEFT:
            row, offset = row + 1, float(LEFT)
        legend_y = HEIGHT - 10 + 16 * row
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{offset:.1f}" y="{legend_y - 8}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{offset + 16:.1f}" y="{legend_y - 4}" font-size="11" fill="#1b1f23">'
            f"{escape(s.label)}</text>"
        )
        offset += width
    if row:
        parts[0] = parts[0].replace(
            f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {HEIGHT + 16 * row}"'
        )
    parts.append("</svg>")
    return "".join(parts)
