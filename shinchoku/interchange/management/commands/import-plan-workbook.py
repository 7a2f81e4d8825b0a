from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.interchange.management.commands._output import acting_user, fail
from shinchoku.workbooks.plan_services import WorkbookInvalid, plan_workbook_import


class Command(BaseCommand):
    help = (
        "Import a plan workbook (計画シート, exported by export-plan-workbook or typed into its --template): "
        "the whole workbook or nothing. Without --as, a new municipality in the workbook is created."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .xlsx file")
        parser.add_argument("--as", dest="as_user", metavar="LOGIN", help="act as this user (checked like the web)")
        parser.add_argument("--dry-run", action="store_true", help="validate and list the changes; save nothing")

    def handle(self, *args: Any, path: Path, as_user: str | None, dry_run: bool, **options: Any) -> None:
        by = acting_user(self, as_user)
        try:
            content = path.read_bytes()
        except OSError as exc:
            fail(self, f"{path}: {exc.strerror}")
            return
        try:
            result = plan_workbook_import(content=content, by=by, file_name=path.name, dry_run=dry_run)
        except WorkbookInvalid as exc:
            for english, _ in exc.errors[:-1]:
                self.stderr.write(f"error: {path.name}: {english}")
            fail(self, f"{path.name}: {exc.errors[-1][0]}")
            return
        head = f"{result.municipality.name} / {result.plan}: "
        if not result.changed:
            self.stdout.write(head + "no changes")
            return
        for change in result.changes:
            year = f" {change.fiscal_year}" if change.fiscal_year else ""
            self.stdout.write(f"  {change.sheet}: {change.subject}: {change.label}{year}: {change.before!r} → {change.after!r}")
        for note in result.kept:
            self.stdout.write(f"  kept: {note}")
        counts = ", ".join(f"{k} +{v}" for k, v in sorted(result.created.items()))
        counts += (", " if counts and result.updated else "") + ", ".join(f"{k} ~{v}" for k, v in sorted(result.updated.items()))
        verb = "would change" if dry_run else "changed"
        self.stdout.write(head + f"{verb} {len(result.changes)} field(s)" + (f" ({counts})" if counts else "")
                          + (" (new municipality)" if result.municipality_created else "")
                          + (" (dry run: nothing saved)" if dry_run else ""))
