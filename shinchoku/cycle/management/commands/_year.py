"""What the year commands share: finding the reporting year from --municipality and --fiscal-year."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django_scopes import scope

from shinchoku.plans.models import ReportingYear
from shinchoku.plans.selectors import plan_for_fiscal_year
from shinchoku.tenancy.selectors import municipality_get


def add_year_arguments(parser: CommandParser) -> None:
    parser.add_argument("--municipality", required=True, help="municipality name, e.g. 柏崎市")
    parser.add_argument("--fiscal-year", type=int, required=True, help="evaluated fiscal year, e.g. 2024")
    parser.add_argument("--as", dest="as_user", metavar="LOGIN", help="act as this user (default: the system)")


def year_from_options(options: dict[str, Any]) -> tuple[ReportingYear, Any]:
    """(the reporting year, the acting user or None); CommandError (exit 1, English) when not found."""
    municipality = municipality_get(name=options["municipality"])
    if municipality is None:
        raise CommandError(f"unknown municipality {options['municipality']!r}")
    with scope(municipality=municipality):
        plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=options["fiscal_year"])
        year = (
            ReportingYear.objects.select_related("plan").filter(plan=plan, fiscal_year=options["fiscal_year"]).first()
            if plan
            else None
        )
    if year is None:
        raise CommandError(f"{municipality.name} has no reporting year {options['fiscal_year']}; open it first")
    user = None
    if options.get("as_user"):
        user = get_user_model().objects.filter(username=options["as_user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--as {options['as_user']}: no active user with that login")
    return year, user
