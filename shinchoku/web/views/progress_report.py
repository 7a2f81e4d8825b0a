"""報告書の編集: the DX staff's page for compiling a fiscal year's 進行管理報告書.

What is edited here is printed in the generated report (PDF/Word/HTML): the publication month, section 1
(進行管理, headings and paragraphs) and the 個別事業計画を検討中の施策 of section 2, grouped by pillar.
The page works without JavaScript: adding or removing a section posts the form and shows it again unsaved.
Every write goes through shinchoku.cycle.services (which checks the role and the locked year again).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle import selectors
from shinchoku.cycle.concurrency import edit_token, under_consideration_state, year_document_state
from shinchoku.cycle.services import (
    CycleError,
    InvalidInput,
    NarrativeSection,
    progress_report_update,
    under_consideration_create,
    under_consideration_delete,
    under_consideration_move,
    under_consideration_update,
)
from shinchoku.permissions import Action
from shinchoku.plans.models import Pillar, Plan, Policy, PolicyUnderConsideration, ReportingYear
from shinchoku.plans.selectors import under_consideration_list
from shinchoku.tenancy.models import Municipality
from shinchoku.web.views._common import (
    authorize,
    municipality_or_404,
    page,
    plan_or_404,
    seen_to_keep,
    seen_token,
)

MAX_SECTIONS = 20
MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


def parse_month(raw: str) -> dt.date | None:
    """``2024-08`` (what input type="month" sends), also ``2024/8`` and ``2024年8月``; None if not a month."""
    match = MONTH.match(raw or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return dt.date(year, month, 1)


# -- form data (what the page shows and posts) -------------------------------------------------------------------


@dataclass
class SectionData:
    number: int
    heading: str
    paragraphs: str  # one paragraph per line

    @property
    def heading_key(self) -> str:
        """The field name (and id) of the heading, as the service names it in its errors."""
        return f"narrative-{self.number}-heading"


@dataclass
class DocumentFormData:
    title: str = ""
    published_on: str = ""  # "YYYY-MM"
    sections: list[SectionData] = field(default_factory=list)

    @classmethod
    def from_report(cls, report: ReportingYear) -> DocumentFormData:
        return cls(
            title=report.title,
            published_on=f"{report.published_on:%Y-%m}" if report.published_on else "",
            sections=[
                SectionData(n, s.get("heading", ""), "\n".join(s.get("paragraphs", [])))
                for n, s in enumerate(report.narrative, start=1)
            ],
        )

    @classmethod
    def from_post(cls, post: QueryDict) -> DocumentFormData:
        try:
            count = max(0, min(int(post.get("sections", "0")), MAX_SECTIONS))
        except ValueError:
            count = 0
        return cls(
            title=post.get("title", ""),
            published_on=post.get("published_on", "").strip(),
            sections=[
                SectionData(n, post.get(f"narrative-{n}-heading", ""), post.get(f"narrative-{n}-paragraphs", ""))
                for n in range(1, count + 1)
            ],
        )

    def renumbered(self) -> DocumentFormData:
        for n, section in enumerate(self.sections, start=1):
            section.number = n
        return self

    def narrative(self) -> list[NarrativeSection]:
        return [{"heading": s.heading, "paragraphs": s.paragraphs.splitlines()} for s in self.sections]


@dataclass
class ItemFormData:
    classification: str = ""  # "<pillar id>" or "<pillar id>:<policy id>"
    title: str = ""
    text: str = ""  # one item per line

    @classmethod
    def from_item(cls, item: PolicyUnderConsideration) -> ItemFormData:
        return cls(classification_value(item.pillar_id, item.policy_id), item.title, "\n".join(item.text))

    @classmethod
    def from_post(cls, post: QueryDict) -> ItemFormData:
        return cls(post.get("classification", ""), post.get("title", ""), post.get("text", ""))

    def pillar_and_policy(self, pillars: list[Pillar]) -> tuple[Pillar, Policy | None]:
        pillar_id, _, policy_id = self.classification.partition(":")
        pillar = next((p for p in pillars if str(p.pk) == pillar_id), None)
        if pillar is None:
            raise InvalidInput("柱・施策を選んでください。", field="classification")
        if not policy_id:
            return pillar, None
        policy = next((p for p in pillar.policies.all() if str(p.pk) == policy_id), None)
        if policy is None:
            raise InvalidInput("柱・施策を選んでください。", field="classification")
        return pillar, policy


def classification_value(pillar_id: int, policy_id: int | None) -> str:
    return f"{pillar_id}:{policy_id}" if policy_id else str(pillar_id)


def _field(exc: InvalidInput) -> str:
    """The form field an item error belongs next to (pillar and policy are one select on the page)."""
    if exc.field in ("pillar", "policy", "classification"):
        return "classification"
    return "title" if exc.field == "title" else "general"


# -- shared lookups ----------------------------------------------------------------------------------------------


def _context(municipality: Municipality, fiscal_year: int, plan: Plan) -> dict[str, Any]:
    year = selectors.reporting_year_for(plan=plan, fiscal_year=fiscal_year)
    pillars = list(plan.pillars.prefetch_related("policies"))
    items = under_consideration_list(plan=plan, fiscal_year=fiscal_year)
    groups = []
    for pillar in pillars:
        mine = [i for i in items if i.pillar_id == pillar.pk]
        groups.append({"pillar": pillar, "items": mine})
    return {
        "plan": plan,
        "year": year,
        "locked": bool(year and year.is_locked),
        "pillars": pillars,
        "classifications": [
            (p, [(str(p.pk), f"{p.name}（施策を指定しない）")]
             + [(classification_value(p.pk, q.pk), f"{p.name}：{q.name}") for q in p.policies.all()])
            for p in pillars
        ],
        "groups": groups,
        "breadcrumbs": [
            ("進行管理", reverse("web:cycle", args=[municipality.pk, fiscal_year])),
            ("報告書の編集", None),
        ],
    }


def _render(
    request: HttpRequest,
    municipality: Municipality,
    fiscal_year: int,
    plan: Plan,
    *,
    status: int = 200,
    document: DocumentFormData | None = None,
    errors: dict[str, str] | None = None,
    new_item: ItemFormData | None = None,
    item_errors: dict[str, str] | None = None,
    unsaved: bool = False,
    seen: str | None = None,
) -> HttpResponse:
    report = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
    if document is None and report is not None:
        document = DocumentFormData.from_report(report)
    return page(
        request,
        "web/progress_report/edit.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="cycle",
        status=status,
        progress_report=report,
        document=document,
        errors=errors or {},
        new_item=new_item or ItemFormData(),
        item_errors=item_errors or {},
        unsaved=unsaved,
        seen=seen or (edit_token(year_document_state(report)) if report else ""),
        max_sections=MAX_SECTIONS,
        **_context(municipality, fiscal_year, plan),
    )


def _load(request: HttpRequest, municipality_id: int, fiscal_year: int) -> tuple[Municipality, Plan]:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.EDIT_REPORT_DOCUMENT, municipality)
    return municipality, plan_or_404(municipality, fiscal_year)


def _item_or_404(plan: Plan, fiscal_year: int, item_id: int) -> PolicyUnderConsideration:
    item = (
        PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year, pk=item_id)
        .select_related("plan", "pillar", "policy")
        .first()
    )
    if item is None:
        raise Http404("個別事業計画を検討中の施策が見つかりません")
    return item


def _back(municipality: Municipality, fiscal_year: int, anchor: str = "") -> str:
    return reverse("progress_report:edit", args=[municipality.pk, fiscal_year]) + (f"#{anchor}" if anchor else "")


# -- views -------------------------------------------------------------------------------------------------------


@login_required
def progress_report_edit(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    """GET: the page. POST: the document form — save, or add/remove a section (shown again, not saved)."""
    municipality, plan = _load(request, municipality_id, fiscal_year)
    if request.method != "POST":
        return _render(request, municipality, fiscal_year, plan)
    report = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).select_related("plan").first()
    if report is None:
        raise Http404("この年度の報告書はまだありません")
    data = DocumentFormData.from_post(request.POST)
    op = request.POST.get("op", "save")
    if op == "add_section":
        if len(data.sections) < MAX_SECTIONS:
            data.sections.append(SectionData(len(data.sections) + 1, "", ""))
        return _render(request, municipality, fiscal_year, plan, document=data, unsaved=True, seen=seen_to_keep(request))
    if op.startswith("remove:"):
        index = op.removeprefix("remove:")
        data.sections = [s for s in data.sections if str(s.number) != index]
        return _render(
            request, municipality, fiscal_year, plan, document=data.renumbered(), unsaved=True,
            seen=seen_to_keep(request),
        )
    published_on = parse_month(data.published_on) if data.published_on else None
    if data.published_on and published_on is None:
        errors = {"published_on": "公表年月を正しく入力してください（例：2024-08）。"}
        return _render(
            request, municipality, fiscal_year, plan, status=400, document=data, errors=errors,
            seen=seen_to_keep(request),
        )
    try:
        progress_report_update(
            progress_report=report, by=request.user, title=data.title, published_on=published_on,
            narrative=data.narrative(), seen=seen_token(request),
        )
    except InvalidInput as exc:
        errors = {exc.field or "general": exc.message}
        return _render(
            request, municipality, fiscal_year, plan, status=400, document=data, errors=errors,
            seen=seen_to_keep(request, exc),
        )
    except CycleError as exc:
        return _render(
            request, municipality, fiscal_year, plan, status=400, document=data, errors={"general": exc.message},
            seen=seen_to_keep(request, exc),
        )
    messages.success(request, "報告書の内容を保存しました。")
    return redirect(_back(municipality, fiscal_year))


@login_required
@require_POST
def under_consideration_new(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality, plan = _load(request, municipality_id, fiscal_year)
    data = ItemFormData.from_post(request.POST)
    try:
        pillar, policy = data.pillar_and_policy(list(plan.pillars.prefetch_related("policies")))
        item = under_consideration_create(
            plan=plan, fiscal_year=fiscal_year, pillar=pillar, policy=policy, title=data.title, text=data.text,
            by=request.user,
        )
    except InvalidInput as exc:
        return _render(
            request, municipality, fiscal_year, plan, status=400, new_item=data, item_errors={_field(exc): exc.message}
        )
    except CycleError as exc:
        return _render(request, municipality, fiscal_year, plan, status=400, new_item=data, item_errors={"general": exc.message})
    messages.success(request, f"「{item.title}」を追加しました。")
    return redirect(_back(municipality, fiscal_year, f"uc-{item.pk}"))


@login_required
def under_consideration_edit(request: HttpRequest, municipality_id: int, fiscal_year: int, item_id: int) -> HttpResponse:
    municipality, plan = _load(request, municipality_id, fiscal_year)
    item = _item_or_404(plan, fiscal_year, item_id)
    context = _context(municipality, fiscal_year, plan)
    context["breadcrumbs"] = [*context["breadcrumbs"][:1], ("報告書の編集", _back(municipality, fiscal_year)), (item.title, None)]
    data, errors, status = ItemFormData.from_item(item), {}, 200
    seen: str | None = None
    if request.method == "POST":
        data = ItemFormData.from_post(request.POST)
        try:
            pillar, policy = data.pillar_and_policy(context["pillars"])
            under_consideration_update(
                item=item, pillar=pillar, policy=policy, title=data.title, text=data.text, by=request.user,
                seen=seen_token(request),
            )
        except InvalidInput as exc:
            errors, status, seen = {_field(exc): exc.message}, 400, seen_to_keep(request, exc)
        except CycleError as exc:
            errors, status, seen = {"general": exc.message}, 400, seen_to_keep(request, exc)
        else:
            messages.success(request, f"「{item.title}」を保存しました。")
            return redirect(_back(municipality, fiscal_year, f"uc-{item.pk}"))
    return page(
        request, "web/progress_report/item_form.html", municipality=municipality, fiscal_year=fiscal_year,
        section="cycle", status=status, item=item, data=data, errors=errors,
        seen=seen or edit_token(under_consideration_state(_item_or_404(plan, fiscal_year, item_id))), **context,
    )


@login_required
@require_POST
def under_consideration_delete_view(
    request: HttpRequest, municipality_id: int, fiscal_year: int, item_id: int
) -> HttpResponse:
    municipality, plan = _load(request, municipality_id, fiscal_year)
    item = _item_or_404(plan, fiscal_year, item_id)
    try:
        under_consideration_delete(item=item, by=request.user)
    except CycleError as exc:
        messages.error(request, exc.message)
        return redirect(_back(municipality, fiscal_year, f"uc-{item.pk}"))
    messages.success(request, f"「{item.title}」を削除しました。")
    return redirect(_back(municipality, fiscal_year, "h-under-consideration"))


@login_required
@require_POST
def under_consideration_move_view(
    request: HttpRequest, municipality_id: int, fiscal_year: int, item_id: int
) -> HttpResponse:
    municipality, plan = _load(request, municipality_id, fiscal_year)
    item = _item_or_404(plan, fiscal_year, item_id)
    direction = request.POST.get("direction", "")
    try:
        under_consideration_move(item=item, direction=direction, by=request.user)  # type: ignore[arg-type]
    except CycleError as exc:
        messages.error(request, exc.message)
    return redirect(_back(municipality, fiscal_year, f"uc-{item.pk}"))
