"""The plan workbook (計画シート) in the web, for DX staff: download the plan or a blank template, upload an
edited or filled-in one, see every change (before → after per cell) and confirm.

As with the department workbook, the confirm step posts the file back and it is imported again from scratch,
so what is saved is validated exactly like what was previewed; nothing is kept on the server in between.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from shinchoku.permissions import Action
from shinchoku.tenancy.models import Municipality
from shinchoku.web.views._common import authorize, municipality_or_404, page
from shinchoku.web.views.workbook import XLSX, uploaded_workbook
from shinchoku.workbooks.plan import plan_workbook_export, plan_workbook_template
from shinchoku.workbooks.plan_services import WorkbookInvalid, plan_workbook_import

PREVIEW_ROWS = 500  # a whole new plan is thousands of cells: the page lists the first, the count says all


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@login_required
def plan_workbook_download(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """The 計画シート of the municipality's latest plan (DX staff, who edit the plan)."""
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    try:
        content = plan_workbook_export(municipality=municipality)
    except LookupError:
        messages.error(request, "計画がありません。ひな形に入力して取り込んでください。")
        return redirect("web:plan_workbook_upload", municipality.pk)
    return _xlsx(content, f"計画シート_{municipality.name}.xlsx")


@login_required
def plan_workbook_template_download(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    return _xlsx(plan_workbook_template(), "計画シート_ひな形.xlsx")


def _render(request: HttpRequest, municipality: Municipality, *, status: int = 200, **extra: Any) -> HttpResponse:
    return page(request, "web/plan_workbook_upload.html", municipality=municipality, section="plan", status=status,
                breadcrumbs=[("計画シートの取込み", None)], **extra)


@login_required
def plan_workbook_upload(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_PLAN, municipality)
    if request.method != "POST":
        return _render(request, municipality)
    uploaded = uploaded_workbook(request)
    if isinstance(uploaded, str):
        return _render(request, municipality, status=400, errors=[uploaded])
    content, file_name = uploaded
    confirm = request.POST.get("confirm") == "1"
    try:
        result = plan_workbook_import(
            content=content, by=request.user, file_name=file_name, dry_run=not confirm, municipality=municipality,
        )
    except WorkbookInvalid as exc:
        return _render(request, municipality, status=400, errors=[ja for _, ja in exc.errors])
    if not result.changed:
        messages.info(request, "変更はありません（計画は計画シートのとおりです）。")
        return redirect("web:plan_workbook_upload", municipality.pk)
    if confirm:
        messages.success(request, f"計画シートを取り込みました（{len(result.changes)}項目）。")
        return redirect("web:municipality", municipality.pk)
    return _render(
        request, municipality, preview=True, changes=result.changes[:PREVIEW_ROWS], change_count=len(result.changes),
        kept=result.kept, file_name=file_name, content=base64.b64encode(content).decode("ascii"), plan=result.plan,
    )
