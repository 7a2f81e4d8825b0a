"""Optimistic locking for the edit forms: a form saves only over the state it was loaded from.

Two DX staff members open the same project; the first saves; the second, still looking at the old text,
saves too. Without a check the second silently undoes the first. Every edit form therefore carries an
*edit token*: a hash of the state it shows (``edit_token(state)``), and the service refuses the save with
:class:`EditConflict` when the state in the database (read under ``select_for_update``) no longer hashes to it.

A hash of the shown state rather than a version column, because the state of one form spans several tables
(a project's text, departments and tags) and because a change that restores the old value is no conflict.
The department report form has its richer version-based conflict page (services/report.py); this is the rule
for every other form.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shinchoku.cycle.errors import CycleError
from shinchoku.plans.models import Indicator, Project, ReportingYear, ValueKind
from shinchoku.plans.models.year import PolicyUnderConsideration


class EditConflict(CycleError):
    """Someone saved the same thing since the form was loaded; nothing was written."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"編集中に他の人が{what}を更新したため、保存していません。下の入力内容はそのまま残しています。"
            "このまま保存するとその更新を上書きします。最新の内容は、このページを開き直すと確認できます。",
            field="seen",  # the form's hidden edit token: the refusal is about the whole form
            english=f"{what}: changed by someone else since the form was loaded; nothing saved",
        )


def edit_token(state: Any) -> str:
    canonical = json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def check_unchanged(*, seen: str | None, state: Any, what: str) -> None:
    """Refuse when the form was loaded from another state. ``seen=None``: no form (a command, an import)."""
    if seen is not None and seen != edit_token(state):
        raise EditConflict(what)


def project_state(project: Project) -> dict[str, Any]:
    """What the project form shows: its text, place in the plan, tags and departments (in order)."""
    return {
        "name": project.name,
        "overview": project.overview,
        "vision": project.vision,
        "comprehensive_plan_area": project.comprehensive_plan_area,
        "comprehensive_plan_policy": project.comprehensive_plan_policy,
        "pillar": project.pillar_id,
        "policy": project.policy_id,
        "tags": sorted(project.tags.values_list("pk", flat=True)),
        "departments": list(project.department_links.order_by("position", "pk").values_list("department_id", flat=True)),
    }


def indicator_state(indicator: Indicator) -> dict[str, Any]:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "qualifier": indicator.qualifier,
        "note": indicator.note,
    }


def targets_state(indicator: Indicator) -> list[Any]:
    rows = indicator.values.filter(kind=ValueKind.TARGET).values_list("fiscal_year", "revision_id", "value", "decimals")
    return sorted(([fy, revision or 0, str(value), decimals] for fy, revision, value, decimals in rows))


def schedule_state(project: Project) -> list[Any]:
    return [
        [row.track, sorted((cell.fiscal_year, cell.text) for cell in row.cells.all())]
        for row in project.schedule_rows.order_by("position", "pk").prefetch_related("cells")
    ]


def year_document_state(year: ReportingYear) -> dict[str, Any]:
    return {"title": year.title, "published_on": year.published_on, "narrative": year.narrative}


def under_consideration_state(item: PolicyUnderConsideration) -> dict[str, Any]:
    return {
        "title": item.title,
        "text": item.text,
        "pillar": item.pillar_id,
        "policy": item.policy_id,
    }
