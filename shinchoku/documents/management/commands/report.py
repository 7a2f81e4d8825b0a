"""``shinchoku report --municipality 柏崎市 --fiscal-year 2023 --format pdf [--out FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.cycle.services.publication import NoSuchVersion, report_file
from shinchoku.documents.render import FORMATS, NoReportData
from shinchoku.tenancy.selectors import municipality_get


def fail(command: BaseCommand, message: str) -> None:
    """An English error on stderr and exit code 2 (bad input), like the import/export commands."""
    command.stderr.write(f"error: {message}")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "Generate the annual progress report (進行管理報告書) as PDF, Word, Excel or HTML."

    def add_base_argument(self, parser: Any, *args: Any, **kwargs: Any) -> None:
        # ``--version N`` is the publication version here, not Django's version banner.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name, e.g. 柏崎市")
        parser.add_argument("--fiscal-year", type=int, required=True, help="evaluated fiscal year, e.g. 2023")
        parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
        parser.add_argument("--out", type=Path, help="output file (default: the report's own file name)")
        parser.add_argument(
            "--version",
            type=int,
            dest="publication_version",
            help="publication version of a published year (default: the latest; a year not published is a draft, 案)",
        )

    def handle(
        self,
        *args: Any,
        municipality: str,
        fiscal_year: int,
        format: str,
        out: Path | None,
        publication_version: int | None,
        **options: Any,
    ) -> None:
        found = municipality_get(name=municipality)
        if found is None:
            fail(self, f"no municipality named {municipality!r}; import a report first")
            return
        try:
            drawn = report_file(
                municipality=found, fiscal_year=fiscal_year, format=format, version=publication_version
            )
        except NoReportData as exc:
            fail(self, f"nothing to report for {municipality} fiscal year {fiscal_year}: {exc}")
            return
        except NoSuchVersion as exc:
            fail(self, str(exc))
            return
        path = out if out is not None else Path(drawn.filename)
        path.write_bytes(drawn.data)
        what = "draft (案)" if drawn.is_draft else f"publication version {drawn.version}"
        self.stdout.write(f"wrote {path} ({len(drawn.data):,} bytes, {format}, {what})")
