from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scopes_disabled

from shinchoku.interchange.management.commands._output import fail
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.plan import plan_workbook_export


class Command(BaseCommand):
    help = "Write the plan workbook (計画シート): a whole plan, its projects, indicators, targets and actuals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="the municipality's name, e.g. 柏崎市")
        parser.add_argument("--plan", help="the plan's name; default: the latest plan")
        parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    def handle(
        self, *args: Any, municipality: str, plan: str | None, out: Path, **options: Any
    ) -> None:
        with scopes_disabled():
            found = Municipality.objects.filter(name=municipality).first()
        if found is None:
            fail(self, f"--municipality {municipality}: no such municipality")
            return
        try:
            content = plan_workbook_export(municipality=found, plan=plan)
        except LookupError as exc:
            fail(self, str(exc))
            return
        out.write_bytes(content)
        self.stdout.write(f"{out}: {len(content):,} bytes")
