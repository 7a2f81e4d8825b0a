"""Small server-rendered inline SVG charts for the pages (no JavaScript, no external request).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` carrying the numbers, and the same numbers
are always printed in a table next to it: the chart is a picture of the table, never the only copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from shinchoku.documents.charts import axis_ticks, geometry, nice_ceiling, short_year
from shinchoku.values import Quantity

# Colours chosen for ≥ 3:1 contrast against white (WCAG 1.4.11) and distinguishable in greyscale.
GRADE_COLOURS = ["#0b4f8a", "#1d6b36", "#b35c00", "#a4161a", "#5b3f8c", "#4a4a4a"]
TARGET_FILL = "#9bbce0"
TARGET_STROKE = "#0b4f8a"
ACTUAL_COLOUR = "#a4161a"
AXIS = "#4a4a4a"
FONT_SIZE = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def grade_bars_svg(*, title: str, bars: Sequence[Bar], width: int = 360) -> SafeString:
    """Horizontal bars, one per grade (e.g. A: 2, B: 10, C: 1, D: 0)."""
    row_h = 24
    label_w = 64
    value_w = 48
    height = row_h * max(len(bars), 1) + 8
    plot_w = width - label_w - value_w
    top = max((b.value for b in bars), default=0) or 1
    desc = "、".join(f"{b.label} {b.value}件" for b in bars)
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        w = plot_w * bar.value / top
        colour = GRADE_COLOURS[i % len(GRADE_COLOURS)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="{FONT_SIZE + 1}" '
            f'font-weight="bold">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="{FONT_SIZE}">{bar.value}件</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class KpiPoint:
    fiscal_year: int
    target: Quantity | None
    actual: Quantity | None


def kpi_svg(*, title: str, unit: str, points: Sequence[KpiPoint], width: int = 340, height: int = 190) -> SafeString:
    """Target (bars) vs actual (line with markers) by fiscal year; empty when there is nothing to draw."""
    shown = [p for p in points if p.target is not None or p.actual is not None]
    if not shown:
        return mark_safe("")
    first = points.index(shown[0])
    last = points.index(shown[-1])
    years = list(points[first : last + 1])
    values = [q.value for p in years for q in (p.target, p.actual) if q is not None]
    top, step = nice_ceiling(max(values))
    pad_l, pad_r, pad_t, pad_b = 58, 10, 12, 26
    plot_w = width - pad_l - pad_r
    plot_h = height - pad_t - pad_b
    slot = plot_w / len(years)

    def y_of(value: Decimal) -> float:
        return pad_t + plot_h - geometry(value / top) * plot_h

    desc = "。".join(
        f"{short_year(p.fiscal_year)}年度 目標 {'—' if p.target is None else p.target.format()}{unit}、"
        f"実績 {'—' if p.actual is None else p.actual.format()}{unit}"
        for p in years
    )
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}。</desc>'
    ]
    for tick in axis_ticks(top, step):
        y = y_of(tick.value)
        parts.append(
            f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" stroke="#d5d9e0"/>'
            f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(tick.format())}</text>'
        )
    parts.append(
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" stroke="{AXIS}"/>'
    )
    line_points: list[str] = []
    for i, p in enumerate(years):
        cx = pad_l + slot * (i + 0.5)
        if p.target is not None:
            bw = min(slot * 0.55, 36)
            y = y_of(p.target.value)
            parts.append(
                f'<rect x="{cx - bw / 2:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{pad_t + plot_h - y:.1f}" '
                f'fill="{TARGET_FILL}" stroke="{TARGET_STROKE}"/>'
            )
        if p.actual is not None:
            line_points.append(f"{cx:.1f},{y_of(p.actual.value):.1f}")
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">'
            f"{escape(short_year(p.fiscal_year))}</text>"
        )
    if len(line_points) > 1:
        parts.append(
            f'<polyline points="{" ".join(line_points)}" fill="none" stroke="{ACTUAL_COLOUR}" stroke-width="2.5"/>'
        )
    for pt in line_points:
        px, py = pt.split(",")
        parts.append(f'<circle cx="{px}" cy="{py}" r="4.5" fill="{ACTUAL_COLOUR}" stroke="#fff" stroke-width="1.5"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
