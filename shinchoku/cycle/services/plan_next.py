"""Starting the next plan period (次期計画): a new plan carrying over the projects that continue.

A DX plan runs five years or so; the next one usually continues most projects, with new targets for its own
years. Both plans are kept: the old one stays reportable for its years (its reports and publications are
never touched), and the new one is what the cycle of its first year opens on.

What is carried over, and why:
- the pillars and policies, all of them (a new plan usually keeps its structure; DX staff then edit it on
  柱・施策の編集, and an unused one can be removed);
- each chosen project with its departments, tags, overview, vision and comprehensive-plan link, linked to
  its predecessor (``continued_from``) so that history across plans follows the link, not the name;
- its indicators with their unit, direction, qualifier and note, and the targets in force for the new
  period's years (the old plan may already state them; schedule cells likewise);
- nothing of the old plan's years: its actuals, reports and publications stay with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch

from shinchoku import wareki
from shinchoku.cycle.errors import InvalidInput
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.plan import _editing, _required
from shinchoku.plans.models import (
    Indicator,
    IndicatorValue,
    Pillar,
    Plan,
    Policy,
    Project,
    ProjectDepartment,
    ScheduleCell,
    ScheduleRow,
    ValueKind,
)
from shinchoku.plans.selectors import values_in_force


def plan_start_next(
    *,
    plan: Plan,
    name: str,
    start_fiscal_year: int,
    end_fiscal_year: int,
    projects: Sequence[Project],
    by: Any,
) -> Plan:
    """Create the plan that follows ``plan`` from ``start_fiscal_year``, carrying over ``projects`` (all of
    ``plan``). One transaction: a refusal leaves nothing behind."""
    with _editing(plan.municipality_id, by, plan.municipality):
        name = _required(name, "計画名", "name", "plan.name")
        if Plan.objects.filter(municipality_id=plan.municipality_id, name=name).exists():
            raise InvalidInput(
                f"計画「{name}」はすでにあります。別の名称にしてください。", field="name",
                english=f"a plan named {name!r} already exists",
            )
        if start_fiscal_year <= plan.start_fiscal_year:
            raise InvalidInput(
                f"次期計画の開始年度は{wareki.format_fiscal_year(plan.start_fiscal_year + 1)}以降にしてください。",
                field="start_fiscal_year",
                english=f"the next plan must start after fiscal year {plan.start_fiscal_year}",
            )
        if end_fiscal_year < start_fiscal_year:
            raise InvalidInput(
                "終了年度は開始年度以降にしてください。", field="end_fiscal_year",
                english="the last fiscal year comes before the first",
            )
        if end_fiscal_year - start_fiscal_year >= 20:
            raise InvalidInput(
                "計画期間は20年以内にしてください。", field="end_fiscal_year",
                english="a plan period is at most 20 fiscal years",
            )
        chosen = {project.pk for project in projects}
        stray = chosen - set(Project.objects.filter(plan=plan).values_list("pk", flat=True))
        if stray:
            raise InvalidInput(
                "この計画の個別事業計画ではないものが選ばれています。", field="projects",
                english="a chosen project is not one of this plan's",
            )
        years = set(range(start_fiscal_year, end_fiscal_year + 1))
        new_plan = Plan.objects.create(
            municipality_id=plan.municipality_id, name=name,
            start_fiscal_year=start_fiscal_year, end_fiscal_year=end_fiscal_year,
        )
        pillar_map: dict[int, Pillar] = {}
        policy_map: dict[int, Policy] = {}
        for pillar in Pillar.objects.filter(plan=plan).prefetch_related("policies").order_by("position", "pk"):
            copy = Pillar.objects.create(plan=new_plan, name=pillar.name, position=pillar.position)
            pillar_map[pillar.pk] = copy
            for policy in pillar.policies.all():
                policy_map[policy.pk] = Policy.objects.create(pillar=copy, name=policy.name, position=policy.position)
        carried = (
            Project.objects.filter(plan=plan, pk__in=chosen)
            .order_by("position", "pk")
            .prefetch_related(
                "tags",
                Prefetch("department_links", queryset=ProjectDepartment.objects.order_by("position", "pk")),
                Prefetch("schedule_rows", queryset=ScheduleRow.objects.order_by("position", "pk").prefetch_related("cells")),
                Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk").prefetch_related("values")),
            )
        )
        count = 0
        for position, old in enumerate(carried, start=1):
            _carry_project(old, new_plan, position, pillar_map, policy_map, years)
            count += 1
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.created", obj=new_plan,
            after={
                "name": name, "start_fiscal_year": start_fiscal_year, "end_fiscal_year": end_fiscal_year,
                "continued_from": plan.name, "projects_carried": count,
            },
        )
        return new_plan


def _carry_project(
    old: Project, plan: Plan, position: int, pillars: dict[int, Pillar], policies: dict[int, Policy], years: set[int]
) -> Project:
    project = Project.objects.create(
        plan=plan, pillar=pillars[old.pillar_id], policy=policies.get(old.policy_id) if old.policy_id else None,
        name=old.name, position=position, overview=old.overview, vision=old.vision,
        comprehensive_plan_area=old.comprehensive_plan_area,
        comprehensive_plan_policy=old.comprehensive_plan_policy, continued_from=old,
    )
    project.tags.set(old.tags.all())
    ProjectDepartment.objects.bulk_create(
        ProjectDepartment(project=project, department_id=link.department_id, position=link.position)
        for link in old.department_links.all()
    )
    for row in old.schedule_rows.all():
        cells = [cell for cell in row.cells.all() if cell.fiscal_year in years]
        if not cells:
            continue
        new_row = ScheduleRow.objects.create(project=project, position=row.position, track=row.track)
        ScheduleCell.objects.bulk_create(
            ScheduleCell(row=new_row, fiscal_year=cell.fiscal_year, text=cell.text) for cell in cells
        )
    for indicator in old.indicators.all():
        new_indicator = Indicator.objects.create(
            project=project, position=indicator.position, name=indicator.name, unit=indicator.unit,
            direction=indicator.direction, qualifier=indicator.qualifier, note=indicator.note,
            continued_from=indicator,
        )
        in_force = values_in_force(indicator.values.all())
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=new_indicator, kind=ValueKind.TARGET, fiscal_year=fy, value=value.value,
                decimals=value.decimals, revision=None,
            )
            for (_, kind, fy), value in sorted(in_force.items(), key=lambda item: item[0][2])
            if kind == ValueKind.TARGET and fy in years
        )
    return project
