"""``shinchoku publish --municipality 柏崎市 --fiscal-year 2024``: reporting_year_publish from the shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.management.commands._year import add_year_arguments, year_from_options
from shinchoku.cycle.services import reporting_year_publish


class Command(BaseCommand):
    help = "Publish a reporting year whose reports are all approved: freezes its next publication version."

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        year, user = year_from_options(options)
        try:
            publication = reporting_year_publish(year=year, by=user)
        except CycleError as exc:
            raise CommandError(f"fiscal year {year.fiscal_year} cannot be published: {exc.message}") from exc
        self.stdout.write(
            f"{year.plan}: fiscal year {year.fiscal_year} published as version {publication.version} "
            f"(sha256 {publication.content_hash})"
        )
