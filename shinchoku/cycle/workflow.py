"""The state machines of the reporting year and of a project report, as explicit tables (get.gov style).

A reporting year (plans.ReportingYear); NEW is "no row yet", the source of the transitions that create one:

    name              from              to         who (permissions.Action)   condition
    open              NEW, imported     open       OPEN_CYCLE (DX staff)      a year in the plan period; a due date
    publish           open              published  PUBLISH_CYCLE (DX staff)   every report approved; freezes a new
                                                                             publication version
    reopen            published         open       REOPEN_REPORT (DX staff)   reason required; the publication stays
    import            NEW, imported     imported   IMPORT (DX staff, CLI)     the file is not a published report
    import_published  NEW, imported     published  IMPORT                     the file is a published report;
                                                                             freezes publication version 1 (or next)
    replace           open, published   published  IMPORT                     --replace; a published report; freezes
                                                                             a new version, never a silent overwrite
    replace_draft     open              open       IMPORT                     --replace; only editable reports change

A project report:

    name      from                 to         who (permissions.Action)        condition
    submit    draft, returned      submitted  SUBMIT_REPORT (dept editor of   complete: results, challenges,
                                              the project's department, DX)   next-year plans, schedule status,
                                                                              department grade, every indicator
                                                                              item has an actual or is n/a
    withdraw  submitted            draft      SUBMIT_REPORT (dept editor, DX) until HQ acts (取り下げ); HQ is told
    return    submitted            returned   REVIEW_REPORT (HQ, DX)          comment required
    approve   submitted            approved   REVIEW_REPORT (HQ, DX)          final grade; rationale when it differs
                                                                              from the suggestion; non-B summary
                                                                              when it is not the as-planned grade
    reopen    approved             returned   REOPEN_REPORT (DX staff only)   comment required; a published year
                                                                              is reopened first (year reopen)
    import    any                  approved   IMPORT                          the year's file is a published report
                                                                              (import_published / replace)

A published report is an approved report of a published year: "published" is the year's state only.
Reports are editable (report_save) only in EDITABLE_STATES of an open year. The services in
shinchoku.cycle.services apply the tables through ``move_to`` (the state fields are protected: nothing else
can assign them). Every applied transition writes an AuditEntry (``report.<past tense>``, ``year.<past
tense>``, ``import.*``); report transitions also write a ReportTransition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shinchoku.cycle.errors import NotPermitted, TransitionNotAllowed
from shinchoku.permissions import Action, can
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportState, ScheduleStatus, YearState

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
# The source state of transitions that create a reporting year.
NEW = ""


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
WITHDRAW = Transition(
    "withdraw", "取り下げ", frozenset({ReportState.SUBMITTED}), ReportState.DRAFT,
    Action.SUBMIT_REPORT, False, "report.withdrawn",
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
    "reopen", "再開", frozenset({ReportState.APPROVED}), ReportState.RETURNED,
    Action.REOPEN_REPORT, True, "report.reopened",
)
IMPORT_APPROVE = Transition(
    "import", "取込み", frozenset(ReportState.values), ReportState.APPROVED,
    Action.IMPORT, False, "import.report.approved",
)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (SUBMIT, WITHDRAW, RETURN, APPROVE, REOPEN, IMPORT_APPROVE)}
# Transitions a person applies to one report on its page.
REPORT_TRANSITIONS = (SUBMIT, WITHDRAW, RETURN, APPROVE, REOPEN)

STATE_LABELS = dict(ReportState.choices)

YEAR_OPEN = Transition(
    "open", "進行管理の開始", frozenset({NEW, YearState.IMPORTED}), YearState.OPEN,
    Action.OPEN_CYCLE, False, "year.opened",
)
YEAR_PUBLISH = Transition(
    "publish", "公表", frozenset({YearState.OPEN}), YearState.PUBLISHED,
    Action.PUBLISH_CYCLE, False, "year.published",
)
YEAR_REOPEN = Transition(
    "reopen", "再開", frozenset({YearState.PUBLISHED}), YearState.OPEN,
    Action.REOPEN_REPORT, True, "year.reopened",
)
YEAR_IMPORT = Transition(
    "import", "取込み", frozenset({NEW, YearState.IMPORTED}), YearState.IMPORTED,
    Action.IMPORT, False, "import.year.imported",
)
YEAR_IMPORT_PUBLISHED = Transition(
    "import_published", "公表済み報告書の取込み", frozenset({NEW, YearState.IMPORTED}), YearState.PUBLISHED,
    Action.IMPORT, False, "import.year.published",
)
YEAR_REPLACE = Transition(
    "replace", "取込みによる差替え", frozenset({YearState.OPEN, YearState.PUBLISHED}), YearState.PUBLISHED,
    Action.IMPORT, False, "import.year.replaced",
)
YEAR_REPLACE_DRAFT = Transition(
    "replace_draft", "取込みによる下書きの差替え", frozenset({YearState.OPEN}), YearState.OPEN,
    Action.IMPORT, False, "import.year.draft_replaced",
)
YEAR_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (YEAR_OPEN, YEAR_PUBLISH, YEAR_REOPEN, YEAR_IMPORT, YEAR_IMPORT_PUBLISHED, YEAR_REPLACE, YEAR_REPLACE_DRAFT)
}
YEAR_STATE_LABELS = dict(YearState.choices)


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


def check_year_transition(transition: Transition, *, state: str, target: Any, user: Any, comment: str = "") -> None:
    """Like check_transition for a reporting year; ``state`` is NEW when the year does not exist yet."""
    if user is not None and not can(user, transition.action, target):
        raise NotPermitted(f"この年度を「{transition.label}」する権限がありません。")
    if not transition.allows_from(state):
        current = YEAR_STATE_LABELS.get(state, "未開始") if state else "未開始"
        raise TransitionNotAllowed(f"「{current}」の年度は「{transition.label}」できません。")
    if transition.comment_required and not comment.strip():
        raise TransitionNotAllowed(f"「{transition.label}」の理由を入力してください。")


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


def bulk_approve_problem(report: ProjectReport, *, as_planned: GradeDefinition | None) -> str:
    """Why the report may not be approved in bulk ("" = it may): the final grade is the suggestion, so the
    department must not propose another and nothing may need a written rationale or a non-B summary."""
    if report.state != ReportState.SUBMITTED:
        return "提出済みではありません。"
    if report.suggested_grade_id is None:
        return "評価案がありません。"
    if report.department_grade_id is not None and report.department_grade_id != report.suggested_grade_id:
        return "担当部署の評価が評価案と異なります。"
    if as_planned is not None and report.suggested_grade_id != as_planned.pk and not _filled(report.non_b_summary):
        return f"進捗状況{as_planned.code}以外の概要がありません。"
    return ""
