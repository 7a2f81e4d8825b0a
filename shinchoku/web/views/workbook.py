"""The department workbook (年度報告シート) in the web: download per department, upload with a preview of the
changes and a confirm step. The service decides everything (which reports the user may edit, conflicts,
states); the views move bytes and show its Japanese messages.

The confirm step posts the uploaded file back (base64 in a hidden field) and imports it again from scratch,
so what is saved is validated exactly like what was previewed; nothing is kept on the server in between.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from shinchoku.permissions import Action, can
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page
from shinchoku.workbooks.hq_meeting import hq_meeting_export
from shinchoku.workbooks.services import WorkbookInvalid, workbook_export, workbook_import

UPLOAD_MAX = 5 * 1024 * 1024  # a department's workbook is tens of kilobytes
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def workbook_download(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_MUNICIPALITY, municipality)
    department = None
    raw = request.GET.get("department", "")
    if raw.isdigit():
        department = Department.objects.filter(municipality=municipality, pk=int(raw)).first()
    try:
        content = workbook_export(
            municipality=municipality, fiscal_year=fiscal_year, by=request.user,
            department=department.name if department else None,
        )
    except LookupError:
        messages.error(request, "書き出せる（編集できる）報告がありません。")
        return redirect("web:workbook_upload", municipality.pk, fiscal_year)
    name = f"年度報告シート_{fiscal_year}_{department.name if department else municipality.name}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


def _render(request: HttpRequest, municipality: Municipality, fiscal_year: int, *, status: int = 200,
            **extra: Any) -> HttpResponse:
    return page(
        request, "web/workbook_upload.html", municipality=municipality, fiscal_year=fiscal_year, section="cycle",
        status=status, breadcrumbs=[(f"{format_fiscal_year(fiscal_year)} 年度報告シートの取込み", None)], **extra,
    )


def uploaded_workbook(request: HttpRequest) -> tuple[bytes, str] | str:
    """The file's bytes and name, from the upload or the confirm step; or a Japanese error."""
    if "content" in request.POST:
        try:
            return base64.b64decode(request.POST["content"], validate=True), request.POST.get("file_name", "")[:200]
        except (binascii.Error, ValueError):
            return "ファイルをもう一度選んでください。"
    upload = request.FILES.get("workbook")
    if upload is None:
        return "取り込むファイル（.xlsx）を選んでください。"
    if upload.size is None or upload.size > UPLOAD_MAX:
        return "ファイルが大きすぎます（5MBまで）。"
    return upload.read(), (upload.name or "")[:200]


@login_required
def workbook_upload(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_MUNICIPALITY, municipality)
    if request.method != "POST":
        return _render(request, municipality, fiscal_year)
    uploaded = uploaded_workbook(request)
    if isinstance(uploaded, str):
        return _render(request, municipality, fiscal_year, status=400, errors=[uploaded])
    content, file_name = uploaded
    confirm = request.POST.get("confirm") == "1"
    submit = request.POST.get("also_submit") == "1"  # 提出も行う: carried from the upload to the confirm step
    try:
        result = workbook_import(
            content=content, by=request.user, file_name=file_name, dry_run=not confirm, submit=submit,
            municipality=municipality, fiscal_year=fiscal_year,
        )
    except WorkbookInvalid as exc:
        return _render(request, municipality, fiscal_year, status=400, errors=[ja for _, ja in exc.errors],
                       submit=submit)
    if not result.changed:
        messages.info(request, "変更はありません（書き出したときのままです）。")
        return redirect("web:workbook_upload", municipality.pk, fiscal_year)
    if confirm:
        submitted = f"、{len(result.reports_submitted)}件の報告を提出しました" if submit else ""
        messages.success(request, f"年度報告シートを取り込みました（{len(result.reports_changed)}件の報告{submitted}）。")
        back = "web:cycle" if can(request.user, Action.VIEW_CYCLE, municipality) else "web:project_list"
        return redirect(back, municipality.pk, fiscal_year)
    return _render(
        request, municipality, fiscal_year, changes=result.changes, file_name=file_name,
        content=base64.b64encode(content).decode("ascii"), reports=len(result.reports_changed), submit=submit,
        submitted=len(result.reports_submitted),
    )


@login_required
def hq_workbook_download(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """The 本部会議資料 (internal fields of every report of the year) for DX staff and HQ."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.HQ_WORKBOOK_DOWNLOAD, municipality)
    try:
        content = hq_meeting_export(municipality=municipality, fiscal_year=fiscal_year)
    except LookupError:
        messages.error(request, f"{format_fiscal_year(fiscal_year)}の報告はありません。")
        return redirect("web:cycle", municipality.pk, fiscal_year)
    response = HttpResponse(content, content_type=XLSX)
    name = f"本部会議資料_{fiscal_year}_{municipality.name}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
