"""Importing the plan workbook (計画シート): round trips, renames, refusals, the template for a new city."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from shinchoku.cycle.models import AuditEntry
from shinchoku.interchange.export import document_build
from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Plan,
    Project,
    ReportingYear,
    YearState,
)
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.plan import plan_workbook_export, plan_workbook_template
from shinchoku.workbooks.plan_services import WorkbookInvalid, plan_workbook_import

REPORT_FIELDS = ("grade", "results", "result_tables", "challenges", "next_year", "non_b_summary")


def _edit(content: bytes, edits: dict[tuple[str, str], Any], *, delete_rows: dict[str, list[int]] | None = None) -> bytes:
    workbook = load_workbook(BytesIO(content))
    for (sheet, cell), value in edits.items():
        workbook[sheet][cell] = value
    for sheet, rows in (delete_rows or {}).items():
        for row in sorted(rows, reverse=True):
            workbook[sheet].delete_rows(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _row_of(content: bytes, sheet: str, column: int, value: str) -> int:
    workbook = load_workbook(BytesIO(content))
    for row in workbook[sheet].iter_rows(min_row=2):
        if row[column - 1].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} not in {sheet}")


def _plan_parts(document: Any) -> Any:
    projects = [{k: v for k, v in p.items() if k not in REPORT_FIELDS} for p in document["projects"]]
    return {**{k: document[k] for k in ("municipality", "plan", "grade_scale", "pillars", "under_consideration")},
            "projects": projects}


@pytest.fixture
def exported(kashiwazaki: Municipality) -> bytes:
    return plan_workbook_export(municipality=kashiwazaki)


def test_it_imports_an_unchanged_export_as_no_changes(exported: bytes, kashiwazaki: Municipality) -> None:
    result = plan_workbook_import(content=exported, by=None, file_name="plan.xlsx")
    assert not result.changed, (result.changes[:3], result.created, result.updated)
    assert not AuditEntry.objects.with_scopes_disabled().filter(action="workbook.plan_imported").exists()


@pytest.mark.django_db(transaction=True)  # flush empties the database outside a test transaction (PostgreSQL)
def test_it_loads_the_seed_plan_into_an_empty_database_as_the_seed_exported(exported: bytes, kashiwazaki: Municipality) -> None:
    with scope(municipality=kashiwazaki.pk):
        before = _plan_parts(document_build(municipality=kashiwazaki, fiscal_year=2023))
    call_command("flush", interactive=False, verbosity=0)  # an empty database
    result = plan_workbook_import(content=exported, by=None, file_name="plan.xlsx")
    assert result.municipality_created and result.changed
    municipality = result.municipality
    with scope(municipality=municipality.pk):
        after = _plan_parts(document_build(municipality=municipality, fiscal_year=2023))
        assert municipality.code == "152056"
    assert after == before
    again = plan_workbook_import(content=exported, by=None, file_name="plan.xlsx")
    assert not again.changed


def test_it_changes_exactly_the_cells_edited(exported: bytes, kashiwazaki: Municipality) -> None:
    row = _row_of(exported, "目標値・実績", 2, "LINEによる情報発信")
    edited = _edit(exported, {("目標値・実績", f"E{row}"): "２０，０００"})
    preview = plan_workbook_import(content=edited, by=None, dry_run=True)
    assert [(c.sheet, c.label, c.after) for c in preview.changes] == [("目標値・実績", "目標値", "20000")]
    with scope(municipality=kashiwazaki.pk):
        assert not IndicatorValue.objects.filter(value=20000).exists()
    plan_workbook_import(content=edited, by=None, file_name="edited.xlsx")
    with scope(municipality=kashiwazaki.pk):
        assert IndicatorValue.objects.filter(value=20000).count() == 1
    entry = AuditEntry.objects.with_scopes_disabled().get(action="workbook.plan_imported")
    assert entry.after["file"] == "edited.xlsx" and entry.after["changes"] == 1


def test_it_renames_a_project_typed_over_instead_of_adding_one(exported: bytes, kashiwazaki: Municipality) -> None:
    row = _row_of(exported, "個別事業計画", 2, "LINEによる情報発信")
    edited = _edit(exported, {("個別事業計画", f"B{row}"): "LINE公式アカウントによる情報発信"})
    with scope(municipality=kashiwazaki.pk):
        count = Project.objects.count()
    result = plan_workbook_import(content=edited, by=None)
    assert any(c.label == "個別事業計画名" and c.after == "LINE公式アカウントによる情報発信" for c in result.changes)
    with scope(municipality=kashiwazaki.pk):
        assert Project.objects.count() == count
        project = Project.objects.get(name="LINE公式アカウントによる情報発信")
        assert Indicator.objects.filter(project=project).exists()


def test_it_refuses_a_text_in_a_number_cell_with_its_cell_and_writes_nothing(exported: bytes, kashiwazaki: Municipality) -> None:
    row = _row_of(exported, "目標値・実績", 2, "LINEによる情報発信")
    edited = _edit(exported, {("目標値・実績", f"E{row}"): "約100", ("個別事業計画", "G2"): "新しい概要"})
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    assert caught.value.errors == [(f"sheet '目標値・実績' cell E{row}: '約100' is not a number",
                                    f"シート「目標値・実績」セル E{row}：「約100」は数値ではありません。")]
    with scope(municipality=kashiwazaki.pk):
        assert not Project.objects.filter(overview="新しい概要").exists()


def test_it_refuses_a_change_to_a_published_year(exported: bytes, kashiwazaki: Municipality) -> None:
    row = _row_of(exported, "目標値・実績", 2, "LINEによる情報発信")
    workbook = load_workbook(BytesIO(exported))
    line = [c.value for c in workbook["目標値・実績"][row]]
    row_2023 = next(r[0].row for r in workbook["目標値・実績"].iter_rows(min_row=2)
                    if r[1].value == line[1] and r[2].value == line[2] and str(r[3].value) == "2023")
    edited = _edit(exported, {("目標値・実績", f"F{row_2023}"): "1"})
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    english, japanese = caught.value.errors[0]
    assert english.startswith(f"sheet '目標値・実績' cell E{row_2023}: fiscal year 2023 is published")
    assert "令和5（2023）年度は公表済み" in japanese


def test_it_refuses_an_unknown_grade_mark_and_a_bad_year(exported: bytes) -> None:
    edited = _edit(exported, {("評価基準", "D2"): "×", ("計画", "C2"): "令和百年度"})
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    cells = [english.split(":")[0] for english, _ in caught.value.errors]
    assert cells == ["sheet '計画' cell C2", "sheet '評価基準' cell D2"]


def test_it_refuses_a_workbook_of_another_municipality(exported: bytes, kariwa: Municipality) -> None:
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=exported, by=None, municipality=kariwa)
    assert "柏崎市" in caught.value.errors[0][1]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"name,value\n"])
def test_it_refuses_a_file_that_is_not_a_workbook(content: bytes, kashiwazaki: Municipality) -> None:
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=content, by=None)
    assert caught.value.errors[0][1] == "Excelのブック（.xlsx）として読めません。"


def test_it_refuses_a_department_workbook(kashiwazaki: Municipality, year_2024: ReportingYear) -> None:
    from shinchoku.workbooks.services import workbook_export

    content = workbook_export(municipality=kashiwazaki, fiscal_year=2024)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=content, by=None)
    assert "計画シートではありません" in caught.value.errors[0][1]


def test_it_refuses_someone_who_may_not_edit_the_plan(exported: bytes, bob: Any) -> None:
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=exported, by=bob)
    assert caught.value.errors == [("you may not edit the plan", "計画を編集する権限がありません。")]


def test_it_onboards_a_new_municipality_from_the_template_and_opens_its_cycle(db: Any, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    call_command("export-plan-workbook", template=True, out=template)
    workbook = load_workbook(template)
    workbook["自治体"]["B2"], workbook["自治体"]["C2"] = "見附市", "152111"
    workbook["計画"]["B2"], workbook["計画"]["C2"], workbook["計画"]["D2"], workbook["計画"]["E2"] = (
        "見附市DX推進計画", "令和7年度", 2029, "令和7年3月")
    for sheet, values in {
        "柱・施策": ["行政のDX", "窓口"],
        "個別事業計画": ["電子申請", "行政のDX", "窓口", "企画調整課", "", "申請を電子化する。", "来庁不要。", "", ""],
        "目標指標": ["電子申請", "電子申請の手続数", "件", "高いほどよい", "", ""],
        "目標値・実績": ["電子申請", "電子申請の手続数", 2025, "３０", "", ""],
    }.items():
        for column, value in enumerate(values, start=2):
            workbook[sheet].cell(3, column, value)
    out = tmp_path / "mitsuke.xlsx"
    workbook.save(out)
    call_command("import-plan-workbook", str(out))
    with scopes_disabled():
        mitsuke = Municipality.objects.get(name="見附市")
        assert mitsuke.code == "152111"
        plan = Plan.objects.get(municipality=mitsuke)
        assert (plan.start_fiscal_year, plan.end_fiscal_year, f"{plan.adopted_on:%Y-%m}") == (2025, 2029, "2025-03")
        assert list(Project.objects.filter(plan=plan).values_list("name", flat=True)) == ["電子申請"]
        assert list(GradeDefinition.objects.filter(municipality=mitsuke).values_list("code", flat=True)) == list("ABCD")
    call_command("open-cycle", municipality="見附市", fiscal_year=2025, due="2026-05-31")
    with scopes_disabled():
        year = ReportingYear.objects.get(plan=plan, fiscal_year=2025)
        assert year.state == YearState.OPEN and year.project_reports.count() == 1


def test_it_imports_a_libreoffice_round_trip_as_no_changes(
    exported: bytes, tmp_path: Path, libreoffice: Callable[[Path], Path]
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(exported)
    result = plan_workbook_import(content=libreoffice(path).read_bytes(), by=None)
    assert not result.changed, result.changes[:5]


def test_it_reads_what_excel_makes_of_typed_cells(exported: bytes, kashiwazaki: Municipality) -> None:
    """Years retyped as numbers, a month Excel turned into a date, columns moved, a row inserted without key."""
    workbook = load_workbook(BytesIO(exported))
    plan = workbook["計画"]
    plan["C2"], plan["D2"] = int(plan["C2"].value), int(plan["D2"].value)
    adopted = plan["E2"].value
    plan["E2"] = dt.datetime(int(adopted[:4]), int(adopted[5:7]), 1)
    projects = workbook["個別事業計画"]
    projects.insert_cols(3)  # a column of the person's own, before 柱
    projects["C1"] = "メモ"
    indicators = workbook["目標指標"]
    first = [c.value for c in indicators[2]]
    indicators.insert_rows(3)
    for column, value in enumerate([None, first[1], "新しい指標", "件", "高いほどよい", None, None], start=1):
        indicators.cell(3, column, value)
    out = BytesIO()
    workbook.save(out)
    result = plan_workbook_import(content=out.getvalue(), by=None, dry_run=True)
    assert [(c.sheet, c.label, c.after) for c in result.changes if c.sheet != "目標指標"] == []
    assert {(c.label, c.after) for c in result.changes} == {
        ("指標名", "新しい指標"), ("単位", "件"), ("方向", "高いほどよい")}


def test_it_renames_an_indicator_and_keeps_its_values(exported: bytes, kashiwazaki: Municipality) -> None:
    workbook = load_workbook(BytesIO(exported))
    old = workbook["目標指標"]["C2"].value
    workbook["目標指標"]["C2"] = old + "（改）"
    out = BytesIO()
    workbook.save(out)
    with scope(municipality=kashiwazaki.pk):
        values = IndicatorValue.objects.filter(indicator__name=old).count()
    result = plan_workbook_import(content=out.getvalue(), by=None)
    assert [(c.label, c.before, c.after) for c in result.changes] == [("指標名", old, old + "（改）")]
    with scope(municipality=kashiwazaki.pk):
        assert IndicatorValue.objects.filter(indicator__name=old + "（改）").count() == values > 0
        assert not Indicator.objects.filter(name=old).exists()


def test_it_adds_a_policy_under_consideration_of_a_year_not_reported_yet(exported: bytes, kashiwazaki: Municipality) -> None:
    workbook = load_workbook(BytesIO(exported))
    considerations = workbook["検討中の施策"]
    pillar = workbook["柱・施策"]["B2"].value
    row = considerations.max_row + 1
    for column, value in enumerate([None, "令和7年度", pillar, None, "新たに検討する施策", "検討中です。\n来年度に決めます。"], start=1):
        considerations.cell(row, column, value)
    out = BytesIO()
    workbook.save(out)
    plan_workbook_import(content=out.getvalue(), by=None)
    with scope(municipality=kashiwazaki.pk):
        year = ReportingYear.objects.get(plan__municipality=kashiwazaki, fiscal_year=2025)
        assert year.state == YearState.IMPORTED
        item = year.policies_under_consideration.get()
        assert (item.title, item.text) == ("新たに検討する施策", ["検討中です。", "来年度に決めます。"])


def test_it_refuses_a_change_to_a_published_years_policies_under_consideration(exported: bytes, kashiwazaki: Municipality) -> None:
    workbook = load_workbook(BytesIO(exported))
    considerations = workbook["検討中の施策"]
    considerations["F2"] = "書き換えた本文"
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    assert caught.value.errors[0][0].startswith("sheet '検討中の施策' cell E2: fiscal year 2023 is published")


def test_it_skips_the_templates_example_rows(tmp_path: Path, db: Any) -> None:
    template = plan_workbook_template()
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=template, by=None)
    assert [ja for _, ja in caught.value.errors] == [
        "シート「自治体」セル B2：2行目に自治体の名称と全国地方公共団体コードを入力してください。",
        "シート「計画」セル B2：2行目に計画名と計画期間を入力してください。",
        "シート「個別事業計画」セル B2：個別事業計画を1つ以上入力してください。"]


def test_it_says_a_project_of_an_unknown_pillar_in_japanese_at_its_cell(exported: bytes) -> None:
    edited = _edit(exported, {("個別事業計画", "C2"): "存在しない柱"})
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    assert caught.value.errors == [("sheet '個別事業計画' cell C2: pillar '存在しない柱' is not on sheet '柱・施策'",
                                    "シート「個別事業計画」セル C2：柱「存在しない柱」はシート「柱・施策」にありません。")]


def test_it_refuses_a_renamed_city_that_keeps_another_citys_code(exported: bytes, kashiwazaki: Municipality) -> None:
    edited = _edit(exported, {("自治体", "B2"): "柏崎し"})
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    assert caught.value.errors[0][0].startswith("sheet '自治体' cell C2:")
    with scopes_disabled():
        assert not Municipality.objects.filter(name="柏崎し").exists()


def test_it_finds_a_project_renamed_on_the_web_since_the_export_by_its_hidden_id(
    exported: bytes, kashiwazaki: Municipality
) -> None:
    with scope(municipality=kashiwazaki.pk):
        Project.objects.filter(name="LINEによる情報発信").update(name="LINEでの情報発信")
        count = Project.objects.count()
    result = plan_workbook_import(content=exported, by=None, dry_run=True)
    assert [(c.label, c.before, c.after) for c in result.changes] == [
        ("個別事業計画名", "LINEでの情報発信", "LINEによる情報発信")]
    plan_workbook_import(content=exported, by=None)
    with scope(municipality=kashiwazaki.pk):
        assert Project.objects.count() == count and Project.objects.filter(name="LINEによる情報発信").exists()


def test_it_matches_by_name_when_the_ids_are_another_municipalitys(exported: bytes, kashiwazaki: Municipality) -> None:
    """The same file read as if exported elsewhere: ids that mean nothing here are ignored, names match."""
    workbook = load_workbook(BytesIO(exported))
    workbook["_ids"]["B2"] = kashiwazaki.pk + 1000
    out = BytesIO()
    workbook.save(out)
    assert not plan_workbook_import(content=out.getvalue(), by=None).changed


def test_it_matches_a_row_whose_hidden_key_was_deleted_by_its_name(exported: bytes, kashiwazaki: Municipality) -> None:
    edited = _edit(exported, {("個別事業計画", "A2"): None, ("目標指標", "A2"): "damaged{"})
    assert not plan_workbook_import(content=edited, by=None).changed


def test_it_refuses_a_workbook_without_its_hidden_sheet(exported: bytes) -> None:
    workbook = load_workbook(BytesIO(exported))
    del workbook["_ids"]
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    assert caught.value.errors == [("no hidden sheet '_ids': not a plan workbook of shinchoku",
                                    "非表示のシート「_ids」がありません。Shinchokuの計画シートではありません。")]


def test_it_refuses_to_change_the_actual_of_an_approved_report(kashiwazaki: Municipality, year_2024: ReportingYear) -> None:
    from shinchoku.cycle.services.transitions import _apply
    from shinchoku.cycle.workflow import IMPORT_APPROVE
    from shinchoku.plans.models import ProjectReport

    with scope(municipality=kashiwazaki.pk):
        report = ProjectReport.objects.get(reporting_year=year_2024, project__name="LINEによる情報発信")
        _apply(IMPORT_APPROVE, report=report, by=None, municipality_id=kashiwazaki.pk, comment="テスト")  # approved
    exported = plan_workbook_export(municipality=kashiwazaki)
    workbook = load_workbook(BytesIO(exported))
    values = workbook["目標値・実績"]
    row = next(r[0].row for r in values.iter_rows(min_row=2)
               if r[1].value == "LINEによる情報発信" and str(r[3].value) == "2024" and not r[6].value)
    values[f"F{row}"] = "99999"
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    english, japanese = caught.value.errors[0]
    assert english.startswith(f"sheet '目標値・実績' cell E{row}: the report of fiscal year 2024 is approved")
    assert "令和6（2024）年度の報告は承認済みのため" in japanese
    values[f"F{row}"] = None
    values[f"E{row}"] = "12345"  # its target stays editable, as on the web
    out = BytesIO()
    workbook.save(out)
    assert [c.label for c in plan_workbook_import(content=out.getvalue(), by=None).changes] == ["目標値"]


def test_it_reads_a_value_excel_converted_to_a_number_as_the_stored_one(exported: bytes, kashiwazaki: Municipality) -> None:
    """数値に変換 on Excel's "number stored as text" warning makes "4.0" the number 4: still the stored 4.0."""
    workbook = load_workbook(BytesIO(exported))
    values = workbook["目標値・実績"]
    row = next(r[0].row for r in values.iter_rows(min_row=2) if r[4].value == "4.0" and str(r[3].value) == "2025")
    values[f"E{row}"] = 4
    out = BytesIO()
    workbook.save(out)
    assert not plan_workbook_import(content=out.getvalue(), by=None).changed
    values[f"E{row}"] = 4.5  # a different number is a change
    out = BytesIO()
    workbook.save(out)
    assert [(c.before, c.after) for c in plan_workbook_import(content=out.getvalue(), by=None, dry_run=True).changes] == [
        ("4.0", "4.5")]


def test_it_refuses_an_old_target_that_no_later_revision_replaced(exported: bytes, kashiwazaki: Municipality) -> None:
    """An old target (改定（旧目標値）) set by 2023-12, the newest revision covering 2024: it is the current one."""
    workbook = load_workbook(BytesIO(exported))
    values = workbook["目標値・実績"]
    first = [c.value for c in values[2]]
    values.append([None, first[1], first[2], 2024, "10", None, "2023-12"])
    values.append([None, first[1], first[2], 2022, "10", None, "策定時"])  # nothing revised 2022: current too
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    last = values.max_row
    assert caught.value.errors[0][1] == (
        f"シート「目標値・実績」セル G{last}：2022年度の旧目標値（策定時）より後に、その年度を改定した改定がありません。"
        "いまの目標値として「目標値」の列に入力してください。")
    assert caught.value.errors[1][1].startswith(f"シート「目標値・実績」セル G{last - 1}：2024年度の旧目標値（2023-12）")


def test_it_says_a_change_of_order_that_no_cell_shows(exported: bytes, kashiwazaki: Municipality) -> None:
    workbook = load_workbook(BytesIO(exported))
    projects = workbook["個別事業計画"]
    first, second = ([c.value for c in projects[r]] for r in (2, 3))
    for column, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        projects.cell(2, column, b)
        projects.cell(3, column, a)
    out = BytesIO()
    workbook.save(out)
    result = plan_workbook_import(content=out.getvalue(), by=None, dry_run=True)
    assert [(c.sheet, c.label) for c in result.changes] == [("（全体）", "並び順など")]
    assert "個別事業計画 2件" in result.changes[0].after
