"""``shinchoku set-municipality-code --municipality 府中市 132063``: set the code of the public pages (/p/{code}/)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services.municipality_code import municipality_code_set
from shinchoku.tenancy import codes
from shinchoku.tenancy.selectors import municipality_get


class Command(BaseCommand):
    help = "Set a municipality's 6-digit 全国地方公共団体コード (checked against its JIS X 0402 check digit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="municipality name, e.g. 府中市")
        parser.add_argument("code", nargs="?", default="", help="the 6-digit code; omitted: list the candidates")
        parser.add_argument("--as", dest="as_user", metavar="LOGIN", help="act as this user (default: the system)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise CommandError(f"unknown municipality {options['municipality']!r}", returncode=2)
        if not options["code"]:
            for candidate in codes.candidates_for_name(municipality.name):
                self.stdout.write(f"{candidate.code}\t{candidate.full_name}")
            return
        user = None
        if options.get("as_user"):
            user = get_user_model().objects.filter(username=options["as_user"], is_active=True).first()
            if user is None:
                raise CommandError(f"--as {options['as_user']}: no active user with that login", returncode=2)
        try:
            municipality_code_set(municipality=municipality, code=options["code"], by=user)
        except CycleError as exc:
            raise CommandError(exc.english or exc.message, returncode=2) from exc
        self.stdout.write(f"{municipality.name}: code {municipality.code}")
