"""Download pages of the 進行管理報告書: the formats of one fiscal year, and the files themselves.

A published year's file is served as stored. A draft (案) is never drawn in the request: the download asks
for it (``draft_request``, which reuses a draft of the same content) and redirects to its status page, which
polls with htmx until the worker has drawn it, then offers the file.

Login required (anonymous → login page). The municipality is looked up inside the request's tenancy scope, so
a user of another municipality gets a 404, never a 403 that would confirm the municipality exists. Who may
download is ``can(user, Action.REPORT_DOWNLOAD, municipality)`` (any role but department editor).
"""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_scopes import scope

from shinchoku.cycle.services.drafts import STALE_AFTER, draft_get, draft_request
from shinchoku.cycle.services.publication import NoSuchVersion, report_file
from shinchoku.documents.models import DraftFile, DraftStatus
from shinchoku.documents.render import CONTENT_TYPES, FORMATS, LABELS, NoReportData, year_is_draft
from shinchoku.interchange.corrections import corrections
from shinchoku.permissions import Action, can, department_reads_published
from shinchoku.plans.models import Publication, ReportingYear, YearState
from shinchoku.plans.selectors import plan_for_fiscal_year, publications_of
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page

HTML_DOCUMENT_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "script-src": [NONE],
    "form-action": [NONE],
    "sandbox": [],
}

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
    readable = ReportingYear.objects.filter(plan__municipality=municipality)
    if not can(request.user, Action.REPORT_DOWNLOAD, municipality):
        if not department_reads_published(request.user, municipality.pk):
            authorize(request, Action.REPORT_DOWNLOAD, municipality)
        readable = readable.filter(state=YearState.PUBLISHED)  # departments read published years only
    with scope(municipality=municipality):
        latest = (
            readable
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .first()
        )
    if latest is None:
        raise Http404("報告書がまだありません")
    return redirect("documents:report_downloads", municipality_id=municipality.pk, fiscal_year=latest)


def _year_or_404(request: HttpRequest, municipality_id: int, fiscal_year: int) -> tuple[Municipality, ReportingYear]:
    """The municipality (its report readers only) and its reporting year; 404 when the year has none."""
    municipality = municipality_or_404(municipality_id)
    year = _year_of(municipality, fiscal_year)
    # On the year, not the municipality: departments may read a published year's report (permissions.can).
    authorize(request, Action.REPORT_DOWNLOAD, year if year is not None else municipality)
    if year is None:
        raise Http404("この年度の報告書はありません")
    return municipality, year


def _year_of(municipality: Municipality, fiscal_year: int) -> ReportingYear | None:
    with scope(municipality=municipality):
        plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
        return ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).select_related("plan").first() if plan else None


def _download_url(municipality_id: int, fiscal_year: int, code: str, version: int | None = None) -> str:
    url = reverse(
        "documents:report_download",
        kwargs={"municipality_id": municipality_id, "fiscal_year": fiscal_year, "format": code},
    )
    return url if version is None else f"{url}?version={version}"


@login_required
@require_GET
def report_downloads(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """The year's formats and its publication versions. Reads the publication list, never builds a report."""
    municipality, year = _year_or_404(request, municipality_id, fiscal_year)
    with scope(municipality=municipality):
        publications = publications_of(year=year)
        listed = ReportingYear.objects.filter(plan__municipality=municipality)
        if not can(request.user, Action.REPORT_DOWNLOAD, municipality):
            listed = listed.filter(state=YearState.PUBLISHED)  # a department reads published years only
        years = list(
            listed
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
        )
        project_count = year.project_reports.count()
    formats = [
        {"code": code, "label": LABELS[code], "description": DESCRIPTIONS[code],
         "url": _download_url(municipality.pk, fiscal_year, code)}
        for code in FORMATS
    ]
    versions = [
        {"publication": p, "links": [(LABELS[c], _download_url(municipality.pk, fiscal_year, c, p.version)) for c in FORMATS]}
        for p in publications
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
        year=year,
        plan_name=year.plan.name,
        project_count=project_count,
        report_year_label=format_fiscal_year(fiscal_year + 1),
        formats=formats,
        versions=versions,
        versions_url=reverse("documents:report_versions", kwargs={"municipality_id": municipality.pk, "fiscal_year": fiscal_year}),
        other_years=other_years,
    )


@login_required
@require_GET
def report_versions(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """The publication versions of a year and what changed between each and the one before (正誤表)."""
    municipality, year = _year_or_404(request, municipality_id, fiscal_year)
    with scope(municipality=municipality):
        publications = list(Publication.objects.filter(reporting_year=year).order_by("version"))
    entries = []
    for previous, current in zip([None, *publications], publications, strict=False):
        entries.append(
            {
                "publication": current,
                "corrections": corrections(previous.document, current.document) if previous else None,  # type: ignore[arg-type]
                "pdf_url": _download_url(municipality.pk, fiscal_year, "pdf", current.version),
            }
        )
    entries.reverse()
    return page(
        request,
        "documents/report_versions.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="reports",
        breadcrumbs=[
            (municipality.name, reverse("web:municipality", kwargs={"municipality_id": municipality.pk})),
            (f"報告書（{format_fiscal_year(fiscal_year)}実績分）",
             reverse("documents:report_downloads", kwargs={"municipality_id": municipality.pk, "fiscal_year": fiscal_year})),
            ("版と正誤表", None),
        ],
        year=year,
        entries=entries,
    )


def _file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type.startswith("text/html"):
        # A standalone document with its own <style> and no script at all: it may style itself inline, may
        # run nothing, and is sandboxed so that even a browser that opens it in place treats it as foreign.
        response._csp_replace = HTML_DOCUMENT_POLICY  # type: ignore[attr-defined]
    return response


def _draft_url(name: str, municipality_id: int, fiscal_year: int, draft_id: int) -> str:
    return reverse(
        f"documents:{name}",
        kwargs={"municipality_id": municipality_id, "fiscal_year": fiscal_year, "draft_id": draft_id},
    )


@login_required
@require_GET
def report_download(
    request: HttpRequest, municipality_id: int, fiscal_year: int, format: str
) -> HttpResponse:
    """A published year's stored file (latest, or ``?version=N``); for a year not published, the draft (案)
    is asked for and the browser sent to its status page.

    A GET that queues work: it is idempotent in effect, because a draft of the same content is reused, so
    reloading, a second tab or a second person costs no second drawing.
    """
    municipality = municipality_or_404(municipality_id)
    year = None if can(request.user, Action.REPORT_DOWNLOAD, municipality) else _year_of(municipality, fiscal_year)
    authorize(request, Action.REPORT_DOWNLOAD, year if year is not None else municipality)
    if format not in FORMATS:
        raise Http404("この形式には対応していません")
    raw_version = request.GET.get("version", "")
    if raw_version and not raw_version.isdigit():
        raise Http404("この版はありません")
    try:
        if not raw_version and year_is_draft(municipality=municipality, fiscal_year=fiscal_year):
            draft = draft_request(municipality=municipality, fiscal_year=fiscal_year, format=format, by=request.user)
            return redirect(_draft_url("draft_status", municipality.pk, fiscal_year, draft.pk))
        drawn = report_file(
            municipality=municipality, fiscal_year=fiscal_year, format=format,
            version=int(raw_version) if raw_version else None,
        )
    except NoReportData as exc:
        raise Http404("この年度の報告書はありません") from exc
    except NoSuchVersion as exc:
        raise Http404("この版はありません") from exc
    return _file_response(drawn.data, drawn.content_type, drawn.filename)


def _draft_or_404(request: HttpRequest, municipality_id: int, fiscal_year: int, draft_id: int,
                  *, with_content: bool = False) -> tuple[Municipality, DraftFile]:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.REPORT_DOWNLOAD, municipality)
    draft = draft_get(municipality=municipality, fiscal_year=fiscal_year, draft_id=draft_id, with_content=with_content)
    if draft is None:
        raise Http404("この報告書（案）のファイルはありません（内容が更新され、削除された可能性があります）")
    return municipality, draft


@login_required
@require_GET
def draft_status(request: HttpRequest, municipality_id: int, fiscal_year: int, draft_id: int) -> HttpResponse:
    """Where the draft stands: waiting, being drawn, ready (with the file) or failed (with why). An htmx
    request gets only the status block, which polls itself again until the draft is finished."""
    municipality, draft = _draft_or_404(request, municipality_id, fiscal_year, draft_id)
    now = timezone.now()
    downloads_url = reverse(
        "documents:report_downloads", kwargs={"municipality_id": municipality.pk, "fiscal_year": fiscal_year}
    )
    label = LABELS.get(draft.format, draft.format)
    status: dict[str, Any] = {
        "draft": draft,
        "label": label,
        "status_url": _draft_url("draft_status", municipality.pk, fiscal_year, draft.pk),
        "file_url": _draft_url("draft_file", municipality.pk, fiscal_year, draft.pk),
        "retry_url": _download_url(municipality.pk, fiscal_year, draft.format),
        "downloads_url": downloads_url,
        "is_ready": draft.status == DraftStatus.READY,
        "is_failed": draft.status == DraftStatus.FAILED,
        # Long enough that a queue with work ahead is not the explanation any more: say whom to ask.
        "is_slow": not draft.is_finished and now - draft.requested_at > STALE_AFTER / 5,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "documents/_draft_status.html", status)
    return page(
        request,
        "documents/draft_status.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="reports",
        breadcrumbs=[
            (municipality.name, reverse("web:municipality", kwargs={"municipality_id": municipality.pk})),
            (f"報告書（{format_fiscal_year(fiscal_year)}実績分）", downloads_url),
            (f"{label}（案）の作成", None),
        ],
        **status,
    )


@login_required
@require_GET
def draft_file(request: HttpRequest, municipality_id: int, fiscal_year: int, draft_id: int) -> HttpResponse:
    """The drawn draft; before it is ready (or after it failed), its status page."""
    municipality, draft = _draft_or_404(request, municipality_id, fiscal_year, draft_id, with_content=True)
    if draft.status != DraftStatus.READY or draft.content is None:
        return redirect(_draft_url("draft_status", municipality.pk, fiscal_year, draft.pk))
    return _file_response(bytes(draft.content), CONTENT_TYPES[draft.format], draft.filename)
