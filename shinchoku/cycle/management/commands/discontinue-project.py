"""``shinchoku discontinue-project --municipality 柏崎市 --project NAME --from-fiscal-year 2025 --reason discontinued``:
project_discontinue from the shell (廃止 = discontinued, 終了 = completed). Bad input exits 2 in English."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services import project_discontinue
from shinchoku.plans.models import Project, ProjectEnd
from shinchoku.tenancy.selectors import municipality_get

BAD_INPUT = 2  # the exit code of every command for input it refuses


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "End a project from a fiscal year on (it stays in history and leaves later reporting years)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--project", required=True, help="the project's name, as in the plan")
        parser.add_argument(
            "--from-fiscal-year", type=int, required=True,
            help="the first fiscal year the project is no longer reported on",
        )
        parser.add_argument("--reason", required=True, choices=ProjectEnd.values)
        parser.add_argument("--plan", default="", help="plan name (only needed when several plans have the project)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise refuse(f"unknown municipality {options['municipality']!r}")
        name, plan_name = options["project"], options["plan"]
        with scope(municipality=municipality):
            projects = Project.objects.filter(plan__municipality=municipality, name=name).select_related("plan")
            if plan_name:
                projects = projects.filter(plan__name=plan_name)
            found = list(projects)
        if not found:
            where = f"plan {plan_name!r} of {municipality.name}" if plan_name else municipality.name
            raise refuse(f"{where} has no project named {name!r}")
        if len(found) > 1:
            plans = ", ".join(repr(p.plan.name) for p in found)
            raise refuse(f"several plans have a project named {name!r} ({plans}): pass --plan")
        [project] = found
        # The system acts (like open-cycle): the audit row has no actor; the rules of the service still apply.
        try:
            project = project_discontinue(
                project=project, from_fiscal_year=options["from_fiscal_year"], reason=options["reason"], by=None
            )
        except CycleError as exc:
            raise refuse(exc.english or exc.message) from exc
        self.stdout.write(
            f"{municipality.name} / {project.plan.name}: {project.name} {options['reason']} "
            f"(last reported fiscal year {project.last_fiscal_year}, not reported from {options['from_fiscal_year']})"
        )
