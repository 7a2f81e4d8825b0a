"""The report as an Excel workbook (openpyxl): data to sort, filter and chart, one fact per cell.

Sheets: 進捗状況 (grade counts per pillar), 個別事業計画 (one row per project, every field), 目標指標 (one row per
project × indicator × fiscal year with a target or an actual, with the achievement rate), グラフ (a native
bar/line chart per indicator with at least two values, next to its data).

Every value goes through :func:`put`: stored text is always a string cell, never a formula (a result that
starts with ``=``, ``+``, ``-`` or ``@`` would otherwise run when the file is opened: formula injection), it
is cleaned of characters XML forbids and cut to Excel's 32,767 characters per cell. A draft says 案 in the
header and footer of every sheet and in a cell of the first sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.documents.model import ReportModel
from shinchoku.documents.safety import DRAFT_MARK, DRAFT_NOTICE, clean_text, clip, draft_title
from shinchoku.values import Quantity
from shinchoku.wareki import format_fiscal_year

FONT_NAME = "游ゴシック"  # shown by Excel on Windows/macOS; LibreOffice falls back to a Japanese gothic
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FONT = Font(name=FONT_NAME, bold=True)
BODY_FONT = Font(name=FONT_NAME)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
DIRECTION = {"higher": "高いほど良い", "lower": "低いほど良い"}
UNGRADED = "未評価"
CELL_LIMIT = 32767  # characters Excel keeps in one cell; longer text makes Excel "repair" the file
CUT_MARK = "…（以下省略）"
# A text cell starting with one of these becomes a formula (or DDE) as soon as someone edits it in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DRAFT_FONT = Font(name=FONT_NAME, bold=True, color="B03A2E", size=14)


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write ``value`` into a cell; text is always stored as text (see the module docstring)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = clip(clean_text(value), CELL_LIMIT, CUT_MARK)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes any str starting with "=" a formula
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
    return cell


def _number_format(value: Quantity | None) -> str:
    """Excel's picture of the quantity: ``#,##0.00`` for 16000.50, so the cell shows 16,000.50."""
    decimals = value.decimals if value is not None else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _cell_value(value: Any) -> Any:
    # A cell is a number people compute with; its number format, not the number, carries the decimals typed.
    return value.value if isinstance(value, Quantity) else value


def _table(
    sheet: Worksheet,
    headers: list[str],
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    wrap: set[int] | None = None,
    start_row: int = 1,
) -> None:
    """Header row, data rows, frozen header, auto filter, column widths; ``wrap``: 0-based wrapped columns."""
    wrap = wrap or set()
    for col, title in enumerate(headers, start=1):
        cell = put(sheet, start_row, col, title)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, values in enumerate(rows, start=start_row + 1):
        for c, value in enumerate(values, start=1):
            cell = put(sheet, r, c, _cell_value(value))
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP_TOP if (c - 1) in wrap else TOP
            if isinstance(value, Quantity):
                cell.number_format = _number_format(value)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)


def _summary_sheet(sheet: Worksheet, report: ReportModel) -> None:
    codes = [g.code for g in report.grades]
    headers = ["柱", *codes, UNGRADED, "計"]
    rows: list[list[Any]] = []
    for overview in report.overviews:
        if not overview.rows:
            continue
        counts = [sum(1 for row in overview.rows if row.grade == code) for code in codes]
        ungraded = len(overview.rows) - sum(counts)
        rows.append([overview.name, *counts, ungraded, len(overview.rows)])
    totals = [sum(row[i] for row in rows) for i in range(1, len(headers))]
    _table(sheet, headers, rows, [28, *[8] * (len(headers) - 1)])
    total_row = sheet.max_row + 1
    for c, value in enumerate(["計", *totals], start=1):
        cell = put(sheet, total_row, c, value)
        cell.font, cell.border, cell.fill = HEADER_FONT, BORDER, HEADER_FILL
    put(sheet, total_row + 2, 1, f"{report.full_title}　進捗状況の件数（個別事業計画）").font = BODY_FONT
    for offset, grade in enumerate(report.grades, start=3):
        put(sheet, total_row + offset, 1, f"{grade.code}：{grade.description}").font = BODY_FONT


def _schedule_text(rows: list[list[str]], index: int) -> str:
    return "\n".join(row[index] for row in rows if row[index])


def _projects_sheet(sheet: Worksheet, report: ReportModel) -> None:
    year_headers = [f"スケジュール {h}" for h in report.year_headers]
    headers = [
        "No.", "柱", "施策", "個別事業計画", "区分", "担当部署", "事業概要", "目指す姿",
        "総合計画（分野）", "総合計画（施策）", *year_headers, "目標指標", "進捗状況",
        report.labels.results, report.labels.challenges, report.labels.next_year, report.labels.non_b,
    ]  # fmt: skip
    rows: list[list[Any]] = []
    for p in report.projects:
        results: list[str] = []
        for block in p.results:
            if block.kind == "items":
                results += [i.text for i in block.items]
            elif block.table is not None:
                line = "、".join(f"{label} {value}" for label, value in block.table.rows)
                results.append(f"（{line}{'、' + block.table.total if block.table.total else ''}）")
        rows.append([
            p.number, p.pillar, p.policy or "", p.name, "、".join(p.tags), p.departments,
            "\n".join(p.overview), "\n".join(p.vision), p.comprehensive_area, p.comprehensive_policy,
            *[_schedule_text(p.schedule, i) for i in range(len(report.plan_years))],
            "\n".join(i.name for i in p.indicators), p.grade or "",
            "\n".join(results), "\n".join(i.text for i in p.challenges),
            "\n".join(i.text for i in p.next_year), "\n".join(p.non_b_summary),
        ])  # fmt: skip
    n_years = len(report.plan_years)
    widths = [5, 11, 20, 28, 9, 16, 50, 40, 14, 22, *[14] * n_years, 30, 9, 60, 50, 50, 40]
    wrap = set(range(len(headers))) - {0, 1, headers.index("進捗状況")}
    _table(sheet, headers, rows, widths, wrap=wrap)
    sheet.row_dimensions[1].height = 32


def indicator_rows(report: ReportModel) -> list[list[Any]]:
    """One row per project × indicator × fiscal year that has a target or an actual."""
    rows: list[list[Any]] = []
    for p in report.projects:
        for ind in p.indicators:
            for y in ind.years:
                if y.target is None and y.actual is None:
                    continue
                rows.append([
                    p.number, p.name, ind.name, y.fiscal_year, format_fiscal_year(y.fiscal_year),
                    y.target, y.actual, y.rate, ind.unit, ind.qualifier or "",
                    DIRECTION.get(ind.direction, ind.direction), ind.note or "",
                ])  # fmt: skip
    return rows


def _indicators_sheet(sheet: Worksheet, report: ReportModel) -> None:
    headers = ["No.", "個別事業計画", "目標指標", "年度", "年度（和暦）", "目標", "実績", "達成率",
               "単位", "付記", "方向", "注記"]  # fmt: skip
    rows = indicator_rows(report)
    _table(sheet, headers, rows, [5, 28, 36, 7, 16, 11, 11, 9, 7, 7, 12, 30], wrap={1, 2, 11})
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=8).number_format = "0.0%"


def _charts_sheet(sheet: Worksheet, report: ReportModel) -> None:
    """Per indicator: a small data block (year, 目標, 実績) and a bar (target) + line (actual) chart beside it."""
    sheet.column_dimensions["A"].width = 16
    row = 1
    for p in report.projects:
        for ind in p.indicators:
            if not ind.has_chart:
                continue
            years = [y for y in ind.years if y.target is not None or y.actual is not None]
            title = f"{ind.name}（{ind.unit}）" if ind.unit else ind.name
            put(sheet, row, 1, f"{p.name}：{title}").font = HEADER_FONT
            header = row + 1
            for c, text in enumerate(["年度", "目標", "実績"], start=1):
                cell = put(sheet, header, c, text)
                cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
            for i, y in enumerate(years, start=1):
                values = (format_fiscal_year(y.fiscal_year, "short"), y.target, y.actual)
                for c, value in enumerate(values, start=1):
                    cell = put(sheet, header + i, c, _cell_value(value))
                    cell.font, cell.border = BODY_FONT, BORDER
                    if c > 1:
                        cell.number_format = _number_format(value if isinstance(value, Quantity) else None)
            last = header + len(years)
            categories = Reference(sheet, min_col=1, min_row=header + 1, max_row=last)
            bars = BarChart()
            bars.title = clean_text(title)
            bars.y_axis.title = clean_text(ind.unit) or None
            bars.add_data(Reference(sheet, min_col=2, min_row=header, max_row=last), titles_from_data=True)
            bars.set_categories(categories)
            line = LineChart()
            line.add_data(Reference(sheet, min_col=3, min_row=header, max_row=last), titles_from_data=True)
            line.set_categories(categories)
            bars += line
            bars.height, bars.width = 6.5, 13
            sheet.add_chart(bars, f"E{row}")
            row = max(last + 2, row + 14)


def _mark_draft(workbook: Workbook, summary: Worksheet, width: int) -> None:
    """案 in every sheet's header and footer (printed pages) and beside the first sheet's table (screen)."""
    for sheet in workbook.worksheets:
        for part in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
            part.right.text = DRAFT_MARK
            part.right.size = 14
            part.right.color = "B03A2E"
        for part in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
            part.left.text = f"{DRAFT_MARK}（公表前）"
    mark = put(summary, 1, width + 2, f"{DRAFT_MARK}　{DRAFT_NOTICE}")
    mark.font = DRAFT_FONT
    summary.column_dimensions[get_column_letter(width + 2)].width = 60


def render_xlsx(report: ReportModel, *, draft: bool) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "進捗状況"
    _summary_sheet(summary, report)
    _projects_sheet(workbook.create_sheet("個別事業計画"), report)
    _indicators_sheet(workbook.create_sheet("目標指標"), report)
    _charts_sheet(workbook.create_sheet("グラフ"), report)
    if draft:
        _mark_draft(workbook, summary, summary.max_column)
    workbook.properties.title = clean_text(draft_title(report.full_title, draft))
    workbook.properties.creator = clean_text(report.municipality)
    workbook.properties.language = "ja-JP"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
