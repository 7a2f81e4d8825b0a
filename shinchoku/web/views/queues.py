"""``/<municipality>/<fiscal year>/review-queue/``: HQ's queue of submitted reports, filters, bulk approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from shinchoku.cycle import selectors, selectors_queues
from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services import reports_bulk_approve
from shinchoku.permissions import Action
from shinchoku.plans.models import Pillar, ProjectReport
from shinchoku.tenancy.models import Department
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404


@login_required
def review_queue_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_REVIEW_QUEUE, municipality)
    if request.method == "POST":
        # Reading the queue is not approving: DX staff approve only where the municipality lets them.
        authorize(request, Action.REVIEW_REPORT, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = selectors.reporting_year_for(plan=plan, fiscal_year=fiscal_year)
    if request.method == "POST" and year is not None:
        ids = [int(raw) for raw in request.POST.getlist("report") if raw.isdigit()]
        chosen = list(
            ProjectReport.objects.filter(reporting_year=year, pk__in=ids).select_related("project__plan")
        )
        if not ids:
            messages.error(request, "一括承認する報告を選んでください。")
        elif len(chosen) != len(set(ids)):
            messages.error(request, "選んだ報告が見つかりません。画面を読み込み直してください。")
        else:
            try:
                approved = reports_bulk_approve(reports=chosen, by=request.user)
            except CycleError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{len(approved)}件の報告を評価案どおりの評価で承認しました。")
        query = QueryDict(request.POST.get("query", "")).urlencode()  # re-encoded: only a query string
        target = redirect("web:review_queue", municipality.pk, fiscal_year)
        if query:
            target["Location"] += "?" + query
        return target
    filters = selectors_queues.ReviewFilters.parse(request.GET)
    rows = selectors_queues.review_queue(year=year, filters=filters) if year is not None else []
    return page(
        request,
        "web/review_queue.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="projects",
        year=year,
        rows=rows,
        filters=filters,
        query=request.GET.urlencode(),
        pillars=list(Pillar.objects.filter(plan=plan).order_by("position")),
        departments=list(Department.objects.filter(municipality=municipality).order_by("position", "name")),
        eligible=sum(1 for row in rows if row.bulk_eligible),
    )
