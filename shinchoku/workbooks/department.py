"""The department workbook (年度報告シート): one sheet per project report of a year, to fill in and send back.

Layout of a project sheet (column H is hidden and keys every row the import reads, so rows inserted by a
person — free rows for more items — belong to the section above them):

    A: label    B: text / indicator name    C: target    D: input (actual, status, grade)    E: unit
    F: item grade (self-assessment)    H: hidden row key ("section:results", "indicator:<item id>", …)

The result tables (成果の表) follow the results; their section is written and read in ``department_tables``.

The hidden sheet ``_ids`` says which report each sheet is and the version it was exported at. Reading
(:func:`read_workbook`) turns cells into the typed values ``report_save`` takes, or into cell-precise errors;
it decides nothing about reports (the import service does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.cycle.selectors import report_items
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportingYear, ScheduleStatus
from shinchoku.values import NotANumber, parse
from shinchoku.wareki import format_fiscal_year
from shinchoku.workbooks import department_tables as tables
from shinchoku.workbooks import layout
from shinchoku.workbooks.layout import CellErrors, WorkbookInvalid, open_workbook

FORMAT = "shinchoku-department-workbook/1"
IDS_HEADER = ["sheet", "project_id", "report_id", "report_version", "municipality_id", "fiscal_year", "format"]
TEXT_SECTIONS = {
    "results": "主な取組と成果",
    "challenges": "「目指す姿」に向けた課題と今後の展開",
    "next_year": "次年度の主な取組",
    "non_b_summary": "進捗状況B以外の概要（担当部署の評価が「計画どおり」以外のとき）",
}
FREE_ROWS = 5  # empty input rows after each list, for items to add
KEY_COLUMN = 8  # H
INSTRUCTIONS = "説明"
_STATUS_LABELS = dict(ScheduleStatus.choices)
_STATUS_BY_LABEL = {label: value for value, label in ScheduleStatus.choices}


# -- writing ---------------------------------------------------------------------------------------------------


def _key(sheet: Worksheet, row: int, key: str) -> None:
    layout.put_key(sheet, row, KEY_COLUMN, key)


def _project_sheet(
    sheet: Worksheet, report: ProjectReport, grades: list[GradeDefinition], departments: str
) -> None:
    fy = report.fiscal_year
    layout.title(sheet, 1, f"{format_fiscal_year(fy)} 年度報告シート：{report.project.name}")
    layout.label(sheet, 2, 1, "担当部署")
    layout.shown(sheet, 2, 2, departments)
    layout.label(sheet, 3, 1, "状態")
    layout.shown(sheet, 3, 2, report.get_state_display())
    codes = [g.code for g in grades]
    grade_list = layout.choice_list(sheet, codes, prompt="評価段階：" + "、".join(str(g) for g in grades))
    status_list = layout.choice_list(sheet, list(_STATUS_BY_LABEL), prompt="スケジュールの進捗を選んでください")
    row = 5
    for name, heading in TEXT_SECTIONS.items():
        shown_heading = heading if name != "results" else f"{format_fiscal_year(fy)} {heading}"
        if name == "next_year":
            shown_heading = f"{format_fiscal_year(fy + 1)} 主な取組"
        layout.label(sheet, row, 1, shown_heading)
        layout.label(sheet, row, 2, "1行に1項目（行を挿入して追加できます）")
        _key(sheet, row, f"section:{name}")
        row += 1
        for text in [*getattr(report, name), *[""] * FREE_ROWS]:
            layout.shown(sheet, row, 1, "・")
            layout.field(sheet, row, 2, text)
            row += 1
        row += 1
        if name == "results":
            row = tables.write(sheet, row, report, _key)
    for column, text in enumerate(["目標指標", "指標名", "目標値", "実績値", "単位", "担当部署の評価"], start=1):
        layout.label(sheet, row, column, text)
    _key(sheet, row, "section:indicators")
    row += 1
    schedule_item = None
    for item_row in report_items(report=report):
        item = item_row.item
        if item.indicator is None:
            schedule_item = item
            continue
        indicator = item.indicator
        actual = "該当なし" if item.not_applicable else (item_row.actual.quantity.format() if item_row.actual else "")
        layout.shown(sheet, row, 1, "")
        layout.shown(sheet, row, 2, indicator.name)
        layout.shown(sheet, row, 3, item_row.target.quantity.format() if item_row.target else "")
        layout.field(sheet, row, 4, actual)
        layout.shown(sheet, row, 5, indicator.unit)
        grade_list.add(layout.field(sheet, row, 6, item.department_grade.code if item.department_grade else ""))
        _key(sheet, row, f"indicator:{item.pk}")
        row += 1
    row += 1
    layout.label(sheet, row, 1, "スケジュールの進捗")
    status_list.add(layout.field(sheet, row, 4, _STATUS_LABELS.get(report.schedule_status, "")))
    if schedule_item is not None:
        layout.label(sheet, row, 5, "評価")
        grade = schedule_item.department_grade
        grade_list.add(layout.field(sheet, row, 6, grade.code if grade else ""))
        _key(sheet, row, f"schedule:{schedule_item.pk}")
    else:
        _key(sheet, row, "schedule:")
    row += 1
    layout.label(sheet, row, 1, "担当部署の評価")
    grade_list.add(layout.field(sheet, row, 4, report.department_grade.code if report.department_grade else ""))
    _key(sheet, row, "department_grade")
    row += 1
    layout.label(sheet, row, 1, "担当部署のコメント")
    layout.field(sheet, row, 2, report.department_comment)
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
    _key(sheet, row, "comment")
    for letter, width in {"A": 18, "B": 60, "C": 14, "D": 16, "E": 10, "F": 14}.items():
        sheet.column_dimensions[letter].width = width
    layout.hide_column(sheet, "H")
    layout.finish(sheet)
    layout.protect(sheet)


def _instructions(sheet: Worksheet, year: ReportingYear, grades: list[GradeDefinition]) -> None:
    lines = [
        f"{format_fiscal_year(year.fiscal_year)} 年度報告シート（{year.plan.name}）",
        "",
        "事業ごとに1枚のシートがあります。色の付いたセルだけ入力できます。",
        "・「主な取組と成果」などは1行に1項目を入力してください。行が足りないときは行を挿入できます。",
        "・実績値は数字だけで入力してください（例：16,608　31.7）。実績がない場合は「該当なし」と入力します。",
        "・成果の表は1行に1項目（項目名・値・単位）を入力します。値は数字だけで入力してください。「計の行」は値が"
        "あるときだけ表に入ります。表の位置は「主な取組と成果」の何項目目の後に置くかの数です（0＝最初の項目の前）。",
        "・表をなくすには、その表の行をすべて空にしてください。空の表は各シートに1つあります。もっと必要なときは、"
        "取り込んだ後にもう一度書き出すか、Webの報告画面で追加してください。",
        "・評価とスケジュールの進捗は一覧から選んでください。評価段階：" + "、".join(str(g) for g in grades),
        "・シート名、非表示の列と非表示のシートは変更しないでください（取込みに使います）。",
        "・提出済み・承認済みの報告は取り込めません。書き出した後にWebで変更された報告は取り込めません"
        "（もう一度書き出してください）。",
    ]
    for r, text in enumerate(lines, start=1):
        layout.shown(sheet, r, 1, text).border = layout.NO_BORDER
    sheet.column_dimensions["A"].width = 110
    layout.finish(sheet)
    layout.protect(sheet)


def export_workbook(*, year: ReportingYear, reports: list[ProjectReport], grades: list[GradeDefinition]) -> bytes:
    """The workbook of ``reports`` (callers choose them and open the municipality's scope)."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = INSTRUCTIONS
    _instructions(first, year, grades)
    taken = {INSTRUCTIONS}
    ids: list[list[Any]] = []
    for report in reports:
        name = layout.sheet_name(report.project.name, taken)
        departments = "、".join(link.department.name for link in report.project.department_links.all())
        _project_sheet(workbook.create_sheet(name), report, grades, departments)
        ids.append([name, report.project_id, report.pk, report.version, year.municipality_id, year.fiscal_year, FORMAT])
    layout.write_ids(workbook, IDS_HEADER, ids)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- reading ---------------------------------------------------------------------------------------------------


@dataclass
class SheetInput:
    """One project sheet as typed values (the arguments of ``report_save``)."""

    sheet: str
    project_id: int
    report_id: int
    version: int
    municipality_id: int
    fiscal_year: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    actuals: dict[int, str] = field(default_factory=dict)  # item id → text typed
    actual_cells: dict[int, str] = field(default_factory=dict)  # item id → cell, for messages
    actual_numbers: set[int] = field(default_factory=set)  # item ids whose cell holds a number, not a text
    item_grades: dict[int, str] = field(default_factory=dict)  # item id → grade code ("" = none)
    grade_cells: dict[str, str] = field(default_factory=dict)  # "item:<id>" / "department" → cell
    schedule_status: str | None = None
    department_grade: str = ""
    comment: str | None = None
    result_tables: list[dict[str, Any]] | None = None  # as report_save takes them; None: leave them
    table_cells: list[str] = field(default_factory=list)  # the cell of each table, for the service's messages


def _int(value: Any) -> int | None:
    text = layout.cell_text(value)
    return int(text) if text.isdigit() else None


def read_workbook(content: bytes, *, grade_codes: set[str] | None = None) -> list[SheetInput]:
    """Every project sheet of the workbook as typed values; WorkbookInvalid lists every error found.

    ``grade_codes``: the municipality's scale, to refuse other grades here with their cell (``None``: the
    caller checks later)."""
    workbook = open_workbook(content)
    try:
        return _read(workbook, grade_codes)
    finally:
        workbook.close()


def _read(workbook: Workbook, grade_codes: set[str] | None) -> list[SheetInput]:
    errors = CellErrors()
    if layout.IDS_SHEET not in workbook.sheetnames:
        raise WorkbookInvalid([(
            f"no hidden sheet '{layout.IDS_SHEET}': not a department workbook exported by shinchoku",
            f"非表示のシート「{layout.IDS_SHEET}」がありません。Shinchokuで書き出した年度報告シートではありません。",
        )])
    ids_sheet = workbook[layout.IDS_SHEET]
    inputs: list[SheetInput] = []
    for r, row in enumerate(ids_sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(row) + [None] * (len(IDS_HEADER) - len(row))
        name = layout.cell_text(values[0])
        if not name and not any(values):
            continue
        numbers = [_int(v) for v in values[1:6]]
        for column, number in zip("BCDEF", numbers, strict=True):
            if number is None:
                header = IDS_HEADER["BCDEF".index(column) + 1]
                errors.add(layout.IDS_SHEET, f"{column}{r}", f"missing or damaged hidden {header.replace('_', ' ')}",
                           "非表示の識別子が消えているか壊れています。書き出し直してください。")
        if layout.cell_text(values[6]) != FORMAT:
            errors.add(layout.IDS_SHEET, f"G{r}", f"unknown workbook format '{layout.cell_text(values[6])}'",
                       "このブックの形式は取り込めません。")
        if name not in workbook.sheetnames:
            errors.add(layout.IDS_SHEET, f"A{r}", f"sheet '{name}' is missing (renamed or deleted)",
                       f"シート「{name}」がありません（名前の変更または削除）。")
            continue
        if any(n is None for n in numbers):
            continue
        project_id, report_id, version, municipality_id, fiscal_year = (int(n) for n in numbers)  # type: ignore[arg-type]
        sheet_input = SheetInput(name, project_id, report_id, version, municipality_id, fiscal_year)
        _read_sheet(workbook[name], sheet_input, errors, grade_codes)
        inputs.append(sheet_input)
    if not inputs and not errors.items:
        errors.items.append(("the workbook has no project sheet", "事業のシートがありません。"))
    if errors.items:
        raise WorkbookInvalid(errors.items)
    return inputs


def _read_sheet(sheet: Any, into: SheetInput, errors: CellErrors, grade_codes: set[str] | None) -> None:
    name = sheet.title
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]

    def at(r: int, c: int) -> Any:
        row = grid[r - 1]
        return row[c - 1] if c <= len(row) else None
    section = ""
    texts: dict[str, list[str]] = {key: [] for key in TEXT_SECTIONS}
    table_reader = tables.Reader()

    def table_error(cell: str, english: str, japanese: str) -> None:
        errors.add(name, cell, english, japanese)
    seen: set[str] = set()

    def grade_at(cell: str, value: Any) -> str:
        code = layout.cell_text(value)
        if code and grade_codes is not None and code not in grade_codes:
            errors.add(name, cell, f"'{code}' is not a grade of the scale ({', '.join(sorted(grade_codes))})",
                       f"「{code}」は評価段階にありません（{'、'.join(sorted(grade_codes))}）。")
        return code

    for r in range(1, len(grid) + 1):
        key = layout.cell_text(at(r, KEY_COLUMN))
        b, d, f = (at(r, c) for c in (2, 4, 6))
        if key:
            seen.add(key.split(":")[0] if not key.startswith("section:") else key)
        if key.startswith("section:"):
            section = key.split(":", 1)[1]
            if section == tables.SECTION:
                table_reader.start()
            elif section not in (*TEXT_SECTIONS, "indicators"):
                errors.add(name, f"H{r}", f"unknown hidden row key '{key}'", "非表示の識別子が壊れています。")
            continue
        if section == tables.SECTION and (not key or key in tables.KEYS):
            table_reader.row(r, key, at, table_error)
            continue
        if not key and section in TEXT_SECTIONS:
            text = layout.cell_text(b)
            if text:
                texts[section].append(text)
            continue
        if key.startswith("indicator:"):
            item_id = _int(key.split(":", 1)[1])
            if item_id is None:
                errors.add(name, f"H{r}", f"damaged hidden row key '{key}'", "非表示の識別子が壊れています。")
                continue
            text = layout.cell_text(d)
            try:
                parse(text, unit=layout.cell_text(at(r, 5)))  # E: the unit shown
            except NotANumber:
                errors.add(name, f"D{r}", f"'{text}' is not a number", f"「{text}」は数値ではありません。")
            into.actuals[item_id] = text
            if isinstance(d, int | float) and not isinstance(d, bool):
                into.actual_numbers.add(item_id)
            into.actual_cells[item_id] = f"D{r}"
            into.item_grades[item_id] = grade_at(f"F{r}", f)
            into.grade_cells[f"item:{item_id}"] = f"F{r}"
            continue
        if not key and section == "indicators" and any(v not in (None, "") for v in (b, d, f)):
            errors.add(name, f"H{r}", "an indicator row without its hidden identifier (deleted or inserted row?)",
                       "目標指標の行の非表示の識別子がありません（行の削除・挿入はできません）。")
            continue
        if key.startswith("schedule:"):
            section = ""
            status = layout.cell_text(d)
            if status and status not in _STATUS_BY_LABEL:
                errors.add(name, f"D{r}", f"'{status}' is not a schedule status ({', '.join(_STATUS_BY_LABEL)})",
                           f"「{status}」はスケジュールの進捗の選択肢にありません。")
            into.schedule_status = _STATUS_BY_LABEL.get(status, "")
            item_id = _int(key.split(":", 1)[1])
            if item_id is not None:
                into.item_grades[item_id] = grade_at(f"F{r}", f)
                into.grade_cells[f"item:{item_id}"] = f"F{r}"
        elif key == "department_grade":
            into.department_grade = grade_at(f"D{r}", d)
            into.grade_cells["department"] = f"D{r}"
        elif key == "comment":
            into.comment = layout.cell_text(b)
        elif key:
            errors.add(name, f"H{r}", f"unknown hidden row key '{key}'", "非表示の識別子が壊れています。")
    for required in (*(f"section:{name}" for name in TEXT_SECTIONS), "section:indicators",
                     "schedule", "department_grade", "comment"):
        if required not in seen:
            errors.add(name, "H", f"hidden row key '{required}' is missing (row deleted?)",
                       "非表示の識別子がありません（行が削除されています）。書き出し直してください。")
    into.texts = texts
    into.result_tables, into.table_cells = table_reader.result(table_error)
