"""The plan's structure as DX staff keep it across years: pillars (柱) and policies (施策) added, renamed,
removed while unused, and any item of the plan (and the departments' organisation order) moved to a chosen
position in one step.

Positions are 1-based as the user reads them ("3番目"); the stored positions of the group are renumbered
1, 2, … on every move, so a move never depends on the gaps or ties an import may have left. Each service
is one transaction and one audit row (``plan.pillar.*``, ``plan.policy.*``, ``plan.project.moved``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models

from shinchoku import wareki
from shinchoku.cycle.errors import InvalidInput
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.plan import _editing, _required
from shinchoku.plans.models import Pillar, Plan, Policy, Project
from shinchoku.plans.models.year import PolicyUnderConsideration
from shinchoku.plans.selectors import locked_fiscal_years
from shinchoku.tenancy.models import Department, Municipality

Positioned = TypeVar("Positioned", bound=models.Model)


def moved(items: Sequence[Positioned], item: Positioned, to: int) -> list[Positioned]:
    """``items`` in their new order with ``item`` at the 1-based position ``to`` (clamped to the group).

    Pure: the caller saves. Moving to the current position gives the same order.
    """
    rest = [other for other in items if other.pk != item.pk]
    index = min(max(to, 1), len(rest) + 1) - 1
    return [*rest[:index], item, *rest[index:]]


def _renumber(model: type[models.Model], ordered: Sequence[Any]) -> None:
    changed = []
    for position, obj in enumerate(ordered, start=1):
        if obj.position != position:
            obj.position = position
            changed.append(obj)
    model._default_manager.bulk_update(changed, ["position"])  # type: ignore[attr-defined]


def _check_position(to: int, count: int) -> None:
    if not 1 <= to <= count:
        raise InvalidInput(f"位置は1から{count}までの番号で指定してください。", field="position")


# -- pillars ---------------------------------------------------------------------------------------------------


def pillar_create(*, plan: Plan, name: str, by: Any) -> Pillar:
    """A new pillar at the end of the plan."""
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "柱の名称", "name", "pillar.name")
        if Pillar.objects.filter(plan=plan, name=name).exists():
            raise InvalidInput(f"柱「{name}」はすでにあります。", field="name")
        last = Pillar.objects.filter(plan=plan).aggregate(m=models.Max("position"))["m"] or 0
        pillar = Pillar.objects.create(plan=plan, name=name, position=last + 1)
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.pillar.created", obj=pillar,
            after={"name": name, "position": pillar.position},
        )
        return pillar


def pillar_rename(*, pillar: Pillar, name: str, by: Any) -> Pillar:
    """Rename a pillar. Published years keep the name they were published with (their snapshot)."""
    plan = pillar.plan
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "柱の名称", "name", "pillar.name")
        current = Pillar.objects.select_for_update().get(pk=pillar.pk)
        if current.name == name:
            return current
        if Pillar.objects.filter(plan=plan, name=name).exclude(pk=pillar.pk).exists():
            raise InvalidInput(f"柱「{name}」はすでにあります。", field="name")
        before = current.name
        current.name = name
        current.save(update_fields=["name"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.pillar.renamed", obj=current,
            before={"name": before}, after={"name": name},
        )
        return current


def pillar_move(*, pillar: Pillar, to: int, by: Any) -> Pillar:
    """Put the pillar at position ``to`` (1-based) of the plan's pillars."""
    plan = pillar.plan
    with _editing(plan.municipality_id, by, plan):
        ordered = list(Pillar.objects.filter(plan=plan).select_for_update().order_by("position", "pk"))
        _check_position(to, len(ordered))
        me = next(p for p in ordered if p.pk == pillar.pk)
        before = ordered.index(me) + 1
        if before == to:
            return me
        _renumber(Pillar, moved(ordered, me, to))
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.pillar.moved", obj=me,
            before={"position": before}, after={"position": to},
        )
        return me


def pillar_delete(*, pillar: Pillar, by: Any) -> None:
    """Remove a pillar nothing uses (no policy, project or policy under consideration): a pillar added by
    mistake. One in use stays, since published years and reports refer to it."""
    plan = pillar.plan
    with _editing(plan.municipality_id, by, plan):
        in_use = (
            Policy.objects.filter(pillar=pillar).exists()
            or Project.objects.filter(pillar=pillar).exists()
            or PolicyUnderConsideration.objects.filter(pillar=pillar).exists()
        )
        if in_use:
            raise InvalidInput(
                f"柱「{pillar.name}」には施策・個別事業計画・検討中の施策があるため削除できません。", field="pillar"
            )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.pillar.deleted", obj=pillar,
            before={"name": pillar.name, "position": pillar.position},
        )
        pillar.delete()
        _renumber(Pillar, list(Pillar.objects.filter(plan=plan).order_by("position", "pk")))


# -- policies --------------------------------------------------------------------------------------------------


def policy_create(*, pillar: Pillar, name: str, by: Any) -> Policy:
    """A new policy at the end of its pillar."""
    plan = pillar.plan
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "施策の名称", "name", "policy.name")
        if Policy.objects.filter(pillar=pillar, name=name).exists():
            raise InvalidInput(f"施策「{name}」はこの柱にすでにあります。", field="name")
        last = Policy.objects.filter(pillar=pillar).aggregate(m=models.Max("position"))["m"] or 0
        policy = Policy.objects.create(pillar=pillar, name=name, position=last + 1)
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.policy.created", obj=policy,
            after={"pillar": pillar.name, "name": name, "position": policy.position},
        )
        return policy


def policy_rename(*, policy: Policy, name: str, by: Any) -> Policy:
    plan = policy.pillar.plan
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "施策の名称", "name", "policy.name")
        current = Policy.objects.select_for_update().get(pk=policy.pk)
        if current.name == name:
            return current
        if Policy.objects.filter(pillar_id=current.pillar_id, name=name).exclude(pk=policy.pk).exists():
            raise InvalidInput(f"施策「{name}」はこの柱にすでにあります。", field="name")
        before = current.name
        current.name = name
        current.save(update_fields=["name"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.policy.renamed", obj=current,
            before={"name": before}, after={"name": name},
        )
        return current


def policy_move(*, policy: Policy, to: int, by: Any) -> Policy:
    """Put the policy at position ``to`` (1-based) among the policies of its pillar."""
    plan = policy.pillar.plan
    with _editing(plan.municipality_id, by, plan):
        ordered = list(Policy.objects.filter(pillar_id=policy.pillar_id).select_for_update().order_by("position", "pk"))
        _check_position(to, len(ordered))
        me = next(p for p in ordered if p.pk == policy.pk)
        before = ordered.index(me) + 1
        if before == to:
            return me
        _renumber(Policy, moved(ordered, me, to))
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.policy.moved", obj=me,
            before={"position": before}, after={"position": to},
        )
        return me


def policy_delete(*, policy: Policy, by: Any) -> None:
    """Remove a policy no project uses (one added by mistake)."""
    plan = policy.pillar.plan
    with _editing(plan.municipality_id, by, plan):
        if (
            Project.objects.filter(policy=policy).exists()
            or PolicyUnderConsideration.objects.filter(policy=policy).exists()
        ):
            raise InvalidInput(
                f"施策「{policy.name}」には個別事業計画・検討中の施策があるため削除できません。", field="policy"
            )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.policy.deleted", obj=policy,
            before={"pillar": policy.pillar.name, "name": policy.name},
        )
        pillar_id = policy.pillar_id
        policy.delete()
        _renumber(Policy, list(Policy.objects.filter(pillar_id=pillar_id).order_by("position", "pk")))


# -- retiring (廃止) ----------------------------------------------------------------------------------------------


def _check_retirement(plan: Plan, what: str, name: str, from_fiscal_year: int, projects: Any, considered: Any) -> None:
    """A pillar or policy leaves the reports from ``from_fiscal_year`` on only when nothing of those years is
    in it any more (its projects ended before, no policy under consideration of those years), and no locked
    year would change: a published record keeps the structure it was published with."""
    if from_fiscal_year not in plan.fiscal_years and from_fiscal_year != plan.end_fiscal_year + 1:
        raise InvalidInput(
            f"廃止する年度は計画期間（{wareki.format_fiscal_year(plan.start_fiscal_year)}〜"
            f"{wareki.format_fiscal_year(plan.end_fiscal_year)}）の中から選んでください。", field="fiscal_year",
        )
    locked = sorted(fy for fy in locked_fiscal_years(plan=plan) if fy >= from_fiscal_year)
    if locked:
        raise InvalidInput(
            f"{wareki.format_fiscal_year(locked[0])}は公表済み（または取込み済み）のため、それ以前から{what}を廃止できません。",
            field="fiscal_year",
        )
    running = [p.name for p in projects if p.last_fiscal_year is None or p.last_fiscal_year >= from_fiscal_year]
    if running:
        raise InvalidInput(
            f"{what}「{name}」には{wareki.format_fiscal_year(from_fiscal_year)}以降も続く個別事業計画があります"
            f"（{'、'.join(running[:3])}{'など' if len(running) > 3 else ''}）。先にその事業を終了するか、別の{what}へ移してください。",
            field="fiscal_year",
        )
    if considered.filter(fiscal_year__gte=from_fiscal_year).exists():
        raise InvalidInput(
            f"{what}「{name}」には{wareki.format_fiscal_year(from_fiscal_year)}以降の検討中の施策があります。",
            field="fiscal_year",
        )


def pillar_retire(*, pillar: Pillar, from_fiscal_year: int | None, by: Any) -> Pillar:
    """Retire the pillar from ``from_fiscal_year`` on (None: reinstate it). Earlier years keep it."""
    plan = pillar.plan
    with _editing(plan.municipality_id, by, plan):
        current = Pillar.objects.select_for_update().get(pk=pillar.pk)
        if from_fiscal_year is not None:
            _check_retirement(plan, "柱", current.name, from_fiscal_year, Project.objects.filter(pillar=current),
                              PolicyUnderConsideration.objects.filter(pillar=current))
        if current.retired_from_fiscal_year == from_fiscal_year:
            return current
        before = current.retired_from_fiscal_year
        current.retired_from_fiscal_year = from_fiscal_year
        current.save(update_fields=["retired_from_fiscal_year"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.pillar.retired", obj=current,
            before={"name": current.name, "retired_from_fiscal_year": before},
            after={"name": current.name, "retired_from_fiscal_year": from_fiscal_year},
        )
        return current


def policy_retire(*, policy: Policy, from_fiscal_year: int | None, by: Any) -> Policy:
    """Retire the policy from ``from_fiscal_year`` on (None: reinstate it). Earlier years keep it."""
    plan = policy.pillar.plan
    with _editing(plan.municipality_id, by, plan):
        current = Policy.objects.select_for_update().get(pk=policy.pk)
        if from_fiscal_year is not None:
            _check_retirement(plan, "施策", current.name, from_fiscal_year, Project.objects.filter(policy=current),
                              PolicyUnderConsideration.objects.filter(policy=current))
        if current.retired_from_fiscal_year == from_fiscal_year:
            return current
        before = current.retired_from_fiscal_year
        current.retired_from_fiscal_year = from_fiscal_year
        current.save(update_fields=["retired_from_fiscal_year"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.policy.retired", obj=current,
            before={"name": current.name, "retired_from_fiscal_year": before},
            after={"name": current.name, "retired_from_fiscal_year": from_fiscal_year},
        )
        return current


# -- projects --------------------------------------------------------------------------------------------------


def project_place(*, project: Project, to: int, by: Any) -> Project:
    """Put the project at position ``to`` (1-based) among the projects of its pillar and policy (the group it
    is listed in), in one step. The plan's document order is kept group by group: the group's members take
    the positions the group held, so projects of other groups do not move."""
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        ordered = list(Project.objects.filter(plan=plan).select_for_update().order_by("position", "pk"))
        me = next(p for p in ordered if p.pk == project.pk)
        group = [p for p in ordered if (p.pillar_id, p.policy_id) == (me.pillar_id, me.policy_id)]
        _check_position(to, len(group))
        before = group.index(me) + 1
        if before == to:
            return me
        slots = iter(moved(group, me, to))
        # Renumber the whole plan with the group's members in their new order in the group's own slots.
        in_group = {p.pk for p in group}
        new_order = [next(slots) if p.pk in in_group else p for p in ordered]
        _renumber(Project, new_order)
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.project.moved", obj=me, project=me,
            before={"position": before}, after={"position": to},
        )
        return me


# -- departments -----------------------------------------------------------------------------------------------


def department_move(*, municipality: Municipality, department: Department, to: int, by: Any) -> Department:
    """Put the department at position ``to`` (1-based) of the municipality's organisation order (組織順),
    which every list of departments follows (completion, forms, workbooks)."""
    with _editing(municipality.pk, by, municipality):
        ordered = list(
            Department.objects.filter(municipality=municipality).select_for_update().order_by("position", "name", "pk")
        )
        _check_position(to, len(ordered))
        me = next(d for d in ordered if d.pk == department.pk)
        before = ordered.index(me) + 1
        if before == to:
            return me
        _renumber(Department, moved(ordered, me, to))
        audit_record(
            municipality=municipality.pk, by=by, action="tenancy.department.moved", obj=me,
            before={"position": before}, after={"position": to},
        )
        return me
