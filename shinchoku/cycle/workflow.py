"""The review workflow of a project report, as one explicit table (get.gov style).

    name      from                 to         who (permissions.Action)        condition
    submit    draft, returned      submitted  SUBMIT_REPORT (dept editor of   complete: results, challenges,
                                              the project's department, DX)   next-year plans, schedule status,
                                                                              department grade, every indicator
                                                                              item has an actual or is n/a
    return    submitted            returned   REVIEW_REPORT (HQ, DX)          comment required
    approve   submitted            approved   REVIEW_REPORT (HQ, DX)          final grade; rationale when it differs
                                                                              from the suggestion; non-B summary
                                                                              when it is not the as-planned grade
    reopen    approved, published  returned   REOPEN_REPORT (DX staff only)   comment required; un-publishes the
                                                                              year when the report was published
    publish   approved             published  PUBLISH_CYCLE (DX staff only)   cycle-level: every report of the
                                                                              year approved; locks the year

Reports are editable (report_save) only in EDITABLE_STATES. The services in shinchoku.cycle.services apply
the table; nothing else changes ``ProjectReport.state``. Every applied transition writes a ReportTransition
and an AuditEntry (``report.<past tense>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shinchoku.cycle.errors import NotPermitted, TransitionNotAllowed
from shinchoku.permissions import Action, can
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportState, ScheduleStatus

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # Japanese, for buttons and history
    sources: frozenset[str]
    target: str
    action: Action  # the permission the actor needs on the report
    comment_required: bool
    audit_action: str

    def allows_from(self, state: str) -> bool:
        return state in self.sources


SUBMIT = Transition(
    "submit", "提出", frozenset({ReportState.DRAFT, ReportState.RETURNED}), ReportState.SUBMITTED,
    Action.SUBMIT_REPORT, False, "report.submitted",
)
RETURN = Transition(
    "return", "差戻し", frozenset({ReportState.SUBMITTED}), ReportState.RETURNED,
    Action.REVIEW_REPORT, True, "report.returned",
)
APPROVE = Transition(
    "approve", "承認", frozenset({ReportState.SUBMITTED}), ReportState.APPROVED,
    Action.REVIEW_REPORT, False, "report.approved",
)
REOPEN = Transition(
    "reopen", "再開", frozenset({ReportState.APPROVED, ReportState.PUBLISHED}), ReportState.RETURNED,
    Action.REOPEN_REPORT, True, "report.reopened",
)
PUBLISH = Transition(
    "publish", "公表", frozenset({ReportState.APPROVED}), ReportState.PUBLISHED,
    Action.PUBLISH_CYCLE, False, "report.published",
)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (SUBMIT, RETURN, APPROVE, REOPEN, PUBLISH)}
# Transitions a person applies to one report (publish is applied by cycle_publish to the whole year).
REPORT_TRANSITIONS = (SUBMIT, RETURN, APPROVE, REOPEN)

STATE_LABELS = dict(ReportState.choices)


def check_transition(transition: Transition, *, report: ProjectReport, user: Any, comment: str = "") -> None:
    """Raise NotPermitted (wrong role) or TransitionNotAllowed (wrong state, missing comment)."""
    if user is not None and not can(user, transition.action, report):
        raise NotPermitted(f"この報告を「{transition.label}」する権限がありません。")
    if not transition.allows_from(report.state):
        raise TransitionNotAllowed(
            f"「{STATE_LABELS.get(report.state, report.state)}」の報告は「{transition.label}」できません。"
        )
    if transition.comment_required and not comment.strip():
        raise TransitionNotAllowed(f"「{transition.label}」の理由をコメントに入力してください。")


def available_transitions(*, user: Any, report: ProjectReport) -> list[Transition]:
    """The per-report transitions ``user`` may apply now (role and state; conditions are checked on apply)."""
    return [t for t in REPORT_TRANSITIONS if t.allows_from(report.state) and can(user, t.action, report)]


def report_is_editable(report: ProjectReport) -> bool:
    return report.state in EDITABLE_STATES


def _filled(items: Sequence[str] | None) -> bool:
    return any(str(item).strip() for item in items or [])


@dataclass(frozen=True)
class IndicatorItemState:
    """What submission needs to know about one indicator item."""

    name: str
    has_actual: bool
    not_applicable: bool


def submit_missing(*, report: ProjectReport, indicator_items: Sequence[IndicatorItemState]) -> list[str]:
    """The submit condition: what is still missing, in Japanese and in form order (empty = complete)."""
    missing: list[str] = []
    if not _filled(report.results):
        missing.append("主な取組と成果")
    if not _filled(report.challenges):
        missing.append("「目指す姿」に向けた課題と今後の展開")
    if not _filled(report.next_year):
        missing.append("次年度の主な取組")
    missing.extend(
        f"目標指標「{item.name}」の実績（実績がない場合は「該当なし」）"
        for item in indicator_items
        if not item.has_actual and not item.not_applicable
    )
    if report.schedule_status not in ScheduleStatus.values:
        missing.append("スケジュールの進捗")
    if report.department_grade_id is None:
        missing.append("担当部署の評価")
    return missing


def approve_problems(
    *,
    final_grade: GradeDefinition | None,
    suggested_grade: GradeDefinition | None,
    rationale: str,
    non_b_summary: Sequence[str],
    as_planned_grade: GradeDefinition | None,
) -> list[str]:
    """The approve condition: why approval is refused (empty = it may proceed)."""
    if final_grade is None:
        return ["最終評価を選んでください。"]
    problems: list[str] = []
    if suggested_grade is not None and final_grade.pk != suggested_grade.pk and not rationale.strip():
        problems.append(
            f"評価案（{suggested_grade.code}）と異なる評価（{final_grade.code}）にする理由を入力してください。"
        )
    if as_planned_grade is not None and final_grade.pk != as_planned_grade.pk and not _filled(non_b_summary):
        problems.append(
            f"進捗状況が{as_planned_grade.code}以外（{final_grade.code}）の事業には「進捗状況{as_planned_grade.code}以外の概要」を入力してください。"
        )
    return problems
