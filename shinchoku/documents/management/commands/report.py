"""``shinchoku report --municipality 柏崎市 --fiscal-year 2023 --format pdf [--out FILE] [--draft|--no-draft]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.documents.render import FORMATS, NoReportData, render_report
from shinchoku.tenancy.selectors import municipality_get


def fail(command: BaseCommand, message: str) -> None:
    """An English error on stderr and exit code 2 (bad input), like the import/export commands."""
    command.stderr.write(f"error: {message}")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "Generate the annual progress report (進行管理報告書) as PDF, Word, Excel or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name, e.g. 柏崎市")
        parser.add_argument("--fiscal-year", type=int, required=True, help="evaluated fiscal year, e.g. 2023")
        parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
        parser.add_argument("--out", type=Path, help="output file (default: the report's own file name)")
        parser.add_argument(
            "--draft",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="mark every page 案 (default: when the year is not published)",
        )

    def handle(
        self,
        *args: Any,
        municipality: str,
        fiscal_year: int,
        format: str,
        out: Path | None,
        draft: bool | None,
        **options: Any,
    ) -> None:
        found = municipality_get(name=municipality)
        if found is None:
            fail(self, f"no municipality named {municipality!r}; import a report first")
            return
        try:
            data, _content_type, filename = render_report(
                municipality=found, fiscal_year=fiscal_year, format=format, draft=draft
            )
        except NoReportData as exc:
            fail(self, f"nothing to report for {municipality} fiscal year {fiscal_year}: {exc}")
            return
        path = out if out is not None else Path(filename)
        path.write_bytes(data)
        self.stdout.write(f"wrote {path} ({len(data):,} bytes, {format})")
