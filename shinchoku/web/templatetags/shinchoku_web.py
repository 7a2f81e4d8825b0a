"""Filters for the Japanese UI: era-style fiscal years, state badges, indicator values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shinchoku import inputs, wareki
from shinchoku.cycle import audit_actions
from shinchoku.plans.models import Project, ReportState
from shinchoku.values import Quantity

register = template.Library()

STATE_LABELS: dict[str, str] = {
    "": "未着手", "not_started": "未着手", **{str(k): str(v) for k, v in ReportState.choices},
    # Not a report state: how an approved report of a published year reads (the year's state).
    "published": "公表済み",
}


@register.simple_tag
def max_length(field: str) -> int:
    """``maxlength="{% max_length 'project.name' %}"``: the input boundary's limit, so the browser says it early
    (the service still decides; browsers count UTF-16 units, so they are at most stricter)."""
    return inputs.text_rule(field).max_length


@register.filter
def fy_label(fiscal_year: int | None) -> str:
    """2023 → 令和5（2023）年度."""
    return wareki.format_fiscal_year(int(fiscal_year)) if fiscal_year else ""


@register.filter
def fy_short(fiscal_year: int | None) -> str:
    """2023 → R5(2023)年度."""
    return wareki.format_fiscal_year(int(fiscal_year), "short") if fiscal_year else ""


@register.filter
def project_from(project: Project) -> str:
    """令和7（2025）年度から: the first fiscal year the project is reported on (the plan's first by default).
    Needs ``project.plan`` loaded."""
    return f"{wareki.format_fiscal_year(project.first_fiscal_year or project.plan.start_fiscal_year)}から"


@register.filter
def project_end(project: Project) -> str:
    """令和6（2024）年度で廃止 / …で終了 for an ended project, "" while it runs to the plan's end. Reads only the
    project's own fields, so lists of projects stay at a constant number of queries."""
    if project.last_fiscal_year is None:
        return ""
    label = wareki.format_fiscal_year(project.last_fiscal_year)
    return f"{label}で{project.get_end_reason_display()}" if project.end_reason else f"{label}まで"


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
    """A value for people: Quantity(16000.50, 2) → 16,000.50; a Decimal with ``decimals`` the same way."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Quantity):
        return value.format()
    if isinstance(value, Decimal) and decimals is not None:
        return Quantity(value, int(decimals)).format()
    if isinstance(value, int | Decimal):
        return Quantity.of_decimal(value).format()
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
    return audit_actions.label(action)


@register.simple_tag
def audit_payload(action: str, value: Any) -> str:
    """``{% audit_payload e.action e.before %}``: a before/after in Japanese, as the action's registry entry
    describes it (field names, states, directions, grades, Decimals, references by name)."""
    return audit_actions.render_payload(action, value)


@register.filter
def audit_value(value: Any) -> str:
    """A before/after whose action is not at hand (a save conflict's field): the registry's shared fields."""
    return audit_actions.render_payload("", value)


@register.filter
def actor_name(user: Any) -> str:
    return audit_actions.actor_name(user)


@register.filter
def audit_time(value: dt.datetime | None) -> str:
    """令和8年12月2日 14:05 (Japan time)."""
    return wareki.format_datetime(value) if value is not None else ""
