"""``shinchoku export-users --municipality 柏崎市 --out F.csv``: the users as import-users reads them (UTF-8 with
BOM, so Excel opens it; importing the file again changes nothing)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.cycle.management.commands._municipality import municipality_from_option
from shinchoku.cycle.services.users_import import users_csv_export


class Command(BaseCommand):
    help = "Export the users of a municipality as CSV (login, name, e-mail, role, departments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name (or id)")
        parser.add_argument("--out", default="-", help="output file (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_option(options["municipality"])
        text = users_csv_export(municipality=municipality)
        if options["out"] == "-":
            sys.stdout.write(text)
        else:
            Path(options["out"]).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
            self.stdout.write(f"{options['out']}: {text.count(chr(10)) - 1} users of {municipality.name}")
