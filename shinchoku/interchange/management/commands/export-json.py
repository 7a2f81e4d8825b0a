from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope

from shinchoku.interchange.export import NothingToExport, document_build
from shinchoku.interchange.management.commands._output import fail
from shinchoku.tenancy.selectors import municipality_get


class Command(BaseCommand):
    help = "Write one municipality's plan and one fiscal year's report as a shinchoku-report/2 JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name, e.g. 柏崎市")
        parser.add_argument("--fiscal-year", type=int, required=True, help="evaluated fiscal year, e.g. 2023")
        parser.add_argument("--out", type=Path, help="output file (default: standard output)")

    def handle(self, *args: Any, municipality: str, fiscal_year: int, out: Path | None, **options: Any) -> None:
        found = municipality_get(name=municipality)
        if found is None:
            fail(self, f"no municipality named {municipality!r}; import a report first")
            return
        with scope(municipality=found):
            try:
                document = document_build(municipality=found, fiscal_year=fiscal_year)
            except NothingToExport as exc:
                fail(self, str(exc))
                return
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
        else:
            out.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {out} ({len(document['projects'])} projects)")
