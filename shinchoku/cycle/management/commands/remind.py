"""``shinchoku remind``: e-mail each department whose reports are still outstanding. Meant for a daily cron.

Before the due date a department is reminded only within ``--days-before`` days of it; after it, every run
reminds (overdue). Recipients: the department's own address, else its department editors' addresses.
The messages go through the task queue (``cycle.services.mail``): the worker (``shinchoku db_worker``) sends
them and retries a refused delivery. Prints (in English) what it queued and what it could not send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.selectors import OUTSTANDING_STATES, CycleCompletion, cycle_completion, open_years
from shinchoku.cycle.services.mail import mail_send
from shinchoku.tenancy.models import Department, Membership, Municipality, Role
from shinchoku.tenancy.selectors import municipality_get, municipality_list


def editor_emails(municipality: Municipality) -> dict[int, list[str]]:
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
    *, municipality: Municipality, department: Department, completion: CycleCompletion, rows: list[Any]
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


class Command(BaseCommand):
    help = "E-mail departments with unsubmitted reports (before the due date and when overdue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", default="", help="only this municipality (default: all)")
        parser.add_argument("--today", default="", help="pretend today is YYYY-MM-DD (default: today)")
        parser.add_argument("--days-before", type=int, default=7, help="start reminding this many days before the due date")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"--today: expected YYYY-MM-DD, got {options['today']!r}") from exc
        if options["municipality"]:
            municipality = municipality_get(name=options["municipality"])
            if municipality is None:
                raise CommandError(f"unknown municipality {options['municipality']!r}")
            municipalities = [municipality]
        else:
            municipalities = municipality_list()
        sent = 0
        for municipality in municipalities:
            with scope(municipality=municipality):
                sent += self._remind(municipality, today, options["days_before"], options["dry_run"])
        self.stdout.write(f"{sent} reminder(s) {'would be sent' if options['dry_run'] else 'queued'}")

    def _remind(self, municipality: Municipality, today: dt.date | None, days_before: int, dry_run: bool) -> int:
        sent = 0
        emails: dict[int, list[str]] | None = None
        for year in open_years(municipality=municipality):
            completion = cycle_completion(year=year, today=today)
            days_left = completion.days_left
            due = year.due_date.isoformat() if year.due_date else "no due date"
            head = f"{municipality.name} FY{year.fiscal_year} (due {due})"
            if days_left > days_before:
                self.stdout.write(f"{head}: {days_left} days left, no reminders yet")
                continue
            emails = emails if emails is not None else editor_emails(municipality)
            for group in completion.departments:
                rows = [row for row in group.rows if row.state in OUTSTANDING_STATES]
                if not rows:
                    continue
                if group.department is None:
                    names = ", ".join(row.project.name for row in rows)
                    self.stdout.write(f"{head}: no department set for {names}: nobody to remind")
                    continue
                recipients = [group.department.email] if group.department.email else emails.get(group.department.pk, [])
                if not recipients:
                    self.stdout.write(
                        f"{head}: {group.department.name} has {len(rows)} outstanding report(s) but no e-mail address"
                    )
                    continue
                subject, body = reminder_text(
                    municipality=municipality, department=group.department, completion=completion, rows=rows
                )
                if not dry_run:
                    mail_send(subject=subject, body=body, recipients=recipients)
                status = "overdue" if days_left < 0 else f"{days_left} days left"
                self.stdout.write(
                    f"{head}: {'would mail' if dry_run else 'queued mail to'} {group.department.name} <{', '.join(recipients)}>: "
                    f"{len(rows)} outstanding report(s), {status}"
                )
                sent += 1
        return sent
