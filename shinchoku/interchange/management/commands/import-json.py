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
from shinchoku.interchange.services import ImportFileError, document_json_import


class Command(BaseCommand):
    help = "Import a shinchoku-report/2 (or /1) JSON document (see docs/interchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        add_import_arguments(parser)

    def handle(self, *args: Any, path: Path, replace: bool, as_user: str | None, **options: Any) -> None:
        by = acting_user(self, as_user)
        try:
            result = document_json_import(path=path, by=by, replace=replace)
        except ImportFileError as exc:
            fail(self, str(exc))
            return
        self.stdout.write(summarize(result))
