"""``shinchoku backup --out FILE [--municipality NAME]``: one consistent snapshot to a file (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from shinchoku.backup.coverage import UncoveredModel
from shinchoku.backup.services import backup_write
from shinchoku.tenancy.selectors import municipality_get


class Command(BaseCommand):
    help = "Back up the whole database, or one municipality, to a gzip-compressed JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="backup file to write, e.g. shinchoku-2025-06-01.json.gz")
        parser.add_argument("--municipality", default="", help="only this municipality and its users, e.g. 柏崎市")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=f"database alias (default {DEFAULT_DB_ALIAS!r})")

    def handle(self, *args: Any, out: Path, municipality: str, database: str, **options: Any) -> None:
        found = None
        if municipality:
            found = municipality_get(name=municipality)
            if found is None:
                self._fail(f"no municipality named {municipality!r}")
        if not out.parent.is_dir():
            self._fail(f"{out}: the directory {out.parent} does not exist")
        try:
            summary = backup_write(out=out, municipality=found, using=database)
        except UncoveredModel as exc:
            self._fail(str(exc))
            return
        what = summary.municipality or "all municipalities"
        self.stdout.write(
            f"wrote {out} ({what}: {summary.rows} rows in {len(summary.counts)} tables, {summary.size:,} bytes)"
        )

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        raise SystemExit(2)
