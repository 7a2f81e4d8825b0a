"""The result tables (成果の表) of the department workbook: round trip, exact edits, a new table, and refusals.

A refusal is cell-precise (English on the command line, Japanese for the web) and writes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_scopes import scopes_disabled
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import report_save
from shinchoku.plans.models import ReportingYear, ResultTable
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.services import WorkbookInvalid, workbook_export, workbook_import
from tests.cycle.conftest import ONLINE
from tests.workbooks.test_department_workbook import KEY, edit, online_report, row_of, run_import, written

CERTIFICATES = {
    "after": 0,
    "rows": [
        {"label": "住民票の写し", "value": "2,885", "unit": "件"},
        {"label": "印鑑登録証明書", "value": "1,204", "unit": "件"},
        {"label": "所得証明書", "value": "31.70", "unit": "件"},
    ],
    "total": {"label": "計", "value": "4,120.70", "unit": "件"},
}


@pytest.fixture
def exported(year_2024: ReportingYear, kashiwazaki: Municipality, bob: Any, tmp_path: Path) -> Path:
    """企画政策課's workbook of FY2024, 行政手続のオンライン化 with two results and a table after the first."""
    report = online_report()
    report_save(report=report, by=bob, expected_version=report.version,
                results=["コンビニ交付を始めました。", "電子申請を増やしました。"], result_tables=[CERTIFICATES])
    path = tmp_path / "企画政策課.xlsx"
    path.write_bytes(workbook_export(municipality=kashiwazaki, fiscal_year=2024, department="企画政策課"))
    return path


def table_row(sheet: Worksheet, table: int, row: int) -> int:
    """The sheet row of row ``row`` (1-based) of table ``table`` (1-based)."""
    tables = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, KEY).value == "table"]
    return tables[table - 1] + 1 + row  # after the table's key row and its column headers


def stored_tables() -> list[tuple[int, list[tuple[str, str, str, bool]]]]:
    with scopes_disabled():
        return [
            (t.after_item, [(r.label, r.quantity.plain(), r.unit, r.is_total) for r in t.rows.all()])
            for t in ResultTable.objects.filter(report=online_report()).order_by("position")
        ]


def test_it_exports_the_tables_as_input_rows_with_hidden_keys(exported: Path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(exported)[ONLINE]
    first = table_row(sheet, 1, 1)
    assert [sheet.cell(first, c).value for c in (2, 4, 5)] == ["住民票の写し", "2,885", "件"]
    assert sheet.cell(first, 4).protection.locked is False
    assert sheet.cell(first - 2, 4).value == "1"  # after the first item of 主な取組と成果
    total = row_of(sheet, "table_total")
    assert [sheet.cell(total, c).value for c in (2, 4, 5)] == ["計", "4,120.70", "件"]
    # One empty table to fill in, placed after the last item.
    empty = table_row(sheet, 2, 1)
    assert sheet.cell(empty - 2, 4).value == "2" and sheet.cell(empty, 2).value is None


def test_it_imports_unchanged_tables_as_no_changes(exported: Path) -> None:
    before, tables = written(), stored_tables()
    code, out, err = run_import(exported)
    assert (code, err) == (0, "")
    assert out.strip() == "柏崎市 / fiscal year 2024: no changes"
    assert written() == before and stored_tables() == tables


def test_it_imports_numbers_excel_retyped_in_a_table_as_no_changes(exported: Path) -> None:
    def retype(wb: Any) -> None:
        sheet = wb[ONLINE]
        sheet.cell(table_row(sheet, 1, 1), 4).value = 2885
        sheet.cell(table_row(sheet, 1, 3), 4).value = "３１．７０"  # full-width, as typed
        sheet.cell(table_row(sheet, 1, 1) - 2, 4).value = 1  # the position, a number now

    edit(exported, retype)
    before = written()
    code, out, err = run_import(exported)
    assert (code, err, out.strip().endswith("no changes")) == (0, "", True)
    assert written() == before


def test_it_changes_exactly_the_table_cell_edited(exported: Path, bob: Any) -> None:
    edit(exported, lambda wb: setattr(wb[ONLINE].cell(table_row(wb[ONLINE], 1, 2), 4), "value", "1,300"))
    version = online_report().version
    result = workbook_import(content=exported.read_bytes(), by=bob, file_name=exported.name)
    assert [(c.sheet, c.label, c.before, c.after) for c in result.changes] == [
        (ONLINE, "成果の表1の2行目", "印鑑登録証明書：1,204件", "印鑑登録証明書：1,300件"),
    ]
    assert online_report().version == version + 1
    assert stored_tables() == [(0, [
        ("住民票の写し", "2885", "件", False), ("印鑑登録証明書", "1300", "件", False),
        ("所得証明書", "31.70", "件", False), ("計", "4120.70", "件", True),
    ])]
    with scopes_disabled():
        actions = set(AuditEntry.objects.filter(object_id=online_report().pk, object_type="plans.projectreport",
                                                object_version=version + 1).values_list("action", flat=True))
    assert actions == {"report.result_tables.updated"}


def test_it_adds_a_table_typed_into_the_empty_one_and_removes_one_emptied(exported: Path) -> None:
    def fill(wb: Any) -> None:
        sheet = wb[ONLINE]
        for n in (1, 2, 3):
            for column in (2, 4):
                sheet.cell(table_row(sheet, 1, n), column).value = None
        sheet.cell(row_of(sheet, "table_total"), 4).value = None
        row = table_row(sheet, 2, 1)
        sheet.cell(row, 2).value, sheet.cell(row, 4).value, sheet.cell(row, 5).value = "申請", "56", "件"
        sheet.insert_rows(row + 1)  # one more row, inserted as a person would
        sheet.cell(row + 1, 2).value, sheet.cell(row + 1, 4).value = "届出", "12"

    edit(exported, fill)
    code, out, err = run_import(exported)
    assert (code, err) == (0, ""), err
    assert "成果の表1: '住民票の写し：2,885件、" in out
    assert stored_tables() == [(1, [("申請", "56", "件", False), ("届出", "12", "", False)])]


def _text_in_number(sheet: Worksheet) -> tuple[str, str]:
    row = table_row(sheet, 1, 2)
    sheet.cell(row, 4).value = "約100"
    return f"cell D{row}: '約100' is not a number", f"セル D{row}：「約100」は数値ではありません。"


def _no_label(sheet: Worksheet) -> tuple[str, str]:
    row = table_row(sheet, 1, 2)
    sheet.cell(row, 2).value = None
    return f"cell B{row}: a row of result table 1 without its label", f"セル B{row}：項目名を入力してください。"


def _bad_position(sheet: Worksheet) -> tuple[str, str]:
    row = table_row(sheet, 1, 1) - 2
    sheet.cell(row, 4).value = "最後"
    return f"cell D{row}: '最後' is not a position", f"セル D{row}：「最後」は表の位置ではありません"


def _total_only(sheet: Worksheet) -> tuple[str, str]:
    row = table_row(sheet, 2, 1) + 3  # the empty table's total row
    sheet.cell(row, 4).value = "5"
    return f"cell B{row}: result table 2 has a total but no rows", f"セル B{row}：表2：行を入力してください"


def _below_the_total(sheet: Worksheet) -> tuple[str, str]:
    row = row_of(sheet, "table_total") + 1
    sheet.insert_rows(row)
    sheet.cell(row, 2).value, sheet.cell(row, 4).value = "追加", "1"
    return f"cell B{row}: a row outside a result table", f"セル B{row}：表の外の行です。"


@pytest.mark.parametrize(
    "damage", [_text_in_number, _no_label, _bad_position, _total_only, _below_the_total],
    ids=["text in a number cell", "row without label", "bad position", "total without rows", "row below the total"],
)
def test_it_refuses_a_damaged_table_cell_by_cell_and_writes_nothing(
    exported: Path, bob: Any, damage: Callable[[Worksheet], tuple[str, str]]
) -> None:
    expected: list[tuple[str, str]] = []
    edit(exported, lambda wb: expected.append(damage(wb[ONLINE])))
    english, japanese = expected[0]
    # Something else edited too: the refusal keeps it out as well.
    edit(exported, lambda wb: setattr(wb[ONLINE].cell(row_of(wb[ONLINE], "comment"), 2), "value", "順調です。"))
    before, tables = written(), stored_tables()
    code, _, err = run_import(exported)
    assert code == 2 and f"error: {exported.name}: sheet '{ONLINE}' {english}" in err, err
    with pytest.raises(WorkbookInvalid) as refused:
        workbook_import(content=exported.read_bytes(), by=bob)
    assert any(ja.startswith(f"シート「{ONLINE}」{japanese}") for _, ja in refused.value.errors), refused.value.errors
    assert written() == before and stored_tables() == tables


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_it_imports_tables_after_a_libreoffice_round_trip_as_no_changes(exported: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out_dir), str(exported)],
                   check=True, capture_output=True, timeout=120)
    before = written()
    code, out, err = run_import(out_dir / exported.name)
    assert (code, err) == (0, "") and out.strip().endswith("no changes")
    assert written() == before
