"""Reads of plan data that matter (exports, documents, pages); call inside ``scope(municipality=...)``."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Plan,
    PolicyUnderConsideration,
    Project,
    ProjectDepartment,
    ProjectReport,
    ResultTable,
    ScheduleRow,
)
from shinchoku.tenancy.models import Municipality


def plan_for_fiscal_year(*, municipality: Municipality, fiscal_year: int) -> Plan | None:
    """The plan whose period covers ``fiscal_year`` (latest-starting first when periods overlap)."""
    return (
        Plan.objects.filter(municipality=municipality, start_fiscal_year__lte=fiscal_year)
        .filter(Q(end_fiscal_year__gte=fiscal_year) | Q(progress_reports__fiscal_year=fiscal_year))
        .order_by("-start_fiscal_year")
        .first()
    )


def grade_scale_list(*, municipality: Municipality) -> list[GradeDefinition]:
    return list(GradeDefinition.objects.filter(municipality=municipality).order_by("position"))


def projects_for_report(*, plan: Plan, fiscal_year: int) -> list[tuple[Project, ProjectReport | None]]:
    """Projects in plan order with their report of ``fiscal_year``, everything prefetched (constant queries).

    A year with reports lists the projects reported on; a year without any (nothing opened yet) lists all.
    """
    reports = (
        ProjectReport.objects.filter(project__plan=plan, fiscal_year=fiscal_year)
        .select_related("grade")
        .prefetch_related(Prefetch("result_tables", queryset=ResultTable.objects.prefetch_related("rows")))
    )
    by_project = {r.project_id: r for r in reports}
    projects = (
        Project.objects.filter(plan=plan)
        .select_related("pillar", "policy")
        .prefetch_related(
            "tags",
            Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department")),
            Prefetch("schedule_rows", queryset=ScheduleRow.objects.prefetch_related("cells")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.select_related("revision"))
                ),
            ),
        )
        .order_by("position")
    )
    if by_project:
        return [(p, by_project[p.pk]) for p in projects if p.pk in by_project]
    return [(p, None) for p in projects]


def under_consideration_list(*, plan: Plan, fiscal_year: int) -> list[PolicyUnderConsideration]:
    return list(
        PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year)
        .select_related("pillar", "policy")
        .order_by("position")
    )
