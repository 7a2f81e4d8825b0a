"""柱・施策の編集 (DX staff): add, rename, reorder and remove pillars and policies, and put a project at a
chosen position of its group, each a plain POST form that comes back to the page (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.services import CycleError
from shinchoku.cycle.services.plan_structure import (
    department_move,
    pillar_create,
    pillar_delete,
    pillar_move,
    pillar_rename,
    pillar_retire,
    policy_create,
    policy_delete,
    policy_move,
    policy_rename,
    policy_retire,
    project_place,
)
from shinchoku.permissions import Action
from shinchoku.plans.models import Pillar, Plan, Policy
from shinchoku.tenancy.models import Department
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404
from shinchoku.web.views.project_edit import plan_project_or_404


def _page_url(municipality_id: int, fiscal_year: int, anchor: str = "") -> str:
    return reverse("web:plan_structure", args=[municipality_id, fiscal_year]) + (f"#{anchor}" if anchor else "")


def _retire_year(request: HttpRequest) -> int | None:
    """The retirement year posted (a 4-digit fiscal year), or None to reinstate."""
    raw = request.POST.get("fiscal_year", "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None


def _retired_message(what: str, name: str, fiscal_year: int | None) -> str:
    if fiscal_year is None:
        return f"{what}「{name}」の廃止を取り消しました。"
    return f"{what}「{name}」を{format_fiscal_year(fiscal_year)}から廃止しました（それより前の年度の報告には残ります）。"


def _position(request: HttpRequest) -> int:
    raw = request.POST.get("position", "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else 0


@login_required
def plan_structure_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    pillars = list(Pillar.objects.filter(plan=plan).prefetch_related("policies").order_by("position", "pk"))
    return page(
        request,
        "web/plan/plan_structure.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        breadcrumbs=[("計画の管理", reverse("web:plan_admin", args=[municipality.pk, fiscal_year])), ("柱・施策の編集", None)],
        plan=plan,
        pillars=pillars,
        pillar_positions=range(1, len(pillars) + 1),
        retire_years=[(fy, format_fiscal_year(fy)) for fy in plan.fiscal_years],
    )


def _pillar_or_404(plan: Plan, pillar_id: int) -> Pillar:
    pillar = Pillar.objects.filter(plan=plan, pk=pillar_id).select_related("plan").first()
    if pillar is None:
        raise Http404("柱が見つかりません")
    return pillar


def _policy_or_404(plan: Plan, policy_id: int) -> Policy:
    policy = Policy.objects.filter(pillar__plan=plan, pk=policy_id).select_related("pillar__plan").first()
    if policy is None:
        raise Http404("施策が見つかりません")
    return policy


def _done(request: HttpRequest, call: Any, success: str, back: str) -> HttpResponse:
    try:
        call()
    except CycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def pillar_action(request: HttpRequest, municipality_id: int, fiscal_year: int, pillar_id: int = 0) -> HttpResponse:
    """One pillar form: ``op`` is add (pillar_id 0), rename, move, add-policy or delete."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    op = request.POST.get("op", "")
    name = request.POST.get("name", "")
    if not pillar_id:
        return _done(request, lambda: pillar_create(plan=plan, name=name, by=request.user),
                     f"柱「{name.strip()}」を追加しました。", _page_url(municipality.pk, fiscal_year, "h-new-pillar"))
    pillar = _pillar_or_404(plan, pillar_id)
    back = _page_url(municipality.pk, fiscal_year, f"pillar-{pillar.pk}")
    if op == "rename":
        return _done(request, lambda: pillar_rename(pillar=pillar, name=name, by=request.user),
                     f"柱の名称を「{name.strip()}」に変更しました。", back)
    if op == "move":
        to = _position(request)
        return _done(request, lambda: pillar_move(pillar=pillar, to=to, by=request.user),
                     f"柱「{pillar.name}」を{to}番目へ移動しました。", back)
    if op == "add-policy":
        return _done(request, lambda: policy_create(pillar=pillar, name=name, by=request.user),
                     f"施策「{name.strip()}」を「{pillar.name}」に追加しました。", back)
    if op == "retire":
        year = _retire_year(request)
        return _done(request, lambda: pillar_retire(pillar=pillar, from_fiscal_year=year, by=request.user),
                     _retired_message("柱", pillar.name, year), back)
    if op == "delete":
        return _done(request, lambda: pillar_delete(pillar=pillar, by=request.user),
                     f"柱「{pillar.name}」を削除しました。", _page_url(municipality.pk, fiscal_year))
    raise Http404("操作が正しくありません")


@login_required
@require_POST
def policy_action(request: HttpRequest, municipality_id: int, fiscal_year: int, policy_id: int) -> HttpResponse:
    """One policy form: ``op`` is rename, move or delete."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    policy = _policy_or_404(plan, policy_id)
    back = _page_url(municipality.pk, fiscal_year, f"policy-{policy.pk}")
    op = request.POST.get("op", "")
    name = request.POST.get("name", "")
    if op == "rename":
        return _done(request, lambda: policy_rename(policy=policy, name=name, by=request.user),
                     f"施策の名称を「{name.strip()}」に変更しました。", back)
    if op == "move":
        to = _position(request)
        return _done(request, lambda: policy_move(policy=policy, to=to, by=request.user),
                     f"施策「{policy.name}」を{to}番目へ移動しました。", back)
    if op == "retire":
        year = _retire_year(request)
        return _done(request, lambda: policy_retire(policy=policy, from_fiscal_year=year, by=request.user),
                     _retired_message("施策", policy.name, year), back)
    if op == "delete":
        return _done(request, lambda: policy_delete(policy=policy, by=request.user),
                     f"施策「{policy.name}」を削除しました。", _page_url(municipality.pk, fiscal_year, f"pillar-{policy.pillar_id}"))
    raise Http404("操作が正しくありません")


@login_required
@require_POST
def project_place_view(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    """計画の管理's 「n番目へ」: the project to a chosen position of its group, in one step."""
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    authorize(request, Action.EDIT_PLAN, plan)
    to = _position(request)
    back = reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + f"#project-{project.pk}"
    return _done(request, lambda: project_place(project=project, to=to, by=request.user),
                 f"「{project.name}」を{to}番目へ移動しました。", back)


@login_required
@require_POST
def department_move_view(
    request: HttpRequest, municipality_id: int, fiscal_year: int, department_id: int
) -> HttpResponse:
    """計画の管理's department table: a department to a chosen place of the organisation order."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    department = Department.objects.filter(municipality=municipality, pk=department_id).first()
    if department is None:
        raise Http404("部署が見つかりません")
    to = _position(request)
    back = reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + "#h-departments"
    return _done(
        request, lambda: department_move(municipality=municipality, department=department, to=to, by=request.user),
        f"「{department.name}」を{to}番目へ移動しました。", back,
    )
