"""``shinchoku remind``: e-mail each department whose reports are still outstanding. Meant for a daily cron.

Before the due date a department is reminded only within ``--days-before`` days of it; after it, every run
reminds (overdue). Recipients and text: ``cycle.services.reminders`` (also behind the completion page's buttons).
The messages go through the task queue (``cycle.services.mail``): the worker (``shinchoku db_worker``) sends
them and retries a refused delivery. Prints (in English) what it queued and what it could not send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku.cycle.selectors import OUTSTANDING_STATES, cycle_completion, open_years
from shinchoku.cycle.services.reminders import reminders_send
from shinchoku.tenancy.models import Municipality
from shinchoku.tenancy.selectors import municipality_get, municipality_list


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
        for year in open_years(municipality=municipality):
            completion = cycle_completion(year=year, today=today)
            days_left = completion.days_left
            due = year.due_date.isoformat() if year.due_date else "no due date"
            head = f"{municipality.name} FY{year.fiscal_year} (due {due})"
            if days_left > days_before:
                self.stdout.write(f"{head}: {days_left} days left, no reminders yet")
                continue
            outcome = reminders_send(year=year, by=None, completion=completion, dry_run=dry_run)
            for department, outstanding in outcome.unreachable:
                if department is None:
                    names = ", ".join(
                        row.project.name for group in completion.departments if group.department is None
                        for row in group.rows if row.state in OUTSTANDING_STATES
                    )
                    self.stdout.write(f"{head}: no department set for {names}: nobody to remind")
                else:
                    self.stdout.write(
                        f"{head}: {department.name} has {outstanding} outstanding report(s) but no e-mail address"
                    )
            status = "overdue" if days_left < 0 else f"{days_left} days left"
            for department, recipients, outstanding in outcome.mailed:
                self.stdout.write(
                    f"{head}: {'would mail' if dry_run else 'queued mail to'} {department.name} <{', '.join(recipients)}>: "
                    f"{outstanding} outstanding report(s), {status}"
                )
                sent += 1
        return sent
