"""What DX staff change in the plan: effective-dated targets, projects, departments, thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.selectors import indicator_values_current
from shinchoku.cycle.services import (
    InvalidInput,
    NotPermitted,
    YearLocked,
    plan_indicator_target_set,
    plan_revision_create,
    project_departments_set,
    report_save,
    thresholds_set,
)
from shinchoku.plans.models import IndicatorValue, Plan, ReportingYear, ValueKind
from shinchoku.tenancy.models import Department

from .conftest import DENSHI_KESSAI, LINE, ONLINE, indicator_of, project, report_of


def test_it_keeps_the_adopted_target_when_a_revision_raises_it(year_2024: ReportingYear, alice: Any, plan: Plan) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(ONLINE, 0)
    revision = plan_revision_create(plan=plan, revised_on=dt.date(2024, 12, 15), description="目標の上方修正", by=alice)
    plan_indicator_target_set(indicator=indicator, fiscal_year=2024, value="７５", revision=revision, by=alice)
    with scope(municipality=plan.municipality_id):
        rows = sorted(
            (r.revision_id is not None, r.value)
            for r in IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.TARGET, fiscal_year=2024)
        )
        current = indicator_values_current(indicator_ids=[indicator.pk])[(indicator.pk, ValueKind.TARGET, 2024)]
        entry = AuditEntry.objects.get(action="plan.indicator.target.updated")
    assert rows == [(False, Decimal(70)), (True, Decimal(75))]
    assert current.value == 75
    assert (entry.before, entry.after) == (
        {"fiscal_year": 2024, "value": "70", "revision": None},
        {"fiscal_year": 2024, "value": "75", "revision": "2024-12"},
    )
    assert entry.actor == alice and entry.project_id == indicator.project_id


def test_it_re_evaluates_the_open_report_when_a_target_changes(year_2024: ReportingYear, alice: Any, plan: Plan) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(DENSHI_KESSAI, 0)
        report = report_of(DENSHI_KESSAI, 2024)
    report = report_save(report=report, by=alice, expected_version=report.version, actuals={indicator.pk: "55"})
    assert report.suggested_grade.code == "B"  # 55 / 65 = 84.6 %
    plan_indicator_target_set(indicator=indicator, fiscal_year=2024, value="100", revision=None, by=alice)
    with scope(municipality=plan.municipality_id):
        assert report_of(DENSHI_KESSAI, 2024).suggested_grade.code == "C"  # 55 %


def test_it_refuses_targets_of_a_published_year(alice: Any, plan: Plan) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(LINE, 0)
    with pytest.raises(YearLocked, match="公表済み"):
        plan_indicator_target_set(indicator=indicator, fiscal_year=2023, value="15000", revision=None, by=alice)


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "charlie"])
def test_it_lets_only_dx_staff_edit_the_plan(plan: Plan, who: str, request: Any) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(ONLINE, 0)
    with pytest.raises(NotPermitted):
        plan_indicator_target_set(indicator=indicator, fiscal_year=2024, value="1", revision=None, by=request.getfixturevalue(who))


def test_it_refuses_a_target_that_is_not_a_number(plan: Plan, alice: Any) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(ONLINE, 0)
    with pytest.raises(InvalidInput, match="「約70」は数値ではありません"):
        plan_indicator_target_set(indicator=indicator, fiscal_year=2024, value="約70", revision=None, by=alice)


def test_it_moves_a_project_to_another_department(plan: Plan, alice: Any, bob: Any, frank: Any) -> None:
    from shinchoku.permissions import Action, can, forget_grants

    with scope(municipality=plan.municipality_id):
        online = project(ONLINE)
        somu = Department.objects.get(name="総務課")
        assert can(bob, Action.EDIT_REPORT, online) and not can(frank, Action.EDIT_REPORT, online)
    project_departments_set(project=online, departments=[somu], by=alice)
    forget_grants(bob), forget_grants(frank)
    with scope(municipality=plan.municipality_id):
        online = project(ONLINE)
        assert not can(bob, Action.EDIT_REPORT, online) and can(frank, Action.EDIT_REPORT, online)
        entry = AuditEntry.objects.get(action="plan.project.departments.updated")
    assert (entry.before, entry.after) == (["企画政策課"], ["総務課"])


def test_it_changes_thresholds_and_re_evaluates(year_2023: ReportingYear, alice: Any) -> None:
    with scope(municipality=year_2023.municipality_id):
        assert report_of(LINE, 2023).suggested_grade.code == "A"
    with pytest.raises(InvalidInput):
        thresholds_set(municipality=year_2023.municipality, a_min=Decimal(80), b_min=Decimal(90), c_min=Decimal(50), by=alice)
    thresholds_set(municipality=year_2023.municipality, a_min=Decimal(120), b_min=Decimal(80), c_min=Decimal(50), by=alice)
    with scope(municipality=year_2023.municipality_id):
        assert report_of(LINE, 2023).suggested_grade.code == "B"  # 118.6 % < 120 %
