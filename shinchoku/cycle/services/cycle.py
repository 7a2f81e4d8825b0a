"""Opening a fiscal year's reporting cycle and publishing it (the year-level steps of the workflow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.errors import CycleAlreadyOpen, InvalidInput, NotPermitted, TransitionNotAllowed
from shinchoku.cycle.evaluation import achievement_rate, suggest_item_grade, suggest_overall_grade
from shinchoku.cycle.models import AuditEntry, ItemEvaluation, ItemKind, ReportingCycle, ReportTransition
from shinchoku.cycle.selectors import indicator_values_current
from shinchoku.cycle.services._audit import _actor, audit_entry, audit_record
from shinchoku.cycle.services.report import grade_scale_for, thresholds_for
from shinchoku.cycle.workflow import PUBLISH
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    Plan,
    PolicyUnderConsideration,
    ProgressReport,
    Project,
    ProjectReport,
    ReportState,
    ValueKind,
)


def progress_report_title(*, plan: Plan, fiscal_year: int) -> str:
    """The document's house-style title: 令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）."""
    return (
        f"{wareki.format_fiscal_year(fiscal_year + 1)} {plan.name} 進行管理報告書"
        f"（{wareki.format_fiscal_year(fiscal_year)}実績分）"
    )


def _create_reports(
    *, plan: Plan, fiscal_year: int, projects: list[Project], municipality_id: int
) -> list[ProjectReport]:
    """Draft reports for ``projects`` (which have none for the year), pre-filled from last year and the plan.

    Pre-fill: last year's next-year plans become this year's starting results (the department edits them
    into what was actually done); one evaluation item for the schedule and one per indicator with a target
    for the year, already graded when an actual is known (e.g. imported).
    """
    previous = {
        r.project_id: r
        for r in ProjectReport.objects.filter(project__in=projects, fiscal_year=fiscal_year - 1).only(
            "project_id", "next_year"
        )
    }
    indicators = list(Indicator.objects.filter(project__in=projects).order_by("project_id", "position"))
    values = indicator_values_current(indicator_ids=[i.pk for i in indicators])
    scale = grade_scale_for(municipality_id)
    thresholds = thresholds_for(municipality_id)
    reports = ProjectReport.objects.bulk_create(
        ProjectReport(
            project=project,
            fiscal_year=fiscal_year,
            state=ReportState.DRAFT,
            results=list(previous[project.pk].next_year) if project.pk in previous else [],
        )
        for project in projects
    )
    by_project = {r.project_id: r for r in reports}
    items: list[ItemEvaluation] = [ItemEvaluation(report=r, kind=ItemKind.SCHEDULE, position=0) for r in reports]
    indicator_grades: dict[int, list[GradeDefinition | None]] = {}
    positions: dict[int, int] = {}
    for indicator in indicators:
        target = values.get((indicator.pk, ValueKind.TARGET, fiscal_year))
        if target is None:
            continue  # not measured this year (its targets start later or ended)
        actual = values.get((indicator.pk, ValueKind.ACTUAL, fiscal_year))
        rate = achievement_rate(actual=actual.value if actual else None, target=target.value, direction=indicator.direction)
        grade = suggest_item_grade(rate=rate, scale=scale, thresholds=thresholds)
        indicator_grades.setdefault(indicator.project_id, []).append(grade)
        positions[indicator.project_id] = positions.get(indicator.project_id, 0) + 1
        items.append(
            ItemEvaluation(
                report=by_project[indicator.project_id], kind=ItemKind.INDICATOR, indicator=indicator,
                position=positions[indicator.project_id], achievement_rate=rate, suggested_grade=grade,
            )
        )
    ItemEvaluation.objects.bulk_create(items)
    for report in reports:
        suggestion = suggest_overall_grade(
            schedule_status="", indicator_grades=indicator_grades.get(report.project_id, []), scale=scale
        )
        if suggestion is not None:
            report.suggested_grade = suggestion
            report.save(update_fields=["suggested_grade"])
    return reports


def _copy_under_consideration(*, plan: Plan, from_year: int, to_year: int) -> int:
    """Last year's 個別事業計画を検討中の施策 as this year's starting point (DX staff then update the status
    texts on the report-document page); a year that already has items keeps them. Returns how many were copied."""
    if PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=to_year).exists():
        return 0
    previous = list(PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=from_year).order_by("position", "pk"))
    PolicyUnderConsideration.objects.bulk_create(
        PolicyUnderConsideration(
            plan=plan, fiscal_year=to_year, pillar_id=u.pillar_id, policy_id=u.policy_id, title=u.title,
            text=list(u.text), position=position,
        )
        for position, u in enumerate(previous)
    )
    return len(previous)


def cycle_open(*, plan: Plan, fiscal_year: int, due_date: dt.date, by: Any) -> ReportingCycle:
    """Open ``fiscal_year`` of ``plan`` for reporting: one pre-filled draft report per project.

    Section 1 of the report and the policies under consideration start from the last reported year's.
    Projects that already have a report for the year (e.g. an imported, published year) keep it. Refuses a
    year outside the plan's period and a year already opened (CycleAlreadyOpen).
    """
    with scope(municipality=plan.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.OPEN_CYCLE, plan):
            raise NotPermitted("進行管理を開始する権限がありません。")
        if fiscal_year not in plan.fiscal_years:
            raise InvalidInput(
                f"{wareki.format_fiscal_year(fiscal_year)}は計画期間"
                f"（{wareki.format_fiscal_year(plan.start_fiscal_year)}〜{wareki.format_fiscal_year(plan.end_fiscal_year)}）の外です。",
                field="fiscal_year",
            )
        # Lock the plan row: two DX staff opening the same year at once must not both pass the check below.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if ReportingCycle.objects.filter(plan=plan, fiscal_year=fiscal_year).exists():
            raise CycleAlreadyOpen(f"{wareki.format_fiscal_year(fiscal_year)}の進行管理は既に開始されています。")
        cycle = ReportingCycle.objects.create(
            municipality_id=plan.municipality_id, plan=plan, fiscal_year=fiscal_year, due_date=due_date,
            opened_by=_actor(by),
        )
        reported = set(
            ProjectReport.objects.filter(project__plan=plan, fiscal_year=fiscal_year).values_list("project_id", flat=True)
        )
        projects = [p for p in Project.objects.filter(plan=plan).order_by("position") if p.pk not in reported]
        reports = _create_reports(
            plan=plan, fiscal_year=fiscal_year, projects=projects, municipality_id=plan.municipality_id
        )
        last = ProgressReport.objects.filter(plan=plan, fiscal_year__lt=fiscal_year).order_by("-fiscal_year").first()
        if not ProgressReport.objects.filter(plan=plan, fiscal_year=fiscal_year).exists():
            # Section 1 (how progress is managed) rarely changes: start from last year's text.
            ProgressReport.objects.create(
                plan=plan, fiscal_year=fiscal_year, title=progress_report_title(plan=plan, fiscal_year=fiscal_year),
                narrative=last.narrative if last else [],
            )
        copied = _copy_under_consideration(
            plan=plan, from_year=last.fiscal_year if last else fiscal_year - 1, to_year=fiscal_year
        )
        audit_record(
            municipality=plan.municipality_id, by=by, action="cycle.opened", obj=cycle,
            after={"fiscal_year": fiscal_year, "due_date": due_date.isoformat(), "reports_created": len(reports),
                   "under_consideration_copied": copied},
        )
        return cycle


def cycle_due_date_set(*, cycle: ReportingCycle, due_date: dt.date, by: Any) -> ReportingCycle:
    with scope(municipality=cycle.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.OPEN_CYCLE, cycle):
            raise NotPermitted("提出期限を変更する権限がありません。")
        if cycle.due_date == due_date:
            return cycle
        before = cycle.due_date.isoformat()
        cycle.due_date = due_date
        cycle.save(update_fields=["due_date"])
        audit_record(
            municipality=cycle.municipality_id, by=by, action="cycle.due_date.updated", obj=cycle,
            before={"due_date": before}, after={"due_date": due_date.isoformat()},
        )
        return cycle


def cycle_publish(*, cycle: ReportingCycle, by: Any) -> ReportingCycle:
    """Publish the year: every report approved → published, the cycle locked. All or nothing."""
    with scope(municipality=cycle.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.PUBLISH_CYCLE, cycle):
            raise NotPermitted("公表する権限がありません。")
        cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.is_published:
            raise TransitionNotAllowed(f"{wareki.format_fiscal_year(cycle.fiscal_year)}は既に公表済みです。")
        reports = list(
            ProjectReport.objects.select_for_update()
            .filter(project__plan_id=cycle.plan_id, fiscal_year=cycle.fiscal_year)
            .select_related("project")
            .order_by("project__position")
        )
        reported = {r.project_id for r in reports}
        missing = [p.name for p in Project.objects.filter(plan_id=cycle.plan_id).order_by("position") if p.pk not in reported]
        pending = [r.project.name for r in reports if r.state not in (ReportState.APPROVED, ReportState.PUBLISHED)]
        if pending or missing or not reports:
            names = [*pending, *missing]
            shown = "、".join(names[:10]) + (f" ほか{len(names) - 10}件" if len(names) > 10 else "")
            raise TransitionNotAllowed(
                "すべての報告が承認されるまで公表できません。" + (f"未承認：{shown}" if names else "報告がありません。")
            )
        now = timezone.now()
        to_publish = [r for r in reports if PUBLISH.allows_from(r.state)]
        for report in to_publish:
            report.state = ReportState.PUBLISHED
            report.version += 1
            report.updated_at = now  # bulk_update does not apply auto_now
        ProjectReport.objects.bulk_update(to_publish, ["state", "version", "updated_at"])
        ReportTransition.objects.bulk_create(
            ReportTransition(
                report=r, name=PUBLISH.name, from_state=ReportState.APPROVED, to_state=ReportState.PUBLISHED,
                actor=_actor(by), at=now,
            )
            for r in to_publish
        )
        entries = [
            audit_entry(
                municipality=cycle.municipality_id, by=by, action=PUBLISH.audit_action, obj=r, project=r.project_id,
                before={"state": ReportState.APPROVED}, after={"state": ReportState.PUBLISHED},
                object_version=r.version,
            )
            for r in to_publish
        ]
        cycle.published_at = now
        cycle.published_by = _actor(by)
        cycle.save(update_fields=["published_at", "published_by"])
        entries.append(
            audit_entry(
                municipality=cycle.municipality_id, by=by, action="cycle.published", obj=cycle,
                after={"fiscal_year": cycle.fiscal_year, "reports_published": len(to_publish)},
            )
        )
        AuditEntry.objects.bulk_create(entries)
        progress_report = ProgressReport.objects.filter(plan_id=cycle.plan_id, fiscal_year=cycle.fiscal_year).first()
        if progress_report is not None and progress_report.published_on is None:
            today = timezone.localdate()
            progress_report.published_on = today.replace(day=1)  # the documents give the month only
            progress_report.save(update_fields=["published_on"])
        return cycle
