"""Small reads shared by several pages: the year's cycle and whether a report is late."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

from shinchoku.cycle import selectors
from shinchoku.cycle.models import ReportingCycle
from shinchoku.plans.models import Plan, ProjectReport


def started_cycle_or_message(request: HttpRequest, plan: Plan, fiscal_year: int) -> ReportingCycle | None:
    """The year's cycle for actions that need one; None (with the message queued) before it is opened."""
    cycle = selectors.cycle_for(plan=plan, fiscal_year=fiscal_year)
    if cycle is None:
        messages.error(request, "この年度の進行管理は開始されていません。")
    return cycle


def is_overdue(cycle: ReportingCycle | None, report: ProjectReport | None) -> bool:
    """Past the due date and still owed by the department (the same rule as ``cycle_completion``)."""
    if cycle is None or cycle.is_published:
        return False
    state = report.state if report else selectors.NOT_STARTED
    return state in selectors.OUTSTANDING_STATES and timezone.localdate() > cycle.due_date
