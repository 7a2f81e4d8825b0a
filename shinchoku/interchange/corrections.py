"""正誤表: what changed between two publication versions of a reporting year, readable by people.

A pure comparison of two interchange documents (the snapshots of the versions). It names each change by
where a reader finds it in the report (the project, the indicator and fiscal year, the section), with the
text before and after, so a city can print it as the corrections list of a 第2版.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shinchoku.interchange.document import Document, IndicatorDoc, ProjectDoc
from shinchoku.wareki import format_fiscal_year


@dataclass(frozen=True)
class Correction:
    where: str  # 「LINEによる情報発信」目標指標「友だち登録者数」令和5（2023）年度 実績
    what: str  # 進捗状況 / 実績 / 主な取組と成果 ...
    before: str  # "—" when it did not exist
    after: str


_NONE = "—"

_PROJECT_TEXTS = (
    ("results", "主な取組と成果"),
    ("challenges", "「目指す姿」に向けた課題と今後の展開"),
    ("next_year", "次年度 主な取組"),
    ("non_b_summary", "進捗状況B以外の概要"),
)
_PROJECT_FIELDS = (
    ("pillar", "柱"),
    ("policy", "施策"),
    ("overview", "事業概要"),
    ("vision", "目指す姿"),
)


def _text(value: Any) -> str:
    if value is None or value == [] or value == "":
        return _NONE
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _indicator_changes(project: str, before: IndicatorDoc | None, after: IndicatorDoc | None) -> list[Correction]:
    if before is None or after is None:
        return [Correction(f"「{project}」", "目標指標", _text(before and before["name"]), _text(after and after["name"]))]
    name = after["name"]
    changes: list[Correction] = []
    for key, label in (("targets", "目標"), ("actuals", "実績")):
        old: dict[str, Any] = before[key]  # type: ignore[literal-required]
        new: dict[str, Any] = after[key]  # type: ignore[literal-required]
        for fy in sorted(set(old) | set(new), key=int):
            if str(old.get(fy)) != str(new.get(fy)):
                unit = after["unit"]
                changes.append(
                    Correction(
                        f"「{project}」目標指標「{name}」{format_fiscal_year(int(fy))}",
                        label,
                        _NONE if fy not in old else f"{old[fy]}{unit}",
                        _NONE if fy not in new else f"{new[fy]}{unit}",
                    )
                )
    for key, label in (("unit", "単位"), ("qualifier", "付記"), ("note", "注記")):
        if before.get(key) != after.get(key):
            changes.append(Correction(f"「{project}」目標指標「{name}」", label, _text(before.get(key)), _text(after.get(key))))
    return changes


def _project_changes(before: ProjectDoc | None, after: ProjectDoc | None) -> list[Correction]:
    if before is None or after is None:
        return [Correction("個別事業計画", "事業", _text(before and before["name"]), _text(after and after["name"]))]
    name = after["name"]
    changes: list[Correction] = []
    if before["grade"] != after["grade"]:
        changes.append(Correction(f"「{name}」", "進捗状況", _text(before["grade"]), _text(after["grade"])))
    for key, label in (*_PROJECT_FIELDS, *_PROJECT_TEXTS):
        if before[key] != after[key]:  # type: ignore[literal-required]
            changes.append(Correction(f"「{name}」", label, _text(before[key]), _text(after[key])))  # type: ignore[literal-required]
    if before["result_tables"] != after["result_tables"]:
        changes.append(Correction(f"「{name}」", "成果の表", "（変更前の表）", "（変更後の表）"))
    if before["schedule"] != after["schedule"]:
        changes.append(Correction(f"「{name}」", "スケジュール", "（変更前）", "（変更後）"))
    old = {i["name"]: i for i in before["indicators"]}
    new = {i["name"]: i for i in after["indicators"]}
    for indicator in dict.fromkeys([*old, *new]):
        changes += _indicator_changes(name, old.get(indicator), new.get(indicator))
    return changes


def corrections(before: Document, after: Document) -> list[Correction]:
    """Every difference a reader of the report would see, in document order (empty: the same content)."""
    changes: list[Correction] = []
    for key, label in (("title", "表題"), ("published", "公表年月")):
        if before["report"][key] != after["report"][key]:  # type: ignore[literal-required]
            changes.append(Correction("表紙", label, _text(before["report"][key]), _text(after["report"][key])))  # type: ignore[literal-required]
    if before["report"]["narrative"] != after["report"]["narrative"]:
        old = {s["heading"]: s["paragraphs"] for s in before["report"]["narrative"]}
        new = {s["heading"]: s["paragraphs"] for s in after["report"]["narrative"]}
        for heading in dict.fromkeys([*old, *new]):
            if old.get(heading) != new.get(heading):
                changes.append(Correction("1 進行管理", heading, _text(old.get(heading)), _text(new.get(heading))))
    old_projects = {p["name"]: p for p in before["projects"]}
    new_projects = {p["name"]: p for p in after["projects"]}
    for name in dict.fromkeys([*old_projects, *new_projects]):
        changes += _project_changes(old_projects.get(name), new_projects.get(name))
    old_uc = {(u["pillar"], u["title"]): u["text"] for u in before["under_consideration"]}
    new_uc = {(u["pillar"], u["title"]): u["text"] for u in after["under_consideration"]}
    for uc in dict.fromkeys([*old_uc, *new_uc]):
        if old_uc.get(uc) != new_uc.get(uc):
            changes.append(
                Correction(f"個別事業計画を検討中の施策「{uc[1]}」", "状況", _text(old_uc.get(uc)), _text(new_uc.get(uc)))
            )
    return changes
