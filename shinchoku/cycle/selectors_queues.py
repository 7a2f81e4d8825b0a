"""The work queues of the home page, one per role: what this person should do next.

- Department editor: the reports of their own departments in the open year, 差戻し first (it is waiting for
  them), then 未着手 and 作成中, then what is with HQ or done; each with the due date and whether it is past.
- HQ reviewer: the submitted reports, oldest submission first ("waiting since" is the submit transition),
  filterable by pillar, department and divergence (department grade ≠ suggestion), each flagged when an
  actual draws a plausibility warning and marked when it may be approved in bulk.
- DX staff: completion (``selectors.cycle_completion``, which tells 未着手 from 作成中).

Each runs inside the municipality's scope and costs a constant number of queries (pinned in the tests).
The previous fiscal year's report of a project (the review aid beside this year's) is here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from shinchoku.cycle.evaluation import achievement_rate
from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.cycle.plausibility import warnings_for
from shinchoku.cycle.selectors import COMPLETION_STATES, NOT_STARTED, indicator_values_current, is_untouched
from shinchoku.cycle.workflow import bulk_approve_problem
from shinchoku.permissions import editable_department_ids
from shinchoku.plans.models import (
    GradeDefinition,
    ProjectDepartment,
    ProjectReport,
    ReportingYear,
    ReportState,
    ValueKind,
)
from shinchoku.tenancy.models import Department

# The department's order of work: what HQ sent back first, then what is not yet done, then the rest.
DEPARTMENT_ORDER = {ReportState.RETURNED: 0, NOT_STARTED: 1, ReportState.DRAFT: 2, ReportState.SUBMITTED: 3,
                    ReportState.APPROVED: 4}


@dataclass
class DepartmentQueueRow:
    report: ProjectReport
    state: str  # not_started / draft / returned / submitted / approved
    due_date: dt.date | None
    overdue: bool

    @property
    def state_label(self) -> str:
        return COMPLETION_STATES[self.state]

    @property
    def to_do(self) -> bool:
        return self.state in (ReportState.RETURNED, NOT_STARTED, ReportState.DRAFT)


@dataclass
class DepartmentQueue:
    year: ReportingYear
    rows: list[DepartmentQueueRow]

    @property
    def counts(self) -> dict[str, int]:
        counted = {state: 0 for state in DEPARTMENT_ORDER}
        for row in self.rows:
            counted[row.state] += 1
        return counted

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def to_do(self) -> int:
        return sum(1 for row in self.rows if row.to_do)


def department_queue(*, user: Any, year: ReportingYear, today: dt.date | None = None) -> DepartmentQueue:
    """The user's departments' reports of ``year``, 差戻し first. One query (plus the user's grants)."""
    today = today or timezone.localdate()
    department_ids = editable_department_ids(user, year.plan.municipality_id)
    if not department_ids:
        return DepartmentQueue(year=year, rows=[])
    reports = list(
        ProjectReport.objects.filter(reporting_year=year, project__department_links__department_id__in=department_ids)
        .select_related("project")
        .distinct()
        .order_by("project__position")
    )
    late = year.is_open and year.due_date is not None and today > year.due_date
    rows = []
    for report in reports:
        state = NOT_STARTED if is_untouched(report) else report.state
        rows.append(
            DepartmentQueueRow(
                report=report, state=state, due_date=year.due_date,
                overdue=late and state in (NOT_STARTED, ReportState.DRAFT, ReportState.RETURNED),
            )
        )
    rows.sort(key=lambda row: DEPARTMENT_ORDER.get(row.state, 9))  # stable: plan order within a state
    return DepartmentQueue(year=year, rows=rows)


@dataclass
class ReviewQueueRow:
    report: ProjectReport
    departments: list[Department]
    waiting_since: dt.datetime | None
    warnings: list[str] = field(default_factory=list)
    bulk_eligible: bool = False

    @property
    def divergent(self) -> bool:
        r = self.report
        return r.department_grade_id is not None and r.department_grade_id != r.suggested_grade_id


@dataclass(frozen=True)
class ReviewFilters:
    pillar_id: int | None = None
    department_id: int | None = None
    divergent: bool | None = None  # True: only divergent; False: only matching; None: all

    @classmethod
    def parse(cls, query: Any) -> ReviewFilters:
        def number(name: str) -> int | None:
            raw = str(query.get(name, "")).strip()
            return int(raw) if raw.isdigit() else None

        raw = str(query.get("divergent", "")).strip()
        return cls(number("pillar"), number("department"), True if raw == "1" else False if raw == "0" else None)

    @property
    def active(self) -> bool:
        return self.pillar_id is not None or self.department_id is not None or self.divergent is not None


def item_warnings(*, items: list[ItemEvaluation], values: dict[tuple[int, str, int], Any], fiscal_year: int) -> list[str]:
    """The plausibility warnings of a report's indicator items (already fetched), as messages."""
    messages: list[str] = []
    for item in items:
        if item.kind != ItemKind.INDICATOR or item.indicator is None:
            continue
        iid = item.indicator.pk
        actual = values.get((iid, ValueKind.ACTUAL, fiscal_year))
        if actual is None:
            continue
        target = values.get((iid, ValueKind.TARGET, fiscal_year))
        last = values.get((iid, ValueKind.ACTUAL, fiscal_year - 1))
        rate = achievement_rate(
            actual=actual.value, target=target.value if target else None, direction=item.indicator.direction
        )
        for w in warnings_for(actual=actual.value, unit=item.indicator.unit, rate=rate,
                              last_actual=last.value if last else None):
            messages.append(f"{item.indicator.name}：{w.message}")
    return messages


def warnings_by_report(*, reports: Sequence[ProjectReport]) -> dict[int, list[str]]:
    """Each report's plausibility warnings (report id → messages), for many reports in two queries."""
    items = list(
        ItemEvaluation.objects.filter(report__in=reports).select_related("indicator").order_by("position")
    ) if reports else []
    values = indicator_values_current(indicator_ids={i.indicator_id for i in items if i.indicator_id}) if items else {}
    by_report: dict[int, list[ItemEvaluation]] = {}
    for item in items:
        by_report.setdefault(item.report_id, []).append(item)
    return {
        r.pk: item_warnings(items=by_report.get(r.pk, []), values=values, fiscal_year=r.fiscal_year) for r in reports
    }


def review_queue(*, year: ReportingYear, filters: ReviewFilters = ReviewFilters()) -> list[ReviewQueueRow]:
    """Submitted reports of ``year``, longest waiting first, filtered; each with its warnings and whether it
    may be approved in bulk. Four queries: reports (with the submit time), items, values, the grade scale."""
    reports_qs = (
        ProjectReport.objects.filter(reporting_year=year, state=ReportState.SUBMITTED)
        .select_related("project__pillar", "suggested_grade", "department_grade")
        .prefetch_related(
            Prefetch("project__department_links", queryset=ProjectDepartment.objects.select_related("department"))
        )
        .annotate(waiting_since=Max("transitions__at", filter=Q(transitions__to_state=ReportState.SUBMITTED)))
    )
    if filters.pillar_id is not None:
        reports_qs = reports_qs.filter(project__pillar_id=filters.pillar_id)
    if filters.department_id is not None:
        reports_qs = reports_qs.filter(
            project__in=ProjectDepartment.objects.filter(department_id=filters.department_id).values("project_id")
        )
    reports = list(reports_qs)
    if filters.divergent is not None:
        reports = [
            r for r in reports
            if (r.department_grade_id is not None and r.department_grade_id != r.suggested_grade_id) is filters.divergent
        ]
    warnings = warnings_by_report(reports=reports)
    as_planned = GradeDefinition.objects.filter(municipality_id=year.plan.municipality_id, as_planned=True).first()
    rows = [
        ReviewQueueRow(
            report=r,
            departments=[link.department for link in r.project.department_links.all()],
            waiting_since=getattr(r, "waiting_since", None),
            warnings=warnings[r.pk],
            bulk_eligible=not bulk_approve_problem(r, as_planned=as_planned),
        )
        for r in reports
    ]
    far_future = timezone.now() + dt.timedelta(days=36500)
    rows.sort(key=lambda row: (row.waiting_since or far_future, row.report.project.position))
    return rows


def previous_report(*, report: ProjectReport) -> ProjectReport | None:
    """The same project's report of the previous fiscal year (with its final grade), or None. One query."""
    return (
        ProjectReport.objects.filter(project_id=report.project_id, fiscal_year=report.fiscal_year - 1)
        .select_related("grade")
        .first()
    )
