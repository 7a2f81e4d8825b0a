"""次期計画の開始 (DX staff): name the next plan, choose its period and the projects that continue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shinchoku.cycle.services import CycleError
from shinchoku.cycle.services.plan_next import plan_start_next
from shinchoku.permissions import Action
from shinchoku.plans.models import Plan, Project
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page


def _previous_plan(municipality: Municipality, fiscal_year: int) -> Plan:
    """The plan the next one follows: the latest that starts by ``fiscal_year`` (the year that has none)."""
    plan = (
        Plan.objects.filter(municipality=municipality, start_fiscal_year__lte=fiscal_year)
        .order_by("-start_fiscal_year", "-pk").first()
        or Plan.objects.filter(municipality=municipality).order_by("-start_fiscal_year", "-pk").first()
    )
    if plan is None:
        raise Http404("計画がありません")
    return plan


def _year(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else 0


@login_required
def plan_next_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    previous = _previous_plan(municipality, fiscal_year)
    projects = list(Project.objects.filter(plan=previous).select_related("pillar").order_by("position", "pk"))
    errors: dict[str, str] = {}
    start = previous.end_fiscal_year + 1
    values = {"name": "", "start": str(start), "end": str(start + 4)}
    chosen = {p.pk for p in projects if p.is_active_in(previous.end_fiscal_year)}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in ("name", "start", "end")}
        chosen = {int(v) for v in request.POST.getlist("projects") if v.isascii() and v.isdigit()}
        try:
            new_plan = plan_start_next(
                plan=previous, name=values["name"], start_fiscal_year=_year(values["start"]),
                end_fiscal_year=_year(values["end"]), projects=[p for p in projects if p.pk in chosen],
                by=request.user,
            )
        except CycleError as exc:
            errors[exc.field or "name"] = exc.message
        else:
            messages.success(
                request,
                f"次期計画「{new_plan.name}」（{format_fiscal_year(new_plan.start_fiscal_year)}〜"
                f"{format_fiscal_year(new_plan.end_fiscal_year)}）を開始し、個別事業計画{len(chosen)}件を引き継ぎました。"
                "目標値と柱・施策を確認してください。",
            )
            return redirect(reverse("web:plan_admin", args=[municipality.pk, new_plan.start_fiscal_year]))
    years = range(previous.start_fiscal_year + 1, previous.end_fiscal_year + 8)
    return page(
        request,
        "web/plan/plan_next.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="plan",
        status=400 if errors else 200,
        breadcrumbs=[("次期計画の開始", None)],
        previous=previous,
        projects=[(p, p.pk in chosen, p.is_active_in(previous.end_fiscal_year)) for p in projects],
        values=values,
        errors=errors,
        start_years=[(str(y), format_fiscal_year(y)) for y in years],
        end_years=[(str(y), format_fiscal_year(y)) for y in range(previous.start_fiscal_year + 1, previous.end_fiscal_year + 28)],
    )
