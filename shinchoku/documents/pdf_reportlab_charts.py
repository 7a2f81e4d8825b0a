"""The target-vs-actual chart of an indicator as a vector ReportLab Drawing (same design as charts.py's SVG).

Drawn in the SVG's 520 × 210 coordinate space (y flipped) and scaled to the width of the table cell, so the
PDF and the HTML page show the same chart: bars for the targets, a red line with points and value labels for
the actuals, the value axis with its unit, fiscal-year labels in Japanese, a legend.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors

from shinchoku.documents.charts import (
    ACTUAL,
    HEIGHT,
    PAD_BOTTOM,
    PAD_LEFT,
    PAD_RIGHT,
    PAD_TOP,
    TARGET_FILL,
    TARGET_STROKE,
    WIDTH,
    chart_frame,
    short_year,
)
from shinchoku.documents.model import IndicatorView
from shinchoku.documents.pdf_reportlab_styles import FONT

_TARGET_FILL = colors.HexColor(TARGET_FILL)
_TARGET_STROKE = colors.HexColor(TARGET_STROKE)
_ACTUAL = colors.HexColor(ACTUAL)
_TEXT = colors.HexColor("#333333")
_AXIS = colors.HexColor("#888888")
_GRID = colors.HexColor("#dddddd")
_SIZE = 11


def _y(svg_y: float) -> float:
    return HEIGHT - svg_y


def _text(x: float, svg_y: float, text: str, anchor: str = "start", color: colors.Color = _TEXT) -> String:
    return String(x, _y(svg_y), text, fontName=FONT, fontSize=_SIZE, fillColor=color, textAnchor=anchor)


def indicator_drawing(indicator: IndicatorView, width: float) -> Drawing | None:
    """The chart of ``indicator`` ``width`` points wide, or None when it has fewer than 2 values."""
    if not indicator.has_chart:
        return None
    frame = chart_frame(indicator)
    years, plot_h, slot = frame.years, frame.plot_h, frame.slot
    y_of = frame.y_of

    g = Group()
    for i, tick in enumerate(frame.ticks):
        y = y_of(tick.value)
        g.add(Line(PAD_LEFT, _y(y), WIDTH - PAD_RIGHT, _y(y), strokeColor=_AXIS if i == 0 else _GRID,
                   strokeWidth=1))  # fmt: skip
        g.add(_text(PAD_LEFT - 6, y + 4, tick.format(), "end"))
    if indicator.unit:
        g.add(_text(PAD_LEFT - 6, PAD_TOP - 12, f"（{indicator.unit}）", "end"))
    bar_w = min(44.0, slot * 0.5)
    points: list[tuple[float, float, str]] = []
    for i, year in enumerate(years):
        cx = PAD_LEFT + slot * (i + 0.5)
        if year.target is not None:
            top_y = y_of(year.target.value)
            g.add(Rect(cx - bar_w / 2, _y(PAD_TOP + plot_h), bar_w, PAD_TOP + plot_h - top_y,
                       fillColor=_TARGET_FILL, strokeColor=_TARGET_STROKE, strokeWidth=1))  # fmt: skip
        if year.actual is not None:
            points.append((cx, y_of(year.actual.value), year.actual.format()))
        g.add(_text(cx, HEIGHT - PAD_BOTTOM + 16, f"{short_year(year.fiscal_year)}年度", "middle"))
    if len(points) > 1:
        coords = [c for x, y, _ in points for c in (x, _y(y))]
        g.add(PolyLine(coords, strokeColor=_ACTUAL, strokeWidth=2, strokeLineJoin=1))
    for x, y, label in points:
        g.add(Circle(x, _y(y), 4, fillColor=_ACTUAL, strokeColor=None))
        g.add(_text(x, y - 8, label, "middle", _ACTUAL))
    lx = WIDTH - PAD_RIGHT - 130
    g.add(Rect(lx, _y(18), 14, 10, fillColor=_TARGET_FILL, strokeColor=_TARGET_STROKE, strokeWidth=1))
    g.add(_text(lx + 18, 17, "目標"))
    g.add(Line(lx + 62, _y(13), lx + 80, _y(13), strokeColor=_ACTUAL, strokeWidth=2))
    g.add(Circle(lx + 71, _y(13), 3.5, fillColor=_ACTUAL, strokeColor=None))
    g.add(_text(lx + 84, 17, "実績"))

    scale = width / WIDTH
    g.transform = (scale, 0, 0, scale, 0, 0)
    drawing = Drawing(width, HEIGHT * scale, initialFontName=FONT, initialFontSize=_SIZE)
    drawing.add(g)
    return drawing
