"""Completion (pinned query count), dashboard, history and audit reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scope

from shinchoku.cycle.selectors import (
    audit_for_municipality,
    audit_for_project,
    cycle_completion,
    dashboard,
    report_history,
)
from shinchoku.cycle.services import report_return, report_submit
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Municipality

from .conftest import DENSHI_KESSAI, LINE, ONLINE, complete, project, report_of


def test_it_reports_completion_per_department_in_constant_queries(
    year_2024: ReportingYear, bob: Any, django_assert_num_queries: Any
) -> None:
    with scope(municipality=year_2024.municipality_id):
        report = report_of(ONLINE, 2024)
    report_submit(report=complete(report, bob), by=bob)
    with scope(municipality=year_2024.municipality_id), django_assert_num_queries(3):
        completion = cycle_completion(year=year_2024, today=dt.date(2025, 6, 1))
        by_project = {row.project.name: row for row in completion.rows}
        departments = {d.department.name: d for d in completion.departments if d.department}
    assert by_project[ONLINE].state == "submitted" and not by_project[ONLINE].overdue
    # Never saved since the year was opened: 未着手, not 作成中 (and still overdue).
    assert by_project[DENSHI_KESSAI].state == "not_started" and by_project[DENSHI_KESSAI].overdue
    assert departments["総務課"].counts["not_started"] == 1 and departments["総務課"].overdue == 1
    assert departments["企画政策課"].counts["submitted"] == 1
    assert completion.total == 24 and completion.counts["submitted"] == 1 and completion.overdue == 23
    assert completion.days_left == -1


def test_it_does_not_flag_overdue_before_the_due_date(year_2024: ReportingYear) -> None:
    with scope(municipality=year_2024.municipality_id):
        completion = cycle_completion(year=year_2024, today=dt.date(2025, 5, 31))
    assert completion.overdue == 0 and completion.days_left == 0


def test_it_keeps_the_query_count_constant_as_projects_grow(
    year_2024: ReportingYear, alice: Any, django_assert_num_queries: Any
) -> None:
    from shinchoku.cycle.services import project_create

    with scope(municipality=year_2024.municipality_id):
        pillar = project(LINE).pillar
    for i in range(5):
        project_create(plan=year_2024.plan, name=f"新規事業{i}", pillar=pillar, by=alice)
    with scope(municipality=year_2024.municipality_id), django_assert_num_queries(3):
        completion = cycle_completion(year=year_2024, today=dt.date(2025, 6, 1))
    assert completion.total == 29 and completion.counts["not_started"] == 29  # new projects got their (untouched) draft at once


def test_it_builds_the_dashboard_of_the_seed(kashiwazaki: Municipality, django_assert_num_queries: Any) -> None:
    with scope(municipality=kashiwazaki), django_assert_num_queries(8):
        board = dashboard(municipality=kashiwazaki, fiscal_year=2023)
        distribution = {
            p.pillar.name: {g.code: n for g, n in p.counts} for p in board.grade_distribution
        }
        non_b = [(row.project.name, row.grade.code) for row in board.non_b]
        line = next(s for s in board.kpi_series if s.project.name == LINE)
        points = {p.fiscal_year: (p.target.value if p.target else None, p.actual.value if p.actual else None) for p in line.points}
    assert distribution["暮らしのDX"] == {"A": 2, "B": 10, "C": 0, "D": 0}
    assert distribution["行政のDX"] == {"A": 0, "B": 9, "C": 1, "D": 0}
    assert non_b == [("新交通システムの構築", "A"), (LINE, "A"), (DENSHI_KESSAI, "C")]
    assert points[2023] == (14000, 16608)
    assert board.completion["approved"] == 24 and board.year.is_published


def test_it_tells_a_reports_history_and_audit(year_2024: ReportingYear, bob: Any, dave: Any) -> None:
    with scope(municipality=year_2024.municipality_id):
        report = report_of(ONLINE, 2024)
    report = report_submit(report=complete(report, bob), by=bob)
    report_return(report=report, by=dave, comment="根拠を追記")
    with scope(municipality=year_2024.municipality_id):
        history = report_history(report=report)
        project_audit = audit_for_project(project=project(ONLINE))
        everything = audit_for_municipality(municipality=year_2024.municipality, action_prefix="year.")
    transitions = [(h.label, h.comment) for h in history if h.kind == "transition"]
    assert transitions == [("提出", ""), ("差戻し", "根拠を追記")]
    assert any(h.action == "report.challenges.updated" for h in history)
    assert project_audit[0].action == "report.returned"  # newest first
    assert [e.action for e in everything] == ["year.reports.created", "year.opened", "year.publication.created"]
