"""What DX staff need to keep the plan up to date: targets (effective-dated), projects (their pillar/policy,
tags, schedule and order), indicators, departments, revisions and the evaluation thresholds. Small functions,
each audited as ``plan.*``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django_scopes import scope

from shinchoku import inputs, wareki
from shinchoku.cycle.concurrency import (
    check_unchanged,
    indicator_state,
    project_state,
    schedule_state,
    targets_state,
)
from shinchoku.cycle.errors import (
    CycleError,
    InvalidInput,
    InvalidTargets,
    NotPermitted,
    YearLocked,
    input_refusals,
)
from shinchoku.cycle.models import EvaluationThresholds
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.evaluate import evaluate_report, evaluate_reports
from shinchoku.cycle.services.year import reports_create
from shinchoku.cycle.workflow import EDITABLE_STATES
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    Direction,
    Indicator,
    IndicatorValue,
    Pillar,
    Plan,
    PlanRevision,
    Policy,
    Project,
    ProjectDepartment,
    ProjectEnd,
    ProjectReport,
    ProjectTag,
    ReportingYear,
    ReportState,
    ScheduleCell,
    ScheduleRow,
    ValueKind,
    YearState,
)
from shinchoku.plans.selectors import locked_year, values_in_force
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.values import NotANumber, parse


@contextmanager
def _editing(municipality_id: int, by: Any, target: Any) -> Iterator[None]:
    with scope(municipality=municipality_id), transaction.atomic(), input_refusals():
        if by is not None and not can(by, Action.EDIT_PLAN, target):
            raise NotPermitted("計画を編集する権限がありません。")
        yield


def _year_locked(plan_id: int, fiscal_year: int) -> ReportingYear | None:
    """The year when it is locked and holds a record (``plans.selectors.locked_year``)."""
    return locked_year(plan_id=plan_id, fiscal_year=fiscal_year)


def revision_first_fiscal_year(revision: PlanRevision) -> int:
    """The first fiscal year a revision covers: the one it was made in (FY = April–March). A revision in
    December 2024 may still set FY2024's target, but never one of a year before it."""
    return wareki.fiscal_year_of(revision.revised_on)


def _required(value: str, label: str, field: str, rule: str) -> str:
    """``value`` through the input boundary's ``rule``, refused when empty."""
    value = inputs.clean_text(value, field=rule)
    if not value:
        raise InvalidInput(f"{label}を入力してください。", field=field)
    return value


# -- targets ---------------------------------------------------------------------------------------------------


def _apply(obj: Any, values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Assign the values that differ and return (before, after) for the audit row; nothing is saved."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for name, value in values.items():
        if getattr(obj, name) != value:
            before[name], after[name] = getattr(obj, name), value
            setattr(obj, name, value)
    return before, after


def plan_indicator_target_set(
    *,
    indicator: Indicator,
    fiscal_year: int,
    value: str,
    revision: PlanRevision | None,
    by: Any,
) -> IndicatorValue:
    """Set the target of ``fiscal_year`` as of ``revision`` (None = as adopted).

    Effective-dated: a revision adds its own row and never overwrites the adopted value, so history keeps
    what the plan said when. A revision sets targets only of the years it covers (from the first fiscal year
    starting after it). Refused for a locked year (published or imported): its reports were graded against
    the target then in force, and its publication keeps showing it; change later years through a revision.
    The open report of that year is re-evaluated, since its suggestion depends on the target.
    """
    plan = indicator.project.plan
    with _editing(plan.municipality_id, by, plan):
        if fiscal_year not in plan.fiscal_years:
            raise InvalidInput(f"{wareki.format_fiscal_year(fiscal_year)}は計画期間の外です。", field="fiscal_year")
        if revision is not None and revision.plan_id != plan.pk:
            raise InvalidInput("この計画の改定ではありません。", field="revision")
        if revision is not None and fiscal_year < revision_first_fiscal_year(revision):
            raise InvalidInput(
                f"{wareki.format_year_month(revision.revised_on.year, revision.revised_on.month)}の改定は{wareki.format_fiscal_year(revision_first_fiscal_year(revision))}"
                "以降の目標にだけ適用されます。",
                field="fiscal_year",
            )
        locked = _year_locked(plan.pk, fiscal_year)
        if locked is not None:
            raise YearLocked(
                f"{wareki.format_fiscal_year(fiscal_year)}は{locked.get_state_display()}のため、目標値を変更できません。"
                "以降の年度の目標は、計画の改定として入力してください。"
            )
        try:
            parsed = parse(value, unit=indicator.unit, allow_not_applicable=False).quantity
        except NotANumber as exc:
            raise InvalidInput(str(exc), field="value") from exc
        if parsed is None:
            raise InvalidInput("目標値を入力してください。", field="value")
        rows = list(
            IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.TARGET, fiscal_year=fiscal_year)
            .select_related("revision")
        )
        in_force = values_in_force(rows).get((indicator.pk, ValueKind.TARGET, fiscal_year))
        row = next((r for r in rows if r.revision_id == (revision.pk if revision else None)), None)
        if row is not None and row.quantity == parsed:
            return row
        if row is None:
            row = IndicatorValue.objects.create(
                indicator=indicator, kind=ValueKind.TARGET, fiscal_year=fiscal_year, value=parsed.value,
                decimals=parsed.decimals, revision=revision,
            )
        else:
            row.value, row.decimals = parsed.value, parsed.decimals
            row.save(update_fields=["value", "decimals"])
        revision_label = f"{revision.revised_on:%Y-%m}" if revision else None
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.indicator.target.updated", obj=indicator,
            project=indicator.project_id,
            before={
                "fiscal_year": fiscal_year,
                "value": in_force.quantity.plain() if in_force else None,
                "revision": f"{in_force.revision.revised_on:%Y-%m}" if in_force and in_force.revision else None,
            },
            after={"fiscal_year": fiscal_year, "value": parsed.plain(), "revision": revision_label},
        )
        report = (
            ProjectReport.objects.filter(
                project_id=indicator.project_id, fiscal_year=fiscal_year, reporting_year__state=YearState.OPEN
            )
            .first()
        )
        if report is not None and report.state in {*EDITABLE_STATES, ReportState.SUBMITTED}:
            # evaluate_report creates the indicator's item when the year now has a target for it.
            if evaluate_report(report, municipality_id=plan.municipality_id):
                report.save(update_fields=["suggested_grade"])
        return row


def plan_indicator_targets_set(
    *,
    indicator: Indicator,
    targets: Mapping[int, str],
    revision: PlanRevision | None,
    by: Any,
    seen: str | None = None,
) -> int:
    """Set several years' targets at once, as the targets form submits them: all of them or none.

    Each year goes through :func:`plan_indicator_target_set` (the same rules as one year alone); every
    refused year is reported together, so the user fixes the form once, and nothing of the submission is
    kept. ``seen`` is the edit token of the targets the form was loaded with: a form older than someone
    else's save is refused instead of overwriting it. Returns how many years were submitted.
    """
    plan = indicator.project.plan
    with _editing(plan.municipality_id, by, plan):
        check_unchanged(seen=seen, state=targets_state(indicator), what="この目標指標の目標値")
        errors: dict[int, CycleError] = {}
        for fiscal_year, value in targets.items():
            try:
                with transaction.atomic():
                    plan_indicator_target_set(
                        indicator=indicator, fiscal_year=fiscal_year, value=value, revision=revision, by=by
                    )
            except CycleError as exc:
                errors[fiscal_year] = exc
        if errors:
            raise InvalidTargets(errors)
        return len(targets)


def plan_revision_create(*, plan: Plan, revised_on: dt.date, description: str, by: Any) -> PlanRevision:
    with _editing(plan.municipality_id, by, plan):
        revised_on = revised_on.replace(day=1)  # month precision, like the documents
        if PlanRevision.objects.filter(plan=plan, revised_on=revised_on).exists():
            raise InvalidInput(f"{wareki.format_year_month(revised_on.year, revised_on.month)}の改定は既に登録されています。", field="revised_on")
        revision = PlanRevision.objects.create(
            plan=plan, revised_on=revised_on,
            description=_required(description, "改定内容", "description", "revision.description"),
        )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.revision.created", obj=revision,
            after={"revised_on": f"{revised_on:%Y-%m}", "description": revision.description},
        )
        return revision


# -- projects and indicators -----------------------------------------------------------------------------------


def project_first_fiscal_year_default(*, plan: Plan, added_in_revision: PlanRevision | None = None) -> int:
    """The first fiscal year :func:`project_create` gives a project when none is asked for: the revision's
    first covered year when added at a revision, and never a year at or before the last locked one. Public so
    the form can pre-select it (the same rule, one place)."""
    with scope(municipality=plan.municipality_id):
        locked = ReportingYear.objects.filter(plan=plan).exclude(state=YearState.OPEN).aggregate(m=Max("fiscal_year"))["m"]
    return max(
        plan.start_fiscal_year,
        revision_first_fiscal_year(added_in_revision) if added_in_revision else plan.start_fiscal_year,
        (locked + 1) if locked is not None else plan.start_fiscal_year,
    )


def project_create(
    *,
    plan: Plan,
    name: str,
    pillar: Pillar,
    by: Any,
    policy: Policy | None = None,
    departments: Sequence[Department] = (),
    overview: str = "",
    vision: str = "",
    added_in_revision: PlanRevision | None = None,
    first_fiscal_year: int | None = None,
) -> Project:
    """Add a project at the end of the plan, reported on from ``first_fiscal_year``.

    Default first year: the revision's first covered year when added at a revision, else the first year not
    yet locked. A project is never pushed into an earlier year, even an open or reopened one; an open year
    it covers gets its draft report at once.
    """
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "個別事業計画名", "name", "project.name")
        overview = inputs.clean_text(overview, field="project.overview")
        vision = inputs.clean_text(vision, field="project.vision")
        if first_fiscal_year is None:
            first_fiscal_year = project_first_fiscal_year_default(plan=plan, added_in_revision=added_in_revision)
        if first_fiscal_year not in plan.fiscal_years:
            raise InvalidInput(
                f"開始年度は計画期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）の中にしてください。",
                field="first_fiscal_year",
                english=f"the first fiscal year must lie within the plan ({plan.start_fiscal_year}–{plan.end_fiscal_year})",
            )
        if _year_locked(plan.pk, first_fiscal_year):
            raise YearLocked(
                f"{wareki.format_fiscal_year(first_fiscal_year)}は確定しているため、その年度から事業を追加できません。",
                field="first_fiscal_year",
                english=f"fiscal year {first_fiscal_year} is locked (published or imported): a project cannot start in it",
            )
        if pillar.plan_id != plan.pk or (policy is not None and policy.pillar_id != pillar.pk):
            raise InvalidInput("柱・施策の組合せが正しくありません。", field="policy")
        if Project.objects.filter(plan=plan, name=name).exists():
            raise InvalidInput(f"「{name}」は既にあります。", field="name")
        position = (Project.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1
        project = Project.objects.create(
            plan=plan, name=name, pillar=pillar, policy=policy, position=position, overview=overview,
            vision=vision, added_in_revision=added_in_revision, first_fiscal_year=first_fiscal_year,
        )
        _set_departments(project, departments, plan.municipality_id)
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.project.created", obj=project, project=project,
            after={"name": name, "pillar": pillar.name, "policy": policy.name if policy else None,
                   "departments": [d.name for d in departments], "first_fiscal_year": first_fiscal_year},
        )
        for year in ReportingYear.objects.filter(plan=plan, state=YearState.OPEN, fiscal_year__gte=first_fiscal_year):
            reports_create(year=year, projects=[project])
        return project


def project_discontinue(*, project: Project, from_fiscal_year: int, reason: str, by: Any) -> Project:
    """Discontinue (廃止) or complete (終了) a project from ``from_fiscal_year`` on: it keeps its history and
    leaves later cycles. An open year from then on loses the project's report only while it is an untouched
    draft; a report someone worked on must be dealt with first (refused)."""
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        if reason not in ProjectEnd.values:
            raise InvalidInput(
                "終了の理由（廃止・終了）を選んでください。", field="reason",
                english=f"reason must be one of {', '.join(ProjectEnd.values)}",
            )
        first = project.first_fiscal_year or plan.start_fiscal_year
        if not first < from_fiscal_year <= plan.end_fiscal_year + 1:
            raise InvalidInput(
                "終了する年度は、開始年度の翌年度から計画期間の翌年度までにしてください。", field="from_fiscal_year",
                english=f"the fiscal year to end from must be between {first + 1} (the year after the project's first) "
                f"and {plan.end_fiscal_year + 1} (the year after the plan)",
            )
        last_locked = (
            ReportingYear.objects.filter(plan=plan, fiscal_year__gte=from_fiscal_year)
            .exclude(state=YearState.OPEN)
            .aggregate(m=Max("fiscal_year"))["m"]
        )
        if last_locked is not None:
            raise YearLocked(
                f"{wareki.format_fiscal_year(last_locked)}は確定している（公表済み・取込み済み）ため、その年度より前から"
                f"終了することはできません。{wareki.format_fiscal_year(last_locked + 1)}以降を選んでください。",
                field="from_fiscal_year",
                english=f"fiscal year {last_locked} is locked (published or imported): the project can end from "
                f"{last_locked + 1} at the earliest",
            )
        later = list(
            ProjectReport.objects.filter(project=project, fiscal_year__gte=from_fiscal_year).select_related("reporting_year")
        )
        worked = [r for r in later if r.state != ReportState.DRAFT or r.version > 1]
        if worked:
            raise InvalidInput(
                "次の年度の報告は作成が始まっているため終了できません："
                + "、".join(wareki.format_fiscal_year(r.fiscal_year) for r in worked),
                field="from_fiscal_year",
                english="the report of fiscal year "
                + ", ".join(str(r.fiscal_year) for r in worked)
                + " has been worked on: deal with it before ending the project",
            )
        from shinchoku.cycle.models import ItemEvaluation

        ItemEvaluation.objects.filter(report__in=later).delete()
        ProjectReport.objects.filter(pk__in=[r.pk for r in later]).delete()
        before = {"last_fiscal_year": project.last_fiscal_year, "end_reason": project.end_reason}
        project.last_fiscal_year, project.end_reason = from_fiscal_year - 1, reason
        project.save(update_fields=["last_fiscal_year", "end_reason"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.project.discontinued", obj=project, project=project,
            before=before,
            after={"last_fiscal_year": project.last_fiscal_year, "end_reason": reason, "reports_removed": len(later)},
        )
        return project


PROJECT_FIELDS = {"name": "個別事業計画名", "overview": "事業概要", "vision": "目指す姿",
                  "comprehensive_plan_area": "総合計画の分野", "comprehensive_plan_policy": "総合計画の施策"}


def project_update(*, project: Project, by: Any, seen: str | None = None, **fields: str) -> Project:
    """Change text fields of a project (name, overview, vision, comprehensive_plan_area/_policy).

    ``seen`` is the edit token of the project form (concurrency.project_state): a save over a state someone
    else has changed since is refused with EditConflict.
    """
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update(): unknown fields {sorted(unknown)}")
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        current = Project.objects.select_for_update().get(pk=project.pk)
        check_unchanged(seen=seen, state=project_state(current), what="この個別事業計画")
        values = {name: inputs.clean_text(value, field=f"project.{name}") for name, value in fields.items()}
        if "name" in values:
            values["name"] = _required(values["name"], PROJECT_FIELDS["name"], "name", "project.name")
            if Project.objects.filter(plan=plan, name=values["name"]).exclude(pk=project.pk).exists():
                raise InvalidInput(f"「{values['name']}」は既にあります。", field="name")
        before, after = _apply(project, values)
        if after:
            project.save(update_fields=list(after))
            audit_record(
                municipality=plan.municipality_id, by=by, action="plan.project.updated", obj=project,
                project=project, before=before, after=after,
            )
        return project


def _set_departments(project: Project, departments: Sequence[Department], municipality_id: int) -> None:
    if any(d.municipality_id != municipality_id for d in departments):
        raise InvalidInput("他の自治体の部署は選べません。", field="departments")
    ProjectDepartment.objects.filter(project=project).delete()
    ProjectDepartment.objects.bulk_create(
        ProjectDepartment(project=project, department=d, position=i) for i, d in enumerate(dict.fromkeys(departments))
    )


def project_departments_set(*, project: Project, departments: Sequence[Department], by: Any) -> Project:
    """Replace the owning departments (first = the one the sheet lists first). Changes who may edit."""
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        before = [link.department.name for link in ProjectDepartment.objects.filter(project=project).select_related("department")]
        after = [d.name for d in dict.fromkeys(departments)]
        if before != after:
            _set_departments(project, departments, plan.municipality_id)
            audit_record(
                municipality=plan.municipality_id, by=by, action="plan.project.departments.updated", obj=project,
                project=project, before=before, after=after,
            )
        return project


def indicator_create(
    *,
    project: Project,
    name: str,
    by: Any,
    unit: str = "",
    direction: str = Direction.HIGHER,
    qualifier: str = "",
    note: str = "",
) -> Indicator:
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        name = _required(name, "指標名", "name", "indicator.name")
        unit = inputs.clean_text(unit, field="indicator.unit")
        qualifier = inputs.clean_text(qualifier, field="indicator.qualifier")
        note = inputs.clean_text(note, field="indicator.note")
        if direction not in Direction.values:
            raise InvalidInput("方向の値が正しくありません。", field="direction")
        if Indicator.objects.filter(project=project, name=name).exists():
            raise InvalidInput(f"目標指標「{name}」は既にあります。", field="name")
        position = (Indicator.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0) + 1
        indicator = Indicator.objects.create(
            project=project, name=name, unit=unit, direction=direction, qualifier=qualifier, note=note,
            position=position,
        )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.indicator.created", obj=indicator, project=project,
            after={"name": name, "unit": indicator.unit, "direction": direction},
        )
        return indicator


INDICATOR_FIELDS = {"name": "指標名", "unit": "単位", "direction": "方向", "qualifier": "付記", "note": "注記"}


def indicator_update(*, indicator: Indicator, by: Any, seen: str | None = None, **fields: str) -> Indicator:
    """Change an indicator's name, unit, direction, qualifier or note; ``seen`` as in project_update."""
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update(): unknown fields {sorted(unknown)}")
    plan = indicator.project.plan
    with _editing(plan.municipality_id, by, plan):
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        check_unchanged(seen=seen, state=indicator_state(current), what="この目標指標")
        values = {
            name: (value or "").strip() if name == "direction" else inputs.clean_text(value, field=f"indicator.{name}")
            for name, value in fields.items()
        }
        if "name" in values:
            values["name"] = _required(values["name"], INDICATOR_FIELDS["name"], "name", "indicator.name")
        if "direction" in values and values["direction"] not in Direction.values:
            raise InvalidInput("方向の値が正しくありません。", field="direction")
        before, after = _apply(indicator, values)
        if after:
            try:
                with transaction.atomic():
                    indicator.save(update_fields=list(after))
            except IntegrityError as exc:
                raise InvalidInput(f"目標指標「{indicator.name}」は既にあります。", field="name") from exc
            audit_record(
                municipality=plan.municipality_id, by=by, action="plan.indicator.updated", obj=indicator,
                project=indicator.project_id, before=before, after=after,
            )
        return indicator


# -- classification (pillar, policy, tags), schedule and order -------------------------------------------------


def _tag_names(tags: Sequence[ProjectTag]) -> list[str]:
    return [t.name for t in sorted(dict.fromkeys(tags), key=lambda t: (t.position, t.name))]


def project_classification_set(
    *, project: Project, pillar: Pillar, policy: Policy | None, tags: Sequence[ProjectTag], by: Any
) -> Project:
    """Move a project under another pillar/policy (policy None = directly under the pillar) and set its tags
    (国重点, 市重点 …). The audit row names what changed, before and after."""
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        if pillar.plan_id != plan.pk:
            raise InvalidInput("この計画の柱を選んでください。", field="pillar")
        if policy is not None and policy.pillar_id != pillar.pk:
            raise InvalidInput(
                f"施策「{policy.name}」は柱「{pillar.name}」の施策ではありません。柱と施策の組合せを選び直してください。",
                field="policy",
            )
        if any(t.municipality_id != plan.municipality_id for t in tags):
            raise InvalidInput("他の自治体の区分は選べません。", field="tags")
        current = Project.objects.select_related("pillar", "policy").prefetch_related("tags").get(pk=project.pk)
        old = {
            "pillar": current.pillar.name,
            "policy": current.policy.name if current.policy else None,
            "tags": _tag_names(list(current.tags.all())),
        }
        new = {"pillar": pillar.name, "policy": policy.name if policy else None, "tags": _tag_names(tags)}
        before = {key: value for key, value in old.items() if new[key] != value}
        after = {key: new[key] for key in before}
        if (current.pillar_id, current.policy_id) != (pillar.pk, policy.pk if policy else None):
            project.pillar, project.policy = pillar, policy
            project.save(update_fields=["pillar", "policy"])
        if "tags" in after:
            project.tags.set(list(dict.fromkeys(tags)))
        if after:
            audit_record(
                municipality=plan.municipality_id, by=by, action="plan.project.classified", obj=project,
                project=project, before=before, after=after,
            )
        return project


def project_tag_create(*, municipality: Municipality, name: str, by: Any) -> ProjectTag:
    """Add a tag (区分) projects can carry, after 国重点 / 市重点 and the others."""
    with _editing(municipality.pk, by, municipality):
        name = _required(name, "区分の名称", "name", "tag.name")
        if ProjectTag.objects.filter(municipality=municipality, name=name).exists():
            raise InvalidInput(f"区分「{name}」は既にあります。", field="name")
        position = (ProjectTag.objects.filter(municipality=municipality).aggregate(m=Max("position"))["m"] or 0) + 1
        tag = ProjectTag.objects.create(municipality=municipality, name=name, position=position)
        audit_record(
            municipality=municipality, by=by, action="plan.tag.created", obj=tag, after={"name": name},
        )
        return tag


def schedule_snapshot(project: Project) -> list[dict[str, Any]]:
    """The schedule as plain data: ``[{"track": "①", "cells": {"2023": "導入", "2024": "→"}}, …]``."""
    rows = ScheduleRow.objects.filter(project=project).order_by("position", "pk").prefetch_related("cells")
    return [
        {"track": row.track, "cells": {str(c.fiscal_year): c.text for c in sorted(row.cells.all(), key=lambda c: c.fiscal_year)}}
        for row in rows
    ]


def project_schedule_set(
    *, project: Project, rows: Sequence[tuple[str, Mapping[int, str]]], by: Any, seen: str | None = None
) -> list[dict[str, Any]]:
    """Replace the schedule: one ``(track, {fiscal_year: text})`` per row, in order.

    The track is a label like "①" ("" when the project has one line). Cell text is kept as written (only the
    surrounding blanks are removed), "→" included; empty cells are dropped, and so are rows with neither a
    track nor a cell. Every year must lie within the plan period. Nothing is written when nothing changed.
    Returns the schedule as stored (see :func:`schedule_snapshot`). ``seen`` as in project_update.
    """
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        locked = Project.objects.select_for_update().get(pk=project.pk)
        check_unchanged(seen=seen, state=schedule_state(locked), what="このスケジュール")
        after: list[dict[str, Any]] = []
        for number, (track, cells) in enumerate(rows, start=1):
            try:
                track = inputs.clean_text(track, field="schedule.track")
            except inputs.InputRejected as exc:
                raise InvalidInput(f"{number}行目：{exc.message}", field="schedule", english=str(exc)) from exc
            kept: dict[int, str] = {}
            for fiscal_year, text in cells.items():
                fiscal_year = int(fiscal_year)
                if fiscal_year not in plan.fiscal_years:
                    raise InvalidInput(
                        f"{wareki.format_fiscal_year(fiscal_year)}は計画期間（{wareki.format_fiscal_year(plan.start_fiscal_year)}"
                        f"〜{wareki.format_fiscal_year(plan.end_fiscal_year)}）の外です。",
                        field="schedule",
                    )
                try:
                    text = inputs.clean_text(text, field="schedule.cell")
                except inputs.InputRejected as exc:
                    raise InvalidInput(
                        f"{number}行目の{wareki.format_fiscal_year(fiscal_year)}：{exc.message}", field="schedule",
                        english=str(exc),
                    ) from exc
                if not text:
                    continue
                kept[fiscal_year] = text
            if track or kept:
                after.append({"track": track, "cells": {str(fy): kept[fy] for fy in sorted(kept)}})
        inputs.check_count(
            after, field="schedule", label="スケジュールの行", english="schedule rows", maximum=inputs.SCHEDULE_ROWS_MAX
        )
        before = schedule_snapshot(project)
        if before == after:
            return before
        ScheduleRow.objects.filter(project=project).delete()
        for position, row in enumerate(after):
            stored = ScheduleRow.objects.create(project=project, position=position, track=row["track"])
            ScheduleCell.objects.bulk_create(
                ScheduleCell(row=stored, fiscal_year=int(fy), text=text) for fy, text in row["cells"].items()
            )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.schedule.updated", obj=project, project=project,
            before=before, after=after,
        )
        return after


def project_move(*, project: Project, direction: Literal["up", "down"], by: Any) -> Project:
    """Swap a project with its neighbour in document order, among the projects of the same pillar and policy
    (the group it is listed in). Positions of the whole plan are renumbered 1, 2, … when they were not distinct."""
    plan = project.plan
    with _editing(plan.municipality_id, by, plan):
        if direction not in ("up", "down"):
            raise InvalidInput("移動の向きが正しくありません。", field="direction")
        ordered = list(Project.objects.filter(plan=plan).select_for_update().order_by("position", "pk"))
        me = next((p for p in ordered if p.pk == project.pk), None)
        if me is None:  # pragma: no cover - the project was deleted meanwhile
            raise InvalidInput("個別事業計画が見つかりません。", field="direction")
        group = [p for p in ordered if (p.pillar_id, p.policy_id) == (me.pillar_id, me.policy_id)]
        index = group.index(me)
        other_index = index - 1 if direction == "up" else index + 1
        if not 0 <= other_index < len(group):
            raise InvalidInput(
                "これより上へは移動できません。" if direction == "up" else "これより下へは移動できません。", field="direction"
            )
        other = group[other_index]
        before = {"position": me.position, "neighbour": other.name}
        i, j = ordered.index(me), ordered.index(other)
        ordered[i], ordered[j] = ordered[j], ordered[i]
        old_positions = [p.position for p in sorted(ordered, key=lambda p: (p.position, p.pk))]
        distinct = len(set(old_positions)) == len(old_positions)
        new_positions = old_positions if distinct else list(range(1, len(ordered) + 1))
        changed = []
        for p, position in zip(ordered, new_positions, strict=True):
            if p.position != position:
                p.position = position
                changed.append(p)
        Project.objects.bulk_update(changed, ["position"])
        project.position = me.position
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.project.moved", obj=project, project=project,
            before=before, after={"position": me.position, "direction": direction},
        )
        return project


# -- departments and thresholds --------------------------------------------------------------------------------


def department_create(*, municipality: Municipality, name: str, by: Any, email: str = "") -> Department:
    with _editing(municipality.pk, by, municipality):
        name = _required(name, "部署名", "name", "department.name")
        email = inputs.clean_text(email, field="department.email")
        if Department.objects.filter(municipality=municipality, name=name).exists():
            raise InvalidInput(f"「{name}」は既にあります。", field="name")
        last = Department.objects.filter(municipality=municipality).aggregate(m=Max("position"))["m"] or 0
        department = Department.objects.create(municipality=municipality, name=name, email=email, position=last + 1)
        audit_record(
            municipality=municipality, by=by, action="tenancy.department.created", obj=department,
            after={"name": name, "email": department.email},
        )
        return department


def department_update(*, department: Department, by: Any, name: str | None = None, email: str | None = None) -> Department:
    with _editing(department.municipality_id, by, department.municipality):
        values = {
            field: inputs.clean_text(value, field=f"department.{field}")
            for field, value in (("name", name), ("email", email))
            if value is not None
        }
        if "name" in values:
            values["name"] = _required(values["name"], "部署名", "name", "department.name")
            others = Department.objects.filter(municipality_id=department.municipality_id).exclude(pk=department.pk)
            if others.filter(name=values["name"]).exists():
                raise InvalidInput(f"「{values['name']}」は既にあります。", field="name")
        before, after = _apply(department, values)
        if after:
            department.save(update_fields=list(after))
            audit_record(
                municipality=department.municipality_id, by=by, action="tenancy.department.updated", obj=department,
                before=before, after=after,
            )
        return department


def thresholds_set(
    *, municipality: Municipality, a_min: Decimal, b_min: Decimal, c_min: Decimal, by: Any
) -> EvaluationThresholds:
    """Change the achievement-rate bands (percent). Open reports are re-evaluated with the new bands."""
    with _editing(municipality.pk, by, municipality):
        a_min, b_min, c_min = (
            inputs.check_decimal(value, field=field, label=f"{field[0].upper()} の下限", maximum=inputs.THRESHOLD_MAX)
            for field, value in (("a_min", a_min), ("b_min", b_min), ("c_min", c_min))
        )
        if not (a_min > b_min > c_min >= 0):
            raise InvalidInput("基準は A > B > C ≧ 0 の順にしてください。", field="a_min")
        thresholds, _ = EvaluationThresholds.objects.get_or_create(municipality=municipality)
        before = {"a_min": str(thresholds.a_min), "b_min": str(thresholds.b_min), "c_min": str(thresholds.c_min)}
        thresholds.a_min, thresholds.b_min, thresholds.c_min = a_min, b_min, c_min
        thresholds.save()
        after = {"a_min": str(a_min), "b_min": str(b_min), "c_min": str(c_min)}
        if before != after:
            audit_record(
                municipality=municipality, by=by, action="cycle.thresholds.updated", obj=thresholds,
                before=before, after=after,
            )
            # Only open years: a locked year was graded with the bands then in force.
            reports = list(
                ProjectReport.objects.filter(
                    project__plan__municipality=municipality, reporting_year__state=YearState.OPEN,
                    state__in=[*EDITABLE_STATES, ReportState.SUBMITTED],
                )
            )
            changes = evaluate_reports(reports, municipality_id=municipality.pk)
            ProjectReport.objects.bulk_update([r for r in reports if changes.get(r.pk)], ["suggested_grade"])
        return thresholds
