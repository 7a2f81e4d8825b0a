"""Filters for the Japanese UI: era-style fiscal years, state badges, indicator values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shinchoku import wareki
from shinchoku.plans.models import ReportState

register = template.Library()

STATE_LABELS: dict[str, str] = {"": "未着手", "not_started": "未着手", **{str(k): str(v) for k, v in ReportState.choices}}


@register.filter
def fy_label(fiscal_year: int | None) -> str:
    """2023 → 令和5（2023）年度."""
    return wareki.format_fiscal_year(int(fiscal_year)) if fiscal_year else ""


@register.filter
def fy_short(fiscal_year: int | None) -> str:
    """2023 → R5(2023)年度."""
    return wareki.format_fiscal_year(int(fiscal_year), "short") if fiscal_year else ""


@register.filter
def wareki_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{wareki.format_date(local.date())} {local:%H:%M}"
    return wareki.format_date(value)


@register.simple_tag
def state_badge(state: str | None, overdue: bool = False) -> SafeString:
    """A state badge: 未着手 / 作成中 / 提出済み / 差戻し / 承認済み / 公表済み, plus 期限超過 when overdue."""
    key = str(state or "")
    css = "none" if key in ("", "not_started") else key
    badge = format_html('<span class="badge badge--{}">{}</span>', css, STATE_LABELS.get(key, key))
    if overdue:
        badge = format_html('{} <span class="badge badge--overdue">期限超過</span>', badge)
    return badge


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    """1234.5 → 1,234.5; keeps the digits the value was written with (IndicatorValue.decimals)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal | float | int):
        if decimals is None:
            if isinstance(value, int) or (isinstance(value, Decimal | float) and value == int(value)):
                return f"{int(value):,}"
            return f"{value:,}"
        return f"{Decimal(value):,.{int(decimals)}f}"
    return str(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None



@register.filter
def audit_label(action: str) -> str:
    from shinchoku.cycle.selectors import audit_label as label

    return label(action)


@register.filter
def audit_value(value: Any) -> str:
    """A before/after JSON value, short and readable (dicts as 「key: value」 lines)."""
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if isinstance(value, dict):
        return "／".join(f"{k}: {audit_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "・".join(audit_value(v) for v in value)
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"
