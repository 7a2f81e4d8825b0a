"""Two small POSTs of 計画の管理 (DX staff): add a tag (区分) and move a project up or down in document order.

Both come back to the plan administration page; a refused tag name is shown there next to its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.services import CycleError, project_move, project_tag_create
from shinchoku.permissions import Action
from shinchoku.web.forms_plan import TagFormData
from shinchoku.web.views._common import authorize, municipality_or_404, plan_or_404
from shinchoku.web.views.plan_admin import _render as render_plan_admin
from shinchoku.web.views.project_edit import plan_project_or_404, service_error


@login_required
@require_POST
def tag_create_view(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    plan_or_404(municipality, fiscal_year)
    data = TagFormData.from_post(request.POST)
    try:
        tag = project_tag_create(municipality=municipality, name=data.name, by=request.user)
    except CycleError as exc:
        return render_plan_admin(
            request, municipality, fiscal_year, status=400, new_tag=data, tag_errors=service_error(exc, "name")
        )
    messages.success(request, f"区分「{tag.name}」を追加しました。各個別事業計画の編集画面で選べます。")
    return redirect(reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + "#h-tags")


@login_required
@require_POST
def project_move_view(request: HttpRequest, municipality_id: int, fiscal_year: int, project_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    plan = plan_or_404(municipality, fiscal_year)
    project = plan_project_or_404(plan, project_id)
    authorize(request, Action.EDIT_PLAN, plan)
    direction = request.POST.get("direction", "")
    try:
        project_move(project=project, direction=direction, by=request.user)  # type: ignore[arg-type]
    except CycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{project.name}」を{'上' if direction == 'up' else '下'}へ移動しました。")
    return redirect(reverse("web:plan_admin", args=[municipality.pk, fiscal_year]) + f"#project-{project.pk}")
