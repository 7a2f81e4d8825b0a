"""The references and duplicates of a read plan workbook, checked before the interchange validation.

The document checks (``interchange.validation``) refuse the same faults, in English and by JSON path; found
here first, the reader can say each at its cell and in Japanese. Pure: content in, faults out.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from shinchoku import wareki
from shinchoku.interchange.document import PillarDoc, ProjectDoc, UnderConsiderationDoc
from shinchoku.workbooks.plan import PILLARS, REVISIONS

Fault = tuple[str, str, str]  # (the document's JSON path, English, Japanese)


def _place_faults(where: str, pillar: str, policy: str | None, pillars: dict[str, PillarDoc]) -> list[Fault]:
    if pillar not in pillars:
        return [(f"{where}.pillar", f"pillar '{pillar}' is not on sheet '{PILLARS}'",
                 f"柱「{pillar}」はシート「{PILLARS}」にありません。")]
    if policy is not None and policy not in pillars[pillar]["policies"]:
        return [(f"{where}.policy", f"policy '{policy}' is not a policy of pillar '{pillar}' on sheet '{PILLARS}'",
                 f"施策「{policy}」はシート「{PILLARS}」の柱「{pillar}」にありません。")]
    return []


def history_path(project: str, indicator: str, fiscal_year: int, revision: str | None) -> str:
    """Where an old target was read (the reader records its cell under this path)."""
    return "history:" + json.dumps([project, indicator, fiscal_year, revision], ensure_ascii=False)


def _covers(month: str, fiscal_year: int) -> bool:
    """A revision sets targets from the fiscal year it was made in (as the forms require)."""
    year, number = (int(part) for part in month.split("-"))
    return wareki.fiscal_year_of(dt.date(year, number, 1)) <= fiscal_year


def _is_superseded(revision: str | None, fiscal_year: int, revisions: list[str]) -> bool:
    """Whether an old target (set as adopted, or by ``revision``) was replaced by a later revision covering its
    year: otherwise it is the year's current target, and the loader would take it for that."""
    newer = [r for r in revisions if _covers(r, fiscal_year) and (revision is None or r > revision)]
    return bool(newer)


def _current_as_old(where: str, revision: str | None, fiscal_year: int) -> Fault:
    set_by = revision or "策定時"
    return (where, f"the old target of {fiscal_year} set {revision or 'as adopted'} was not replaced by a later "
                   "revision covering that year: it is the current target (enter it as 目標値)",
            f"{fiscal_year}年度の旧目標値（{set_by}）より後に、その年度を改定した改定がありません。"
            "いまの目標値として「目標値」の列に入力してください。")


def plan_faults(
    plan: dict[str, Any], grades: list[dict[str, Any]], pillars: dict[str, PillarDoc],
    projects: dict[str, ProjectDoc], considerations: dict[int, list[UnderConsiderationDoc]],
) -> list[Fault]:
    faults: list[Fault] = []
    if plan["end_fiscal_year"] < plan["start_fiscal_year"]:
        faults.append(("plan.end_fiscal_year", "the plan ends before it starts", "計画期間の終了年度が開始年度より前です。"))
    codes = [grade["code"] for grade in grades]
    faults += [(f"grade_scale[{i}]", f"grade '{code}' appears twice", f"段階「{code}」が2回あります。")
               for i, code in enumerate(codes) if code in codes[:i]]
    if sum(bool(g["as_planned"]) for g in grades) > 1:
        faults.append(("grade_scale[0]", "more than one grade is marked 計画どおり", "「計画どおり」の○は1つの段階だけに付けます。"))
    revisions = [r["date"] for r in plan["revisions"]]
    faults += [(f"plan.revisions[{i}]", f"revision {date} appears twice", f"改定「{date}」が2回あります。")
               for i, date in enumerate(revisions) if date in revisions[:i]]
    for i, pillar in enumerate(pillars.values()):
        faults += [
            (f"pillars[{i}].policies[{j}]", f"policy '{policy}' appears twice in pillar '{pillar['name']}'",
             f"施策「{policy}」が柱「{pillar['name']}」に2回あります。")
            for j, policy in enumerate(pillar["policies"]) if policy in pillar["policies"][:j]
        ]
    for i, project in enumerate(projects.values()):
        faults += _place_faults(f"projects[{i}]", project["pillar"], project["policy"], pillars)
        names = [indicator["name"] for indicator in project["indicators"]]
        faults += [(f"projects[{i}].indicators[{j}]", f"indicator '{name}' appears twice in the project",
                    f"目標指標「{name}」がこの個別事業計画に2回あります。")
                   for j, name in enumerate(names) if name in names[:j]]
        for j, indicator in enumerate(project["indicators"]):
            for old in indicator.get("target_history", []):
                where = f"projects[{i}].indicators[{j}]"
                if old["revision"] is not None and old["revision"] not in revisions:
                    faults.append((where, f"revision {old['revision']} is not on sheet '{REVISIONS}'",
                                   f"改定「{old['revision']}」はシート「{REVISIONS}」にありません。"))
                elif not _is_superseded(old["revision"], old["fiscal_year"], revisions):
                    at = history_path(project["name"], indicator["name"], old["fiscal_year"], old["revision"])
                    faults.append(_current_as_old(at, old["revision"], old["fiscal_year"]))
    for year, items in considerations.items():
        titles: set[tuple[str, str]] = set()
        for i, entry in enumerate(items):
            where = f"under_consideration:{year}[{i}]"
            faults += _place_faults(where, entry["pillar"], entry["policy"], pillars)
            if (entry["pillar"], entry["title"]) in titles:
                faults.append((where, f"'{entry['title']}' appears twice in fiscal year {year}",
                               f"{year}年度の「{entry['title']}」が2回あります。"))
            titles.add((entry["pillar"], entry["title"]))
    return faults
