from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scopes_disabled

from shinchoku.interchange.management.commands._output import fail
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.plan import plan_workbook_export, plan_workbook_template


class Command(BaseCommand):
    help = (
        "Write the plan workbook (計画シート): a whole plan, its projects, indicators, targets and actuals; "
        "or, with --template, a blank one with an example row per sheet for a new municipality to fill in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="the municipality's name, e.g. 柏崎市")
        parser.add_argument("--plan", help="the plan's name; default: the latest plan")
        parser.add_argument("--template", action="store_true", help="a blank workbook to fill in (no --municipality)")
        parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    def handle(
        self, *args: Any, municipality: str | None, plan: str | None, template: bool, out: Path, **options: Any
    ) -> None:
        if template:
            if municipality or plan:
                fail(self, "--template writes a blank workbook: leave out --municipality and --plan")
                return
            content = plan_workbook_template()
        else:
            if not municipality:
                fail(self, "--municipality is required (or --template for a blank workbook)")
                return
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
        try:
            out.write_bytes(content)
        except OSError as exc:
            fail(self, f"{out}: {exc.strerror}")
            return
        self.stdout.write(f"{out}: {len(content):,} bytes")
