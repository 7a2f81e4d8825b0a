from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.interchange.management.commands._output import fail, summarize
from shinchoku.interchange.services import ImportFileError, document_json_import


class Command(BaseCommand):
    help = "Import a shinchoku-report/2 (or /1) JSON document (see docs/interchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = document_json_import(path=path)
        except ImportFileError as exc:
            fail(self, str(exc))
            return
        self.stdout.write(summarize(result))
