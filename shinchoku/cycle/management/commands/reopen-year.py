"""``shinchoku reopen-year --municipality 柏崎市 --fiscal-year 2023 --reason "…"``: reopen a published year."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.management.commands._year import add_year_arguments, year_from_options
from shinchoku.cycle.services import reporting_year_reopen


class Command(BaseCommand):
    help = "Reopen a published reporting year for a correction; its publication stays, the next one is version N+1."

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)
        parser.add_argument("--reason", required=True, help="why the year is reopened (recorded in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        year, user = year_from_options(options)
        try:
            reporting_year_reopen(year=year, by=user, comment=options["reason"])
        except CycleError as exc:
            raise CommandError(f"fiscal year {year.fiscal_year} cannot be reopened: {exc.message}") from exc
        self.stdout.write(f"{year.plan}: fiscal year {year.fiscal_year} reopened")
