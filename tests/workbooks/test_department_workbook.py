"""The department workbook (年度報告シート): export → import round trips, edits, and every refusal.

A refusal is cell-precise (English on the command line, exit 2) and writes nothing: no audit row, no new
version of any report.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any
from zipfile import ZipFile

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import report_save, report_submit
from shinchoku.plans.models import IndicatorValue, ProjectReport, ReportingYear, ValueKind
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.department import read_workbook
from shinchoku.workbooks.services import workbook_export
from tests.cycle.conftest import AI_RPA, ONLINE, complete, indicator_of, report_of

KEY = 8  # column H: the hidden row keys


@pytest.fixture
def exported(year_2024: ReportingYear, kashiwazaki: Municipality, tmp_path: Path) -> Path:
    """企画政策課's workbook of FY2024, as export-workbook writes it."""
    path = tmp_path / "企画政策課.xlsx"
    call_command("export-workbook", "--municipality", "柏崎市", "--fiscal-year", "2024", "--department", "企画政策課",
                 "--out", str(path), stdout=StringIO())
    return path


def row_of(sheet: Worksheet, key: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, KEY).value == key)


def edit(path: Path, change: Callable[[Any], None]) -> Path:
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def run_import(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import-workbook", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def written() -> tuple[int, list[tuple[int, int]]]:
    """What a refusal must leave as it was: the audit rows and every report's version."""
    with scopes_disabled():
        return AuditEntry.objects.count(), list(ProjectReport.objects.order_by("pk").values_list("pk", "version"))


def online_report() -> ProjectReport:
    with scopes_disabled():
        return report_of(ONLINE, 2024)


def test_it_exports_one_protected_sheet_per_project_with_hidden_ids(exported: Path) -> None:
    workbook = load_workbook(exported)
    assert workbook.sheetnames[0] == "説明" and workbook.sheetnames[-1] == "_ids"
    assert ONLINE in workbook.sheetnames
    assert workbook["_ids"].sheet_state == "hidden"
    sheet = workbook[ONLINE]
    assert sheet.protection.sheet and sheet.column_dimensions["H"].hidden
    assert sheet["A1"].value == f"令和6（2024）年度 年度報告シート：{ONLINE}"
    first_indicator = row_of(sheet, "section:indicators") + 1
    assert sheet.cell(first_indicator, 4).protection.locked is False  # the actual: an input
    assert sheet.cell(first_indicator, 3).protection.locked is True  # the target: shown only
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"A,B,C,D"' in lists[0] or any("A,B,C" in f for f in lists)


def test_it_imports_an_unchanged_export_as_no_changes(exported: Path) -> None:
    before = written()
    code, out, err = run_import(exported)
    assert (code, err) == (0, "")
    assert out.strip() == "柏崎市 / fiscal year 2024: no changes"
    assert written() == before


def test_it_changes_exactly_the_cells_edited(exported: Path, bob: Any) -> None:
    with scopes_disabled():
        rate = indicator_of(ONLINE, 0)

    def fill(workbook: Any) -> None:
        sheet = workbook[ONLINE]
        sheet.cell(row_of(sheet, "section:challenges") + 1, 2).value = "申請の阻害要因を把握します。"
        row = row_of(sheet, "section:indicators") + 1
        sheet.cell(row, 4).value = "５６"  # full-width digits, as typed
        sheet.cell(row_of(sheet, "department_grade"), 4).value = "C"
        sheet.cell(row_of(sheet, "section:non_b_summary") + 1, 2).value = "申請件数が伸びていません。"

    edit(exported, fill)
    version = online_report().version
    code, out, err = run_import(exported, "--as", "bob")
    assert (code, err) == (0, "")
    assert "changed 1 report(s), 4 field(s)" in out, out
    assert "実績（手続総件数に対するオンライン化率）: None → '56'" in out
    report = online_report()
    assert report.version == version + 1
    assert report.challenges == ["申請の阻害要因を把握します。"]
    assert report.department_grade is not None and report.department_grade.code == "C"
    assert report.non_b_summary == ["申請件数が伸びていません。"]
    with scopes_disabled():
        actual = IndicatorValue.objects.get(indicator=rate, kind=ValueKind.ACTUAL, fiscal_year=2024)
        assert actual.quantity.plain() == "56"
        entry = AuditEntry.objects.get(action="workbook.imported")
        actions = set(
            AuditEntry.objects.filter(object_id=report.pk, object_type="plans.projectreport",
                                      object_version=report.version).values_list("action", flat=True)
        )
    assert entry.actor == bob and entry.after["file"] == exported.name
    assert len(entry.after["sha256"]) == 64 and entry.after["reports"] == [report.pk]
    assert {"report.challenges.updated", "report.actual.updated", "report.department_grade.updated",
            "report.non_b_summary.updated"} <= actions
    assert not actions & {"report.results.updated", "report.next_year.updated", "report.department_comment.updated"}
    # The same file again: nothing left to change (its version is now stale, so it is a conflict instead).
    code, _, err = run_import(exported)
    assert code == 2 and "changed on the web since the export" in err


def test_it_exports_a_formula_typed_on_the_web_is_exported_as_text_and_round_trips(
    year_2024: ReportingYear, kashiwazaki: Municipality, tmp_path: Path, bob: Any
) -> None:
    report = online_report()
    report_save(report=report, by=bob, expected_version=report.version, results=["=HYPERLINK(\"http://x\")", "+1"])
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_export(municipality=kashiwazaki, fiscal_year=2024, department="企画政策課"))
    sheet = load_workbook(path)[ONLINE]
    cell = sheet.cell(row_of(sheet, "section:results") + 1, 2)
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "=HYPERLINK(\"http://x\")", True)
    before = written()
    code, out, _ = run_import(path)
    assert code == 0 and out.strip().endswith("no changes")
    assert written() == before


def test_it_dry_runs_lists_the_changes_and_saves_nothing(exported: Path) -> None:
    edit(exported, lambda wb: setattr(wb[ONLINE].cell(row_of(wb[ONLINE], "comment"), 2), "value", "順調です。"))
    before = written()
    code, out, _ = run_import(exported, "--dry-run")
    assert code == 0 and "担当部署のコメント: '' → '順調です。'" in out and "dry run" in out
    assert written() == before


def _number(wb: Any) -> str:
    sheet = wb[ONLINE]
    row = row_of(sheet, "section:indicators") + 1
    sheet.cell(row, 4).value = "約100"
    return f"sheet '{ONLINE}' cell D{row}: '約100' is not a number"


def _grade(wb: Any) -> str:
    sheet = wb[ONLINE]
    row = row_of(sheet, "department_grade")
    sheet.cell(row, 4).value = "Z"
    return f"sheet '{ONLINE}' cell D{row}: 'Z' is not a grade of the scale (A, B, C, D)"


def _deleted_row_id(wb: Any) -> str:
    sheet = wb[ONLINE]
    row = row_of(sheet, "section:indicators") + 1
    sheet.cell(row, KEY).value = None
    return f"sheet '{ONLINE}' cell H{row}: an indicator row without its hidden identifier"


def _deleted_report_id(wb: Any) -> str:
    wb["_ids"]["C3"].value = None
    return "sheet '_ids' cell C3: missing or damaged hidden report id"


def _other_year(wb: Any) -> str:
    wb["_ids"]["F3"].value = 2023
    return "sheet '_ids' cell E3: the sheets are of different municipalities or years"


def _other_year_everywhere(wb: Any) -> str:
    for row in range(2, wb["_ids"].max_row + 1):
        wb["_ids"].cell(row, 6).value = 2023
    return "sheet '_ids' cell C2: report"  # … is not a report of 柏崎市 (FY2023 is another report)


@pytest.mark.parametrize(
    "damage", [_number, _grade, _deleted_row_id, _deleted_report_id, _other_year, _other_year_everywhere],
    ids=["text in a number cell", "grade outside the scale", "deleted row id", "deleted report id",
         "one sheet of another year", "another year"],
)
def test_it_refuses_a_damaged_workbook_cell_by_cell_and_writes_nothing(
    exported: Path, damage: Callable[[Any], str]
) -> None:
    expected: list[str] = []
    edit(exported, lambda wb: expected.append(damage(wb)))
    before = written()
    code, _, err = run_import(exported)
    assert code == 2
    assert f"error: {exported.name}: {expected[0]}" in err
    assert written() == before


def test_it_refuses_a_workbook_of_another_municipality(exported: Path, kariwa: Municipality) -> None:
    def elsewhere(wb: Any) -> None:
        for row in range(2, wb["_ids"].max_row + 1):
            wb["_ids"].cell(row, 5).value = kariwa.pk

    edit(exported, elsewhere)
    before = written()
    code, _, err = run_import(exported)
    assert code == 2 and "sheet '_ids' cell C2: report " in err and "is not a report of 刈羽村" in err
    assert written() == before


def test_it_refuses_a_submitted_report(exported: Path, bob: Any) -> None:
    report_submit(report=complete(online_report(), bob), by=bob)
    before = written()
    code, _, err = run_import(exported)
    assert code == 2 and f"sheet '{ONLINE}': the report is submitted and cannot be overwritten" in err
    assert written() == before


def test_it_refuses_a_report_changed_on_the_web_since_the_export(exported: Path, bob: Any) -> None:
    report = online_report()
    report_save(report=report, by=bob, expected_version=report.version, results=["Webで入力しました。"])
    before = written()
    code, _, err = run_import(exported)
    assert code == 2
    assert f"sheet '{ONLINE}': the report was changed on the web since the export (version 1 → 2: results)" in err
    assert written() == before


def test_it_refuses_someone_elses_projects(exported: Path, frank: Any) -> None:
    before = written()
    code, _, err = run_import(exported, "--as", "frank")
    assert code == 2 and f"sheet '{ONLINE}': you may not edit this report" in err
    assert written() == before


@pytest.mark.parametrize("content", [b"not a workbook", "truncated"], ids=["not xlsx", "truncated"])
def test_it_refuses_a_file_that_is_not_a_workbook(exported: Path, content: Any) -> None:
    data = exported.read_bytes()
    exported.write_bytes(data[: len(data) // 2] if content == "truncated" else content)
    before = written()
    code, _, err = run_import(exported)
    assert code == 2 and "not a readable .xlsx workbook" in err
    assert written() == before


def test_it_imports_an_excel_retyped_number_and_inserted_rows_import_the_same(exported: Path) -> None:
    """What Excel does to a file: a number typed becomes a number cell, a row inserted for one more item."""
    def retype(wb: Any) -> None:
        sheet = wb[ONLINE]
        row = row_of(sheet, "section:indicators") + 1
        sheet.cell(row, 4).value = 1234.5
        at = row_of(sheet, "section:next_year") + 1
        sheet.insert_rows(at)
        sheet.cell(at, 2).value = "追加した取組"

    edit(exported, retype)
    code, _, err = run_import(exported)
    assert (code, err) == (0, "")
    report = online_report()
    assert report.next_year == ["追加した取組"]
    with scopes_disabled():
        actual = IndicatorValue.objects.get(indicator=indicator_of(ONLINE, 0), kind=ValueKind.ACTUAL, fiscal_year=2024)
    assert actual.quantity.plain() == "1234.5"


def test_it_imports_a_libreoffice_round_trip_imports_as_no_changes(
    exported: Path, libreoffice: Callable[[Path], Path]
) -> None:
    saved = libreoffice(exported)
    assert saved.read_bytes() != exported.read_bytes()
    before = written()
    code, out, err = run_import(saved)
    assert (code, err) == (0, "")
    assert out.strip() == "柏崎市 / fiscal year 2024: no changes"
    assert written() == before


def test_it_reads_the_whole_seed_the_same_after_a_libreoffice_round_trip(
    year_2023: ReportingYear, kashiwazaki: Municipality, tmp_path: Path, libreoffice: Callable[[Path], Path]
) -> None:
    """Every project of the seed, with its actuals (16,608 …), grades, statuses and texts: what LibreOffice
    saves reads back as the very same values, sheet by sheet, and imports as no changes."""
    path = tmp_path / "柏崎市.xlsx"
    path.write_bytes(workbook_export(municipality=kashiwazaki, fiscal_year=2023))
    original = read_workbook(path.read_bytes())
    saved = libreoffice(path)
    assert read_workbook(saved.read_bytes()) == original
    assert len(original) == 24 and any(sheet.actuals and all(sheet.actuals.values()) for sheet in original)
    before = written()
    code, out, err = run_import(saved)
    assert (code, err) == (0, "") and out.strip() == "柏崎市 / fiscal year 2023: no changes"
    assert written() == before


def test_it_imports_an_excel_like_edit_saved_again_by_libreoffice_as_exactly_the_edits(
    exported: Path, libreoffice: Callable[[Path], Path], bob: Any
) -> None:
    """Excel's ways with a file (a number typed as a number cell, and one formatted; full-width digits; rows
    inserted for more items; a cell restyled), then LibreOffice opens it and saves it again."""
    with scopes_disabled():
        rate, usage = indicator_of(ONLINE, 0), indicator_of(ONLINE, 1)

    def like_excel(workbook: Any) -> None:
        sheet = workbook[ONLINE]
        first = row_of(sheet, "section:indicators") + 1
        sheet.cell(first, 4).value = 12.3  # a float cell
        sheet.cell(first + 1, 4).value = 95.1  # written by openpyxl as 95.09999999999999, shown as 95.1
        sheet.cell(first + 1, 4).number_format = "#,##0.0"
        at = row_of(sheet, "section:results") + 1
        sheet.insert_rows(at, 2)
        sheet.cell(at, 2).value = "オンライン申請を３０手続に拡大"
        sheet.cell(at + 1, 2).value = "  電子申請の案内を更新  "
        sheet.cell(at + 1, 2).font = Font(bold=True, color="FF0000")
        sheet.cell(row_of(sheet, "department_grade"), 4).value = "B"
        other = workbook[AI_RPA]
        other.cell(row_of(other, "section:indicators") + 1, 4).value = "１６，６０８"  # full-width, as typed

    edit(exported, like_excel)
    saved = libreoffice(exported)
    code, out, err = run_import(saved, "--as", "bob")
    assert (code, err) == (0, ""), out
    assert "changed 2 report(s), 5 field(s)" in out, out
    report = online_report()
    assert report.results == ["オンライン申請を３０手続に拡大", "電子申請の案内を更新"]
    assert report.department_grade is not None and report.department_grade.code == "B"
    with scopes_disabled():
        actuals = {
            value.indicator_id: value.quantity.plain()
            for value in IndicatorValue.objects.filter(kind=ValueKind.ACTUAL, fiscal_year=2024)
        }
        other_rate = indicator_of(AI_RPA, 0)
        assert report_of(AI_RPA, 2024).results == []
    assert actuals == {rate.pk: "12.3", usage.pk: "95.1", other_rate.pk: "16608"}


def test_it_exports_only_what_the_user_may_edit(year_2024: ReportingYear, kashiwazaki: Municipality, frank: Any) -> None:
    workbook = load_workbook(BytesIO(workbook_export(municipality=kashiwazaki, fiscal_year=2024, by=frank)))
    with scope(municipality=kashiwazaki.pk):
        assert ONLINE not in workbook.sheetnames and len(workbook.sheetnames) >= 3


def test_it_imports_a_computed_number_saved_with_17_digits_as_the_15_shown(exported: Path) -> None:
    """Excel saves a formula's value with 17 significant digits where it shows 15: =0.1+0.2 is saved as
    0.30000000000000004 and shown as 0.3, which must not read as "too many decimals"."""
    def retype(wb: Any) -> None:
        sheet = wb[ONLINE]
        sheet.cell(row_of(sheet, "section:indicators") + 1, 4).value = 0.3

    edit(exported, retype)
    sheet_xml = f"xl/worksheets/sheet{load_workbook(exported).sheetnames.index(ONLINE) + 1}.xml"
    with ZipFile(exported) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert members[sheet_xml].count(b"<v>0.3</v>") == 1
    members[sheet_xml] = members[sheet_xml].replace(b"<v>0.3</v>", b"<v>0.30000000000000004</v>")
    with ZipFile(exported, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    code, _, err = run_import(exported)
    assert (code, err) == (0, "")
    with scopes_disabled():
        actual = IndicatorValue.objects.get(indicator=indicator_of(ONLINE, 0), kind=ValueKind.ACTUAL, fiscal_year=2024)
    assert actual.quantity.plain() == "0.3"


def test_it_reads_an_actual_excel_converted_to_a_number_as_the_stored_one(
    year_2024: ReportingYear, kashiwazaki: Municipality, tmp_path: Path
) -> None:
    """数値に変換 on Excel's "number stored as text" warning makes "31.70" the number 31.7: still the stored value."""
    first = tmp_path / "first.xlsx"
    call_command("export-workbook", "--municipality", "柏崎市", "--fiscal-year", "2024", "--department", "企画政策課",
                 "--out", str(first), stdout=StringIO())
    edit(first, lambda wb: wb[ONLINE].cell(row_of(wb[ONLINE], "section:indicators") + 1, 4, "31.70"))
    assert run_import(first)[0] == 0
    path = tmp_path / "again.xlsx"
    call_command("export-workbook", "--municipality", "柏崎市", "--fiscal-year", "2024", "--department", "企画政策課",
                 "--out", str(path), stdout=StringIO())
    edit(path, lambda wb: wb[ONLINE].cell(row_of(wb[ONLINE], "section:indicators") + 1, 4, 31.7))
    code, out, err = run_import(path)
    assert (code, err, out.strip()) == (0, "", "柏崎市 / fiscal year 2024: no changes")
    with scopes_disabled():
        actual = IndicatorValue.objects.get(indicator=indicator_of(ONLINE, 0), kind=ValueKind.ACTUAL, fiscal_year=2024)
    assert actual.quantity.plain() == "31.70"
