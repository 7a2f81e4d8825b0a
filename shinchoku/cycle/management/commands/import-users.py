"""``shinchoku import-users --municipality 柏崎市 FILE.csv``: add or update the municipality's users from CSV.

Columns login, name, e-mail, role, departments (cycle/services/users_import.py). Every row is checked first;
a bad row prints ``FILE.csv:LINE: problem`` in English and exits 2 with nothing written. Existing logins are
updated, new ones created and sent an invitation mail (``--no-mail`` to skip the mail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.management.commands._municipality import BAD_INPUT, municipality_from_option
from shinchoku.cycle.services.users_import import UsersCsvInvalid, decode_csv, users_csv_apply, users_csv_plan


class Command(BaseCommand):
    help = "Import users of a municipality from CSV (login, name, e-mail, role, departments); all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name (or id), e.g. 柏崎市")
        parser.add_argument("file", help="the CSV file (UTF-8, with or without BOM, or Shift_JIS)")
        parser.add_argument("--dry-run", action="store_true", help="only show what would change")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_option(options["municipality"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=BAD_INPUT) from exc
        try:
            plan = users_csv_plan(municipality=municipality, text=decode_csv(data), by=None)
        except UsersCsvInvalid as exc:
            for line, _, english in exc.problems[:-1]:
                self.stderr.write(f"{path}:{line}: {english}")
            line, _, english = exc.problems[-1]
            raise CommandError(f"{path}:{line}: {english}", returncode=BAD_INPUT) from exc
        for row in plan.rows:
            if row.status != "unchanged":
                self.stdout.write(f"{path}:{row.line}: {row.status} {row.login}")
        if options["dry_run"]:
            counts = {status: plan.count(status) for status in ("new", "changed", "unchanged")}
            self.stdout.write(
                f"{municipality.name}: {counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged"
                " (dry run: nothing written)"
            )
            return
        try:
            counts = users_csv_apply(plan=plan, by=None, file_name=path.name)
        except CycleError as exc:
            raise CommandError(f"{path}: {exc.english or exc.message}", returncode=BAD_INPUT) from exc
        self.stdout.write(
            f"{municipality.name}: {counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged"
        )
