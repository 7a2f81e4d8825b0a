"""Reads of the reporting cycle that matter: completion, dashboard, audit, history, visibility.

Each runs inside ``scope(municipality=...)`` (the web middleware provides it; tests and commands open one)
and costs a constant number of queries, whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shinchoku import wareki
from shinchoku.cycle import audit_actions
from shinchoku.cycle.evaluation import achievement_rate
from shinchoku.cycle.models import AuditEntry, ItemEvaluation, Notification, ReportTransition
from shinchoku.cycle.plausibility import PlausibilityWarning, warnings_for
from shinchoku.cycle.workflow import TRANSITIONS
from shinchoku.permissions import editable_department_ids, sees_all_projects
from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Pillar,
    Plan,
    Project,
    ProjectDepartment,
    ProjectReport,
    ReportingYear,
    ReportState,
    ValueKind,
    YearState,
)
from shinchoku.plans.selectors import plan_for_fiscal_year, values_in_force
from shinchoku.tenancy.models import Department, Municipality

NOT_STARTED = "not_started"
COMPLETION_STATES: dict[str, str] = {NOT_STARTED: "未着手", **dict(ReportState.choices)}
# States in which the department still owes its report.
OUTSTANDING_STATES = frozenset({NOT_STARTED, ReportState.DRAFT, ReportState.RETURNED})


# -- indicator values ------------------------------------------------------------------------------------------


def indicator_values_current(*, indicator_ids: Iterable[int]) -> dict[tuple[int, str, int], IndicatorValue]:
    """One query: every current target and actual of the given indicators."""
    return values_in_force(IndicatorValue.objects.filter(indicator_id__in=list(indicator_ids)).select_related("revision"))


# -- visibility --------------------------------------------------------------------------------------------------


def projects_visible_to(*, user: Any, plan: Plan) -> QuerySet[Project]:
    """The plan's projects ``user`` may see: all for DX staff, HQ and viewers; a department editor's own
    departments' projects; nothing for anyone else (other municipalities, anonymous)."""
    projects = Project.objects.filter(plan=plan).order_by("position")
    if sees_all_projects(user, plan.municipality_id):
        return projects
    department_ids = editable_department_ids(user, plan.municipality_id)
    if not department_ids:
        return projects.none()
    return projects.filter(department_links__department_id__in=department_ids).distinct()


# -- completion --------------------------------------------------------------------------------------------------


@dataclass
class CompletionRow:
    project: Project
    departments: list[Department]
    report: ProjectReport | None
    state: str  # not_started / draft / submitted / returned / approved / published
    overdue: bool

    @property
    def state_label(self) -> str:
        return COMPLETION_STATES[self.state]


@dataclass
class DepartmentCompletion:
    department: Department | None  # None: projects with no department set
    rows: list[CompletionRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return _count_states(self.rows)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def outstanding(self) -> int:
        return sum(1 for row in self.rows if row.state in OUTSTANDING_STATES)


@dataclass
class CycleCompletion:
    year: ReportingYear
    today: dt.date
    rows: list[CompletionRow]
    departments: list[DepartmentCompletion]

    @property
    def counts(self) -> dict[str, int]:
        return _count_states(self.rows)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def days_left(self) -> int:
        return (self.year.due_date - self.today).days if self.year.due_date else 0


def _count_states(rows: Iterable[CompletionRow]) -> dict[str, int]:
    counted = Counter(row.state for row in rows)
    return {state: counted.get(state, 0) for state in COMPLETION_STATES}


def is_untouched(report: ProjectReport) -> bool:
    """A draft nobody has saved since the year was opened: 未着手, not 作成中.

    Opening the year creates the report at version 1 (and evaluation only stores the suggestion, without a
    bump); every save that changes something, and every transition, bumps the version. So version 1 in the
    draft state means nobody has written anything yet.
    """
    return report.state == ReportState.DRAFT and report.version == 1


def cycle_completion(*, year: ReportingYear, today: dt.date | None = None) -> CycleCompletion:
    """Per project of the year and per department: the report's state and whether it is overdue. Three queries."""
    today = today or timezone.localdate()
    projects = list(
        Project.objects.filter(plan_id=year.plan_id)
        .prefetch_related(
            Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department"))
        )
        .order_by("position")
    )
    reports = {r.project_id: r for r in ProjectReport.objects.filter(reporting_year=year)}
    late = year.is_open and year.due_date is not None and today > year.due_date
    rows: list[CompletionRow] = []
    by_department: dict[int | None, DepartmentCompletion] = {}
    for project in projects:
        report = reports.get(project.pk)
        if report is None and not project.is_active_in(year.fiscal_year):
            continue
        state = NOT_STARTED if report is None or is_untouched(report) else report.state
        departments = [link.department for link in project.department_links.all()]
        row = CompletionRow(
            project=project, departments=departments, report=report, state=state,
            overdue=late and state in OUTSTANDING_STATES,
        )
        rows.append(row)
        owners: list[Department | None] = [*departments] or [None]
        for department in owners:
            key = department.pk if department else None
            by_department.setdefault(key, DepartmentCompletion(department=department)).rows.append(row)
    ordered = sorted(by_department.values(), key=lambda d: (d.department is None, (d.department.position, d.department.name) if d.department else (0, "")))
    return CycleCompletion(year=year, today=today, rows=rows, departments=ordered)


def reporting_year_for(*, plan: Plan, fiscal_year: int) -> ReportingYear | None:
    return ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).select_related("plan").first()


def open_years(*, municipality: Municipality) -> list[ReportingYear]:
    """Years being reported on, newest first (the remind command's and the home page's work list)."""
    return list(
        ReportingYear.objects.filter(plan__municipality=municipality, state=YearState.OPEN)
        .select_related("plan")
        .order_by("-fiscal_year")
    )


# -- one report --------------------------------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: ItemEvaluation
    indicator: Indicator | None
    target: IndicatorValue | None
    actual: IndicatorValue | None
    last_actual: IndicatorValue | None = None  # the previous fiscal year's actual (review aid)

    @property
    def achievement_rate(self) -> Decimal | None:
        return self.item.achievement_rate

    @property
    def warnings(self) -> list[PlausibilityWarning]:
        if self.indicator is None or self.actual is None:
            return []
        return warnings_for(
            actual=self.actual.value, unit=self.indicator.unit, rate=self.item.achievement_rate,
            last_actual=self.last_actual.value if self.last_actual else None,
        )


def report_items(*, report: ProjectReport) -> list[ItemRow]:
    """The report's evaluation items with their current target and actual (three queries)."""
    items = list(
        ItemEvaluation.objects.filter(report=report)
        .select_related("indicator", "suggested_grade", "department_grade", "final_grade")
        .order_by("position")
    )
    values = indicator_values_current(indicator_ids=[i.indicator_id for i in items if i.indicator_id])
    rows = []
    for item in items:
        target = actual = last_actual = None
        if item.indicator_id:
            target = values.get((item.indicator_id, ValueKind.TARGET, report.fiscal_year))
            actual = values.get((item.indicator_id, ValueKind.ACTUAL, report.fiscal_year))
            last_actual = values.get((item.indicator_id, ValueKind.ACTUAL, report.fiscal_year - 1))
        rows.append(ItemRow(item=item, indicator=item.indicator, target=target, actual=actual, last_actual=last_actual))
    return rows


@dataclass
class HistoryItem:
    at: dt.datetime
    actor: Any
    kind: str  # "transition" or "change"
    action: str  # the transition name, or the audit action code
    label: str  # Japanese
    comment: str = ""
    before: Any = None
    after: Any = None


# Who sends a report back, by the transition that did: HQ returns a submitted report, DX staff reopen an
# approved one. The department must read the reason of the step that actually happened.
RETURN_REASON_LABELS: dict[str, str] = {
    "return": "差戻しの理由（情報化推進本部）",
    "reopen": "再開の理由（DX担当）",
}


@dataclass(frozen=True)
class ReturnReason:
    label: str
    comment: str
    actor: Any
    at: dt.datetime


def return_reason(history: list[HistoryItem]) -> ReturnReason | None:
    """Why the report is back with the department: the latest step into 差戻し (a return or a reopen), with its
    own comment and label. Pure, over :func:`report_history` (which the form already loads). A reopen's reason
    is not HQ's earlier approval comment, which is what ``hq_comment`` still holds after a reopen."""
    for item in reversed(history):
        if item.kind == "transition" and item.action in RETURN_REASON_LABELS:
            return ReturnReason(RETURN_REASON_LABELS[item.action], item.comment, item.actor, item.at)
    return None




def audit_label(action: str) -> str:
    return audit_actions.label(action)


def report_history(*, report: ProjectReport) -> list[HistoryItem]:
    """The report's workflow steps and field changes, oldest first (two queries)."""
    items: list[HistoryItem] = []
    for transition in ReportTransition.objects.filter(report=report).select_related("actor"):
        known = TRANSITIONS.get(transition.name)
        items.append(
            HistoryItem(
                at=transition.at, actor=transition.actor, kind="transition", action=transition.name,
                label=known.label if known else transition.name, comment=transition.comment,
                before=transition.from_state, after=transition.to_state,
            )
        )
    changes = AuditEntry.objects.filter(
        object_type="plans.projectreport", object_id=report.pk, action__endswith=".updated"
    ).select_related("actor")
    for entry in changes:
        items.append(
            HistoryItem(
                at=entry.at, actor=entry.actor, kind="change", action=entry.action,
                label=audit_label(entry.action), before=entry.before, after=entry.after,
            )
        )
    items.sort(key=lambda item: item.at)
    return items


# -- audit -------------------------------------------------------------------------------------------------------


def audit_for_project(*, project: Project, limit: int = 200) -> list[AuditEntry]:
    """Newest first: everything recorded about the project (its reports, indicators, targets); one query
    (the project and the actor are joined, as the history table shows both)."""
    return list(
        AuditEntry.objects.filter(project=project).select_related("actor", "project").order_by("-at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class AuditFilter:
    """What the log page and the export narrow the log to; every part optional. Dates are Japan dates,
    inclusive at both ends."""

    since: dt.date | None = None
    until: dt.date | None = None
    actor_id: int | None = None
    project_id: int | None = None
    action: str = ""  # an exact code ("report.submitted") or a family prefix ending in "." ("report.")


NO_FILTER = AuditFilter()


def _jst_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=wareki.JST)


def audit_entries(
    *, municipality: Municipality, filters: AuditFilter = NO_FILTER, before: dt.datetime | None = None,
    before_id: int | None = None,
) -> QuerySet[AuditEntry]:
    """Newest first, filtered; the actor and the project are joined (the readers show both). ``before`` (and
    ``before_id``, the last row shown, so rows sharing a timestamp are not skipped) pages back."""
    entries = AuditEntry.objects.filter(municipality=municipality)
    if filters.action.endswith("."):
        entries = entries.filter(action__startswith=filters.action)
    elif filters.action:
        entries = entries.filter(action=filters.action)
    if filters.since is not None:
        entries = entries.filter(at__gte=_jst_midnight(filters.since))
    if filters.until is not None:
        entries = entries.filter(at__lt=_jst_midnight(filters.until + dt.timedelta(days=1)))
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.project_id is not None:
        entries = entries.filter(project_id=filters.project_id)
    if before is not None and before_id is not None:
        entries = entries.filter(Q(at__lt=before) | Q(at=before, pk__lt=before_id))
    elif before is not None:
        entries = entries.filter(at__lt=before)
    return entries.select_related("actor", "project").order_by("-at", "-pk")


def audit_for_municipality(
    *, municipality: Municipality, limit: int = 200, action_prefix: str = "", before: dt.datetime | None = None,
    filters: AuditFilter | None = None, before_id: int | None = None,
) -> list[AuditEntry]:
    """Newest first; ``action_prefix`` ("report.", "plan.") or ``filters`` narrow, ``before`` pages back."""
    if filters is None:
        filters = AuditFilter(action=action_prefix)
    return list(audit_entries(municipality=municipality, filters=filters, before=before, before_id=before_id)[:limit])


def audit_filter_choices(*, municipality: Municipality) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(users who appear in the log, the municipality's projects) for the filter form: two queries."""
    from django.contrib.auth import get_user_model

    actor_ids = AuditEntry.objects.filter(municipality=municipality, actor__isnull=False).values("actor_id")
    users = [
        (u.pk, audit_actions.actor_name(u))
        for u in get_user_model().objects.filter(pk__in=actor_ids).order_by("username")
    ]
    projects = [
        (p.pk, p.name)
        for p in Project.objects.filter(plan__municipality=municipality).order_by("plan__start_fiscal_year", "position")
    ]
    return users, projects


# -- dashboard ---------------------------------------------------------------------------------------------------


@dataclass
class PillarGrades:
    pillar: Pillar
    counts: list[tuple[GradeDefinition, int]]  # in scale order
    ungraded: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts) + self.ungraded


@dataclass
class KpiPoint:
    fiscal_year: int
    target: IndicatorValue | None
    actual: IndicatorValue | None

    @property
    def achievement_rate(self) -> Decimal | None:
        if self.target is None or self.actual is None:
            return None
        return achievement_rate(
            actual=self.actual.value, target=self.target.value, direction=self.target.indicator.direction
        )


@dataclass
class KpiSeries:
    project: Project
    indicator: Indicator
    points: list[KpiPoint]


@dataclass
class NonBRow:
    project: Project
    report: ProjectReport
    grade: GradeDefinition


@dataclass
class Dashboard:
    municipality: Municipality
    fiscal_year: int
    plan: Plan | None
    year: ReportingYear | None
    grades: list[GradeDefinition]
    grade_distribution: list[PillarGrades]
    completion: dict[str, int]
    kpi_series: list[KpiSeries]
    non_b: list[NonBRow]


def dashboard(*, municipality: Municipality, fiscal_year: int) -> Dashboard:
    """Grade distribution per pillar (final grades), completion counts, KPI series (target vs actual by fiscal
    year, every indicator of the plan) and the projects not graded as planned. Constant queries."""
    plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
    year = reporting_year_for(plan=plan, fiscal_year=fiscal_year) if plan else None
    grades = list(GradeDefinition.objects.filter(municipality=municipality).order_by("position"))
    if plan is None:
        return Dashboard(municipality, fiscal_year, None, year, grades, [], dict.fromkeys(COMPLETION_STATES, 0), [], [])
    projects = list(Project.objects.filter(plan=plan).select_related("pillar").order_by("position"))
    reports = {
        r.project_id: r
        for r in ProjectReport.objects.filter(project__plan=plan, fiscal_year=fiscal_year).select_related("grade")
    }
    pillars = list(Pillar.objects.filter(plan=plan).order_by("position"))
    distribution = []
    for pillar in pillars:
        counted: Counter[int | None] = Counter(
            reports[p.pk].grade_id if p.pk in reports else None for p in projects if p.pillar_id == pillar.pk
        )
        if not counted:
            continue
        distribution.append(
            PillarGrades(pillar=pillar, counts=[(g, counted.get(g.pk, 0)) for g in grades], ungraded=counted.get(None, 0))
        )
    completion = Counter(
        reports[p.pk].state if p.pk in reports and not is_untouched(reports[p.pk]) else NOT_STARTED for p in projects
    )
    indicators = list(Indicator.objects.filter(project__plan=plan).order_by("project__position", "position"))
    values = indicator_values_current(indicator_ids=[i.pk for i in indicators])
    project_by_id = {p.pk: p for p in projects}
    series = []
    for indicator in indicators:
        years = sorted({fy for (iid, _, fy) in values if iid == indicator.pk} | set(plan.fiscal_years))
        points = []
        for fy in years:
            target = values.get((indicator.pk, ValueKind.TARGET, fy))
            actual = values.get((indicator.pk, ValueKind.ACTUAL, fy))
            for value in (target, actual):
                if value is not None:
                    value.indicator = indicator  # saves a query per point in achievement_rate
            points.append(KpiPoint(fiscal_year=fy, target=target, actual=actual))
        series.append(KpiSeries(project=project_by_id[indicator.project_id], indicator=indicator, points=points))
    non_b = [
        NonBRow(project=p, report=reports[p.pk], grade=reports[p.pk].grade)  # type: ignore[arg-type]
        for p in projects
        if p.pk in reports and reports[p.pk].grade is not None and not reports[p.pk].grade.as_planned  # type: ignore[union-attr]
    ]
    return Dashboard(
        municipality=municipality,
        fiscal_year=fiscal_year,
        plan=plan,
        year=year,
        grades=grades,
        grade_distribution=distribution,
        completion={state: completion.get(state, 0) for state in COMPLETION_STATES},
        kpi_series=series,
        non_b=non_b,
    )


# -- notifications -----------------------------------------------------------------------------------------------


def notifications_unread_count(*, user: Any) -> int:
    """The user's unread notifications in the current scope (one query)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(*, user: Any, limit: int = 200) -> list[Notification]:
    """The user's notifications in the current scope, newest first (one query)."""
    return list(Notification.objects.filter(user=user).select_related("municipality").order_by("-created_at", "-pk")[:limit])
