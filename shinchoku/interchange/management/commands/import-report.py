from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.interchange.management.commands._output import (
    acting_user,
    add_import_arguments,
    fail,
    summarize,
)
from shinchoku.interchange.services import ImportFileError, report_text_import


class Command(BaseCommand):
    help = "Import a published progress report (進行管理報告書) converted from PDF to text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the report as UTF-8 text")
        add_import_arguments(parser)

    def handle(self, *args: Any, path: Path, replace: bool, as_user: str | None, **options: Any) -> None:
        by = acting_user(self, as_user)
        try:
            # Warnings go to stderr and keep exit code 0: the file loaded, with some text kept as written.
            result = report_text_import(
                path=path, by=by, replace=replace, warn=lambda message: self.stderr.write(f"warning: {message}")
            )
        except ImportFileError as exc:
            fail(self, str(exc))
            return
        self.stdout.write(summarize(result))
