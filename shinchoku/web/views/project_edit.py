"""DX staff edit a project of the plan (name, pillar/policy, tags, departments in order, overview, vision,
comprehensive-plan link) or add a new one from a fiscal year (its draft report is created by the service for
every open year it covers), and end one (「事業の終了・廃止」: 廃止 or 終了 from a fiscal year on).
The schedule has its own editor (views/schedule_edit.py).

HQ and viewers may read the page (the form is shown disabled); department editors get a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.concurrency import edit_token, project_state
from shinchoku.cycle.services import (
    CycleError,
    project_classification_set,
    project_create,
    project_departments_set,
    project_discontinue,
    project_first_fiscal_year_default,
    project_update,
    revision_first_fiscal_year,
)
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    Pillar,
    Plan,
    PlanRevision,
    Project,
    ProjectDepartment,
    ProjectEnd,
    ProjectTag,
    ScheduleRow,
)
from shinchoku.plans.selectors import locked_fiscal_years
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.forms_plan import DiscontinueFormData, FormInvalid, ProjectFormData
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    plan_or_404,
    seen_to_keep,
    seen_token,
)

T = TypeVar("T")


def plan_project_or_404(plan: Plan, project_id: int) -> Project:
    """A project of this plan (another plan's or municipality's project is a 404)."""
    project = (
        Project.objects.filter(plan=plan, pk=project_id)
        .select_related("plan", "pillar", "policy", "added_in_revision")
        .prefetch_related(
            "tags",
            "indicators",
            Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department")),
            Prefetch("schedule_rows", queryset=ScheduleRow.objects.order_by("position", "pk").prefetch_related("cells")),
        )
        .first()
    )
    if project is None:
        raise Http404("個別事業計画が見つかりません")
    return project


def read_field(errors: dict[str, str], read: Callable[[], T]) -> T | None:
    """Call one reader of a form; a FormInvalid adds its messages to ``errors`` (so all are shown at once)."""
    try:
        return read()
    except FormInvalid as exc:
        errors.update(exc.errors)
        return None


def service_error(exc: CycleError, default_field: str) -> dict[str, str]:
    return {getattr(exc, "field", "") or default_field: exc.message}


def _render(
    request: HttpRequest,
    municipality: Municipality,
    fiscal_year: int,
    plan: Plan,
    *,
    project: Project | None,
    data: ProjectFormData,
    status: int = 200,
    errors: dict[str, str] | None = None,
    end: DiscontinueFormData | None = None,
    end_errors: dict[str, str] | None = None,
    seen: str | None = None,
) -> HttpResponse:
    pillars = list(Pillar.objects.filter(plan=plan).prefetch_related("policies").order_by("position"))
    admin_url = reverse("web:plan_admin", args=[municipality.pk, fiscal_year])
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("revised_on"))
    # Only years the service would accept are offered (it still decides): a new project never starts in a
    # locked year, and a project leaves only from a year after its first one and after the last locked one.
    locked = locked_fiscal_years(plan=plan)
    first = max((project.first_fiscal_year if project else None) or plan.start_fiscal_year, max(locked, default=0))
    return page(
        request,
        "web/plan/project_form.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        status=status,
        breadcrumbs=[("計画の管理", admin_url), (project.name if project else "個別事業計画の追加", None)],
        plan=plan,
        project=project,
        data=data,
        errors=errors or {},
        pillars=pillars,
        tags=list(ProjectTag.objects.filter(municipality=municipality)),
        departments=list(Department.objects.filter(municipality=municipality).order_by("position", "name")),
        revisions=[(r, format_fiscal_year(revision_first_fiscal_year(r))) for r in revisions],
        first_year_choices=[(fy, format_fiscal_year(fy)) for fy in plan.fiscal_years if fy not in locked],
        end=end or DiscontinueFormData(),
        end_errors=end_errors or {},
        end_reasons=ProjectEnd.choices,
        end_year_choices=[
            (fy, format_fiscal_year(fy) + ("（計画期間の終了後）" if fy > plan.end_fiscal_year else ""))
            for fy in range(first + 1, plan.end_fiscal_year + 2)
        ],
        can_edit=can(request.user, Action.EDIT_PLAN, plan),
        # The token the form was loaded with, or (None) that of the state now stored (see seen_to_keep).
        seen=seen or (edit_token(project_state(project)) if project else ""),
    )


def _choices(
    municipality: Municipality, plan: Plan
) -> tuple[list[Pillar], list[Department], list[PlanRevision], list[ProjectTag]]:
    return (
        list(Pillar.objects.filter(plan=plan).prefetch_related("policies")),
        list(Department.objects.filter(municipality=municipality)),
        list(PlanRevision.objects.filter(plan=plan)),
        list(ProjectTag.objects.filter(municipality=municipality)),
    )


@login_required
def project_new(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    if request.method != "POST":
        authorize(request, Action.VIEW_DASHBOARD, municipality)
        default = project_first_fiscal_year_default(plan=plan)
        return _render(
            request, municipality, fiscal_year, plan, project=None, data=ProjectFormData(first_fiscal_year=str(default))
        )
    authorize(request, Action.EDIT_PLAN, plan)
    data = ProjectFormData.from_post(request.POST)
    pillars, departments, revisions, tags = _choices(municipality, plan)
    errors: dict[str, str] = {}
    place = read_field(errors, lambda: data.pillar_and_policy(pillars))
    chosen_tags = read_field(errors, lambda: data.chosen_tags(tags))
    chosen = read_field(errors, lambda: data.chosen_departments(departments))
    revision = read_field(errors, lambda: data.revision(revisions))
    first_fiscal_year = read_field(errors, data.chosen_first_fiscal_year)
    if not data.name.strip():
        errors.setdefault("name", "個別事業計画名を入力してください。")
    if errors or place is None or chosen is None or chosen_tags is None:
        return _render(request, municipality, fiscal_year, plan, project=None, data=data, status=400, errors=errors)
    pillar, policy = place
    try:
        with transaction.atomic():
            project = project_create(
                plan=plan, name=data.name, pillar=pillar, policy=policy, departments=chosen,
                overview=data.overview, vision=data.vision, added_in_revision=revision,
                first_fiscal_year=first_fiscal_year, by=request.user,
            )
            if data.comprehensive_plan_area.strip() or data.comprehensive_plan_policy.strip():
                project_update(
                    project=project, by=request.user, comprehensive_plan_area=data.comprehensive_plan_area,
                    comprehensive_plan_policy=data.comprehensive_plan_policy,
                )
            if chosen_tags:
                project_classification_set(
                    project=project, pillar=pillar, policy=policy, tags=chosen_tags, by=request.user
                )
    except CycleError as exc:
        return _render(
            request, municipality, fiscal_year, plan, project=None, data=data, status=400,
            errors=service_error(exc, "name"),
        )
    messages.success(
        request,
        f"個別事業計画「{project.name}」を{format_fiscal_year(project.first_fiscal_year or plan.start_fiscal_year)}"
        "から追加しました。進行管理中の年度があれば、その報告（下書き）も作成されています。",
    )
    return redirect("web:project_edit", municipality.pk, fiscal_year, project.pk)


@login_required
def project_edit(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    if request.method != "POST":
        authorize(request, Action.VIEW_DASHBOARD, municipality)
        return _render(
            request, municipality, fiscal_year, plan, project=project, data=ProjectFormData.from_project(project)
        )
    authorize(request, Action.EDIT_PLAN, plan)
    data = ProjectFormData.from_post(request.POST)
    pillars, departments, _, tags = _choices(municipality, plan)
    errors: dict[str, str] = {}
    place = read_field(errors, lambda: data.pillar_and_policy(pillars))
    chosen_tags = read_field(errors, lambda: data.chosen_tags(tags))
    chosen = read_field(errors, lambda: data.chosen_departments(departments))
    if errors or place is None or chosen is None or chosen_tags is None:
        return _render(
            request, municipality, fiscal_year, plan, project=project, data=data, status=400, errors=errors,
            seen=seen_to_keep(request),
        )
    pillar, policy = place
    try:
        with transaction.atomic():
            project_update(project=project, by=request.user, seen=seen_token(request), **data.text_fields())
            project_departments_set(project=project, departments=chosen, by=request.user)
            project_classification_set(
                project=project, pillar=pillar, policy=policy, tags=chosen_tags, by=request.user
            )
    except CycleError as exc:
        return _render(
            request, municipality, fiscal_year, plan, project=plan_project_or_404(plan, project_id), data=data,
            status=400, errors=service_error(exc, "name"), seen=seen_to_keep(request, exc),
        )
    messages.success(request, f"個別事業計画「{project.name}」を保存しました。")
    return redirect("web:project_edit", municipality.pk, fiscal_year, project.pk)


@login_required
@require_POST
def project_discontinue_view(
    request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int
) -> HttpResponse:
    """「事業の終了・廃止」: 廃止 or 終了 from a fiscal year on; the service decides whether it may."""
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    authorize(request, Action.EDIT_PLAN, plan)
    end = DiscontinueFormData.from_post(request.POST)
    errors: dict[str, str] = {}
    from_fiscal_year = read_field(errors, end.chosen_from_fiscal_year)
    if from_fiscal_year is not None:
        try:
            project = project_discontinue(
                project=project, from_fiscal_year=from_fiscal_year, reason=end.reason, by=request.user
            )
        except CycleError as exc:
            errors = service_error(exc, "from_fiscal_year")
    if errors:
        return _render(
            request, municipality, fiscal_year, plan, project=project, data=ProjectFormData.from_project(project),
            status=400, end=end, end_errors=errors,
        )
    last = project.last_fiscal_year
    assert last is not None  # project_discontinue always sets it
    messages.success(
        request,
        f"個別事業計画「{project.name}」を{format_fiscal_year(last)}で{project.get_end_reason_display()}としました。"
        f"{format_fiscal_year(last + 1)}以降は報告の対象外です（それまでの報告と履歴は残ります）。",
    )
    return redirect("web:project_edit", municipality.pk, fiscal_year, project.pk)
