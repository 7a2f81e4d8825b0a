"""What every page needs: the municipality of the URL (404 outside the user's scope), ``can`` → 403, nav."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shinchoku.cycle.concurrency import EditConflict
from shinchoku.permissions import Action, can, department_reads_published
from shinchoku.plans.models import Plan, Project, ProjectReport
from shinchoku.plans.selectors import plan_for_fiscal_year
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_date, format_fiscal_year


def municipality_or_404(municipality_id: int) -> Municipality:
    """The municipality of the URL. The request scope only covers the user's own: anything else is a 404."""
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        raise Http404("自治体が見つかりません")
    return municipality


def plan_or_404(municipality: Municipality, fiscal_year: int) -> Plan:
    plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
    if plan is None:
        raise Http404("この年度の計画がありません")
    return plan


def report_or_404(project_id: int, fiscal_year: int) -> ProjectReport:
    """The project's report of the year with what the report pages show; 404 before the year is opened."""
    report = (
        ProjectReport.objects.filter(project_id=project_id, fiscal_year=fiscal_year)
        .select_related("project__plan", "grade", "department_grade", "suggested_grade")
        .prefetch_related("project__department_links__department")
        .first()
    )
    if report is None:
        raise Http404("この年度の報告はまだありません（進行管理が開始されていません）")
    return report


def project_or_404(municipality: Municipality, project_id: int) -> Project:
    project = (
        Project.objects.filter(plan__municipality=municipality, pk=project_id)
        .select_related("plan", "pillar", "policy")
        .first()
    )
    if project is None:
        raise Http404("個別事業計画が見つかりません")
    return project


def authorize(request: HttpRequest, action: Action, target: Any) -> None:
    """403 unless the user may; the object was already found in the user's scope (else 404)."""
    if not can(request.user, action, target):
        raise PermissionDenied("この操作を行う権限がありません")


def reports_url(municipality: Municipality) -> str | None:
    """The documents app's download page, when it is installed."""
    for name in ("documents:index", "documents:report_list", "documents:list"):
        try:
            return reverse(name, kwargs={"municipality_id": municipality.pk})
        except NoReverseMatch:
            continue
    return None


def page(
    request: HttpRequest,
    template: str,
    *,
    municipality: Municipality,
    fiscal_year: int | None = None,
    section: str = "",
    breadcrumbs: list[tuple[str, str | None]] | None = None,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    user = request.user
    context.update(
        municipality=municipality,
        fiscal_year=fiscal_year,
        fiscal_year_label=format_fiscal_year(fiscal_year) if fiscal_year else "",
        section=section,
        breadcrumbs=breadcrumbs or [],
        perms_nav={
            "dashboard": can(user, Action.VIEW_DASHBOARD, municipality),
            "cycle": can(user, Action.VIEW_CYCLE, municipality),
            "audit": can(user, Action.VIEW_AUDIT, municipality),
            "plan": can(user, Action.EDIT_PLAN, municipality),
            "users": can(user, Action.MANAGE_USERS, municipality),
            "reports_url": reports_url(municipality)
            if can(user, Action.REPORT_DOWNLOAD, municipality) or department_reads_published(user, municipality.pk)
            else None,
        },
    )
    return render(request, template, context, status=status)


def project_breadcrumbs(
    municipality: Municipality, project: Project, fiscal_year: int, here: str
) -> list[tuple[str, str | None]]:
    """一覧 › project › ``here``: the trail of every page about one project's report."""
    return [
        ("個別事業計画一覧", reverse("web:project_list", args=[municipality.pk, fiscal_year])),
        (project.name, reverse("web:project_detail", args=[municipality.pk, fiscal_year, project.pk])),
        (here, None),
    ]


def seen_token(request: HttpRequest) -> str | None:
    """The edit token the form was loaded with (cycle/concurrency.py); None when the form carries none."""
    return request.POST.get("seen") or None


def seen_to_keep(request: HttpRequest, refusal: Exception | None = None) -> str | None:
    """The token a re-shown form carries on: still the one it was loaded with (a form shown again for a typo
    must not forget what its user has seen), except after a conflict, where None asks for the current one
    (the user has been told, so saving again is a deliberate overwrite)."""
    return None if isinstance(refusal, EditConflict) else seen_token(request)


def warn_if_past(request: HttpRequest, due_date: dt.date) -> None:
    """A due date already past is allowed (a late cycle, a correction) but never silently."""
    if due_date < timezone.localdate():
        messages.warning(
            request,
            f"提出期限の{format_date(due_date)}はすでに過ぎています。未提出の報告はすべて「期限超過」と表示されます。"
            "意図したものでなければ、提出期限を変更してください。",
        )
