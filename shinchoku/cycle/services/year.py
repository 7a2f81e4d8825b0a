"""The reporting year's own steps: opening, the due date, publishing and reopening (table in cycle/workflow.py).

Every state change goes through ``year_move`` (the table, the protected field, the audit row); every year is
created by ``year_create`` (the table's NEW source). Publishing freezes a publication (``publication.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from shinchoku import inputs, wareki
from shinchoku.cycle.errors import (
    CycleAlreadyOpen,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
    input_refusals,
)
from shinchoku.cycle.models import NotificationKind
from shinchoku.cycle.selectors_publish import REPORTS_APPROVED, publish_checklist
from shinchoku.cycle.services._audit import _actor, audit_record
from shinchoku.cycle.services.evaluate import evaluate_reports
from shinchoku.cycle.services.notifications import notify
from shinchoku.cycle.services.publication import publication_freeze
from shinchoku.cycle.workflow import (
    NEW,
    YEAR_OPEN,
    YEAR_PUBLISH,
    YEAR_REOPEN,
    Transition,
    check_year_transition,
)
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    Plan,
    PolicyUnderConsideration,
    Project,
    ProjectReport,
    Publication,
    PublicationSource,
    ReportingYear,
    ReportState,
)


def year_lock(*, plan: Plan, fiscal_year: int) -> ReportingYear | None:
    """The year's row, locked (SELECT … FOR UPDATE) for a state change; None when it does not exist yet.

    The plan row is locked first, so two people creating the same year at once cannot both pass a check.
    """
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    return ReportingYear.objects.select_for_update().select_related("plan").filter(plan=plan, fiscal_year=fiscal_year).first()


def year_create(
    *, plan: Plan, fiscal_year: int, transition: Transition, by: Any, comment: str = "", **fields: Any
) -> ReportingYear:
    """Create a year in ``transition.target`` (a transition from NEW) and audit it."""
    comment = inputs.clean_text(comment, field="report.comment")
    check_year_transition(transition, state=NEW, target=plan, user=by, comment=comment)
    if fiscal_year not in plan.fiscal_years:
        raise InvalidInput(
            f"{wareki.format_fiscal_year(fiscal_year)}は計画期間"
            f"（{wareki.format_fiscal_year(plan.start_fiscal_year)}〜{wareki.format_fiscal_year(plan.end_fiscal_year)}）の外です。",
            field="fiscal_year",
        )
    fields.setdefault("title", ReportingYear.default_title(plan, fiscal_year))
    year = ReportingYear.objects.create(plan=plan, fiscal_year=fiscal_year, state=transition.target, **fields)
    audit_record(
        municipality=plan.municipality_id, by=by, action=transition.audit_action, obj=year,
        before={"state": NEW}, after={"state": transition.target, "fiscal_year": fiscal_year,
                                      **({"comment": comment.strip()} if comment.strip() else {})},
    )
    return year


def year_move(
    *, year: ReportingYear, transition: Transition, by: Any, comment: str = "", after: dict[str, Any] | None = None
) -> ReportingYear:
    """Move a (locked) year along ``transition`` and audit it; the only caller of ``ReportingYear.move_to``."""
    comment = inputs.clean_text(comment, field="report.comment")
    check_year_transition(transition, state=year.state, target=year, user=by, comment=comment)
    before = year.state
    year.move_to(transition.target)
    year.save(update_fields=["state"])
    audit_record(
        municipality=year.plan.municipality_id, by=by, action=transition.audit_action, obj=year,
        before={"state": before},
        after={"state": transition.target, **(after or {}), **({"comment": comment.strip()} if comment.strip() else {})},
    )
    return year


def reports_create(*, year: ReportingYear, projects: list[Project], state: str = ReportState.DRAFT) -> list[ProjectReport]:
    """Empty reports of ``projects`` (which have none for the year), then evaluated (items, known grades).

    Last year's next-year plans are NOT copied into this year's results: plans in the future tense were
    published as results. The form shows them as a labelled reference (前年度に記載した今年度の取組) that the
    department copies in on purpose.
    """
    reports = ProjectReport.objects.bulk_create(
        ProjectReport(
            reporting_year=year,
            project=project,
            fiscal_year=year.fiscal_year,
            state=state,
        )
        for project in projects
    )
    municipality_id = year.plan.municipality_id
    changes = evaluate_reports(reports, municipality_id=municipality_id)
    graded = [r for r in reports if changes.get(r.pk)]
    ProjectReport.objects.bulk_update(graded, ["suggested_grade"])
    return reports


def projects_of_year(*, plan: Plan, fiscal_year: int) -> list[Project]:
    """The plan's projects reported on in ``fiscal_year``: those whose lifetime covers it, in plan order."""
    return [p for p in Project.objects.filter(plan=plan).order_by("position") if p.is_active_in(fiscal_year)]


def _copy_under_consideration(*, year: ReportingYear, from_year: ReportingYear | None) -> int:
    """Last year's 個別事業計画を検討中の施策 as this year's starting point; a year that has items keeps them."""
    if from_year is None or PolicyUnderConsideration.objects.filter(reporting_year=year).exists():
        return 0
    previous = list(PolicyUnderConsideration.objects.filter(reporting_year=from_year).order_by("position", "pk"))
    PolicyUnderConsideration.objects.bulk_create(
        PolicyUnderConsideration(
            reporting_year=year, plan_id=year.plan_id, fiscal_year=year.fiscal_year, pillar_id=u.pillar_id,
            policy_id=u.policy_id, title=u.title, text=list(u.text), position=position,
        )
        for position, u in enumerate(previous)
    )
    return len(previous)


def reporting_year_open(*, plan: Plan, fiscal_year: int, due_date: dt.date, by: Any) -> ReportingYear:
    """Open ``fiscal_year`` of ``plan`` for reporting: one pre-filled draft report per project of the year.

    An imported year is opened as it is (its reports keep their content and get evaluated); a new year starts
    section 1 and the policies under consideration from the last reported year's. Refuses a year outside the
    plan period, an open or published year (CycleAlreadyOpen), and a user without the right.
    """
    with scope(municipality=plan.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.OPEN_CYCLE, plan):
            raise NotPermitted("進行管理を開始する権限がありません。")
        year = year_lock(plan=plan, fiscal_year=fiscal_year)
        if year is not None and not YEAR_OPEN.allows_from(year.state):
            raise CycleAlreadyOpen(
                f"{wareki.format_fiscal_year(fiscal_year)}の進行管理は既に開始されています（{year.get_state_display()}）。"
            )
        last = ReportingYear.objects.filter(plan=plan, fiscal_year__lt=fiscal_year).order_by("-fiscal_year").first()
        now = timezone.now()
        if year is None:
            year = year_create(
                plan=plan, fiscal_year=fiscal_year, transition=YEAR_OPEN, by=by, due_date=due_date,
                opened_at=now, opened_by=_actor(by),
                # Section 1 (how progress is managed) rarely changes: start from last year's text.
                narrative=list(last.narrative) if last else [],
            )
        else:
            year.due_date, year.opened_at, year.opened_by = due_date, now, _actor(by)
            year.save(update_fields=["due_date", "opened_at", "opened_by"])
            year_move(year=year, transition=YEAR_OPEN, by=by, after={"due_date": due_date.isoformat()})
        reported = set(ProjectReport.objects.filter(reporting_year=year).values_list("project_id", flat=True))
        projects = [p for p in projects_of_year(plan=plan, fiscal_year=fiscal_year) if p.pk not in reported]
        reports = reports_create(year=year, projects=projects)
        existing = list(ProjectReport.objects.filter(reporting_year=year, project_id__in=reported))
        changes = evaluate_reports(existing, municipality_id=plan.municipality_id)
        ProjectReport.objects.bulk_update([r for r in existing if changes.get(r.pk)], ["suggested_grade"])
        copied = _copy_under_consideration(year=year, from_year=last)
        audit_record(
            municipality=plan.municipality_id, by=by, action="year.reports.created", obj=year,
            after={"fiscal_year": fiscal_year, "due_date": due_date.isoformat(), "reports_created": len(reports),
                   "under_consideration_copied": copied},
        )
        return year


def reporting_year_due_date_set(*, year: ReportingYear, due_date: dt.date, by: Any) -> ReportingYear:
    with scope(municipality=year.plan.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.OPEN_CYCLE, year):
            raise NotPermitted("提出期限を変更する権限がありません。")
        current = ReportingYear.objects.select_for_update().select_related("plan").get(pk=year.pk)
        if current.is_locked:
            raise TransitionNotAllowed(f"{current.get_state_display()}の年度の提出期限は変更できません。")
        if current.due_date == due_date:
            return current
        before = current.due_date.isoformat() if current.due_date else None
        current.due_date = due_date
        current.save(update_fields=["due_date"])
        audit_record(
            municipality=current.plan.municipality_id, by=by, action="year.due_date.updated", obj=current,
            before={"due_date": before}, after={"due_date": due_date.isoformat()},
        )
        year.due_date = due_date
        return current


def reporting_year_publish(*, year: ReportingYear, by: Any, warnings_confirmed: bool = True) -> Publication:
    """Publish the year: every report approved → the year published and frozen as its next publication
    version (the snapshot the documents are drawn from). All or nothing.

    Refuses while a blocking item of the publish checklist (cycle/selectors_publish.py) is open; with
    ``warnings_confirmed=False`` also while a warning is (the page and the CLI pass the person's confirmation).
    """
    with scope(municipality=year.plan.municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.PUBLISH_CYCLE, year):
            raise NotPermitted("公表する権限がありません。")
        current = year_lock(plan=year.plan, fiscal_year=year.fiscal_year)
        assert current is not None
        if current.is_published:
            raise TransitionNotAllowed(f"{wareki.format_fiscal_year(current.fiscal_year)}は既に公表済みです。")
        reports = list(
            ProjectReport.objects.select_for_update()
            .filter(reporting_year=current)
            .select_related("project")
            .order_by("project__position")
        )
        # The checklist's blocking items, checked here as well: the page is not the only way in.
        checklist = publish_checklist(year=current)
        for item in checklist.blockers:
            if item.key == REPORTS_APPROVED:
                names = [d.label for d in item.details]
                shown = "、".join(names[:10]) + (f" ほか{len(names) - 10}件" if len(names) > 10 else "")
                raise TransitionNotAllowed(
                    "すべての報告が承認されるまで公表できません。" + (f"未承認：{shown}" if names else "報告がありません。")
                )
            shown = "、".join(d.label for d in item.details[:10])
            raise TransitionNotAllowed(f"公表できません：{item.todo}" + (f"（{shown}）" if shown else ""))
        if not warnings_confirmed and checklist.warnings:
            raise TransitionNotAllowed(
                "確認が必要な項目があります：" + " ".join(i.todo for i in checklist.warnings)
                + "内容を確認したうえで公表してください。"
            )
        if current.published_on is None:
            current.published_on = timezone.localdate().replace(day=1)  # the documents give the month only
            current.save(update_fields=["published_on"])
        check_year_transition(YEAR_PUBLISH, state=current.state, target=current, user=by)
        publication = publication_freeze(year=current, by=by, source=PublicationSource.CYCLE)
        year_move(
            year=current, transition=YEAR_PUBLISH, by=by,
            after={"version": publication.version, "content_hash": publication.content_hash,
                   "reports_published": len(reports)},
        )
        notify(kind=NotificationKind.PUBLISHED, municipality_id=current.plan.municipality_id,
               fiscal_year=current.fiscal_year, by=by, year=current)
        year.refresh_from_db()
        return publication


def year_reopen_locked(
    *, year: ReportingYear, by: Any, comment: str, reopened_report: ProjectReport | None = None
) -> ReportingYear:
    """published → open, inside the caller's transaction and scope. The publication stays as it was."""
    after: dict[str, Any] = {}
    if reopened_report is not None:
        after["reopened_report"] = {"id": reopened_report.pk, "project": reopened_report.project.name}
    return year_move(year=year, transition=YEAR_REOPEN, by=by, comment=comment, after=after)


def reporting_year_reopen(*, year: ReportingYear, by: Any, comment: str) -> ReportingYear:
    """Reopen a published year (DX staff; reason required): reports stay approved and can then be reopened
    one by one; publishing again freezes the next publication version, the earlier ones stay."""
    with scope(municipality=year.plan.municipality_id), transaction.atomic(), input_refusals():
        current = year_lock(plan=year.plan, fiscal_year=year.fiscal_year)
        assert current is not None
        year_reopen_locked(year=current, by=by, comment=comment)
        # Here, not in year_reopen_locked: a report's reopening tells its own department instead.
        notify(kind=NotificationKind.YEAR_REOPENED, municipality_id=current.plan.municipality_id,
               fiscal_year=current.fiscal_year, by=by, year=current, comment=comment)
        year.refresh_from_db()
        return current
