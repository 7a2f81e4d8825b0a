"""Opening a year: one empty draft per project (last year's plans are not pre-filled as results); refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry, ItemEvaluation, ItemKind
from shinchoku.cycle.services import CycleAlreadyOpen, InvalidInput, NotPermitted, reporting_year_open
from shinchoku.plans.models import Plan, ProjectReport, ReportingYear, ReportState

from .conftest import AI_RPA, LINE, ONLINE, report_of


def test_it_creates_one_empty_draft_per_project(plan: Plan, alice: Any) -> None:
    cycle = reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=alice)
    with scope(municipality=plan.municipality_id):
        reports = ProjectReport.objects.filter(fiscal_year=2024)
        assert reports.count() == plan.projects.count()
        assert set(reports.values_list("state", flat=True)) == {ReportState.DRAFT}
        online_2023, online_2024 = report_of(ONLINE, 2023), report_of(ONLINE, 2024)
        # Last year's next-year plans are a reference on the form, never silently this year's results.
        assert online_2023.next_year and online_2024.results == []
        assert online_2024.version == 1  # untouched: 未着手 until the department saves
        items = list(ItemEvaluation.objects.filter(report=online_2024).select_related("indicator"))
        assert [(i.kind, i.indicator.name if i.indicator else "") for i in items] == [
            (ItemKind.SCHEDULE, ""),
            (ItemKind.INDICATOR, "手続総件数に対するオンライン化率"),
            (ItemKind.INDICATOR, "オンライン化した手続のオンライン利用率"),
        ]
        entry = AuditEntry.objects.get(action="year.reports.created")
        progress_report = ReportingYear.objects.get(plan=plan, fiscal_year=2024)
        project_count = plan.projects.count()
    assert cycle.opened_by == alice and cycle.due_date == dt.date(2025, 5, 31)
    assert entry.actor == alice and entry.after["reports_created"] == project_count
    assert progress_report.title == "令和7（2025）年度 柏崎市DX推進計画 進行管理報告書（令和6（2024）年度実績分）"


def test_it_grades_imported_actuals_at_once(year_2023: ReportingYear) -> None:
    with scope(municipality=year_2023.municipality_id):
        suggested = {name: report_of(name, 2023).suggested_grade.code for name in (LINE, AI_RPA, ONLINE)}
    assert suggested == {LINE: "A", AI_RPA: "B", ONLINE: "C"}


def test_it_refuses_a_year_already_open(plan: Plan, alice: Any, year_2024: ReportingYear) -> None:
    with pytest.raises(CycleAlreadyOpen, match="令和6（2024）年度の進行管理は既に開始されています"):
        reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=alice)


def test_it_refuses_a_year_outside_the_plan(plan: Plan, alice: Any) -> None:
    with pytest.raises(InvalidInput, match="計画期間"):
        reporting_year_open(plan=plan, fiscal_year=2030, due_date=dt.date(2031, 5, 31), by=alice)


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "charlie", "anonymous"])
def test_it_lets_only_dx_staff_open(plan: Plan, who: str, request: Any) -> None:
    with pytest.raises(NotPermitted):
        reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=request.getfixturevalue(who))
    with scope(municipality=plan.municipality_id):
        assert not ReportingYear.objects.filter(fiscal_year=2024).exists()
