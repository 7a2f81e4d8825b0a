"""``shinchoku restore FILE``: load a backup into an empty, freshly migrated database (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from shinchoku.backup.coverage import UncoveredModel
from shinchoku.backup.fileformat import BackupFileError
from shinchoku.backup.services import backup_restore


class Command(BaseCommand):
    help = "Restore a backup written by `shinchoku backup` into an empty, freshly migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=f"database alias (default {DEFAULT_DB_ALIAS!r})")

    def handle(self, *args: Any, path: Path, database: str, **options: Any) -> None:
        try:
            summary = backup_restore(path=path, using=database)
        except (BackupFileError, UncoveredModel) as exc:
            self.stderr.write(f"error: {exc}")
            raise SystemExit(2) from exc
        what = summary.municipality or "all municipalities"
        self.stdout.write(
            f"restored {path} ({what}, backed up {summary.created_at}): {summary.rows} rows in "
            f"{len(summary.counts)} tables"
        )
