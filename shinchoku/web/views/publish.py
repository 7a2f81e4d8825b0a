"""公表: the DX staff's publish page — the checklist, the 案 preview, and the confirmation that publishes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.selectors_publish import (
    NARRATIVE_EDITED,
    NON_B_SUMMARIES,
    PUBLICATION_MONTH,
    REPORTS_APPROVED,
    TITLE,
    UNDER_CONSIDERATION_EDITED,
    PublishChecklist,
    publish_checklist,
)
from shinchoku.cycle.services import reporting_year_publish
from shinchoku.permissions import Action
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page, plan_or_404
from shinchoku.web.views.cycle_helpers import started_year_or_message

CONFIRM_FIELD = "confirmed"


def _fix_links(municipality: Municipality, fiscal_year: int) -> dict[str, tuple[str, str]]:
    """Where each checklist item is fixed: (link text, URL)."""
    edit = reverse("progress_report:edit", args=[municipality.pk, fiscal_year])
    cycle = reverse("web:cycle", args=[municipality.pk, fiscal_year])
    return {
        REPORTS_APPROVED: ("進行管理の状況を見る", cycle),
        NON_B_SUMMARIES: ("進行管理の状況を見る", cycle),
        TITLE: ("表題を編集する", edit),
        PUBLICATION_MONTH: ("公表年月を編集する", edit),
        NARRATIVE_EDITED: ("本文を編集する", edit),
        UNDER_CONSIDERATION_EDITED: ("検討中の施策を編集する", edit),
    }


def _render(
    request: HttpRequest, municipality: Municipality, year: ReportingYear, checklist: PublishChecklist,
    *, status: int = 200, **extra: Any,
) -> HttpResponse:
    fiscal_year = year.fiscal_year
    links = _fix_links(municipality, fiscal_year)
    rows = [
        {"item": item, "fix": links[item.key],
         "details": [(d, reverse("web:project_detail", args=[municipality.pk, fiscal_year, d.project_id])
                      if d.project_id else None) for d in item.details]}
        for item in checklist.items
    ]
    return page(
        request,
        "web/publish.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="cycle",
        status=status,
        breadcrumbs=[("進行管理", reverse("web:cycle", args=[municipality.pk, fiscal_year])), ("公表", None)],
        year=year,
        checklist=checklist,
        rows=rows,
        preview_html=reverse("documents:report_download", args=[municipality.pk, fiscal_year, "html"]),
        preview_pdf=reverse("documents:report_download", args=[municipality.pk, fiscal_year, "pdf"]),
        **extra,
    )


@login_required
def publish_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """GET: the checklist and the confirmation; POST: publish (with 「内容を確認しました」 checked)."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.PUBLISH_CYCLE, municipality)
    plan = plan_or_404(municipality, fiscal_year)
    year = started_year_or_message(request, plan, fiscal_year)
    if year is None:
        return redirect("web:cycle", municipality.pk, fiscal_year)
    if year.is_published and request.method != "POST":
        messages.info(request, f"{format_fiscal_year(fiscal_year)}は公表済みです。変更するには年度を再開してください。")
        return redirect("web:cycle", municipality.pk, fiscal_year)
    checklist = publish_checklist(year=year)
    if request.method != "POST":
        return _render(request, municipality, year, checklist)
    if checklist.blockers:
        error = "未完了の項目があるため公表できません。" + " ".join(i.todo for i in checklist.blockers)
        if any(i.key == REPORTS_APPROVED for i in checklist.blockers):
            error = "すべての報告が承認されるまで公表できません。" + error
        return _render(request, municipality, year, checklist, status=400, publish_error=error)
    if request.POST.get(CONFIRM_FIELD) != "on":
        return _render(request, municipality, year, checklist, status=400,
                       publish_error="公表するには「内容を確認しました」にチェックしてください。")
    try:
        publication = reporting_year_publish(year=year, by=request.user, warnings_confirmed=True)
    except CycleError as exc:
        return _render(request, municipality, year, publish_checklist(year=year), status=400, publish_error=exc.message)
    messages.success(
        request,
        f"{format_fiscal_year(fiscal_year)}の報告書を公表しました（第{publication.version}版）。この年度の内容は確定されました。",
    )
    return redirect("web:cycle", municipality.pk, fiscal_year)
