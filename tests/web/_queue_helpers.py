"""Filling and submitting FY2024 reports of the web fixtures' city, for the work-queue tests."""

from __future__ import annotations

from typing import Any

from django_scopes import scope

from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.cycle.services import report_save, report_submit
from shinchoku.plans.models import GradeDefinition, ProjectReport
from shinchoku.tenancy.models import Municipality

SHINKOTSU = "新交通システムの構築"  # 企画政策課 (bob), no indicator
LINE = "LINEによる情報発信"  # 元気発信課 (gina), 人, FY2023 actual 16,608, FY2024 target 15,000
DENSHI = "電子文書管理・電子決裁システム導入"  # 総務課 (frank), %, FY2023 actual 31.7, FY2024 target 80
KEIYAKU = "電子契約システム導入"  # 総務課 and 企画政策課 (bob, frank), no indicator


def grade(city: Municipality, code: str) -> GradeDefinition:
    with scope(municipality=city):
        return GradeDefinition.objects.get(municipality=city, code=code)


def fill(city: Municipality, report: ProjectReport, by: Any, *, actual: str | None = None,
         department_grade: str = "B") -> ProjectReport:
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
    indicator_ids = [i.indicator_id for i in items if i.kind == ItemKind.INDICATOR]
    return report_save(
        report=report, by=by, expected_version=report.version,
        results=["取組を進めました。"], challenges=["課題があります。"], next_year=["引き続き取り組みます。"],
        actuals={iid: actual or "該当なし" for iid in indicator_ids}, schedule_status="on_schedule",
        department_grade=grade(city, department_grade),
    )


def submit(city: Municipality, report: ProjectReport, by: Any, **kwargs: Any) -> ProjectReport:
    return report_submit(report=fill(city, report, by, **kwargs), by=by)
