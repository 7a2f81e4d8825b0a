"""DX staff edit an indicator (name, unit, direction, qualifier, note) and its targets per fiscal year.

Targets are effective-dated: each change is recorded against the plan revision chosen on the form (or "as
adopted"), the value it replaces stays in the history shown below the form. All the years of one submission
are saved together or not at all; a published (locked) year is refused by the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shinchoku.cycle.concurrency import EditConflict, edit_token, indicator_state, targets_state
from shinchoku.cycle.errors import InvalidTargets
from shinchoku.cycle.services import CycleError, indicator_create, indicator_update
from shinchoku.cycle.services.plan import plan_indicator_targets_set
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    Direction,
    Indicator,
    IndicatorValue,
    Plan,
    PlanRevision,
    Project,
    ReportingYear,
    ValueKind,
    YearState,
)
from shinchoku.plans.selectors import values_in_force
from shinchoku.tenancy.models import Municipality
from shinchoku.web.forms_plan import FormInvalid, IndicatorFormData, TargetsFormData
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    plan_or_404,
    seen_to_keep,
    seen_token,
)
from shinchoku.web.views.project_edit import plan_project_or_404, service_error


def _indicator_or_404(plan: Plan, indicator_id: int) -> Indicator:
    indicator = (
        Indicator.objects.filter(project__plan=plan, pk=indicator_id).select_related("project__plan").first()
    )
    if indicator is None:
        raise Http404("目標指標が見つかりません")
    return indicator


def _target_rows(indicator: Indicator) -> tuple[list[IndicatorValue], dict[int, IndicatorValue]]:
    rows = list(
        IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.TARGET)
        .select_related("revision")
        .order_by("fiscal_year", "revision__revised_on", "pk")
    )
    current = {fy: value for (_, _, fy), value in values_in_force(rows).items()}
    return rows, current


def _render(
    request: HttpRequest,
    municipality: Municipality,
    fiscal_year: int,
    plan: Plan,
    *,
    project: Project,
    indicator: Indicator | None,
    data: IndicatorFormData,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    admin_url = reverse("web:plan_admin", args=[municipality.pk, fiscal_year])
    project_url = reverse("web:project_edit", args=[municipality.pk, fiscal_year, project.pk])
    context: dict[str, Any] = {"errors": {}, "target_errors": {}}
    if indicator is not None:
        rows, current = _target_rows(indicator)
        revisions = list(PlanRevision.objects.filter(plan=plan).order_by("revised_on"))
        locked = set(
            ReportingYear.objects.filter(plan=plan).exclude(state=YearState.OPEN).values_list("fiscal_year", flat=True)
        )
        target_errors = extra.get("target_errors", {})
        targets = extra.pop("targets", None) or TargetsFormData.from_current(plan.fiscal_years, current, revisions)
        context.update(
            revisions=revisions,
            targets=targets,
            target_years=[
                {
                    "fiscal_year": fy, "name": f"target-{fy}", "error": target_errors.get(f"target-{fy}", ""),
                    "current": current.get(fy), "text": targets.values.get(fy, ""), "locked": fy in locked,
                }
                for fy in plan.fiscal_years
            ],
            history=[{"value": row, "superseded": current.get(row.fiscal_year) != row} for row in rows],
        )
    seen = extra.pop("seen", None)
    targets_seen = extra.pop("targets_seen", None)
    context.update(extra)
    return page(
        request,
        "web/plan/indicator_form.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        status=status,
        breadcrumbs=[
            ("計画の管理", admin_url),
            (project.name, project_url),
            (indicator.name if indicator else "目標指標の追加", None),
        ],
        plan=plan,
        project=project,
        indicator=indicator,
        data=data,
        directions=Direction.choices,
        can_edit=can(request.user, Action.EDIT_PLAN, plan),
        seen=seen or (edit_token(indicator_state(indicator)) if indicator else ""),
        targets_seen=targets_seen or (edit_token(targets_state(indicator)) if indicator else ""),
        **context,
    )


@login_required
def indicator_new(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    if request.method != "POST":
        authorize(request, Action.VIEW_DASHBOARD, municipality)
        return _render(request, municipality, fiscal_year, plan, project=project, indicator=None,
                       data=IndicatorFormData())
    authorize(request, Action.EDIT_PLAN, plan)
    data = IndicatorFormData.from_post(request.POST)
    try:
        indicator = indicator_create(project=project, by=request.user, **data.fields())
    except CycleError as exc:
        return _render(request, municipality, fiscal_year, plan, project=project, indicator=None, data=data,
                       status=400, errors=service_error(exc, "name"))
    messages.success(request, f"目標指標「{indicator.name}」を追加しました。年度ごとの目標値を入力してください。")
    return redirect("web:indicator_edit", municipality.pk, fiscal_year, indicator.pk)


@login_required
def indicator_edit(request: HttpRequest, municipality_id: int, fiscal_year: int, indicator_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    indicator = _indicator_or_404(plan, indicator_id)
    project = plan_project_or_404(plan, indicator.project_id)
    if request.method != "POST":
        authorize(request, Action.VIEW_DASHBOARD, municipality)
        return _render(request, municipality, fiscal_year, plan, project=project, indicator=indicator,
                       data=IndicatorFormData.from_indicator(indicator))
    authorize(request, Action.EDIT_PLAN, plan)
    if request.POST.get("form") == "targets":
        return _save_targets(request, municipality, fiscal_year, plan, project, indicator)

    data = IndicatorFormData.from_post(request.POST)
    try:
        indicator_update(indicator=indicator, by=request.user, seen=seen_token(request), **data.fields())
    except CycleError as exc:
        return _render(request, municipality, fiscal_year, plan, project=project,
                       indicator=_indicator_or_404(plan, indicator_id), data=data, status=400,
                       errors=service_error(exc, "name"), seen=seen_to_keep(request, exc))
    messages.success(request, f"目標指標「{indicator.name}」を保存しました。")
    return redirect("web:indicator_edit", municipality.pk, fiscal_year, indicator.pk)


def _save_targets(
    request: HttpRequest, municipality: Municipality, fiscal_year: int, plan: Plan, project: Project,
    indicator: Indicator,
) -> HttpResponse:
    data = TargetsFormData.from_post(request.POST, plan.fiscal_years)
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("revised_on"))
    _, current = _target_rows(indicator)
    errors: dict[str, str] = {}
    conflict = False
    revision = None
    try:
        revision = data.chosen_revision(revisions)
    except FormInvalid as exc:
        errors.update(exc.errors)
    changes = data.changed(current, indicator.unit)
    if not errors and not changes:
        messages.info(request, "目標値に変更はありませんでした。")
        return redirect("web:indicator_edit", municipality.pk, fiscal_year, indicator.pk)
    if not errors:
        try:
            plan_indicator_targets_set(
                indicator=indicator, targets=changes, revision=revision, by=request.user,
                seen=request.POST.get("targets_seen") or None,
            )
        except InvalidTargets as exc:
            for fy, refusal in exc.errors.items():
                errors["revision" if refusal.field == "revision" else f"target-{fy}"] = refusal.message
        except EditConflict as exc:
            errors["seen"] = exc.message
            conflict = True
    if errors:
        return _render(request, municipality, fiscal_year, plan, project=project, indicator=indicator,
                       data=IndicatorFormData.from_indicator(indicator), status=409 if conflict else 400,
                       targets=data, target_errors=errors,
                       # After a conflict the form carries the current token: saving again is deliberate.
                       targets_seen=None if conflict else request.POST.get("targets_seen"))
    label = f"{revision.revised_on.year}年{revision.revised_on.month}月の改定" if revision else "策定時の値"
    messages.success(request, f"目標値を{len(changes)}件変更しました（{label}として記録）。以前の値は履歴に残っています。")
    return redirect("web:indicator_edit", municipality.pk, fiscal_year, indicator.pk)
