"""The municipality's audit log: read-only, newest first, paged back in time (keyset on the timestamp)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from shinchoku.cycle import selectors
from shinchoku.permissions import Action
from shinchoku.web.views._common import authorize, municipality_or_404, page

PAGE_SIZE = 50
PREFIXES: dict[str, str] = {
    "": "すべて", "report.": "報告", "year.": "年度（進行管理・公表）", "import.": "取込み", "plan.": "計画",
    "cycle.": "評価基準", "tenancy.": "部署", "workbook.": "年度報告シート",
}


@login_required
def audit_log(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_AUDIT, municipality)
    prefix = request.GET.get("kind", "")
    if prefix not in PREFIXES:
        prefix = ""
    before: dt.datetime | None = None
    raw_before = request.GET.get("before", "")
    if raw_before:
        try:
            before = dt.datetime.fromisoformat(raw_before)
        except ValueError:
            before = None
    entries = selectors.audit_for_municipality(
        municipality=municipality, limit=PAGE_SIZE + 1, action_prefix=prefix, before=before
    )
    has_more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    next_query = urlencode({"kind": prefix, "before": entries[-1].at.isoformat()}) if has_more and entries else ""
    return page(
        request,
        "web/audit.html",
        municipality=municipality,
        section="audit",
        entries=entries,
        prefixes=PREFIXES.items(),
        kind=prefix,
        next_query=next_query,
        is_first_page=before is None,
        first_query=urlencode({"kind": prefix}),
    )
