"""Target-vs-actual charts of one indicator as inline SVG (pure Python, no plotting library).

Bars for the target of each fiscal year, a line with markers for the actuals; every text escaped. The SVG is
accessible (``role="img"``, ``<title>``, ``<desc>`` listing the values) and prints with the document's fonts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from html import escape

from shinchoku.documents.model import IndicatorView, IndicatorYear
from shinchoku.values import MAX_DECIMALS, Quantity
from shinchoku.wareki import era_fiscal_year

WIDTH = 520
HEIGHT = 210
PAD_LEFT = 62
PAD_RIGHT = 12
PAD_TOP = 30
PAD_BOTTOM = 34
TARGET_FILL = "#c9d6e8"
TARGET_STROKE = "#5b7aa6"
ACTUAL = "#c0392b"
FONT = "IPAexGothic, 'IPAGothic', sans-serif"


def nice_ceiling(value: Decimal) -> tuple[Decimal, Decimal]:
    """A round axis maximum above ``value`` and its tick step (1, 2, 2.5 or 5 × 10ⁿ, about 4–5 ticks).

    Decimal, so tick labels are exact (0.75, not 0.7500000000000001) and print like the values themselves.
    """
    if value <= 0:
        return Decimal(1), Decimal("0.25")
    raw = value / 4
    power = Decimal(1).scaleb(raw.adjusted())
    step = power
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        step = factor * power
        if step >= raw:
            break
    return step * (value / step).to_integral_value(rounding=ROUND_CEILING), step


def axis_ticks(top: Decimal, step: Decimal) -> list[Quantity]:
    """The tick values from 0 to ``top``, each with the decimals of the step (0, 2.5, 5.0 …)."""
    decimals = min(MAX_DECIMALS, max(0, -int(step.normalize().as_tuple().exponent)))
    count = int((top / step).to_integral_value())
    return [Quantity(step * i, decimals) for i in range(count + 1)]


def geometry(value: Decimal) -> float:
    """The last step of a value: a coordinate on the drawing (never printed, so float is harmless here)."""
    return float(value)


def short_year(fiscal_year: int) -> str:
    era, year = era_fiscal_year(fiscal_year)
    return f"{era.short}{year}"


def chart_title(indicator: IndicatorView) -> str:
    unit = f"（{indicator.unit}）" if indicator.unit else ""
    return f"{indicator.name}{unit} の目標と実績"


def chart_description(indicator: IndicatorView) -> str:
    parts = []
    for y in indicator.years:
        if y.target is None and y.actual is None:
            continue
        parts.append(f"{short_year(y.fiscal_year)}年度 目標 {y.target_text}、実績 {y.actual_text}")
    return "。".join(parts) + "。"


@dataclass(frozen=True)
class ChartFrame:
    """Geometry shared by the SVG and the ReportLab drawing, in the 520 × 210 SVG space (y grows down)."""

    years: list[IndicatorYear]  # the span of fiscal years that have a target or an actual
    top: Decimal  # value at the top of the axis
    step: Decimal  # tick step
    plot_w: float
    plot_h: float
    slot: float  # horizontal space per fiscal year

    def y_of(self, value: Decimal) -> float:
        return PAD_TOP + self.plot_h - geometry(value / self.top) * self.plot_h

    @property
    def ticks(self) -> list[Quantity]:
        return axis_ticks(self.top, self.step)


def chart_frame(indicator: IndicatorView) -> ChartFrame:
    shown = [y for y in indicator.years if y.target is not None or y.actual is not None]
    first, last = indicator.years.index(shown[0]), indicator.years.index(shown[-1])
    years = indicator.years[first : last + 1]
    values = [q.value for y in years for q in (y.target, y.actual) if q is not None]
    top, step = nice_ceiling(max(values))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    return ChartFrame(years, top, step, plot_w, HEIGHT - PAD_TOP - PAD_BOTTOM, plot_w / len(years))


def indicator_svg(indicator: IndicatorView) -> str:
    """The chart of ``indicator`` as an ``<svg>`` element (an empty string when it has fewer than 2 values)."""
    if not indicator.has_chart:
        return ""
    frame = chart_frame(indicator)
    years, plot_h, slot = frame.years, frame.plot_h, frame.slot
    y_of: Callable[[Decimal], float] = frame.y_of

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{indicator.chart_id}-t {indicator.chart_id}-d" '
        f'font-family="{FONT}" font-size="11">',
        f'<title id="{indicator.chart_id}-t">{escape(chart_title(indicator))}</title>',
        f'<desc id="{indicator.chart_id}-d">{escape(chart_description(indicator))}</desc>',
    ]
    # Grid and value axis.
    for i, tick in enumerate(frame.ticks):
        y = y_of(tick.value)
        out.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{"#888" if i == 0 else "#ddd"}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
            f"{escape(tick.format())}</text>"
        )
    if indicator.unit:
        out.append(
            f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP - 12}" text-anchor="end" fill="#333">'
            f"（{escape(indicator.unit)}）</text>"
        )
    # Target bars and year labels.
    bar_w = min(44.0, slot * 0.5)
    points: list[tuple[float, float, str]] = []
    for i, year in enumerate(years):
        cx = PAD_LEFT + slot * (i + 0.5)
        if year.target is not None:
            top_y = y_of(year.target.value)
            out.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{top_y:.1f}" width="{bar_w:.1f}" '
                f'height="{PAD_TOP + plot_h - top_y:.1f}" fill="{TARGET_FILL}" stroke="{TARGET_STROKE}"/>'
            )
        if year.actual is not None:
            points.append((cx, y_of(year.actual.value), year.actual.format()))
        out.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" fill="#333">'
            f"{escape(short_year(year.fiscal_year))}年度</text>"
        )
    # Actuals: a line with markers and value labels.
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{ACTUAL}" stroke-width="2"/>')
    for x, y, label in points:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACTUAL}"/>')
        out.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" fill="{ACTUAL}" '
            f'font-weight="bold">{escape(label)}</text>'
        )
    # Legend.
    lx = WIDTH - PAD_RIGHT - 130
    out.append(
        f'<rect x="{lx}" y="8" width="14" height="10" fill="{TARGET_FILL}" stroke="{TARGET_STROKE}"/>'
        f'<text x="{lx + 18}" y="17" fill="#333">目標</text>'
        f'<line x1="{lx + 62}" y1="13" x2="{lx + 80}" y2="13" stroke="{ACTUAL}" stroke-width="2"/>'
        f'<circle cx="{lx + 71}" cy="13" r="3.5" fill="{ACTUAL}"/>'
        f'<text x="{lx + 84}" y="17" fill="#333">実績</text>'
    )
    out.append("</svg>")
    return "".join(out)
