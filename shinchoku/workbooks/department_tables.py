"""The result tables (成果の表) section of a department workbook's project sheet: writing it and reading it back.

Layout, below the results (column H keys the rows; rows without a key belong to the table above them, so a
person inserts rows for more items; one empty table follows the stored ones, for a new table — copying a
block is no way to add one, a protected sheet refuses to paste its locked cells):

    section:result_tables   A: 成果の表      B: how to fill it in
    table                   A: 表N           B: what the position means      D: position (input)
    table_head                               B: 項目名     D: 値     E: 単位
    (no key, one per row)   A: ・            B: label      D: value  E: unit  (inputs)
    table_total             A: 計の行        B: label      D: value  E: unit  (inputs; no value = no total)

The position is a person's count, "after the Nth item of 主な取組と成果" (0 = before the first); the service
takes the index of that item (``after``, -1 = before the first). A table whose rows are all empty is
dropped, as the web form's 「表を削除」 does. The reader returns the tables as ``report_save(result_tables=...)``
takes them (values as typed; the service parses them again) and only refuses, cell by cell, what it can see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from shinchoku import inputs
from shinchoku.plans.models import ProjectReport, ResultTable
from shinchoku.values import NotANumber, parse
from shinchoku.workbooks import layout

SECTION = "result_tables"
TABLE, HEAD, TOTAL = "table", "table_head", "table_total"
KEYS = frozenset({TABLE, HEAD, TOTAL})
TOTAL_LABEL = "計"  # as the web form's editor
FREE_ROWS = 3
HEADING = "成果の表"
HOW_TO = (
    "「主な取組と成果」の中に入れる表。1行に1項目（行を挿入して追加できます）。表をなくすには行をすべて空にします。"
    "最後の空の表に入力すると表が増えます。"
)
POSITION_HINT = "この表を置く位置：「主な取組と成果」の何項目目の後か（0＝最初の項目の前）"

Key = Callable[[Worksheet, int, str], None]
AddError = Callable[[str, str, str], None]  # (cell, English, Japanese)


# -- writing ---------------------------------------------------------------------------------------------------


def write(sheet: Worksheet, row: int, report: ProjectReport, key: Key) -> int:
    """The section from ``row``, with the report's tables and one empty table to fill; returns the next row."""
    layout.label(sheet, row, 1, HEADING)
    layout.label(sheet, row, 2, HOW_TO)
    key(sheet, row, f"section:{SECTION}")
    row += 1
    stored: list[ResultTable] = list(report.result_tables.all())
    blocks: list[tuple[int, list[tuple[str, str, str]], tuple[str, str, str]]] = []
    for table in stored:
        rows = [(r.label, r.quantity.format(), r.unit) for r in table.rows.all() if not r.is_total]
        totals = [(r.label, r.quantity.format(), r.unit) for r in table.rows.all() if r.is_total]
        total = totals[0] if totals else (TOTAL_LABEL, "", rows[-1][2] if rows else "")
        blocks.append((table.after_item + 1, rows, total))
    if len(stored) < inputs.RESULT_TABLES_MAX:
        blocks.append((len([t for t in report.results if t.strip()]), [], (TOTAL_LABEL, "", "")))
    for n, (position, rows, total) in enumerate(blocks, start=1):
        layout.label(sheet, row, 1, f"表{n}")
        layout.shown(sheet, row, 2, POSITION_HINT)
        layout.field(sheet, row, 4, str(position))
        key(sheet, row, TABLE)
        row += 1
        for column, text in ((2, "項目名"), (4, "値"), (5, "単位")):
            layout.label(sheet, row, column, text)
        key(sheet, row, HEAD)
        row += 1
        unit = rows[-1][2] if rows else ""
        for label, value, row_unit in [*rows, *[("", "", unit)] * FREE_ROWS]:
            layout.shown(sheet, row, 1, "・")
            layout.field(sheet, row, 2, label)
            layout.field(sheet, row, 4, value)
            layout.field(sheet, row, 5, row_unit)
            row += 1
        layout.label(sheet, row, 1, "計の行（任意）")
        for column, value in zip((2, 4, 5), total, strict=True):
            layout.field(sheet, row, column, value)
        key(sheet, row, TOTAL)
        row += 1
    return row + 1


# -- reading ---------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    label: str
    value: str
    unit: str
    row: int

    @property
    def blank(self) -> bool:
        return not self.label and not self.value


@dataclass
class _Table:
    position: str
    row: int
    rows: list[_Row] = field(default_factory=list)
    total: _Row | None = None


class Reader:
    """Collects the section's rows as the sheet is read top to bottom, then turns them into the service's tables."""

    def __init__(self) -> None:
        self.present = False
        self.tables: list[_Table] = []

    def start(self) -> None:
        self.present = True

    def row(self, r: int, key: str, at: Callable[[int, int], Any], error: AddError) -> None:
        """One row of the section: a key of :data:`KEYS`, or none (a table's row)."""
        b, d, e = (layout.cell_text(at(r, c)) for c in (2, 4, 5))
        if key == TABLE:
            self.tables.append(_Table(d, r))
        elif key == TOTAL and self.tables:
            self.tables[-1].total = _Row(b, d, e, r)
        elif not key and (b or d):
            table = self.tables[-1] if self.tables else None
            if table is None or table.total is not None:
                error(f"B{r}", "a row outside a result table (insert rows above the table's total row)",
                      "表の外の行です。行は表の「計の行」より上に挿入してください。")
            else:
                table.rows.append(_Row(b, d, e, r))

    def result(self, error: AddError) -> tuple[list[dict[str, Any]] | None, list[str]]:
        """(the tables for ``report_save``, the cell of each table, for the service's messages); None: the
        sheet has no such section (a workbook exported before it existed), the stored tables stay."""
        if not self.present:
            return None, []
        tables: list[dict[str, Any]] = []
        cells: list[str] = []
        for n, table in enumerate(self.tables, start=1):
            rows = [row for row in table.rows if not row.blank]
            total = table.total if table.total is not None and table.total.value else None
            if not rows and total is None:
                continue  # emptied: the table is removed
            if not rows:
                error(f"B{total.row}" if total else f"A{table.row}", f"result table {n} has a total but no rows",
                      f"表{n}：行を入力してください（表をなくすには計の行も空にします）。")
                continue
            position = unicodedata.normalize("NFKC", table.position).strip()
            if not position.isdigit():
                error(f"D{table.row}",
                      f"'{table.position}' is not a position (0 = before the first item, 1 = after it, …)",
                      f"「{table.position}」は表の位置ではありません（0＝最初の項目の前、1＝1項目目の後…）。")
                continue
            for row in rows:
                if not row.label:
                    error(f"B{row.row}", f"a row of result table {n} without its label", "項目名を入力してください。")
                _value(row, error)
            entry: dict[str, Any] = {"after": int(position) - 1, "rows": [_plain(row) for row in rows]}
            if total is not None:
                _value(total, error)
                entry["total"] = {**_plain(total), "label": total.label or TOTAL_LABEL}
            tables.append(entry)
            cells.append(f"A{table.row}")
        return tables, cells


def _plain(row: _Row) -> dict[str, str]:
    return {"label": row.label, "value": row.value, "unit": row.unit}


def _value(row: _Row, error: AddError) -> None:
    if not row.value:
        error(f"D{row.row}", f"no value for '{row.label}'", "値を入力してください。")
        return
    try:
        parse(row.value, unit=row.unit, allow_not_applicable=False)
    except NotANumber as exc:
        if "数値ではありません" in str(exc):
            error(f"D{row.row}", f"'{row.value}' is not a number", f"「{row.value}」は数値ではありません。")
        else:
            error(f"D{row.row}", f"'{row.value}' has too many digits or decimals", str(exc))
