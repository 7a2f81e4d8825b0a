"""shinchoku export-audit --municipality 柏崎市 [--since DATE] [--until DATE] --out F.csv: archive the audit log.

Same CSV as the log page's export (UTF-8 with BOM, Japanese headers, raw code and ISO time). Dates accept
2025-03-10, 2025-03, 令和7年3月, R7.3 (a month means all its days); a bad one exits 2 with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.audit_export import write_csv
from shinchoku.cycle.selectors import AuditFilter
from shinchoku.tenancy.selectors import municipality_get


class Command(BaseCommand):
    help = "Export a municipality's audit log as CSV (UTF-8 with BOM) for archiving."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name, e.g. 柏崎市")
        parser.add_argument("--since", default="", help="first day (inclusive): 2025-03-10, 2025-03, 令和7年3月, R7.3")
        parser.add_argument("--until", default="", help="last day (inclusive), same forms as --since")
        parser.add_argument("--out", required=True, help="the CSV file to write")

    def _bound(self, option: str, text: str, *, last: bool) -> Any:
        if not text:
            return None
        try:
            first_day, last_day = wareki.parse_date_bound(text)
        except ValueError as error:
            self.stderr.write(f"--{option}: {error}")
            raise SystemExit(2) from None
        return last_day if last else first_day

    def handle(self, *args: Any, **options: Any) -> None:
        since = self._bound("since", options["since"], last=False)
        until = self._bound("until", options["until"], last=True)
        if since and until and since > until:
            self.stderr.write(f"--since {options['since']} is after --until {options['until']}")
            raise SystemExit(2) from None
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise CommandError(f"unknown municipality {options['municipality']!r}")
        out = Path(options["out"])
        partial = out.with_name(out.name + ".partial")
        # Written beside the target and renamed, so an interrupted export never leaves a half file as F.csv.
        with scope(municipality=municipality), partial.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(handle, municipality=municipality, filters=AuditFilter(since=since, until=until))
        partial.replace(out)
        self.stdout.write(f"wrote {count} audit entries to {out}")
