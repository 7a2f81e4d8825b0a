"""Template filters of the report page: charts (SVG built with escaped text) and plan-period columns."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from shinchoku.documents.charts import indicator_svg
from shinchoku.documents.model import IndicatorView, IndicatorYear

register = template.Library()


@register.filter
def chart(indicator: IndicatorView) -> SafeString:
    # Safe: indicator_svg escapes every text it writes (names, units, labels).
    return mark_safe(indicator_svg(indicator))


@register.filter
def plan_years(years: list[IndicatorYear], fiscal_years: list[int]) -> list[IndicatorYear]:
    wanted = set(fiscal_years)
    return [y for y in years if y.fiscal_year in wanted]
