"""``shinchoku review-queue --municipality 柏崎市 --fiscal-year 2024 [--approve-eligible --as LOGIN]``.

Prints HQ's review queue (the home page's, ``selectors_queues.review_queue``): one tab-separated line per
submitted report, longest waiting first — project, waiting since (ISO), suggestion, department grade,
warnings, whether it may be approved in bulk. ``--approve-eligible`` approves every eligible report with its
suggestion through ``reports_bulk_approve`` (all or nothing; exit 2 and nothing written when refused).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.management.commands._year import add_year_arguments, year_from_options
from shinchoku.cycle.selectors_queues import review_queue
from shinchoku.cycle.services import reports_bulk_approve


class Command(BaseCommand):
    help = "List the submitted reports waiting for review; optionally approve the eligible ones in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)
        parser.add_argument("--approve-eligible", action="store_true",
                            help="approve every report whose final grade can be the suggestion (needs --as)")

    def handle(self, *args: Any, **options: Any) -> None:
        year, user = year_from_options(options)
        with scope(municipality=year.plan.municipality_id):
            rows = review_queue(year=year)
        for row in rows:
            r = row.report
            self.stdout.write("\t".join([
                r.project.name,
                row.waiting_since.isoformat() if row.waiting_since else "-",
                r.suggested_grade.code if r.suggested_grade else "-",
                r.department_grade.code if r.department_grade else "-",
                f"{len(row.warnings)} warning(s)",
                "eligible" if row.bulk_eligible else "review individually",
            ]))
        if not options["approve_eligible"]:
            self.stdout.write(f"{len(rows)} report(s) waiting")
            return
        if user is None:
            self.stderr.write("--approve-eligible needs --as LOGIN (an HQ reviewer)")
            raise SystemExit(2)
        eligible = [row.report for row in rows if row.bulk_eligible]
        if not eligible:
            self.stdout.write("0 report(s) approved: none is eligible")
            return
        try:
            approved = reports_bulk_approve(reports=eligible, by=user)
        except (CycleError, PermissionDenied) as exc:
            self.stderr.write(f"bulk approval refused, nothing written: {getattr(exc, 'message', exc)}")
            raise SystemExit(2) from exc
        self.stdout.write(f"{len(approved)} report(s) approved")
