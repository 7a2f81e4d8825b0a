"""Reading a plan workbook (計画シート) back into a :class:`~shinchoku.workbooks.plan.PlanContent`.

Cells become the interchange document's values (names, "YYYY-MM" months, decimal strings) through the same
parsers as a form (``shinchoku.values.parse``, ``shinchoku.wareki``); every fault is collected with its
sheet and cell, English and Japanese. Columns are found by their headers. Nothing here knows the database:
the import service compares, checks the years' states and loads.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shinchoku.interchange.document import (
    Document,
    IndicatorDoc,
    PillarDoc,
    ProjectDoc,
    ScheduleRowDoc,
    UnderConsiderationDoc,
)
from shinchoku.interchange.load import Renames
from shinchoku.tenancy import codes
from shinchoku.workbooks import layout
from shinchoku.workbooks.layout import WorkbookInvalid, open_workbook
from shinchoku.workbooks.plan import (
    AS_ADOPTED,
    CONSIDERATION,
    DIRECTIONS,
    FORMAT,
    GRADES,
    INDICATORS,
    LIST_SEPARATOR,
    MUNICIPALITY,
    PILLARS,
    PLAN,
    PROJECTS,
    REVISIONS,
    SCHEDULE,
    THRESHOLD_GRADES,
    THRESHOLDS,
    VALUES,
    PlanContent,
)
from shinchoku.workbooks.plan_cells import CellReader, Row, cell_value_text, split_list
from shinchoku.workbooks.plan_checks import history_path, plan_faults

_MARKS = {"○", "〇", "◯", "●", "✓", "✔", "TRUE", "1", "はい"}
_DIRECTION_BY_LABEL = {label: code for code, label in DIRECTIONS.items()} | {code: code for code in DIRECTIONS}


@dataclass
class PlanWorkbookInput:
    """A read plan workbook: its content, the renames its keys reveal, and where each part was read."""

    content: PlanContent
    renames: Renames
    municipality_id: int | None  # the municipality it was exported from (None: the blank template)
    # JSON path of the document ("projects[3].indicators[1]") → (sheet, cell), for faults found later
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (project, indicator, fiscal year) → (sheet, cell of the target) and (fiscal year, pillar, title) → (sheet,
    # cell): where a change to a locked year is refused
    value_cells: dict[tuple[str, str, int], tuple[str, str]] = field(default_factory=dict)
    consideration_cells: dict[tuple[int, str, str], tuple[str, str]] = field(default_factory=dict)
    # kind → database id in a row's key → the names the row now gives (a policy's and an indicator's with
    # their parent's first): the import matches by id when the workbook is of the same municipality
    row_ids: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    # (project, indicator, fiscal year, "targets"/"actuals") of the values typed as numbers rather than text:
    # a number cell cannot keep 31.70's last zero, so the same number as stored is the stored value
    number_cells: set[tuple[str, str, int, str]] = field(default_factory=set)

    def cell_of(self, where: str) -> tuple[str, str]:
        """The cell of a JSON path, or of its nearest part that has one."""
        path = where
        while path:
            if path in self.cells:
                return self.cells[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return (PLAN, "")


class _Reader(CellReader):
    def __init__(self, workbook: Any) -> None:
        super().__init__(workbook)
        self.number_cells: set[tuple[str, str, int, str]] = set()
        self.row_ids: dict[str, dict[int, tuple[str, ...]]] = {k: {} for k in ("plan", "pillar", "policy", "project", "indicator")}

    def identify(self, kind: str, pk: int | None, *names: str) -> None:
        if pk is not None:
            self.row_ids[kind][pk] = names

    # -- sheets --------------------------------------------------------------------------------------------

    def read(self) -> PlanWorkbookInput:
        municipality_id = self._ids()
        renames = Renames()
        municipality, code = self._municipality()
        plan = self._plan(renames)
        plan["revisions"] = self._revisions()
        grades = self._grades()
        thresholds = self._thresholds()
        pillars = self._pillars(renames)
        projects = self._projects(renames, pillars)
        self._schedule(projects, renames)
        self._indicators(projects, renames)
        value_cells = self._values(projects, renames)
        considerations, consideration_cells = self._considerations(renames)
        if not self.errors.items:
            for where, english, japanese in plan_faults(plan, grades, pillars, projects, considerations):
                self._fault(where, english, japanese)
        if self.errors.items:
            raise WorkbookInvalid(self.errors.items)
        fiscal_year = plan["start_fiscal_year"]
        document: Document = {
            "format": "shinchoku-report/2", "municipality": municipality, "plan": plan,  # type: ignore[typeddict-item]
            "report": {"title": plan["name"], "fiscal_year": fiscal_year, "published": None, "status": "draft", "narrative": []},
            "grade_scale": grades, "pillars": list(pillars.values()), "projects": list(projects.values()),
            "under_consideration": [],
        }
        content = PlanContent(municipality=municipality, code=code, document=document, thresholds=thresholds,
                              under_consideration=considerations)
        return PlanWorkbookInput(content, renames, municipality_id, self.cells, value_cells, consideration_cells,
                                 self.row_ids, self.number_cells)

    def _fault(self, path: str, english: str, japanese: str) -> None:
        sheet, cell = self.cells.get(path, (PLAN, ""))
        self.errors.add(sheet, cell, english, japanese)

    def _ids(self) -> int | None:
        if layout.IDS_SHEET not in self.workbook.sheetnames:
            raise WorkbookInvalid([(
                f"no hidden sheet '{layout.IDS_SHEET}': not a plan workbook of shinchoku",
                f"非表示のシート「{layout.IDS_SHEET}」がありません。Shinchokuの計画シートではありません。",
            )])
        rows = list(self.workbook[layout.IDS_SHEET].iter_rows(min_row=2, max_row=2, values_only=True))
        values = [cell_value_text(v) for v in (rows[0] if rows else ())] + ["", "", ""]
        if values[0] != FORMAT:
            raise WorkbookInvalid([(
                f"sheet '{layout.IDS_SHEET}' cell A2: not a plan workbook (format '{values[0]}', expected '{FORMAT}')",
                f"シート「{layout.IDS_SHEET}」セル A2：計画シートではありません（年度報告シートなど別のブックです）。",
            )])
        return int(values[1]) if values[1].isascii() and values[1].isdigit() else None  # "²" is a digit too

    def _one(self, sheet: str, english: str, japanese: str) -> Row | None:
        before = len(self.errors.items)
        rows = list(self.rows(sheet))
        if not rows:
            if len(self.errors.items) == before:  # the sheet is there, with its headers, but empty
                self.errors.add(sheet, "B2", english, japanese)
            return None
        for extra in rows[1:]:
            self.errors.add(sheet, f"B{extra.number}", "only one row is read on this sheet", "このシートは1行だけ入力します。")
        return rows[0]

    def _municipality(self) -> tuple[str, str]:
        row = self._one(MUNICIPALITY, "row 2 is empty: enter the municipality's name and code",
                        "2行目に自治体の名称と全国地方公共団体コードを入力してください。")
        if row is None:
            return "", ""
        name = self.required(row, "名称")
        self.at("municipality", row, "名称")
        self.at("municipality.code", row, "全国地方公共団体コード")
        code = unicodedata.normalize("NFKC", row["全国地方公共団体コード"]).strip()
        if code.isdigit() and len(code) == 5:
            code = "0" + code  # 北海道・青森県…: Excel drops the leading zero of a code typed as a number
        if code and not codes.code_is_valid(code):
            self.errors.add(row.sheet, row.cell("全国地方公共団体コード"),
                            f"'{code}' is not a municipality code (6 digits with a JIS X 0402 check digit)",
                            f"「{code}」は全国地方公共団体コードではありません（6桁・検査数字を確認してください）。")
        return name, code

    def _plan(self, renames: Renames) -> dict[str, Any]:
        row = self._one(PLAN, "row 2 is empty: enter the plan's name and period",
                        "2行目に計画名と計画期間を入力してください。")
        if row is None:
            return {"name": "", "start_fiscal_year": 2000, "end_fiscal_year": 2000, "adopted": None}
        name = self.required(row, "計画名")
        old = row.key_parts("plan")
        if old and old[0] != name and name:
            renames.plan[old[0]] = name
        self.identify("plan", row.key_id("plan"), name)
        self.at("plan", row, "計画名")
        self.at("plan.name", row, "計画名")
        self.at("plan.start_fiscal_year", row, "計画期間（開始年度）")
        self.at("plan.end_fiscal_year", row, "計画期間（終了年度）")
        start = self.fiscal_year(row, "計画期間（開始年度）") or 2000
        end = self.fiscal_year(row, "計画期間（終了年度）") or start
        self.period = (start, end) if start <= end else None
        return {"name": name, "start_fiscal_year": start, "end_fiscal_year": end, "adopted": self.month(row, "策定（年月）")}

    def _revisions(self) -> list[Any]:
        revisions: list[dict[str, Any]] = []
        for row in self.rows(REVISIONS):
            path = f"plan.revisions[{len(revisions)}]"
            self.at(path, row, "年月")
            self.at(f"{path}.description", row, "内容")
            date = self.month(row, "年月") if self.required(row, "年月") else None
            revisions.append({"date": date or "2000-01", "description": row["内容"]})
        return sorted(revisions, key=lambda r: r["date"])

    def _grades(self) -> list[Any]:
        grades: list[dict[str, Any]] = []
        for row in self.rows(GRADES):
            path = f"grade_scale[{len(grades)}]"
            self.at(path, row, "段階")
            self.at(f"{path}.description", row, "説明")
            mark = unicodedata.normalize("NFKC", row["計画どおり"]).strip().upper()
            if mark and mark not in _MARKS and row["計画どおり"] not in _MARKS:
                self.errors.add(row.sheet, row.cell("計画どおり"), f"'{row['計画どおり']}': mark with ○ or leave empty",
                                f"「{row['計画どおり']}」：「計画どおり」の段階には○を入れ、他は空欄にしてください。")
            grades.append({"code": self.required(row, "段階"), "description": row["説明"], "as_planned": bool(mark)})
        if not grades:
            self.errors.add(GRADES, "B2", "the grade scale is empty", "評価の段階を1つ以上入力してください。")
        return grades

    def _thresholds(self) -> dict[str, str]:
        thresholds: dict[str, str] = {}
        for row in self.rows(THRESHOLDS):
            grade = unicodedata.normalize("NFKC", row["段階"]).strip().upper()
            if grade not in THRESHOLD_GRADES:
                self.errors.add(row.sheet, row.cell("段階"), f"'{row['段階']}' is not A, B or C", f"「{row['段階']}」：段階はA・B・Cです。")
                continue
            text = unicodedata.normalize("NFKC", row["達成率の下限（％）"]).strip().rstrip("%")
            try:
                value = Decimal(text)
                if not value.is_finite():
                    raise InvalidOperation
                # Inside the try: a bound of more digits than the context holds cannot be quantized.
                thresholds[grade] = format(value.quantize(Decimal("0.1")), "f")
            except InvalidOperation:
                self.errors.add(row.sheet, row.cell("達成率の下限（％）"), f"'{text}' is not a number", f"「{text}」は数値ではありません。")
                continue
        return thresholds

    def _pillars(self, renames: Renames) -> dict[str, PillarDoc]:
        pillars: dict[str, PillarDoc] = {}
        for row in self.rows(PILLARS):
            name = self.required(row, "柱")
            if not name:
                continue
            policy = row["施策"]
            old = row.key_parts("policy") or row.key_parts("pillar")
            if old and old[0] != name:
                if renames.pillars.get(old[0], name) != name:
                    self.errors.add(row.sheet, row.cell("柱"), f"pillar '{old[0]}' is renamed twice differently",
                                    f"柱「{old[0]}」の名称が行によって違います。")
                renames.pillars[old[0]] = name
            if old and len(old) > 1 and policy and old[1] != policy:
                renames.policies[(name, old[1])] = policy
            self.identify("pillar", row.key_id("pillar") or row.key_id("policy", "parent"), name)
            if policy:
                self.identify("policy", row.key_id("policy"), name, policy)
            if name not in pillars:
                self.at(f"pillars[{len(pillars)}]", row, "柱")
                pillars[name] = {"name": name, "policies": []}
            if policy:
                self.at(f"pillars[{list(pillars).index(name)}].policies[{len(pillars[name]['policies'])}]", row, "施策")
                pillars[name]["policies"].append(policy)
        return pillars

    def _pillar_name(self, name: str, renames: Renames) -> str:
        return renames.pillars.get(name, name)

    def _projects(self, renames: Renames, pillars: dict[str, PillarDoc]) -> dict[str, ProjectDoc]:
        projects: dict[str, ProjectDoc] = {}
        before = len(self.errors.items)
        for row in self.rows(PROJECTS):
            name = self.required(row, "個別事業計画名")
            old = row.key_parts("project")
            if old and name and old[0] != name:
                renames.projects[old[0]] = name
            if name:
                self.identify("project", row.key_id("project"), name)
            path = f"projects[{len(projects)}]"
            self.at(path, row, "個別事業計画名")
            self.at(f"{path}.name", row, "個別事業計画名")
            for key, header in (("pillar", "柱"), ("policy", "施策"), ("departments", "担当部署"), ("tags", "区分"),
                                ("overview", "概要"), ("vision", "目指す姿"), ("comprehensive_plan", "総合計画（分野）")):
                self.at(f"{path}.{key}", row, header)
            pillar = self._pillar_name(self.required(row, "柱"), renames)
            policy = row["施策"]
            if pillar and policy:
                policy = renames.policies.get((pillar, policy), policy)
            area, link_policy = row["総合計画（分野）"], row["総合計画（施策）"]
            if not name:
                continue
            if name in projects:
                self.errors.add(row.sheet, row.cell("個別事業計画名"), f"project '{name}' appears twice",
                                f"個別事業計画「{name}」が2回あります。")
                continue
            projects[name] = {
                "name": name, "pillar": pillar, "policy": policy or None,
                "tags": split_list(row["区分"]), "departments": split_list(row["担当部署"]),
                "overview": row["概要"], "vision": row["目指す姿"],
                "comprehensive_plan": {"area": area, "policy": link_policy} if area or link_policy else None,
                "schedule": [], "indicators": [], "grade": None, "results": [], "result_tables": [],
                "challenges": [], "next_year": [], "non_b_summary": [],
            }
        if not projects and len(self.errors.items) == before:
            self.errors.add(PROJECTS, "B2", "no project", "個別事業計画を1つ以上入力してください。")
        return projects

    def _project_of(self, row: Row, projects: dict[str, ProjectDoc], renames: Renames) -> ProjectDoc | None:
        name = self.required(row, "個別事業計画名")
        if not name:
            return None
        project = projects.get(name) or projects.get(renames.projects.get(name, ""))
        if project is None:
            self.errors.add(row.sheet, row.cell("個別事業計画名"), f"project '{name}' is not on sheet '{PROJECTS}'",
                            f"個別事業計画「{name}」はシート「{PROJECTS}」にありません。")
        return project

    def _schedule(self, projects: dict[str, ProjectDoc], renames: Renames) -> None:
        grouped: dict[str, dict[int, ScheduleRowDoc]] = {}
        for row in self.rows(SCHEDULE):
            project = self._project_of(row, projects, renames)
            year = self.in_period(row, "年度", self.fiscal_year(row, "年度"))
            number_text = unicodedata.normalize("NFKC", row["行"]).strip() or "1"
            if not number_text.isdigit() or int(number_text) < 1:
                self.errors.add(row.sheet, row.cell("行"), f"'{row['行']}' is not a row number (1, 2, …)",
                                f"「{row['行']}」は行番号（1、2…）ではありません。")
                continue
            if project is None or year is None:
                continue
            rows = grouped.setdefault(project["name"], {})
            schedule_row = rows.setdefault(int(number_text), {"track": None, "cells": {}})
            if row["トラック"]:
                schedule_row["track"] = row["トラック"]
            if str(year) in schedule_row["cells"]:
                self.errors.add(row.sheet, row.cell("年度"), f"row {number_text} has fiscal year {year} twice",
                                f"{number_text}行目の{year}年度が2回あります。")
            schedule_row["cells"][str(year)] = row["内容"]
        for name, rows in grouped.items():
            projects[name]["schedule"] = [
                {"track": r["track"], "cells": dict(sorted(r["cells"].items()))} for _, r in sorted(rows.items())
            ]

    def _indicators(self, projects: dict[str, ProjectDoc], renames: Renames) -> None:
        index = {name: i for i, name in enumerate(projects)}
        for row in self.rows(INDICATORS):
            project = self._project_of(row, projects, renames)
            name = self.required(row, "指標名")
            direction = _DIRECTION_BY_LABEL.get(row["方向"] or DIRECTIONS["higher"])
            if direction is None:
                self.errors.add(row.sheet, row.cell("方向"), f"'{row['方向']}' is not {' or '.join(DIRECTIONS.values())}",
                                f"「{row['方向']}」：方向は「{'」か「'.join(DIRECTIONS.values())}」です。")
            if project is None or not name:
                continue
            old = row.key_parts("indicator")
            if old and len(old) > 1 and old[1] != name:
                renames.indicators[(project["name"], old[1])] = name
            self.identify("indicator", row.key_id("indicator"), project["name"], name)
            path = f"projects[{index[project['name']]}].indicators[{len(project['indicators'])}]"
            self.at(path, row, "指標名")
            self.at(f"{path}.name", row, "指標名")
            self.at(f"{path}.unit", row, "単位")
            self.at(f"{path}.qualifier", row, "限定語")
            self.at(f"{path}.note", row, "注記")
            indicator: IndicatorDoc = {
                "name": name, "unit": row["単位"], "direction": direction or "higher",  # type: ignore[typeddict-item]
                "qualifier": row["限定語"] or None, "note": row["注記"] or None, "targets": {}, "actuals": {},
            }
            project["indicators"].append(indicator)

    def _values(self, projects: dict[str, ProjectDoc], renames: Renames) -> dict[tuple[str, str, int], tuple[str, str]]:
        cells: dict[tuple[str, str, int], tuple[str, str]] = {}
        for row in self.rows(VALUES):
            project = self._project_of(row, projects, renames)
            year = self.in_period(row, "年度", self.fiscal_year(row, "年度"))
            if project is None:
                continue
            name = self.required(row, "指標名")
            indicators = {i["name"]: i for i in project["indicators"]}
            indicator = indicators.get(name) or indicators.get(renames.indicators.get((project["name"], name), ""))
            if indicator is None:
                if name:
                    self.errors.add(row.sheet, row.cell("指標名"), f"indicator '{name}' of '{project['name']}' is not on sheet '{INDICATORS}'",
                                    f"目標指標「{name}」（{project['name']}）はシート「{INDICATORS}」にありません。")
                continue
            target = self.quantity(row, "目標値", indicator["unit"])
            actual = self.quantity(row, "実績値", indicator["unit"])
            if year is None:
                continue
            where = (project["name"], indicator["name"], year)
            revision_text = row["改定（旧目標値）"]
            if revision_text:
                revision = None if revision_text == AS_ADOPTED else self.month(row, "改定（旧目標値）")
                if target is None:
                    self.required(row, "目標値")
                    continue
                indicator.setdefault("target_history", []).append({"fiscal_year": year, "value": target, "revision": revision})
                self.at(history_path(project["name"], indicator["name"], year, revision), row, "改定（旧目標値）")
                continue
            if where in cells:
                self.errors.add(row.sheet, row.cell("年度"), f"fiscal year {year} of this indicator appears twice",
                                f"この目標指標の{year}年度の行が2つあります。")
                continue
            cells[where] = (row.sheet, row.cell("目標値"))
            for header, kind in (("目標値", "targets"), ("実績値", "actuals")):
                if header in row.numbers:
                    self.number_cells.add((project["name"], indicator["name"], year, kind))
            if target is not None:
                indicator["targets"][str(year)] = target
            if actual is not None:
                indicator["actuals"][str(year)] = actual
        for project in projects.values():
            for indicator in project["indicators"]:
                indicator["targets"] = dict(sorted(indicator["targets"].items()))
                indicator["actuals"] = dict(sorted(indicator["actuals"].items()))
                if "target_history" in indicator:
                    indicator["target_history"].sort(key=lambda h: (h["fiscal_year"], h["revision"] or ""))
        return cells

    def _considerations(
        self, renames: Renames
    ) -> tuple[dict[int, list[UnderConsiderationDoc]], dict[tuple[int, str, str], tuple[str, str]]]:
        by_year: dict[int, list[UnderConsiderationDoc]] = {}
        cells: dict[tuple[int, str, str], tuple[str, str]] = {}
        for row in self.rows(CONSIDERATION):
            year = self.in_period(row, "年度", self.fiscal_year(row, "年度"))
            pillar = self._pillar_name(self.required(row, "柱"), renames)
            title = self.required(row, "表題")
            if year is None or not pillar or not title:
                continue
            items = by_year.setdefault(year, [])
            path = f"under_consideration:{year}[{len(items)}]"
            self.at(path, row, "表題")
            self.at(f"{path}.pillar", row, "柱")
            self.at(f"{path}.policy", row, "施策")
            self.at(f"{path}.text", row, "本文")
            policy = row["施策"]
            items.append({"pillar": pillar, "policy": renames.policies.get((pillar, policy), policy) or None,
                          "title": title, "text": [t for t in row["本文"].split("\n") if t.strip()]})
            cells[(year, pillar, title)] = (row.sheet, row.cell("表題"))
        return by_year, cells


def read_plan_workbook(content: bytes) -> PlanWorkbookInput:
    """The workbook's content; WorkbookInvalid lists every fault found, each with its sheet and cell."""
    workbook = open_workbook(content)
    try:
        return _Reader(workbook).read()
    finally:
        workbook.close()


__all__ = ["LIST_SEPARATOR", "PlanWorkbookInput", "WorkbookInvalid", "read_plan_workbook"]
