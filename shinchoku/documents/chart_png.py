"""The indicator chart as a PNG for Word (Pillow; the SVG of :mod:`charts` is for HTML and PDF).

Same drawing as the SVG: target bars, actual line with value labels, fiscal-year axis, legend. Returns None
when Pillow or a Japanese font is not available, so the document falls back to the table of values.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from shinchoku.documents.charts import chart_frame, geometry, short_year
from shinchoku.documents.model import IndicatorView

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
)
SCALE = 2  # drawn at 2x the SVG size for a sharp print
WIDTH, HEIGHT = 520 * SCALE, 210 * SCALE
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 62 * SCALE, 12 * SCALE, 30 * SCALE, 34 * SCALE


@cache
def _font(size: int) -> Any:
    from PIL import ImageFont

    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return None


def indicator_png(indicator: IndicatorView) -> bytes | None:
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return None
    font = _font(11 * SCALE)
    if font is None or not indicator.has_chart:
        return None
    bold = font
    # The SVG's frame (years, axis, ticks), drawn at SCALE: the PNG and the SVG cannot disagree on the axis.
    frame = chart_frame(indicator)
    span = frame.years
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / len(span)

    def y_of(value: Decimal) -> float:
        return PAD_TOP + plot_h - geometry(value / frame.top) * plot_h

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    for i, tick in enumerate(frame.ticks):
        y = y_of(tick.value)
        draw.line(
            [(PAD_LEFT, y), (WIDTH - PAD_RIGHT, y)], fill="#888888" if i == 0 else "#dddddd", width=SCALE
        )
        draw.text((PAD_LEFT - 6 * SCALE, y), tick.format(), font=font, fill="#333333", anchor="rm")
    if indicator.unit:
        draw.text(
            (PAD_LEFT - 6 * SCALE, PAD_TOP - 14 * SCALE),
            f"（{indicator.unit}）",
            font=font,
            fill="#333333",
            anchor="rm",
        )
    bar_w = min(44 * SCALE, slot * 0.5)
    points: list[tuple[float, float, str]] = []
    for i, year in enumerate(span):
        cx = PAD_LEFT + slot * (i + 0.5)
        if year.target is not None:
            draw.rectangle(
                [(cx - bar_w / 2, y_of(year.target.value)), (cx + bar_w / 2, PAD_TOP + plot_h)],
                fill="#c9d6e8",
                outline="#5b7aa6",
                width=SCALE,
            )
        if year.actual is not None:
            points.append((cx, y_of(year.actual.value), year.actual.format()))
        draw.text(
            (cx, HEIGHT - PAD_BOTTOM + 14 * SCALE),
            f"{short_year(year.fiscal_year)}年度",
            font=font,
            fill="#333333",
            anchor="mm",
        )
    if len(points) > 1:
        draw.line([(x, y) for x, y, _ in points], fill="#c0392b", width=2 * SCALE)
    r = 4 * SCALE
    for x, y, label in points:
        draw.ellipse([(x - r, y - r), (x + r, y + r)], fill="#c0392b")
        draw.text((x, y - 10 * SCALE), label, font=bold, fill="#c0392b", anchor="mb")
    lx = WIDTH - PAD_RIGHT - 130 * SCALE
    draw.rectangle([(lx, 8 * SCALE), (lx + 14 * SCALE, 18 * SCALE)], fill="#c9d6e8", outline="#5b7aa6")
    draw.text((lx + 18 * SCALE, 13 * SCALE), "目標", font=font, fill="#333333", anchor="lm")
    draw.line([(lx + 62 * SCALE, 13 * SCALE), (lx + 80 * SCALE, 13 * SCALE)], fill="#c0392b", width=2 * SCALE)
    draw.text((lx + 84 * SCALE, 13 * SCALE), "実績", font=font, fill="#333333", anchor="lm")
    out = BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
