"""計画の管理: the plan's structure (pillars → policies → projects), departments, revisions and thresholds.

DX staff change them (Action.EDIT_PLAN); HQ and viewers read them (Action.VIEW_DASHBOARD); department
editors are refused (403). Each POST parses its form, calls one service and shows the service's Japanese
refusal next to the field it names; the page's queries do not grow with the number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.models import EvaluationThresholds
from shinchoku.cycle.services import (
    CycleError,
    InvalidInput,
    department_create,
    department_update,
    plan_revision_create,
    thresholds_set,
)
from shinchoku.permissions import Action, can
from shinchoku.plans.models import Pillar, Plan, PlanRevision, Project, ProjectDepartment
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.web.forms_plan import (
    DepartmentFormData,
    FormInvalid,
    RevisionFormData,
    ThresholdsFormData,
)
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404


@dataclass
class PolicyGroup:
    name: str  # "" = projects directly under the pillar
    projects: list[Project] = field(default_factory=list)


@dataclass
class PillarGroup:
    pillar: Pillar
    policies: list[PolicyGroup]

    @property
    def project_count(self) -> int:
        return sum(len(group.projects) for group in self.policies)


def plan_structure(plan: Plan) -> list[PillarGroup]:
    """Pillars → policies → projects in document order, in a constant number of queries (4)."""
    pillars = list(Pillar.objects.filter(plan=plan).prefetch_related("policies").order_by("position"))
    projects = (
        Project.objects.filter(plan=plan)
        .order_by("position")
        .annotate(indicator_count=Count("indicators"))
        .prefetch_related(
            "tags", Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department"))
        )
    )
    by_place: dict[tuple[int, int | None], list[Project]] = {}
    for project in projects:
        by_place.setdefault((project.pillar_id, project.policy_id), []).append(project)
    groups = []
    for pillar in pillars:
        policies = [PolicyGroup("", by_place.get((pillar.pk, None), []))]
        policies += [PolicyGroup(p.name, by_place.get((pillar.pk, p.pk), [])) for p in pillar.policies.all()]
        groups.append(PillarGroup(pillar, [g for g in policies if g.name or g.projects]))
    return groups


def thresholds_of(municipality: Municipality) -> EvaluationThresholds:
    """The municipality's bands, or the (unsaved) defaults when it never changed them."""
    return EvaluationThresholds.objects.filter(municipality=municipality).first() or EvaluationThresholds(
        municipality=municipality
    )


def _authorize_read(request: HttpRequest, municipality: Municipality) -> None:
    authorize(request, Action.VIEW_DASHBOARD, municipality)


def _render(
    request: HttpRequest,
    municipality: Municipality,
    fiscal_year: int,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    plan = plan_or_404(municipality, fiscal_year)
    departments = list(Department.objects.filter(municipality=municipality).order_by("position", "name"))
    extra.setdefault("new_department", DepartmentFormData())
    extra.setdefault("new_revision", RevisionFormData())
    return page(
        request,
        "web/plan/plan_admin.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        status=status,
        plan=plan,
        structure=plan_structure(plan),
        departments=departments,
        revisions=list(PlanRevision.objects.filter(plan=plan).order_by("revised_on")),
        thresholds=thresholds_of(municipality),
        can_edit=can(request.user, Action.EDIT_PLAN, plan),
        **extra,
    )


@login_required
def plan_admin(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    _authorize_read(request, municipality)
    return _render(request, municipality, fiscal_year)


def _field_error(exc: CycleError, default_field: str) -> dict[str, str]:
    name = getattr(exc, "field", "") or default_field
    return {name: exc.message}


@login_required
@require_POST
def revision_create_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    data = RevisionFormData.from_post(request.POST)
    try:
        revision = plan_revision_create(
            plan=plan, revised_on=data.revised_on_date(), description=data.description, by=request.user
        )
    except FormInvalid as exc:
        return _render(request, municipality, fiscal_year, status=400, new_revision=data, revision_errors=exc.errors)
    except CycleError as exc:
        return _render(
            request, municipality, fiscal_year, status=400, new_revision=data,
            revision_errors=_field_error(exc, "description"),
        )
    messages.success(request, f"{revision.revised_on.year}年{revision.revised_on.month}月の改定を登録しました。")
    return redirect(reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + "#h-revisions")


@login_required
@require_POST
def department_create_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    data = DepartmentFormData.from_post(request.POST)
    try:
        data.check_email()
        department = department_create(municipality=municipality, name=data.name, email=data.email, by=request.user)
    except FormInvalid as exc:
        return _render(request, municipality, fiscal_year, status=400, new_department=data, department_errors=exc.errors)
    except (InvalidInput, CycleError) as exc:
        return _render(
            request, municipality, fiscal_year, status=400, new_department=data,
            department_errors=_field_error(exc, "name"),
        )
    messages.success(request, f"担当部署「{department.name}」を追加しました。")
    return redirect(reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + "#h-departments")


@login_required
@require_POST
def department_update_view(
    request: HttpRequest, municipality_id: int, fiscal_year: int, department_id: int
) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    department = Department.objects.filter(municipality=municipality, pk=department_id).first()
    if department is None:
        raise Http404("担当部署が見つかりません")
    authorize(request, Action.EDIT_PLAN, municipality)
    data = DepartmentFormData.from_post(request.POST)
    try:
        data.check_email()
        department_update(department=department, name=data.name, email=data.email, by=request.user)
    except FormInvalid as exc:
        errors = exc.errors
    except (InvalidInput, CycleError) as exc:
        errors = _field_error(exc, "name")
    else:
        messages.success(request, f"担当部署「{department.name}」を更新しました。")
        return redirect(reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + "#h-departments")
    return _render(
        request, municipality, fiscal_year, status=400,
        row_errors={department_id: errors}, row_values={department_id: data},
    )


# -- thresholds --------------------------------------------------------------------------------------------------


@login_required
def thresholds_edit(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    _authorize_read(request, municipality)
    thresholds = thresholds_of(municipality)
    context: dict[str, Any] = {
        "breadcrumbs": [("計画の管理", reverse("web:plan_admin", args=[municipality.pk, fiscal_year])), ("評価基準", None)],
        "thresholds": thresholds,
        "can_edit": can(request.user, Action.EDIT_PLAN, municipality),
    }
    if request.method != "POST":
        return page(
            request, "web/plan/thresholds.html", municipality=municipality, fiscal_year=fiscal_year, section="plan",
            data=ThresholdsFormData.from_thresholds(thresholds), **context,
        )
    authorize(request, Action.EDIT_PLAN, municipality)
    data = ThresholdsFormData.from_post(request.POST)
    try:
        thresholds_set(municipality=municipality, by=request.user, **data.values())
    except FormInvalid as exc:
        errors = exc.errors
    except CycleError as exc:
        errors = _field_error(exc, "a_min")
    else:
        messages.success(request, "評価基準を変更しました。入力中・審査中の報告の評価案を再計算しました。")
        return redirect("web:thresholds", municipality.pk, fiscal_year)
    return page(
        request, "web/plan/thresholds.html", municipality=municipality, fiscal_year=fiscal_year, section="plan",
        status=400, data=data, errors=errors, **context,
    )
