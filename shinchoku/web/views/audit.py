"""The municipality's audit log: read-only, newest first, filtered by period, user, project and action, paged
back in time (keyset on the timestamp), and exported as CSV with the same filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle import audit_actions, audit_export, selectors
from shinchoku.permissions import Action
from shinchoku.tenancy.models import Municipality
from shinchoku.web.views._common import authorize, municipality_or_404, page

PAGE_SIZE = 50
FILTER_KEYS = ("since", "until", "user", "project", "action")


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse_filters(query: QueryDict) -> tuple[selectors.AuditFilter, dict[str, str], list[str]]:
    """(the filter, the raw values to show back in the form, Japanese error messages for what was ignored)."""
    raw = {key: query.get(key, "").strip() for key in FILTER_KEYS}
    if not raw["action"] and query.get("kind", ""):  # the older one-select form
        raw["action"] = query.get("kind", "")
    errors: list[str] = []
    since = until = None
    for key, label in (("since", "開始"), ("until", "終了")):
        if raw[key]:
            try:
                first, last = wareki.parse_date_bound(raw[key])
            except ValueError:
                errors.append(f"期間の{label}「{raw[key]}」は日付として読めません（例：令和7年3月、R7.3、2025-03-10）。")
                continue
            if key == "since":
                since = first
            else:
                until = last
    action = raw["action"]
    if action and not (action in audit_actions.REGISTRY or action in audit_actions.FAMILIES):
        errors.append("操作の種類が正しくありません。")
        action = ""
    filters = selectors.AuditFilter(
        since=since, until=until, actor_id=_int_or_none(raw["user"]), project_id=_int_or_none(raw["project"]),
        action=action,
    )
    return filters, raw, errors


def _filter_query(raw: dict[str, str], **extra: str) -> str:
    return urlencode({**{k: v for k, v in raw.items() if v}, **extra})


@login_required
def audit_log(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_AUDIT, municipality)
    filters, raw, errors = parse_filters(request.GET)
    before: dt.datetime | None = None
    raw_before = request.GET.get("before", "")
    if raw_before:
        try:
            before = dt.datetime.fromisoformat(raw_before)
        except ValueError:
            before = None
    before_id = _int_or_none(request.GET.get("before_id", "")) if before is not None else None
    entries = selectors.audit_for_municipality(
        municipality=municipality, limit=PAGE_SIZE + 1, before=before, before_id=before_id, filters=filters
    )
    has_more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    users, projects = selectors.audit_filter_choices(municipality=municipality)
    next_query = (
        _filter_query(raw, before=entries[-1].at.isoformat(), before_id=str(entries[-1].pk)) if has_more and entries else ""
    )
    return page(
        request,
        "web/audit.html",
        municipality=municipality,
        section="audit",
        entries=entries,
        families=audit_actions.families().items(),
        actions=sorted(audit_actions.labels().items(), key=lambda item: item[0]),
        users=users,
        projects=projects,
        raw=raw,
        errors=errors,
        next_query=next_query,
        is_first_page=before is None,
        first_query=_filter_query(raw),
        export_query=_filter_query(raw),
    )


@login_required
def audit_export_csv(request: HttpRequest, municipality_id: int) -> StreamingHttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_AUDIT, municipality)
    filters, _, _ = parse_filters(request.GET)

    def lines(target: Municipality) -> Iterator[str]:
        # A streaming body runs after the view returns, outside the request's scope: open it again.
        with scope(municipality=target):
            yield from audit_export.csv_lines(municipality=target, filters=filters)

    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines(municipality)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{municipality.pk}-{stamp}.csv"'
    return response
