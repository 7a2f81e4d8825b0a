"""DX staff edit a project's schedule (スケジュール): rows × the plan's fiscal years, a track label per row.

Rows are added and removed with submit buttons (``action=add`` / ``action=remove-<index>``): the page comes
back with the rows changed and nothing saved, so the editor works without JavaScript. ``action=save`` (also
what Enter in a field sends, the first button of the form) stores the schedule through the service, which
drops empty cells and rows and writes nothing when nothing changed.

HQ and viewers read the page (the form is disabled); department editors get a 403, other municipalities 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shinchoku.cycle.concurrency import edit_token, schedule_state
from shinchoku.cycle.services import CycleError, project_schedule_set
from shinchoku.permissions import Action, can
from shinchoku.plans.models import Plan, Project, ScheduleRow
from shinchoku.tenancy.models import Municipality
from shinchoku.web.forms_plan import FormInvalid, ScheduleFormData
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    plan_or_404,
    seen_to_keep,
    seen_token,
)
from shinchoku.web.views.project_edit import plan_project_or_404, service_error


def _render(
    request: HttpRequest,
    municipality: Municipality,
    fiscal_year: int,
    plan: Plan,
    project: Project,
    data: ScheduleFormData,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    focus: str = "",
    notice: str = "",
    seen: str | None = None,
) -> HttpResponse:
    admin_url = reverse("web:plan_admin", args=[municipality.pk, fiscal_year])
    project_url = reverse("web:project_edit", args=[municipality.pk, fiscal_year, project.pk])
    context: dict[str, Any] = {
        "plan": plan,
        "project": project,
        "data": data,
        "errors": errors or {},
        "focus": focus,
        "notice": notice,
        "can_edit": can(request.user, Action.EDIT_PLAN, plan),
        # Adding or removing a row re-shows the form unsaved: it keeps the token it was loaded with.
        "seen": seen or edit_token(schedule_state(project)),
    }
    return page(
        request,
        "web/plan/schedule_form.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        status=status,
        breadcrumbs=[("計画の管理", admin_url), (project.name, project_url), ("スケジュール", None)],
        **context,
    )


@login_required
def schedule_edit(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    years = list(plan.fiscal_years)
    if request.method != "POST":
        authorize(request, Action.VIEW_DASHBOARD, municipality)
        rows = ScheduleRow.objects.filter(project=project).order_by("position", "pk").prefetch_related("cells")
        return _render(request, municipality, fiscal_year, plan, project, ScheduleFormData.from_rows(years, rows))
    authorize(request, Action.EDIT_PLAN, plan)
    data = ScheduleFormData.from_post(request.POST, years)
    action = request.POST.get("action", "save")
    if action == "add":
        data.add_row()
        return _render(
            request, municipality, fiscal_year, plan, project, data, focus=f"row-{len(data.rows) - 1}-track",
            seen=seen_to_keep(request), notice=f"{len(data.rows)}行目を追加しました。入力後「保存する」を押してください（まだ保存されていません）。",
        )
    if action.startswith("remove-"):
        try:
            index = int(action.removeprefix("remove-"))
        except ValueError:
            index = -1
        data.remove_row(index)
        return _render(
            request, municipality, fiscal_year, plan, project, data, seen=seen_to_keep(request),
            notice=f"{index + 1}行目を削除しました。「保存する」を押すと確定します（まだ保存されていません）。",
        )
    refusal: Exception | None = None
    try:
        project_schedule_set(project=project, rows=data.values(), by=request.user, seen=seen_token(request))
    except FormInvalid as exc:
        errors = exc.errors
    except CycleError as exc:
        errors, refusal = service_error(exc, "schedule"), exc
    else:
        messages.success(request, f"「{project.name}」のスケジュールを保存しました。")
        return redirect("web:schedule_edit", municipality.pk, fiscal_year, project.pk)
    return _render(
        request, municipality, fiscal_year, plan, project, data, status=400, errors=errors,
        seen=seen_to_keep(request, refusal),
    )
