"""HQ's review of a submitted report: suggestion / department / final grade side by side; return or approve."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from shinchoku.cycle import selectors, selectors_queues
from shinchoku.cycle.models import ItemKind
from shinchoku.cycle.services import CycleError, report_approve, report_return
from shinchoku.cycle.services.transitions import submitter_id
from shinchoku.permissions import Action, can
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportState
from shinchoku.plans.selectors import grade_scale_list
from shinchoku.tenancy.models import Municipality
from shinchoku.web.forms import ReviewFormData, grade_by_pk
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    project_breadcrumbs,
    project_or_404,
    report_or_404,
)


def _render(
    request: HttpRequest,
    *,
    municipality: Municipality,
    report: ProjectReport,
    data: ReviewFormData,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    items = selectors.report_items(report=report)
    grades = grade_scale_list(municipality=municipality)
    project = report.project
    fiscal_year = report.fiscal_year
    as_planned: GradeDefinition | None = next((g for g in grades if g.as_planned), None)
    return page(
        request,
        "web/review.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="projects",
        breadcrumbs=project_breadcrumbs(municipality, project, fiscal_year, "審査"),
        status=status,
        project=project,
        report=report,
        data=data,
        items=items,
        item_label={row.item.pk: (row.indicator.name if row.indicator else "スケジュール") for row in items},
        grades=grades,
        as_planned=as_planned,
        reviewable=report.state == ReportState.SUBMITTED and can(request.user, Action.REVIEW_REPORT, report),
        # Shown before the user tries: the service refuses it anyway (report_approve).
        own_submission=report.state == ReportState.SUBMITTED and submitter_id(report) == request.user.pk,
        can_reopen=report.state == ReportState.APPROVED
        and can(request.user, Action.REOPEN_REPORT, report),
        history=selectors.report_history(report=report),
        schedule_kind=ItemKind.SCHEDULE,
        previous=selectors_queues.previous_report(report=report),
        indicator_items=[row for row in items if row.indicator],
        warnings=[f"{row.indicator.name}：{w.message}" for row in items if row.indicator for w in row.warnings],
        **extra,
    )


@login_required
def report_review(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    project = project_or_404(municipality, project_id)
    # DX staff reach the page to reopen an approved report even where they do not review (approvers = hq);
    # a return or approval by them is still refused by the services.
    if not can(request.user, Action.REOPEN_REPORT, project):
        authorize(request, Action.REVIEW_REPORT, project)
    report = report_or_404(project.pk, fiscal_year)
    items = selectors.report_items(report=report)
    if request.method != "POST":
        return _render(
            request, municipality=municipality, report=report, data=ReviewFormData.from_report(report, items)
        )

    data = ReviewFormData.from_post(request.POST, items)
    decision = request.POST.get("decision")
    shown = request.POST.get("version", "")
    expected_version = int(shown) if shown.isdigit() else None
    grades = grade_scale_list(municipality=municipality)
    try:
        if decision == "return":
            report_return(report=report, by=request.user, comment=data.comment, expected_version=expected_version)
            messages.success(request, f"「{project.name}」の報告を担当部署に差し戻しました。")
        elif decision == "approve":
            report_approve(
                report=report,
                by=request.user,
                final_grade=grade_by_pk(grades, data.final_grade),
                rationale=data.rationale,
                item_final_grades={item_id: grade_by_pk(grades, raw) for item_id, raw in data.item_final_grades.items()},
                non_b_summary=data.non_b_summary,
                comment=data.comment,
                expected_version=expected_version,
            )
            messages.success(request, f"「{project.name}」の報告を承認しました。")
        else:
            return _render(request, municipality=municipality, report=report, data=data, status=400,
                           error="「差戻し」または「承認」を選んでください。", decision=decision)
    except CycleError as exc:
        return _render(request, municipality=municipality, report=report, data=data, status=400,
                       error=exc.message, decision=decision)
    return redirect("web:project_detail", municipality.pk, fiscal_year, project.pk)
