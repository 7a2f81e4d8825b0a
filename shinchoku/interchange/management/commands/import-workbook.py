from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.interchange.management.commands._output import acting_user, fail
from shinchoku.workbooks.services import WorkbookInvalid, workbook_import


class Command(BaseCommand):
    help = ("Import a filled-in department workbook (年度報告シート): all sheets or nothing; "
            "with --submit, then submit every report of it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .xlsx file exported by export-workbook")
        parser.add_argument("--as", dest="as_user", metavar="LOGIN", help="act as this user (checked like the web)")
        parser.add_argument("--dry-run", action="store_true", help="validate and list the changes; save nothing")
        parser.add_argument(
            "--submit", action="store_true",
            help="after saving, submit every report of the workbook (changed or not; each must be a draft or "
                 "returned, complete, and yours to submit), in the same transaction: one refusal and nothing is saved",
        )

    def handle(
        self, *args: Any, path: Path, as_user: str | None, dry_run: bool, submit: bool, **options: Any
    ) -> None:
        by = acting_user(self, as_user)
        try:
            content = path.read_bytes()
        except OSError as exc:
            fail(self, f"{path}: {exc.strerror}")
            return
        try:
            result = workbook_import(content=content, by=by, file_name=path.name, dry_run=dry_run, submit=submit)
        except WorkbookInvalid as exc:
            for english, _ in exc.errors[:-1]:
                self.stderr.write(f"error: {path.name}: {english}")
            fail(self, f"{path.name}: {exc.errors[-1][0]}")
            return
        head = f"{result.municipality.name} / fiscal year {result.fiscal_year}: "
        if not result.changed:
            self.stdout.write(head + "no changes")
            return
        for change in result.changes:
            self.stdout.write(f"  {change.sheet}: {change.label}: {change.before!r} → {change.after!r}")
        verb = "would change" if dry_run else "changed"
        submitted = len(result.reports_submitted)
        fields = len(result.changes) - submitted  # each submission is one change of 状態
        self.stdout.write(
            head + f"{verb} {len(result.reports_changed)} report(s), {fields} field(s)"
            + (f", {'would submit' if dry_run else 'submitted'} {submitted} report(s)" if submit else "")
            + (" (dry run: nothing saved)" if dry_run else "")
        )
