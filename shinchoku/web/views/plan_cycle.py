"""DX staff's corrections to a running year: move the due date; reopen an approved report.

Reopening needs a reason (recorded in the report's history and the audit log); reopening a report of a
published year reopens the year (its publication stays), so the year is published again afterwards as the
next version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.services import CycleError, report_reopen, reporting_year_due_date_set
from shinchoku.permissions import Action
from shinchoku.plans.models import ReportState
from shinchoku.wareki import format_date
from shinchoku.web.forms_plan import parse_date
from shinchoku.web.views import cycle as cycle_views
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    plan_or_404,
    project_or_404,
    report_or_404,
    warn_if_past,
)
from shinchoku.web.views.cycle_helpers import started_year_or_message

REOPENABLE = (ReportState.APPROVED,)


@login_required
@require_POST
def cycle_due_date_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.OPEN_CYCLE, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = started_year_or_message(request, plan, fiscal_year)
    if year is None:
        return redirect("web:cycle", municipality.pk, fiscal_year)
    raw = request.POST.get("due_date", "").strip()
    due_date = parse_date(raw)
    error = "提出期限を正しい日付で入力してください（例：令和7年6月30日、R7.6.30、2025-06-30）。" if due_date is None else ""
    if due_date is not None:
        try:
            reporting_year_due_date_set(year=year, due_date=due_date, by=request.user)
        except CycleError as exc:
            error = exc.message
    if error or due_date is None:
        return cycle_views._render(
            request, municipality, fiscal_year, status=400, new_due_date_value=raw, new_due_date_error=error
        )
    messages.success(request, f"提出期限を{format_date(due_date)}に変更しました。")
    warn_if_past(request, due_date)
    return redirect("web:cycle", municipality.pk, fiscal_year)


def _back(municipality_id: int, fiscal_year: int, project_id: int, to: str) -> str:
    name = "web:report_review" if to == "review" else "web:project_detail"
    return reverse(name, args=[municipality_id, fiscal_year, project_id])


@login_required
def report_reopen_view(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    """GET: the reopen form on its own page; POST (from here, the project page or the review page): reopen."""
    municipality = municipality_or_404(municipality_id)
    project = project_or_404(municipality, project_id)
    authorize(request, Action.REOPEN_REPORT, project)
    report = report_or_404(project.pk, fiscal_year)
    back_to = request.POST.get("next", "") if request.method == "POST" else request.GET.get("next", "")
    back_to = "review" if back_to == "review" else "detail"
    context: dict[str, Any] = {
        "breadcrumbs": [
            ("個別事業計画一覧", reverse("web:project_list", args=[municipality.pk, fiscal_year])),
            (project.name, reverse("web:project_detail", args=[municipality.pk, fiscal_year, project.pk])),
            ("報告の再開", None),
        ],
        "project": project,
        "report": report,
        "reopenable": report.state in REOPENABLE,
        "back_to": back_to,
        "back_url": _back(municipality.pk, fiscal_year, project.pk, back_to),
    }
    if request.method != "POST":
        return page(request, "web/plan/reopen.html", municipality=municipality, fiscal_year=fiscal_year,
                    section="projects", comment="", **context)
    comment = request.POST.get("comment", "").replace("\r\n", "\n")
    was_published = report.reporting_year.is_published
    try:
        report_reopen(report=report, by=request.user, comment=comment)
    except CycleError as exc:
        return page(request, "web/plan/reopen.html", municipality=municipality, fiscal_year=fiscal_year,
                    section="projects", status=400, comment=comment, error=exc.message, **context)
    note = (
        "この年度を再開しました（公表済みの版はそのまま残ります）。修正・承認の後、もう一度公表すると次の版になります。"
        if was_published
        else ""
    )
    messages.success(request, f"「{project.name}」の報告を再開し、担当部署に差し戻しました。{note}")
    return redirect(_back(municipality.pk, fiscal_year, project.pk, "detail"))
