"""The DX staff's page for a reporting year: open it, follow completion, publish, reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shinchoku.cycle import selectors
from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services import reporting_year_open, reporting_year_reopen
from shinchoku.cycle.services.reminders import reminders_send
from shinchoku.cycle.workflow import YEAR_OPEN
from shinchoku.permissions import Action, can
from shinchoku.plans.selectors import publications_of
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.forms_plan import parse_date
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404, warn_if_past
from shinchoku.web.views.cycle_helpers import started_year_or_message


def _render(
    request: HttpRequest, municipality: Municipality, fiscal_year: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    plan = plan_or_404(municipality, fiscal_year)
    year = selectors.reporting_year_for(plan=plan, fiscal_year=fiscal_year)
    completion = selectors.cycle_completion(year=year) if year is not None and not year.state == "imported" else None
    pending = 0
    rows: list[selectors.CompletionRow] = []
    state_filter = request.GET.get("state", "")
    state_filter = state_filter if state_filter in selectors.COMPLETION_STATES else ""
    overdue_filter = request.GET.get("overdue") == "1"
    if completion is not None:
        pending = completion.total - completion.counts.get("approved", 0)
        # Every count on this page, the home page and the dashboard links here, filtered by ?state= / ?overdue=1.
        rows = [
            row for row in completion.rows
            if (not state_filter or row.state == state_filter) and (not overdue_filter or row.overdue)
        ]
    return page(
        request,
        "web/cycle.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="cycle",
        status=status,
        plan=plan,
        year=year,
        can_be_opened=YEAR_OPEN.allows_from(year.state if year else ""),
        publications=publications_of(year=year) if year else [],
        completion=completion,
        pending=pending,
        rows=rows,
        state_filter=state_filter,
        state_filter_label=selectors.COMPLETION_STATES.get(state_filter, ""),
        overdue_filter=overdue_filter,
        days_over=-completion.days_left if completion is not None else 0,
        state_labels=selectors.COMPLETION_STATES,
        can_open=can(request.user, Action.OPEN_CYCLE, municipality),
        can_hq_workbook=can(request.user, Action.HQ_WORKBOOK_DOWNLOAD, municipality),
        can_publish=can(request.user, Action.PUBLISH_CYCLE, municipality),
        **extra,
    )


@login_required
def cycle_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_CYCLE, municipality)
    return _render(request, municipality, fiscal_year)


@login_required
@require_POST
def cycle_open_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.OPEN_CYCLE, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    raw = request.POST.get("due_date", "").strip()
    due_date = parse_date(raw)
    if due_date is None:
        return _render(
            request, municipality, fiscal_year, status=400, due_date_value=raw,
            due_date_error="提出期限を正しい日付で入力してください（例：令和7年5月31日、R7.5.31、2025-05-31）。",
        )
    try:
        reporting_year_open(plan=plan, fiscal_year=fiscal_year, due_date=due_date, by=request.user)
    except CycleError as exc:
        return _render(request, municipality, fiscal_year, status=400, due_date_value=raw, due_date_error=exc.message)
    messages.success(request, f"{format_fiscal_year(fiscal_year)}の進行管理を開始しました。各担当部署に入力を依頼してください。")
    warn_if_past(request, due_date)
    return redirect("web:cycle", municipality.pk, fiscal_year)


@login_required
@require_POST
def year_reopen_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.REOPEN_REPORT, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = started_year_or_message(request, plan, fiscal_year)
    if year is None:
        return redirect("web:cycle", municipality.pk, fiscal_year)
    try:
        reporting_year_reopen(year=year, by=request.user, comment=request.POST.get("comment", ""))
    except CycleError as exc:
        return _render(request, municipality, fiscal_year, status=400, reopen_error=exc.message,
                       reopen_comment=request.POST.get("comment", ""))
    messages.success(
        request,
        f"{format_fiscal_year(fiscal_year)}を再開しました。公表済みの版はそのまま残ります。修正後にもう一度公表すると次の版になります。",
    )
    return redirect("web:cycle", municipality.pk, fiscal_year)


@login_required
@require_POST
def cycle_remind_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """督促: e-mail the departments with outstanding reports — every one once the due date has passed, or the
    one department chosen (through the same service as ``shinchoku remind``)."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.OPEN_CYCLE, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = started_year_or_message(request, plan, fiscal_year)
    if year is None:
        return redirect("web:cycle", municipality.pk, fiscal_year)
    raw = request.POST.get("department", "")
    department = Department.objects.filter(municipality=municipality, pk=int(raw)).first() if raw.isdigit() else None
    if raw and department is None:
        messages.error(request, "担当部署が見つかりません。")
        return redirect("web:cycle", municipality.pk, fiscal_year)
    try:
        outcome = reminders_send(year=year, by=request.user, department=department, only_overdue=department is None)
    except CycleError as exc:
        messages.error(request, exc.message)
        return redirect("web:cycle", municipality.pk, fiscal_year)
    if department is None and outcome.completion.days_left >= 0:
        messages.warning(request, "提出期限を過ぎていないため、督促しませんでした。部署ごとの「督促」は送れます。")
    elif outcome.mailed:
        names = "、".join(d.name for d, _, _ in outcome.mailed)
        messages.success(request, f"{len(outcome.mailed)}部署に督促メールを送りました（{names}）。")
    else:
        messages.warning(request, "督促する部署はありませんでした（0部署に送信）。")
    if outcome.unreachable:
        names = "、".join(d.name if d else "（担当部署なし）" for d, _ in outcome.unreachable)
        messages.warning(request, f"メールアドレスがないため督促できなかった部署があります：{names}")
    return redirect("web:cycle", municipality.pk, fiscal_year)
