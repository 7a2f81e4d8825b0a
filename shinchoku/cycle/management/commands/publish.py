"""``shinchoku publish --municipality 柏崎市 --fiscal-year 2024 [--yes]``: the publish checklist, then
reporting_year_publish.

Blocking items (reports not approved, a non-B summary missing, no title) always refuse (exit 2); warnings (text
identical to last year's, no publication month) refuse unless --yes says they were checked.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.management.commands._year import add_year_arguments, year_from_options
from shinchoku.cycle.selectors_publish import (
    NARRATIVE_EDITED,
    NON_B_SUMMARIES,
    PUBLICATION_MONTH,
    REPORTS_APPROVED,
    TITLE,
    UNDER_CONSIDERATION_EDITED,
    CheckItem,
    publish_checklist,
)
from shinchoku.cycle.services import reporting_year_publish
from shinchoku.plans.models import ReportingYear

ENGLISH = {
    REPORTS_APPROVED: ("every report approved", "reports not approved"),
    NON_B_SUMMARIES: ("non-B summary present for every project not graded as planned", "non-B summary missing"),
    TITLE: ("title set", "the year has no title"),
    PUBLICATION_MONTH: ("publication month set", "no publication month: the month of publishing is used"),
    NARRATIVE_EDITED: ("section 1 edited for this year", "section 1 is empty or identical to last year's"),
    UNDER_CONSIDERATION_EDITED: (
        "policies under consideration edited for this year", "policies under consideration identical to last year's"
    ),
}


def _line(item: CheckItem) -> str:
    ok, problem = ENGLISH[item.key]
    if item.ok:
        return f"  [ok]   {ok}"
    mark = "[FAIL]" if item.blocking else "[WARN]"
    names = "; ".join(f"{d.label} ({d.note})" if d.note else d.label for d in item.details)
    return f"  {mark} {problem}" + (f": {names}" if names else "")


class Command(BaseCommand):
    help = "Publish a reporting year whose checklist is clear: freezes its next publication version."

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="the warnings of the checklist were checked: publish")

    def handle(self, *args: Any, **options: Any) -> None:
        year, user = year_from_options(options)
        if year.is_published:
            self._publish(year, user)  # the service's refusal says it is published already
        with scope(municipality=year.plan.municipality_id):
            checklist = publish_checklist(year=year)
        self.stdout.write(f"{year.plan}: fiscal year {year.fiscal_year}, {checklist.report_count} reports, "
                          f"would be version {checklist.next_version}")
        for item in checklist.items:
            self.stdout.write(_line(item))
        if checklist.blockers:
            self.stderr.write(f"fiscal year {year.fiscal_year} cannot be published:")
            for item in checklist.blockers:
                self.stderr.write(_line(item))
            sys.exit(2)
        if checklist.warnings and not options["yes"]:
            self.stderr.write(f"fiscal year {year.fiscal_year}: {len(checklist.warnings)} warning(s) above; "
                              "check them, then run again with --yes")
            sys.exit(2)
        self._publish(year, user)

    def _publish(self, year: ReportingYear, user: Any) -> None:
        try:
            publication = reporting_year_publish(year=year, by=user, warnings_confirmed=True)
        except CycleError as exc:
            raise CommandError(f"fiscal year {year.fiscal_year} cannot be published: {exc.message}") from exc
        self.stdout.write(
            f"{year.plan}: fiscal year {year.fiscal_year} published as version {publication.version} "
            f"(sha256 {publication.content_hash})"
        )
