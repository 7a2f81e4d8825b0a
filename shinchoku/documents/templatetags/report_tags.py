"""Template filters of the report page: charts (SVG built with escaped text) and plan-period columns."""

from __future__ import annotations

import base64

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from shinchoku.documents.chart_png import indicator_png
from shinchoku.documents.charts import chart_description, chart_title, indicator_svg
from shinchoku.documents.model import IndicatorView, IndicatorYear

register = template.Library()


@register.filter
def chart(indicator: IndicatorView) -> SafeString:
    # Safe: indicator_svg escapes every text it writes (names, units, labels).
    return mark_safe(indicator_svg(indicator))


@register.filter
def chart_png(indicator: IndicatorView) -> SafeString:
    """The chart as an embedded PNG (the PDF's choice: WeasyPrint lays out SVG text ~3x slower than a bitmap)."""
    png = indicator_png(indicator) if indicator.has_chart else None
    if png is None:
        return mark_safe(indicator_svg(indicator))
    data = base64.b64encode(png).decode("ascii")
    return format_html(
        '<img class="chart" src="data:image/png;base64,{}" alt="{}" width="520" height="210">',
        data,
        f"{chart_title(indicator)}：{chart_description(indicator)}",
    )


@register.filter
def plan_years(years: list[IndicatorYear], fiscal_years: list[int]) -> list[IndicatorYear]:
    wanted = set(fiscal_years)
    return [y for y in years if y.fiscal_year in wanted]
