"""``shinchoku open-cycle --municipality 柏崎市 --fiscal-year 2024 --due 2025-05-31``: reporting_year_open from the shell."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services import reporting_year_open
from shinchoku.plans.models import Plan
from shinchoku.plans.selectors import plan_for_fiscal_year
from shinchoku.tenancy.selectors import municipality_get


class Command(BaseCommand):
    help = "Open a fiscal year for reporting: one pre-filled draft report per project."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--due", required=True, help="due date of the department reports, YYYY-MM-DD")
        parser.add_argument("--plan", default="", help="plan name (default: the plan covering the year)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise CommandError(f"unknown municipality {options['municipality']!r}")
        try:
            due = dt.date.fromisoformat(options["due"])
        except ValueError as exc:
            raise CommandError(f"--due: expected YYYY-MM-DD, got {options['due']!r}") from exc
        fiscal_year = options["fiscal_year"]
        with scope(municipality=municipality):
            if options["plan"]:
                plan = Plan.objects.filter(municipality=municipality, name=options["plan"]).first()
            else:
                plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
        if plan is None:
            raise CommandError(f"{municipality.name} has no plan covering fiscal year {fiscal_year}")
        try:
            year = reporting_year_open(plan=plan, fiscal_year=fiscal_year, due_date=due, by=None)
        except CycleError as exc:
            raise CommandError(exc.message) from exc
        with scope(municipality=municipality):
            count = year.project_reports.count()
        self.stdout.write(
            f"{municipality.name} / {plan.name}: fiscal year {fiscal_year} opened, due {due.isoformat()}, "
            f"{count} projects"
        )
