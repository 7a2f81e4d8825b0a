"""Filters for the Japanese UI: era-style fiscal years, state badges, indicator values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shinchoku import inputs, wareki
from shinchoku.plans.models import Project, ReportState, ScheduleStatus
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
    from shinchoku.cycle.selectors import audit_label as label

    return label(action)


CODE_LABELS: dict[str, str] = {
    **{str(k): str(v) for k, v in ScheduleStatus.choices},
    **{str(k): str(v) for k, v in ReportState.choices},
}


@register.filter
def audit_value(value: Any) -> str:
    """A before/after JSON value of an audit row, short and readable.

    Internal ids are left out; an actual shows its value (or 該当なし); codes show their Japanese label.
    """
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        if "not_applicable" in value and "value" in value:
            return "該当なし" if value["not_applicable"] else audit_value(value["value"])
        if "grade" in value and "item" in value:
            return audit_value(value["grade"])
        shown = {k: v for k, v in value.items() if not k.endswith("_id") and k not in ("indicator", "item")}
        if len(shown) == 1:
            return audit_value(next(iter(shown.values())))
        return "／".join(f"{AUDIT_KEYS.get(k, k)}：{audit_value(v)}" for k, v in shown.items())
    if isinstance(value, list):
        return "・".join(audit_value(v) for v in value)
    text = CODE_LABELS.get(str(value), str(value))
    return text if len(text) <= 160 else text[:159] + "…"


AUDIT_KEYS: dict[str, str] = {
    "state": "状態",
    "grade": "評価",
    "suggested_grade": "評価案",
    "rationale": "理由",
    "comment": "コメント",
    "fiscal_year": "年度",
    "due_date": "提出期限",
    "reports_created": "作成した報告",
    "reports_published": "公表した報告",
    "published_at": "公表日時",
    "title": "表題",
    "published_on": "公表年月",
    "narrative": "本文",
    "pillar": "柱",
    "policy": "施策",
    "text": "内容",
    "under_consideration_copied": "引き継いだ検討中の施策",
}
