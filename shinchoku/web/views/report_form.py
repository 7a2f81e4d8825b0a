"""The department's form for one project and year: save a draft, submit; conflicts and locks are shown."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle import selectors, selectors_queues
from shinchoku.cycle.errors import CycleError, InvalidInput
from shinchoku.cycle.models import ItemKind
from shinchoku.cycle.services import (
    IncompleteReport,
    InvalidActualValue,
    ReportConflict,
    ReportLocked,
    TransitionNotAllowed,
    report_save,
    report_submit,
    report_withdraw,
)
from shinchoku.cycle.workflow import EDITABLE_STATES, WITHDRAW
from shinchoku.permissions import Action, can
from shinchoku.plans.models import ProjectReport, ReportState, ScheduleStatus
from shinchoku.plans.selectors import grade_scale_list
from shinchoku.tenancy.models import Municipality
from shinchoku.web.forms import LIST_FIELDS, ListOp, ReportFormData, grade_by_pk
from shinchoku.web.forms_result_tables import TableOp
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
    data: ReportFormData,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    items = extra.pop("items")
    previous = extra.pop("previous", None) or selectors_queues.previous_report(report=report)
    fiscal_year = report.fiscal_year
    project = report.project
    history = selectors.report_history(report=report)
    return page(
        request,
        "web/report_form.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="projects",
        breadcrumbs=project_breadcrumbs(municipality, project, fiscal_year, "報告の入力"),
        status=status,
        project=project,
        report=report,
        data=data,
        items=items,
        schedule_item=next((row for row in items if row.item.kind == ItemKind.SCHEDULE), None),
        indicator_items=[row for row in items if row.item.kind == ItemKind.INDICATOR],
        grades=grade_scale_list(municipality=municipality),
        schedule_choices=ScheduleStatus.choices,
        list_fields=[(name, label, data.lists[name]) for name, label in LIST_FIELDS.items()],
        editable=report.state in EDITABLE_STATES,
        can_submit=can(request.user, Action.SUBMIT_REPORT, report),
        can_withdraw=WITHDRAW.allows_from(report.state) and not report.reporting_year.is_locked
        and can(request.user, WITHDRAW.action, report),
        history=history,
        previous=previous,
        # Of the saved values (the rows' actuals): a warning follows a save, never blocks it.
        warnings=[f"{row.indicator.name}：{w.message}" for row in items if row.indicator for w in row.warnings],
        return_reason=selectors.return_reason(history) if report.state == ReportState.RETURNED else None,
        **extra,
    )


@login_required
def report_edit(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    project = project_or_404(municipality, project_id)
    authorize(request, Action.EDIT_REPORT, project)
    report = report_or_404(project.pk, fiscal_year)
    items = selectors.report_items(report=report)

    if request.method != "POST":
        return _render(
            request, municipality=municipality, report=report, items=items,
            data=ReportFormData.from_report(report, items),
        )

    data = ReportFormData.from_post(request.POST, items, report.version)
    if request.POST.get("op") == "copy_next_year":  # 今年度の取組に写す: fill the form, save nothing
        previous = selectors_queues.previous_report(report=report)
        if previous is not None:
            kept = [t for t in data.lists["results"] if t.strip()]
            data.lists["results"] = kept + [t for t in previous.next_year if t not in kept]
            data.dirty, data.focus = True, ("results", len(data.lists["results"]) - 1)
        return _render(request, municipality=municipality, report=report, items=items, data=data, previous=previous)
    op = ListOp.parse(request.POST.get("op"))
    if op is not None:  # add / move / remove an item: re-render, save nothing (works without JavaScript)
        data.apply(op)
        return _render(request, municipality=municipality, report=report, items=items, data=data)
    table_op = TableOp.parse(request.POST.get("op"))
    if table_op is not None and data.tables.present:  # 成果の表: add / remove a table or a row, save nothing
        data.tables.apply(table_op, len(data.lists["results"]))
        return _render(request, municipality=municipality, report=report, items=items, data=data)

    grades = grade_scale_list(municipality=municipality)
    lists = data.cleaned_lists()
    try:
        result_tables = data.tables.for_service(data.lists["results"])
        saved = report_save(
            report=report,
            by=request.user,
            expected_version=data.version,
            results=lists["results"],
            challenges=lists["challenges"],
            next_year=lists["next_year"],
            actuals=data.actuals,
            schedule_status=data.schedule_status or None,
            department_grade=grade_by_pk(grades, data.department_grade),
            item_grades={item_id: grade_by_pk(grades, raw) for item_id, raw in data.item_grades.items()},
            comment=data.comment,
            result_tables=result_tables,
        )
    except ReportConflict as exc:
        # Nothing was saved. The user's input stays on screen; the new version lets them save it deliberately.
        fresh = report_or_404(project.pk, fiscal_year)
        data.version = exc.current_version
        return _render(
            request, municipality=municipality, report=fresh, items=selectors.report_items(report=fresh),
            data=data, status=409, conflict=exc,
        )
    except ReportLocked as exc:
        messages.error(request, exc.message)
        return redirect("web:report_edit", municipality.pk, fiscal_year, project.pk)
    except InvalidActualValue as exc:
        return _render(
            request, municipality=municipality, report=report, items=items, data=data, status=400,
            actual_errors=exc.errors, error=exc.message,
        )
    except (InvalidInput, CycleError) as exc:
        if isinstance(exc, InvalidInput) and exc.field == "result_tables":
            data.tables.mark(exc.message)  # shown next to the editor, the rows it names marked
        return _render(
            request, municipality=municipality, report=report, items=items, data=data, status=400,
            error=exc.message,
        )

    if request.POST.get("action") == "submit":
        try:
            report_submit(report=saved, by=request.user)
        except IncompleteReport as exc:
            messages.warning(request, "下書きを保存しました。提出するには不足している項目を入力してください。")
            fresh = report_or_404(project.pk, fiscal_year)
            fresh_items = selectors.report_items(report=fresh)
            return _render(
                request, municipality=municipality, report=fresh, items=fresh_items,
                data=ReportFormData.from_report(fresh, fresh_items), status=400, missing=exc.missing,
            )
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("web:report_edit", municipality.pk, fiscal_year, project.pk)
        messages.success(request, f"「{project.name}」の報告を提出しました。")
        return redirect("web:project_detail", municipality.pk, fiscal_year, project.pk)

    if any(row.warnings for row in selectors.report_items(report=saved)):
        messages.warning(request, "下書きを保存しました。確認が必要な値があります（⚠）。")
        return redirect(f"{saved_url(municipality.pk, fiscal_year, project.pk)}#plausibility")
    messages.success(request, "下書きを保存しました。")
    return redirect("web:report_edit", municipality.pk, fiscal_year, project.pk)


def saved_url(municipality_id: int, fiscal_year: int, project_id: int) -> str:
    return reverse("web:report_edit", args=[municipality_id, fiscal_year, project_id])


@login_required
@require_POST
def report_withdraw_view(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    """取り下げ: the department takes a submitted report back to draft (the service checks who and when)."""
    municipality = municipality_or_404(municipality_id)
    project = project_or_404(municipality, project_id)
    authorize(request, Action.SUBMIT_REPORT, project)
    report = report_or_404(project.pk, fiscal_year)
    try:
        report_withdraw(report=report, by=request.user)
    except CycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "提出を取り下げました。報告は作成中に戻りました。情報化推進本部に通知しました。")
    return redirect("web:report_edit", municipality.pk, fiscal_year, project.pk)
