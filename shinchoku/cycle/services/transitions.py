"""The workflow transitions of a project report: submit, return, approve, reopen (table in cycle/workflow.py).

Each is one transaction in the report's municipality scope, locks the report row, checks the transition
(role and source state) and records a ReportTransition and an AuditEntry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django_scopes import scope

from shinchoku import inputs
from shinchoku.cycle.errors import (
    IncompleteReport,
    InvalidInput,
    TransitionNotAllowed,
)
from shinchoku.cycle.models import (
    ItemEvaluation,
    ItemKind,
    NotificationKind,
    ReportTransition,
)
from shinchoku.cycle.services._audit import _actor, audit_record
from shinchoku.cycle.services.evaluate import ensure_items
from shinchoku.cycle.services.notifications import notify
from shinchoku.cycle.services.report import (
    bump_version,
    check_grade,
    check_version,
    clean_items,
    grade_code,
    lock_report,
    report_scope,
)
from shinchoku.cycle.workflow import (
    APPROVE,
    REOPEN,
    RETURN,
    SUBMIT,
    WITHDRAW,
    IndicatorItemState,
    Transition,
    approve_problems,
    bulk_approve_problem,
    check_transition,
    submit_missing,
)
from shinchoku.permissions import Action
from shinchoku.plans.models import (
    GradeDefinition,
    IndicatorValue,
    ProjectReport,
    ValueKind,
)


def submitter_id(report: ProjectReport) -> int | None:
    """Who made the report's latest submission (None: never submitted, or by the system)."""
    last = (
        ReportTransition.objects.filter(report=report, name=SUBMIT.name)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last


def check_not_own_submission(report: ProjectReport, by: Any) -> None:
    """Four eyes: whoever submitted a report may not approve it, whatever roles they hold."""
    actor = _actor(by)
    if actor is not None and submitter_id(report) == actor.pk:
        raise TransitionNotAllowed(
            "ご自身が提出した報告は承認できません。提出していない審査担当者（情報化推進本部）が承認してください。",
            english="you submitted this report yourself; another reviewer must approve it",
        )


# -- transitions -----------------------------------------------------------------------------------------------


def _apply(
    transition: Transition,
    *,
    report: ProjectReport,
    by: Any,
    municipality_id: int,
    comment: str = "",
    fields: Sequence[str] = (),
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ProjectReport:
    """Move the (locked) report along ``transition`` and log it: ReportTransition + AuditEntry."""
    if report.reporting_year.is_locked and transition.action is not Action.IMPORT:
        raise TransitionNotAllowed(
            f"{report.reporting_year.get_state_display()}の年度の報告は「{transition.label}」できません。"
        )
    from_state = report.state
    report.move_to(transition.target)
    bump_version(report, [*fields, "state"])
    ReportTransition.objects.create(
        report=report,
        name=transition.name,
        from_state=from_state,
        to_state=transition.target,
        actor=_actor(by),
        comment=comment.strip(),
    )
    audit_record(
        municipality=municipality_id,
        by=by,
        action=transition.audit_action,
        obj=report,
        project=report.project_id,
        before={"state": from_state, **(before or {})},
        after={
            "state": transition.target,
            **(after or {}),
            **({"comment": comment.strip()} if comment.strip() else {}),
        },
        object_version=report.version,
    )
    return report


def _tell(kind: str, *, report: ProjectReport, by: Any, municipality_id: int, comment: str = "") -> ProjectReport:
    notify(kind=kind, municipality_id=municipality_id, fiscal_year=report.fiscal_year, by=by, report=report,
           comment=comment)
    return report


def _submittable(current: ProjectReport, by: Any, comment: str) -> None:
    """Refuse (NotPermitted, TransitionNotAllowed, IncompleteReport) unless ``current`` (locked) may be submitted."""
    check_transition(SUBMIT, report=current, user=by, comment=comment)
    items = [i for i in ensure_items([current])[0][current.pk] if i.kind == ItemKind.INDICATOR]
    actual_ids = set(
        IndicatorValue.objects.filter(
            indicator__in=[i.indicator_id for i in items],
            kind=ValueKind.ACTUAL,
            fiscal_year=current.fiscal_year,
        ).values_list("indicator_id", flat=True)
    )
    missing = submit_missing(
        report=current,
        indicator_items=[
            IndicatorItemState(
                name=i.indicator.name if i.indicator else "",
                has_actual=i.indicator_id in actual_ids,
                not_applicable=i.not_applicable,
            )
            for i in items
        ],
    )
    if missing:
        raise IncompleteReport(missing)


def report_submit(*, report: ProjectReport, by: Any, comment: str = "") -> ProjectReport:
    """draft|returned → submitted. Refused with IncompleteReport (listing what is missing) unless complete."""
    with report_scope(report) as municipality_id:
        current = lock_report(report)
        comment = inputs.clean_text(comment, field="report.comment")
        _submittable(current, by, comment)
        _apply(SUBMIT, report=current, by=by, municipality_id=municipality_id, comment=comment)
        return _tell(NotificationKind.SUBMITTED, report=current, by=by, municipality_id=municipality_id)


def report_submit_check(*, report: ProjectReport, by: Any) -> None:
    """Raise what ``report_submit`` would raise now, writing nothing: a preview must not notify anyone (with an
    immediate task backend the e-mail would leave even though the preview's transaction is rolled back)."""
    with report_scope(report):
        _submittable(lock_report(report), by, "")


def report_withdraw(*, report: ProjectReport, by: Any, comment: str = "") -> ProjectReport:
    """submitted → draft (取り下げ): the department takes its submission back to correct it, until HQ acts
    (returned or approved reports are past this); HQ is told, so nobody reviews a report being changed."""
    with report_scope(report) as municipality_id:
        current = lock_report(report)
        comment = inputs.clean_text(comment, field="report.comment")
        check_transition(WITHDRAW, report=current, user=by, comment=comment)
        _apply(WITHDRAW, report=current, by=by, municipality_id=municipality_id, comment=comment)
        return _tell(NotificationKind.WITHDRAWN, report=current, by=by, municipality_id=municipality_id,
                     comment=comment)


def report_return(
    *, report: ProjectReport, by: Any, comment: str, expected_version: int | None = None
) -> ProjectReport:
    """submitted → returned, with HQ's reason (required; shown to the department as hq_comment)."""
    with report_scope(report) as municipality_id:
        current = lock_report(report)
        check_version(current, expected_version)
        comment = inputs.clean_text(comment, field="report.comment")
        check_transition(RETURN, report=current, user=by, comment=comment)
        current.hq_comment = comment.strip()
        _apply(
            RETURN,
            report=current,
            by=by,
            municipality_id=municipality_id,
            comment=comment,
            fields=["hq_comment"],
        )
        return _tell(NotificationKind.RETURNED, report=current, by=by, municipality_id=municipality_id,
                     comment=comment)


def report_approve(
    *,
    report: ProjectReport,
    by: Any,
    final_grade: GradeDefinition | None,
    rationale: str = "",
    item_final_grades: Mapping[int, GradeDefinition | None] | None = None,
    non_b_summary: Sequence[str] | str | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> ProjectReport:
    """submitted → approved with HQ's final grade.

    Requires a rationale when the final grade differs from the suggestion, and a non-B summary (given here or
    already in the report) when the final grade is not the scale's as-planned grade. ``item_final_grades``
    maps ItemEvaluation id → HQ's grade of the item; items not given take the department's, else the rule's.
    """
    with report_scope(report) as municipality_id:
        current = lock_report(report)
        check_version(current, expected_version)
        comment = inputs.clean_text(comment, field="report.comment")
        check_transition(APPROVE, report=current, user=by, comment=comment)
        check_not_own_submission(current, by)
        check_grade(final_grade, municipality_id, "最終評価")
        rationale = inputs.clean_text(rationale, field="report.rationale")
        summary = clean_items(non_b_summary, field="non_b_summary")
        effective_summary = summary if summary is not None else current.non_b_summary
        as_planned = GradeDefinition.objects.filter(municipality_id=municipality_id, as_planned=True).first()
        problems = approve_problems(
            final_grade=final_grade,
            suggested_grade=current.suggested_grade,
            rationale=rationale,
            non_b_summary=effective_summary,
            as_planned_grade=as_planned,
        )
        if problems:
            raise TransitionNotAllowed("承認できません。" + " ".join(problems))
        assert final_grade is not None
        items = list(ItemEvaluation.objects.filter(report=current))
        given = {int(k): v for k, v in (item_final_grades or {}).items()}
        unknown = set(given) - {i.pk for i in items}
        if unknown:
            raise InvalidInput("この報告の評価項目ではありません。", field="item_final_grades")
        for item in items:
            check_grade(given.get(item.pk), municipality_id, "評価項目の最終評価")
            grade = given.get(item.pk) or item.department_grade or item.suggested_grade
            if item.final_grade_id != (grade.pk if grade else None):
                item.final_grade = grade
                item.save(update_fields=["final_grade"])
        before = {"grade": grade_code(current.grade), "rationale": current.rationale}
        fields = ["grade", "rationale", "hq_comment"]
        if summary is not None and summary != current.non_b_summary:
            audit_record(
                municipality=municipality_id,
                by=by,
                action="report.non_b_summary.updated",
                obj=current,
                project=current.project_id,
                before=current.non_b_summary,
                after=summary,
                object_version=current.version + 1,
            )
            current.non_b_summary = summary
            fields.append("non_b_summary")
        current.grade = final_grade
        current.rationale = rationale.strip()
        current.hq_comment = comment.strip() or current.hq_comment
        _apply(
            APPROVE,
            report=current,
            by=by,
            municipality_id=municipality_id,
            comment=comment,
            fields=fields,
            before=before,
            after={
                "grade": final_grade.code,
                "suggested_grade": grade_code(current.suggested_grade),
                "rationale": current.rationale,
            },
        )
        return _tell(NotificationKind.APPROVED, report=current, by=by, municipality_id=municipality_id,
                     comment=comment)


def report_reopen(*, report: ProjectReport, by: Any, comment: str) -> ProjectReport:
    """approved → returned (DX staff; reason required). A report of a published year reopens the year first
    (its publication stays; publishing again freezes the next version)."""
    from shinchoku.cycle.services.year import year_reopen_locked

    with report_scope(report) as municipality_id:
        current = lock_report(report)
        comment = inputs.clean_text(comment, field="report.comment")
        check_transition(REOPEN, report=current, user=by, comment=comment)
        if current.reporting_year.is_published:
            year_reopen_locked(year=current.reporting_year, by=by, comment=comment, reopened_report=current)
        elif current.reporting_year.is_locked:
            raise TransitionNotAllowed("取り込んだ年度の報告は、進行管理を開始してから再開してください。")
        _apply(REOPEN, report=current, by=by, municipality_id=municipality_id, comment=comment)
        return _tell(NotificationKind.REOPENED, report=current, by=by, municipality_id=municipality_id,
                     comment=comment)


def reports_bulk_approve(*, reports: Sequence[ProjectReport], by: Any) -> list[ProjectReport]:
    """Approve several submitted reports at once with their suggestion as the final grade (HQ's queue).

    All or nothing, in one transaction: every report is locked and re-checked first (submitted, a suggestion,
    no department grade that differs from it, no non-B summary missing — nothing that needs HQ's words), and
    if any is not eligible the whole batch is refused and nothing changes. Each approval then goes through
    ``report_approve`` (its checks, history, audit and notification), and one audit row records the batch.
    """
    if not reports:
        raise InvalidInput("一括承認する報告を選んでください。", field="reports")
    municipality_id = reports[0].project.plan.municipality_id
    if any(r.project.plan.municipality_id != municipality_id for r in reports):
        raise InvalidInput("別の自治体の報告が含まれています。", field="reports")
    with scope(municipality=municipality_id), transaction.atomic():
        as_planned = GradeDefinition.objects.filter(municipality_id=municipality_id, as_planned=True).first()
        locked = [lock_report(r) for r in reports]
        refused = []
        for current in locked:
            check_transition(APPROVE, report=current, user=by, comment="")
            problem = bulk_approve_problem(current, as_planned=as_planned)
            if problem:
                refused.append(f"「{current.project.name}」：{problem}")
        if refused:
            raise TransitionNotAllowed("一括承認できません（何も承認していません）。" + " ".join(refused))
        approved = [
            report_approve(report=current, by=by, final_grade=current.suggested_grade, expected_version=current.version)
            for current in locked
        ]
        year = approved[0].reporting_year
        audit_record(
            municipality=municipality_id, by=by, action="report.bulk_approved", obj=year,
            after={"projects": [r.project.name for r in approved], "count": len(approved)},
        )
        return approved
