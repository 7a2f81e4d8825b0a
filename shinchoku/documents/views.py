"""Download pages of the 進行管理報告書: the formats of one fiscal year, and the files themselves.

Login required (anonymous → login page). The municipality is looked up inside the request's tenancy scope, so
a user of another municipality gets a 404, never a 403 that would confirm the municipality exists. Who may
download is ``can(user, Action.REPORT_DOWNLOAD, municipality)`` (any role but department editor).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_scopes import scope

from shinchoku.documents.render import FORMATS, LABELS, NoReportData, render_report, report_document
from shinchoku.permissions import Action
from shinchoku.plans.models import ProgressReport
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page

DESCRIPTIONS = {
    "pdf": "印刷・公表用（A4、目次・ページ番号・しおり付き）",
    "docx": "編集用（見出しスタイル・目次フィールド付き）",
    "xlsx": "集計用（進捗状況・個別事業計画・目標指標の一覧とグラフ）",
    "html": "ウェブ掲載用（1ページのHTML、アクセシビリティ対応）",
}


def _content_disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = "report." + filename.rsplit(".", 1)[-1]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@login_required
@require_GET
def report_index(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """The latest fiscal year with a progress report (the page lists the other years)."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.REPORT_DOWNLOAD, municipality)
    with scope(municipality=municipality):
        latest = (
            ProgressReport.objects.filter(plan__municipality=municipality)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .first()
        )
    if latest is None:
        raise Http404("報告書がまだありません")
    return redirect("documents:report_downloads", municipality_id=municipality.pk, fiscal_year=latest)


@login_required
@require_GET
def report_downloads(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.REPORT_DOWNLOAD, municipality)
    try:
        document = report_document(municipality=municipality, fiscal_year=fiscal_year)
    except NoReportData as exc:
        raise Http404("この年度の報告書はありません") from exc
    with scope(municipality=municipality):
        years = list(
            ProgressReport.objects.filter(plan__municipality=municipality)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
        )
    formats = [
        {
            "code": code,
            "label": LABELS[code],
            "description": DESCRIPTIONS[code],
            "url": reverse(
                "documents:report_download",
                kwargs={"municipality_id": municipality.pk, "fiscal_year": fiscal_year, "format": code},
            ),
        }
        for code in FORMATS
    ]
    other_years = [
        {
            "label": format_fiscal_year(fy),
            "url": reverse(
                "documents:report_downloads", kwargs={"municipality_id": municipality.pk, "fiscal_year": fy}
            ),
        }
        for fy in years
        if fy != fiscal_year
    ]
    return page(
        request,
        "documents/report_downloads.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="reports",
        breadcrumbs=[
            (municipality.name, reverse("web:municipality", kwargs={"municipality_id": municipality.pk})),
            (f"報告書（{format_fiscal_year(fiscal_year)}実績分）", None),
        ],
        plan_name=document["plan"]["name"],
        project_count=len(document["projects"]),
        report_year_label=format_fiscal_year(fiscal_year + 1),
        formats=formats,
        other_years=other_years,
    )


@login_required
@require_GET
def report_download(
    request: HttpRequest, municipality_id: int, fiscal_year: int, format: str
) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.REPORT_DOWNLOAD, municipality)
    if format not in FORMATS:
        raise Http404("この形式には対応していません")
    try:
        data, content_type, filename = render_report(
            municipality=municipality, fiscal_year=fiscal_year, format=format
        )
    except NoReportData as exc:
        raise Http404("この年度の報告書はありません") from exc
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
