from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scopes_disabled

from shinchoku.interchange.management.commands._output import fail
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.hq_meeting import hq_meeting_export


class Command(BaseCommand):
    help = "Write the HQ meeting workbook (本部会議資料) of a fiscal year: every project report, internal fields."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="the municipality's name, e.g. 柏崎市")
        parser.add_argument("--fiscal-year", type=int, required=True, help="the evaluated fiscal year, e.g. 2024")
        parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    def handle(
        self, *args: Any, municipality: str, fiscal_year: int, out: Path, **options: Any
    ) -> None:
        with scopes_disabled():
            found = Municipality.objects.filter(name=municipality).first()
        if found is None:
            fail(self, f"--municipality {municipality}: no such municipality")
            return
        try:
            content = hq_meeting_export(municipality=found, fiscal_year=fiscal_year)
        except LookupError as exc:
            fail(self, str(exc))
            return
        out.write_bytes(content)
        self.stdout.write(f"{out}: {len(content):,} bytes")
