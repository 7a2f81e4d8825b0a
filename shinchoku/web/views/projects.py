"""Project list (what the user may see) and the project page (plan content, the year's report, history)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from shinchoku.cycle import selectors
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    Indicator,
    IndicatorValue,
    Project,
    ProjectDepartment,
    ProjectReport,
    ReportState,
    ScheduleRow,
)
from shinchoku.wareki import current_fiscal_year
from shinchoku.web.presenters import indicator_rows, schedule_table
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404, project_or_404
from shinchoku.web.views.cycle_helpers import is_overdue

PUBLISHED_BADGE = "published"


@dataclass
class ProjectRow:
    project: Project
    report: ProjectReport | None
    overdue: bool
    can_edit: bool
    can_review: bool
    year_published: bool = False

    @property
    def state(self) -> str:
        # People read an approved report of a published year as 公表済み: "published" is the year's state.
        if self.report is not None and self.year_published and self.report.state == ReportState.APPROVED:
            return PUBLISHED_BADGE
        return self.report.state if self.report else ""


@login_required
def project_list(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_MUNICIPALITY, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = selectors.reporting_year_for(plan=plan, fiscal_year=fiscal_year)
    projects = (
        selectors.projects_visible_to(user=request.user, plan=plan)
        .select_related("plan", "pillar", "policy")
        .prefetch_related(
            Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department"))
        )
    )
    reports = {
        r.project_id: r
        for r in ProjectReport.objects.filter(project__plan=plan, fiscal_year=fiscal_year).select_related("grade")
    }
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        rows.append(
            ProjectRow(
                project=project,
                report=report,
                overdue=is_overdue(year, report),
                year_published=bool(year and year.is_published),
                can_edit=report is not None
                and report.state in (ReportState.DRAFT, ReportState.RETURNED)
                and can(request.user, Action.EDIT_REPORT, project),
                can_review=report is not None
                and report.state == ReportState.SUBMITTED
                and can(request.user, Action.REVIEW_REPORT, project),
            )
        )
    return page(
        request,
        "web/project_list.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="projects",
        plan=plan,
        year=year,
        rows=rows,
        sees_all=can(request.user, Action.VIEW_DASHBOARD, municipality),
        can_edit_plan=can(request.user, Action.EDIT_PLAN, municipality),
    )


@login_required
def project_detail(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    project = project_or_404(municipality, project_id)
    project = (
        Project.objects.filter(pk=project.pk)
        .select_related("plan", "pillar", "policy")
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
        .get()
    )
    authorize(request, Action.VIEW_PROJECT, project)
    report = (
        ProjectReport.objects.filter(project=project, fiscal_year=fiscal_year)
        .select_related("grade", "department_grade", "suggested_grade")
        .first()
    )
    year = selectors.reporting_year_for(plan=project.plan, fiscal_year=fiscal_year)
    years = list(project.plan.fiscal_years)
    schedule = schedule_table(project, years)
    editable = report is not None and report.state in (ReportState.DRAFT, ReportState.RETURNED)
    return page(
        request,
        "web/project_detail.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="projects",
        breadcrumbs=[
            ("個別事業計画一覧", reverse("web:project_list", args=[municipality.pk, fiscal_year])),
            (project.name, None),
        ],
        project=project,
        report=report,
        year=year,
        overdue=is_overdue(year, report),
        schedule=schedule,
        has_tracks=any(track for track, _ in schedule.rows),
        indicators=indicator_rows(project, years, fiscal_year),
        history=selectors.report_history(report=report) if report else [],
        audit_entries=selectors.audit_for_project(project=project)[:50],
        can_edit=editable and can(request.user, Action.EDIT_REPORT, project),
        can_review=report is not None
        and report.state == ReportState.SUBMITTED
        and can(request.user, Action.REVIEW_REPORT, project),
        current_fiscal_year=current_fiscal_year(),
        can_reopen=report is not None
        and report.state == ReportState.APPROVED
        and can(request.user, Action.REOPEN_REPORT, project),
        can_edit_plan=can(request.user, Action.EDIT_PLAN, project.plan),
    )

