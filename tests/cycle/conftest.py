"""Fixtures of the cycle tests: the seed (柏崎市, FY2023 published) and the named users.

Named users:
- Alice — DX staff of 柏崎市: everything in 柏崎市 (opens cycles, reopens, publishes, edits the plan).
- Bob — department editor of 企画政策課: sees and edits 企画政策課's projects (行政手続のオンライン化, AI・RPA…).
- Frank — department editor of 総務課: 電子文書管理・電子決裁システム導入 only; never 企画政策課's projects.
- Dave — HQ reviewer of 柏崎市: reads everything, returns and approves.
- Erin — viewer of 柏崎市: reads everything, changes nothing.
- Charlie — DX staff of ANOTHER municipality (刈羽村): nothing of 柏崎市, ever.
- anonymous — nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.services import reporting_year_open
from shinchoku.plans.models import GradeDefinition, Indicator, Plan, Project, ProjectReport, ReportingYear
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

LINE = "LINEによる情報発信"
DENSHI_KESSAI = "電子文書管理・電子決裁システム導入"
AI_RPA = "AI・RPAを含めた内製化の推進"
ONLINE = "行政手続のオンライン化"
SHIN_KOTSU = "新交通システムの構築"


def _user(name: str, municipality: Municipality, role: str, departments: tuple[str, ...] = ()) -> Any:
    user = get_user_model().objects.create_user(username=name.lower(), email=f"{name.lower()}@example.org")
    with scopes_disabled():
        membership = Membership.objects.create(user=user, municipality=municipality, role=role)
        membership.departments.set(Department.objects.filter(municipality=municipality, name__in=departments))
    return user


@pytest.fixture
def kariwa(db: Any) -> Municipality:
    return Municipality.objects.create(name="刈羽村")


@pytest.fixture
def alice(kashiwazaki: Municipality) -> Any:
    return _user("Alice", kashiwazaki, Role.DX_STAFF)


@pytest.fixture
def bob(kashiwazaki: Municipality) -> Any:
    return _user("Bob", kashiwazaki, Role.DEPARTMENT_EDITOR, ("企画政策課",))


@pytest.fixture
def frank(kashiwazaki: Municipality) -> Any:
    return _user("Frank", kashiwazaki, Role.DEPARTMENT_EDITOR, ("総務課",))


@pytest.fixture
def dave(kashiwazaki: Municipality) -> Any:
    return _user("Dave", kashiwazaki, Role.HQ_REVIEWER)


@pytest.fixture
def erin(kashiwazaki: Municipality) -> Any:
    return _user("Erin", kashiwazaki, Role.VIEWER)


@pytest.fixture
def charlie(kariwa: Municipality) -> Any:
    return _user("Charlie", kariwa, Role.DX_STAFF)


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def in_kashiwazaki(kashiwazaki: Municipality) -> Iterator[Municipality]:
    """Run the test body inside 柏崎市's scope (services open their own; reads in tests need one)."""
    with scope(municipality=kashiwazaki):
        yield kashiwazaki


@pytest.fixture
def plan(kashiwazaki: Municipality) -> Plan:
    with scope(municipality=kashiwazaki):
        return Plan.objects.get(municipality=kashiwazaki)


def project(name: str) -> Project:
    return Project.objects.select_related("plan").get(name=name)


def report_of(name: str, fiscal_year: int) -> ProjectReport:
    return ProjectReport.objects.select_related("project__plan").get(project__name=name, fiscal_year=fiscal_year)


def indicator_of(name: str, position: int = 0) -> Indicator:
    return Indicator.objects.filter(project__name=name).order_by("position")[position]


def grade(code: str) -> GradeDefinition:
    return GradeDefinition.objects.get(code=code)


def forget_year(plan: Plan, fiscal_year: int) -> None:
    """Test surgery: make the database as if ``fiscal_year`` had never been reported, keeping the plan and its
    indicator values. No code path of the application can do this (a published year is an official record:
    its rows are protected and append-only), so it is done below the ORM's guards, on purpose, here only."""
    from shinchoku.cycle.models import ItemEvaluation, ReportTransition
    from shinchoku.plans.models import (
        PolicyUnderConsideration,
        Publication,
        PublicationFile,
        ReportingYear,
        ResultTable,
        ResultTableRow,
    )

    with scopes_disabled():
        year = ReportingYear.objects.get(plan=plan, fiscal_year=fiscal_year)
        for model, path in (
            (PublicationFile, "publication__reporting_year"),
            (Publication, "reporting_year"),
            (ResultTableRow, "table__report__reporting_year"),
            (ResultTable, "report__reporting_year"),
            (ItemEvaluation, "report__reporting_year"),
            (ReportTransition, "report__reporting_year"),
            (ProjectReport, "reporting_year"),
            (PolicyUnderConsideration, "reporting_year"),
            (ReportingYear, "pk"),
        ):
            rows = model.objects.filter(**{path: year.pk})
            rows._raw_delete(rows.db)


@pytest.fixture
def year_2023(kashiwazaki: Municipality, plan: Plan) -> ReportingYear:
    """FY2023 reported again through the workflow: the imported year is forgotten and opened anew, so every
    draft starts with the seed's actuals (LINE 16,608 …) already graded."""
    forget_year(plan, 2023)
    return reporting_year_open(plan=plan, fiscal_year=2023, due_date=dt.date(2024, 5, 31), by=None)


@pytest.fixture
def year_2024(kashiwazaki: Municipality, plan: Plan) -> ReportingYear:
    """FY2024 opened after the seed's published FY2023."""
    return reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)


def complete(report: ProjectReport, by: Any, **overrides: Any) -> ProjectReport:
    """Fill everything submission needs (indicators without an actual are marked 該当なし)."""
    from shinchoku.cycle.selectors import report_items
    from shinchoku.cycle.services import report_save

    with scope(municipality=report.project.plan.municipality_id):
        rows = report_items(report=report)
        b = grade("B")
    values: dict[str, Any] = {
        "results": ["取組を進めました。"],
        "challenges": ["課題があります。"],
        "next_year": ["引き続き取り組みます。"],
        "schedule_status": "on_schedule",
        "department_grade": b,
        "actuals": {row.indicator.pk: "該当なし" for row in rows if row.indicator and row.actual is None},
    }
    values.update(overrides)
    return report_save(report=report, by=by, expected_version=report.version, **values)
