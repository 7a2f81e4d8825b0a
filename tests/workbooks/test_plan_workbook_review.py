"""Plan workbook: faults found in review (a crash, renames lost or misapplied, a protection bypassed, a
preview that the load does not do)."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from shinchoku.plans.models import GradeDefinition, Indicator, IndicatorValue, Plan, Project, ReportingYear
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.plan import plan_workbook_export
from shinchoku.workbooks.plan_services import WorkbookInvalid, plan_workbook_import


def _edit(content: bytes, change: Callable[[Any], None]) -> bytes:
    workbook = load_workbook(BytesIO(content))
    change(workbook)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def exported(kashiwazaki: Municipality) -> bytes:
    return plan_workbook_export(municipality=kashiwazaki)


def test_it_moves_the_as_planned_mark_to_another_grade(exported: bytes, kashiwazaki: Municipality) -> None:
    """One grade per municipality may be 計画どおり (a unique constraint): moving the ○ was an IntegrityError."""
    def move(workbook: Any) -> None:
        workbook["評価基準"]["D2"], workbook["評価基準"]["D3"] = "○", None  # A instead of B
    edited = _edit(exported, move)
    plan_workbook_import(content=edited, by=None)
    with scope(municipality=kashiwazaki.pk):
        assert list(GradeDefinition.objects.filter(as_planned=True).values_list("code", flat=True)) == ["A"]
    assert not plan_workbook_import(content=edited, by=None).changed


def test_it_moves_the_mark_from_a_grade_left_out_of_the_workbook(exported: bytes, kashiwazaki: Municipality) -> None:
    def move(workbook: Any) -> None:
        workbook["評価基準"]["D2"] = "○"
        workbook["評価基準"].delete_rows(3)  # B, the stored 計画どおり, is kept but no longer marked
    plan_workbook_import(content=_edit(exported, move), by=None)
    with scope(municipality=kashiwazaki.pk):
        assert list(GradeDefinition.objects.filter(as_planned=True).values_list("code", flat=True)) == ["A"]


def test_it_renames_an_indicator_to_a_name_another_project_uses(exported: bytes, kashiwazaki: Municipality) -> None:
    """The id of a later project's indicator of that name dropped the rename: a second indicator, or (with a
    published year's values) a refusal of values nobody changed."""
    workbook = load_workbook(BytesIO(exported))
    sheet = workbook["目標指標"]
    first_project, first_name = sheet["B2"].value, sheet["C2"].value
    other = next(r[0].row for r in sheet.iter_rows(min_row=3) if r[1].value != first_project)
    new_name = sheet[f"C{other}"].value
    with scope(municipality=kashiwazaki.pk):
        count = Indicator.objects.count()
        values = IndicatorValue.objects.filter(indicator__project__name=first_project, indicator__name=first_name).count()
    edited = _edit(exported, lambda wb: wb["目標指標"].__setitem__("C2", new_name))
    result = plan_workbook_import(content=edited, by=None)
    assert [(c.label, c.before, c.after) for c in result.changes] == [("指標名", first_name, new_name)]
    with scope(municipality=kashiwazaki.pk):
        assert Indicator.objects.count() == count
        assert IndicatorValue.objects.filter(indicator__project__name=first_project, indicator__name=new_name).count() == values


def test_it_keeps_a_copied_project_row_as_a_new_project(exported: bytes, kashiwazaki: Municipality) -> None:
    """A row copied in Excel carries the hidden key of its original: the copy is a new project, the original
    keeps its name (it was renamed to the copy's, and a second, empty one made under its name)."""
    workbook = load_workbook(BytesIO(exported))
    original = workbook["個別事業計画"]["B2"].value
    with scope(municipality=kashiwazaki.pk):
        original_pk = Project.objects.get(name=original).pk
        count = Project.objects.count()
    sheet = workbook["個別事業計画"]
    row = [c.value for c in sheet[2]]
    row[1] = "新しい事業"
    sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    result = plan_workbook_import(content=out.getvalue(), by=None)
    assert not any(c.label == "個別事業計画名" and c.before for c in result.changes)
    with scope(municipality=kashiwazaki.pk):
        assert Project.objects.get(pk=original_pk).name == original
        assert Project.objects.count() == count + 1


def test_it_refuses_the_actual_of_an_approved_report_of_a_project_named_with_a_slash(
    kashiwazaki: Municipality, year_2024: ReportingYear
) -> None:
    """The subject "project / indicator" was split at its first " / ", so a project named "LINE / 情報発信"
    was not found among the reviewed reports and its approved actual changed."""
    from shinchoku.cycle.services.transitions import _apply
    from shinchoku.cycle.workflow import IMPORT_APPROVE
    from shinchoku.plans.models import ProjectReport

    with scope(municipality=kashiwazaki.pk):
        Project.objects.filter(name="LINEによる情報発信").update(name="LINE / 情報発信")
        report = ProjectReport.objects.get(reporting_year=year_2024, project__name="LINE / 情報発信")
        _apply(IMPORT_APPROVE, report=report, by=None, municipality_id=kashiwazaki.pk, comment="テスト")
    exported = plan_workbook_export(municipality=kashiwazaki)
    workbook = load_workbook(BytesIO(exported))
    values = workbook["目標値・実績"]
    row = next(r[0].row for r in values.iter_rows(min_row=2)
               if r[1].value == "LINE / 情報発信" and str(r[3].value) == "2024" and not r[6].value)
    values[f"F{row}"] = "99999"
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    assert caught.value.errors[0][0].startswith(f"sheet '目標値・実績' cell E{row}: the report of fiscal year 2024 is approved")


@pytest.mark.parametrize(("cell", "value"), [("C2", 2022), ("D2", 2024)])
def test_it_refuses_a_shorter_plan_period_it_would_not_apply(exported: bytes, kashiwazaki: Municipality, cell: str, value: int) -> None:
    """The loader only widens a period (a year's document never shortens its plan): the preview showed the
    shorter period and every import showed it again, never applied."""
    def shorten(workbook: Any) -> None:
        workbook["計画"][cell] = value
        for name in ("スケジュール", "目標値・実績", "検討中の施策"):  # what lies outside the shorter period
            sheet = workbook[name]
            column = 2 if name == "検討中の施策" else (5 if name == "スケジュール" else 4)
            for row in sorted((r[0].row for r in sheet.iter_rows(min_row=2) if r[column - 1].value is not None
                               and not (2021 if cell == "D2" else 2022) <= int(r[column - 1].value) <= (2024 if cell == "D2" else 2025)),
                              reverse=True):
                sheet.delete_rows(row)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=_edit(exported, shorten), by=None)
    assert caught.value.errors[0][0].startswith(f"sheet '計画' cell {cell}: the plan's period cannot be shortened")
    with scope(municipality=kashiwazaki.pk):
        plan = Plan.objects.get()
        assert (plan.start_fiscal_year, plan.end_fiscal_year) == (2021, 2025)


@pytest.mark.parametrize("revision", ["策定時", "2023-12"])
def test_it_refuses_an_old_target_added_to_a_stored_target(
    exported: bytes, kashiwazaki: Municipality, year_2024: ReportingYear, revision: str
) -> None:
    """An old target (改定（旧目標値）) beside a stored one was previewed but ignored (策定時: the stored one is
    the adopted target) or turned the stored adopted target into history (the newest revision's)."""
    def add(workbook: Any) -> None:
        workbook["目標値・実績"].append(
            [None, "行政手続のオンライン化", "手続総件数に対するオンライン化率", 2024, "65", None, revision])
    with scope(municipality=kashiwazaki.pk):
        stored = sorted(IndicatorValue.objects.filter(indicator__name="手続総件数に対するオンライン化率")
                        .values_list("fiscal_year", "kind", "value", "revision"))
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=_edit(exported, add), by=None)
    assert "2024" in caught.value.errors[0][0] and "旧目標値" in caught.value.errors[0][1]
    with scope(municipality=kashiwazaki.pk):
        assert sorted(IndicatorValue.objects.filter(indicator__name="手続総件数に対するオンライン化率")
                      .values_list("fiscal_year", "kind", "value", "revision")) == stored


def test_it_edits_again_a_policy_under_consideration_it_added_to_a_year_not_reported_yet(
    exported: bytes, kashiwazaki: Municipality, alice: Any
) -> None:
    """The year the first import made for it (imported, without reports) locked it against the next one."""
    def add(workbook: Any) -> None:
        workbook["検討中の施策"].append([None, 2025, "暮らしのDX", None, "新たに検討する施策", "検討中です。"])
    plan_workbook_import(content=_edit(exported, add), by=alice)
    again = plan_workbook_export(municipality=kashiwazaki)
    def change(workbook: Any) -> None:
        sheet = workbook["検討中の施策"]
        row = next(r[0].row for r in sheet.iter_rows(min_row=2) if str(r[1].value) == "2025")
        sheet[f"F{row}"] = "来年度に決めます。"
    result = plan_workbook_import(content=_edit(again, change), by=alice)
    assert [(c.label, c.after) for c in result.changes] == [("本文", "来年度に決めます。")]
    # … and on the web, the year's targets stay editable as in any year not reported yet
    from shinchoku.cycle.services.plan import plan_indicator_target_set
    from shinchoku.plans.models import Indicator

    with scope(municipality=kashiwazaki.pk):
        indicator = Indicator.objects.filter(project__name="LINEによる情報発信").first()
        assert indicator is not None
        plan_indicator_target_set(indicator=indicator, fiscal_year=2025, value="777", revision=None, by=alice)


@pytest.mark.parametrize(("sheet", "cell", "value"), [("達成率の基準", "C2", "1" + "0" * 30), ("_ids", "B2", "²")])
def test_it_refuses_or_ignores_cells_that_raised(exported: bytes, kashiwazaki: Municipality, sheet: str, cell: str, value: str) -> None:
    """A bound of 31 digits raised decimal.InvalidOperation; a superscript digit as the municipality id ValueError."""
    edited = _edit(exported, lambda wb: wb[sheet].__setitem__(cell, value))
    if sheet == "_ids":
        assert not plan_workbook_import(content=edited, by=None).changed  # matched by names, as another city's ids
        return
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=edited, by=None)
    assert caught.value.errors[0][0] == f"sheet '{sheet}' cell {cell}: '{value}' is not a number"


@pytest.mark.parametrize(("sheet", "row"), [
    ("目標値・実績", [None, "行政手続のオンライン化", "手続総件数に対するオンライン化率", 2030, "99", None, None]),
    ("目標値・実績", [None, "行政手続のオンライン化", "手続総件数に対するオンライン化率", 1999, "99", None, None]),
    ("スケジュール", [None, "新交通システムの構築", 1, None, 2030, "拡大"]),
    ("検討中の施策", [None, 2030, "暮らしのDX", None, "新たに検討する施策", "検討中です。"]),
])
def test_it_refuses_a_year_outside_the_plans_period_at_its_cell(
    exported: bytes, kashiwazaki: Municipality, sheet: str, row: list[Any]
) -> None:
    """Targets and schedule cells of years outside the period were loaded (the forms refuse them); a policy
    under consideration was refused without its cell."""
    workbook = load_workbook(BytesIO(exported))
    workbook[sheet].append(row)
    number = workbook[sheet].max_row
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        plan_workbook_import(content=out.getvalue(), by=None)
    year = next(v for v in row if v in (1999, 2030))
    column = "B" if sheet == "検討中の施策" else ("E" if sheet == "スケジュール" else "D")
    assert caught.value.errors == [(
        f"sheet '{sheet}' cell {column}{number}: fiscal year {year} is outside the plan's period (2021-2025)",
        caught.value.errors[0][1])]


def test_it_says_a_grade_and_a_revision_left_out_are_kept(exported: bytes, kashiwazaki: Municipality) -> None:
    """Neither was a change nor a note: the preview of a revision's month typed over showed a new revision
    only, and the old one stayed unannounced."""
    def edit(workbook: Any) -> None:
        workbook["評価基準"].delete_rows(5)  # D
        workbook["改定"]["B2"] = "2024-01"
    result = plan_workbook_import(content=_edit(exported, edit), by=None, dry_run=True)
    assert "評価の段階「D」はこのブックにありませんが、削除しません。" in result.kept
    assert "改定「2023-12」はこのブックにありませんが、削除しません。" in result.kept


def test_it_changes_a_target_of_a_year_before_the_newest_revision_as_adopted(exported: bytes, kashiwazaki: Municipality) -> None:
    """FY2022's target was stored as set by the December 2023 revision (the forms refuse that: a revision sets
    targets from its own fiscal year on), and the adopted one reappeared as an old target nobody previewed."""
    workbook = load_workbook(BytesIO(exported))
    sheet = workbook["目標値・実績"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2)
               if r[1].value == "行政手続のオンライン化" and str(r[3].value) == "2022" and not r[6].value)
    indicator = sheet[f"C{row}"].value
    sheet[f"E{row}"] = "55"
    out = BytesIO()
    workbook.save(out)
    result = plan_workbook_import(content=out.getvalue(), by=None)
    assert [(c.label, c.fiscal_year, c.before, c.after) for c in result.changes] == [("目標値", 2022, "50", "55")]
    with scope(municipality=kashiwazaki.pk):
        targets = IndicatorValue.objects.filter(indicator__name=indicator, fiscal_year=2022, kind="target")
        assert [(str(v.quantity.plain()), v.revision) for v in targets] == [("55", None)]
