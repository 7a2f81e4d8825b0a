"""What a plan workbook would change: two :class:`PlanContent` flattened to cells and compared.

Pure functions. The stored content is first renamed as the workbook's keys say, so a renamed project is one
change of its name, not a removal and an addition. What the import never deletes (a project, an indicator, a
pillar or policy, a value left out of the workbook) is reported as kept; what a sheet replaces as a whole
(a project's schedule, a year's policies under consideration) is a change to empty.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from shinchoku.interchange.load import Renames
from shinchoku.workbooks.plan import (
    AS_ADOPTED,
    AS_PLANNED_MARK,
    CONSIDERATION,
    DIRECTIONS,
    GRADES,
    INDICATORS,
    LIST_SEPARATOR,
    MUNICIPALITY,
    PILLARS,
    PLAN,
    PROJECTS,
    REVISIONS,
    SCHEDULE,
    THRESHOLDS,
    VALUES,
    PlanContent,
)

Key = tuple[str, str, str, int]  # (sheet, subject, field label, fiscal year or 0)
_REPLACED = {SCHEDULE, CONSIDERATION}  # sheets whose rows replace what is stored
REMOVED = "（削除）"


@dataclass(frozen=True)
class PlanChange:
    sheet: str
    subject: str  # the row: "LINEによる情報発信 / 登録者数"
    label: str  # the column: "目標値"
    fiscal_year: int  # 0 when the field is not a year's
    before: str
    after: str


def flatten(content: PlanContent) -> dict[Key, str]:
    """Every field of the content as text, keyed by where it is shown."""
    out: dict[Key, str] = {}
    document = content.document
    plan = document["plan"]
    out[(MUNICIPALITY, "", "名称", 0)] = content.municipality
    out[(MUNICIPALITY, "", "全国地方公共団体コード", 0)] = content.code
    out[(PLAN, "", "計画名", 0)] = plan["name"]
    out[(PLAN, "", "計画期間（開始年度）", 0)] = str(plan["start_fiscal_year"])
    out[(PLAN, "", "計画期間（終了年度）", 0)] = str(plan["end_fiscal_year"])
    out[(PLAN, "", "策定（年月）", 0)] = plan["adopted"] or ""
    for revision in plan["revisions"]:
        out[(REVISIONS, revision["date"], "内容", 0)] = revision["description"]
    for position, grade in enumerate(document["grade_scale"]):
        out[(GRADES, grade["code"], "説明", 0)] = grade["description"]
        out[(GRADES, grade["code"], "計画どおり", 0)] = AS_PLANNED_MARK if grade["as_planned"] else ""
        out[(GRADES, grade["code"], "順序", 0)] = str(position + 1)
    for letter, bound in content.thresholds.items():
        out[(THRESHOLDS, letter, "達成率の下限（％）", 0)] = bound
    for pillar in document["pillars"]:
        out[(PILLARS, pillar["name"], "柱", 0)] = pillar["name"]
        for policy in pillar["policies"]:
            out[(PILLARS, f"{pillar['name']} / {policy}", "施策", 0)] = policy
    for project in document["projects"]:
        name = project["name"]
        link = project["comprehensive_plan"] or {"area": "", "policy": ""}
        for label, value in (
            ("個別事業計画名", name), ("柱", project["pillar"]), ("施策", project["policy"] or ""),
            ("担当部署", LIST_SEPARATOR.join(project["departments"])), ("区分", LIST_SEPARATOR.join(project["tags"])),
            ("概要", project["overview"]), ("目指す姿", project["vision"]),
            ("総合計画（分野）", link["area"]), ("総合計画（施策）", link["policy"]),
        ):
            out[(PROJECTS, name, label, 0)] = value
        for i, row in enumerate(project["schedule"], start=1):
            cells = "／".join(f"{fy}年度：{text}" for fy, text in row["cells"].items())
            out[(SCHEDULE, name, f"{i}行目", 0)] = (f"［{row['track']}］" if row["track"] else "") + cells
        for indicator in project["indicators"]:
            subject = f"{name} / {indicator['name']}"
            out[(INDICATORS, subject, "指標名", 0)] = indicator["name"]
            out[(INDICATORS, subject, "単位", 0)] = indicator["unit"]
            out[(INDICATORS, subject, "方向", 0)] = DIRECTIONS[indicator["direction"]]
            out[(INDICATORS, subject, "限定語", 0)] = indicator["qualifier"] or ""
            out[(INDICATORS, subject, "注記", 0)] = indicator["note"] or ""
            for fy, value in indicator["targets"].items():
                out[(VALUES, subject, "目標値", int(fy))] = value
            for fy, value in indicator["actuals"].items():
                out[(VALUES, subject, "実績値", int(fy))] = value
            for old in indicator.get("target_history", []):
                out[(VALUES, subject, f"旧目標値（{old['revision'] or AS_ADOPTED}）", old["fiscal_year"])] = old["value"]
    for year, items in content.under_consideration.items():
        for item in items:
            subject = f"{item['pillar']} / {item['title']}"
            out[(CONSIDERATION, subject, "施策", year)] = item["policy"] or ""
            out[(CONSIDERATION, subject, "本文", year)] = "\n".join(item["text"])
    return out


def renamed(content: PlanContent, renames: Renames) -> PlanContent:
    """The stored content under the names the workbook gives its rows."""
    if not renames:
        return content
    result = copy.deepcopy(content)
    document = result.document
    plan = document["plan"]
    plan["name"] = renames.plan.get(plan["name"], plan["name"])

    def pillar_of(name: str) -> str:
        return renames.pillars.get(name, name)

    def policy_of(pillar: str, name: str | None) -> str | None:
        return None if name is None else renames.policies.get((pillar, name), name)

    for pillar in document["pillars"]:
        pillar["name"] = pillar_of(pillar["name"])
        pillar["policies"] = [policy_of(pillar["name"], q) or "" for q in pillar["policies"]]
    for project in document["projects"]:
        project["name"] = renames.projects.get(project["name"], project["name"])
        project["pillar"] = pillar_of(project["pillar"])
        project["policy"] = policy_of(project["pillar"], project["policy"])
        for indicator in project["indicators"]:
            indicator["name"] = renames.indicators.get((project["name"], indicator["name"]), indicator["name"])
    for items in result.under_consideration.values():
        for item in items:
            item["pillar"] = pillar_of(item["pillar"])
            item["policy"] = policy_of(item["pillar"], item["policy"])
    return result


def _renames(before: PlanContent, renames: Renames) -> list[PlanChange]:
    """A rename as one change of the name (only of what is stored under the old name)."""
    document = before.document
    projects = {p["name"]: p for p in document["projects"]}
    pillars = {p["name"]: p for p in document["pillars"]}
    changes = [PlanChange(PLAN, "", "計画名", 0, old, new) for old, new in renames.plan.items()
               if old == document["plan"]["name"]]
    changes += [PlanChange(PILLARS, new, "柱", 0, old, new) for old, new in renames.pillars.items() if old in pillars]
    old_pillar = {renames.pillars.get(name, name): name for name in pillars}
    changes += [
        PlanChange(PILLARS, f"{pillar} / {new}", "施策", 0, old, new)
        for (pillar, old), new in renames.policies.items()
        if pillar in old_pillar and old in pillars[old_pillar[pillar]]["policies"]
    ]
    changes += [PlanChange(PROJECTS, new, "個別事業計画名", 0, old, new) for old, new in renames.projects.items()
                if old in projects]
    old_project = {renames.projects.get(name, name): name for name in projects}
    changes += [
        PlanChange(INDICATORS, f"{project} / {new}", "指標名", 0, old, new)
        for (project, old), new in renames.indicators.items()
        if project in old_project and any(i["name"] == old for i in projects[old_project[project]]["indicators"])
    ]
    return changes


def plan_changes(before: PlanContent | None, after: PlanContent, renames: Renames) -> tuple[list[PlanChange], list[str]]:
    """The changes from ``before`` (stored; None: nothing yet) to ``after`` (the workbook), and the Japanese
    notes on rows the workbook leaves out but the import keeps."""
    old = flatten(renamed(before, renames)) if before is not None else {}
    new = flatten(after)
    changes = _renames(before, renames) if before is not None else []
    changes += [
        PlanChange(sheet, subject, label, fy, old.get(key, ""), value)
        for key, value in new.items()
        for sheet, subject, label, fy in [key]
        if old.get(key) != value and not (key not in old and value == "")
    ]
    kept: list[str] = []
    for key, value in old.items():
        if key in new:
            continue
        sheet, subject, label, fy = key
        if sheet in _REPLACED:
            changes.append(PlanChange(sheet, subject, label, fy, value, REMOVED))
        elif sheet == PROJECTS and label == "個別事業計画名":
            kept.append(f"個別事業計画「{subject}」はこのブックにありませんが、削除しません（廃止は計画の管理画面で行います）。")
        elif sheet == INDICATORS and label == "指標名":
            kept.append(f"目標指標「{subject}」はこのブックにありませんが、削除しません。")
        elif sheet == PILLARS:
            kept.append(f"柱・施策「{subject}」はこのブックにありませんが、削除しません。")
        elif sheet == GRADES and label == "説明":
            kept.append(f"評価の段階「{subject}」はこのブックにありませんが、削除しません。")
        elif sheet == REVISIONS:
            kept.append(f"改定「{subject}」はこのブックにありませんが、削除しません。")
        elif sheet == VALUES:
            kept.append(f"{subject}の{fy}年度の{label}（{value}）はこのブックにない（空欄の）ため、そのまま残します。")
    return changes, kept
