"""Reminders to departments whose reports of an open year are still outstanding (未着手・作成中・差戻し).

One service for both ways in: the daily cron (``shinchoku remind``) and DX staff's buttons on the completion
page ("all overdue departments" or one department). Recipients: the department's own address, else its
department editors' addresses. The messages go through the task queue (``mail.mail_send``); one audit row
per call records who was reminded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.errors import NotPermitted, TransitionNotAllowed
from shinchoku.cycle.selectors import OUTSTANDING_STATES, CompletionRow, CycleCompletion, cycle_completion
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.mail import mail_send
from shinchoku.permissions import Action, can
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Department, Membership, Municipality, Role


def editor_emails(municipality: Municipality | int) -> dict[int, list[str]]:
    """department id → the e-mail addresses of its department editors (one query)."""
    emails: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.filter(municipality=municipality, role=Role.DEPARTMENT_EDITOR, user__is_active=True)
        .select_related("user")
        .prefetch_related("departments")
    )
    for membership in memberships:
        if not membership.user.email:
            continue
        for department in membership.departments.all():
            emails.setdefault(department.pk, [])
            if membership.user.email not in emails[department.pk]:
                emails[department.pk].append(membership.user.email)
    return emails


def reminder_text(
    *, municipality: Municipality, department: Department, completion: CycleCompletion, rows: list[CompletionRow]
) -> tuple[str, str]:
    reporting_year = completion.year
    days_left = completion.days_left
    year = wareki.format_fiscal_year(reporting_year.fiscal_year)
    due = wareki.format_date(reporting_year.due_date) if reporting_year.due_date else "（未定）"
    if days_left < 0:
        subject = f"【進行管理】{year}実績の報告の提出期限（{due}）を過ぎています"
        when = f"提出期限（{due}）を{-days_left}日過ぎています。"
    else:
        subject = f"【進行管理】{year}実績の報告の提出期限（{due}）のお知らせ"
        when = "提出期限は本日です。" if days_left == 0 else f"提出期限（{due}）まであと{days_left}日です。"
    lines = [
        f"{department.name} ご担当者様",
        "",
        f"{reporting_year.plan.name}の{year}実績の進行管理報告について、{when}",
        "次の個別事業計画の報告がまだ提出されていません。",
        "",
        *[f"・{row.project.name}（{row.state_label}）" for row in rows],
        "",
        f"入力はこちらから：{settings.SITE_URL.rstrip('/')}/{municipality.pk}/",
        "",
        "（このメールは進捗管理システムから自動で送信しています）",
    ]
    return subject, "\n".join(lines)


@dataclass
class ReminderOutcome:
    """What one call did: the departments mailed (with their addresses) and those nobody could be told."""

    completion: CycleCompletion
    mailed: list[tuple[Department, list[str], int]] = field(default_factory=list)  # (department, to, outstanding)
    unreachable: list[tuple[Department | None, int]] = field(default_factory=list)  # (department, outstanding)


def reminders_send(
    *,
    year: ReportingYear,
    by: Any,
    department: Department | None = None,
    only_overdue: bool = False,
    completion: CycleCompletion | None = None,
    dry_run: bool = False,
) -> ReminderOutcome:
    """Remind every department of ``year`` with outstanding reports (or only ``department``). With
    ``only_overdue`` nothing is sent unless the due date has passed. ``by`` None is the cron (no check)."""
    municipality_id = year.plan.municipality_id
    with scope(municipality=municipality_id), transaction.atomic():
        if by is not None and not can(by, Action.OPEN_CYCLE, year):
            raise NotPermitted("督促する権限がありません。")
        if not year.is_open:
            raise TransitionNotAllowed("進行管理中の年度だけ督促できます。")
        completion = completion or cycle_completion(year=year)
        outcome = ReminderOutcome(completion=completion)
        if only_overdue and completion.days_left >= 0:
            return outcome
        municipality = year.plan.municipality
        emails = editor_emails(municipality_id)
        for group in completion.departments:
            if department is not None and (group.department is None or group.department.pk != department.pk):
                continue
            rows = [row for row in group.rows if row.state in OUTSTANDING_STATES]
            if not rows:
                continue
            if group.department is None:
                outcome.unreachable.append((None, len(rows)))
                continue
            recipients = [group.department.email] if group.department.email else emails.get(group.department.pk, [])
            if not recipients:
                outcome.unreachable.append((group.department, len(rows)))
                continue
            if not dry_run:
                subject, body = reminder_text(
                    municipality=municipality, department=group.department, completion=completion, rows=rows
                )
                mail_send(subject=subject, body=body, recipients=recipients)
            outcome.mailed.append((group.department, recipients, len(rows)))
        if not dry_run and (outcome.mailed or by is not None):
            audit_record(
                municipality=municipality_id, by=by, action="reminder.sent", obj=year,
                after={
                    "departments": [d.name for d, _, _ in outcome.mailed],
                    "unreachable": [d.name if d else "（担当部署なし）" for d, _ in outcome.unreachable],
                    "overdue": completion.days_left < 0,
                },
            )
        return outcome
