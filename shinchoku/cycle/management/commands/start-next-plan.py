"""``shinchoku start-next-plan --municipality 柏崎市 --name 第2次柏崎市DX推進計画 --start 2026 --end 2030``:
plan_start_next from the shell. By default every project still running in the previous plan's last year
continues; ``--project NAME`` (repeatable) chooses instead. Bad input exits 2 in English."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services.plan_next import plan_start_next
from shinchoku.plans.models import Plan, Project
from shinchoku.tenancy.selectors import municipality_get

BAD_INPUT = 2


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "Start the next plan period: a new plan carrying over the continuing projects and their indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--name", required=True, help="the new plan's name")
        parser.add_argument("--start", type=int, required=True, help="first fiscal year of the new plan")
        parser.add_argument("--end", type=int, required=True, help="last fiscal year of the new plan")
        parser.add_argument("--from-plan", default="", help="the plan it follows (default: the latest one)")
        parser.add_argument(
            "--project", action="append", default=[],
            help="a project to carry over, by name (repeatable; default: all still running)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise refuse(f"unknown municipality {options['municipality']!r}")
        with scope(municipality=municipality):
            plans = Plan.objects.filter(municipality=municipality).order_by("-start_fiscal_year", "-pk")
            if options["from_plan"]:
                plans = plans.filter(name=options["from_plan"])
            previous = plans.first()
            if previous is None:
                raise refuse(f"{municipality.name} has no plan {options['from_plan']!r}".replace(" ''", ""))
            projects = list(Project.objects.filter(plan=previous).order_by("position", "pk"))
            if options["project"]:
                by_name = {p.name: p for p in projects}
                unknown = [name for name in options["project"] if name not in by_name]
                if unknown:
                    raise refuse(f"plan {previous.name!r} has no project named {unknown[0]!r}")
                chosen = [by_name[name] for name in options["project"]]
            else:
                chosen = [p for p in projects if p.is_active_in(previous.end_fiscal_year)]
            try:
                plan = plan_start_next(
                    plan=previous, name=options["name"], start_fiscal_year=options["start"],
                    end_fiscal_year=options["end"], projects=chosen, by=None,
                )
            except CycleError as exc:
                raise refuse(exc.english or exc.message) from exc
        self.stdout.write(
            f"{municipality.name}: plan {plan.name!r} ({plan.start_fiscal_year}-{plan.end_fiscal_year}) "
            f"follows {previous.name!r}, {len(chosen)} projects carried over"
        )
