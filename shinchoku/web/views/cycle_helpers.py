"""Small reads shared by several pages: the reporting year and whether a report is late."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

from shinchoku.cycle import selectors
from shinchoku.plans.models import Plan, ProjectReport, ReportingYear


def started_year_or_message(request: HttpRequest, plan: Plan, fiscal_year: int) -> ReportingYear | None:
    """The reporting year for actions that need one; None (with the message queued) before it exists."""
    year = selectors.reporting_year_for(plan=plan, fiscal_year=fiscal_year)
    if year is None:
        messages.error(request, "この年度の進行管理は開始されていません。")
    return year


def is_overdue(year: ReportingYear | None, report: ProjectReport | None) -> bool:
    """Past the due date and still owed by the department (the same rule as ``cycle_completion``)."""
    if year is None or not year.is_open or year.due_date is None:
        return False
    state = report.state if report else selectors.NOT_STARTED
    return state in selectors.OUTSTANDING_STATES and timezone.localdate() > year.due_date
