"""The report document's own parts, edited by DX staff while compiling the year's 進行管理報告書:

- the ReportingYear of the year (表題, 公表年月, section 1 "進行管理" as headings and paragraphs);
- 個別事業計画を検討中の施策 (policies under consideration) of the year, shown in section 2 per pillar.

Everything here is what the generated PDF/Word/HTML prints (shinchoku.documents). Refused for a published
(locked) year, and for anyone but DX staff (Action.EDIT_REPORT_DOCUMENT). Audited as ``report.document.*``
and ``plan.under_consideration.*``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypedDict

from django.db import transaction
from django.db.models import Max
from django_scopes import scope

from shinchoku import inputs, wareki
from shinchoku.cycle.concurrency import check_unchanged, under_consideration_state, year_document_state
from shinchoku.cycle.errors import InvalidInput, NotPermitted, YearLocked, input_refusals
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.plan import _year_locked
from shinchoku.permissions import Action, can
from shinchoku.plans.models import Pillar, Plan, Policy, PolicyUnderConsideration, ReportingYear


class NarrativeSection(TypedDict):
    """One numbered part of section 1: "(1) 柏崎市DX推進計画" and its paragraphs (without the "(1)")."""

    heading: str
    paragraphs: list[str]


@contextmanager
def _editing(plan: Plan, fiscal_year: int, by: Any) -> Iterator[None]:
    """Scope + transaction + permission + the locked-year check, shared by every function here."""
    with scope(municipality=plan.municipality_id), transaction.atomic(), input_refusals():
        if by is not None and not can(by, Action.EDIT_REPORT_DOCUMENT, plan):
            raise NotPermitted("報告書を編集する権限がありません。")
        if (locked := _year_locked(plan.pk, fiscal_year)) is not None:
            raise YearLocked(
                f"{wareki.format_fiscal_year(fiscal_year)}は{locked.get_state_display()}のため、報告書を変更できません。"
                + ("変更するには、年度を再開してください。" if locked.is_published else "変更するには、進行管理を開始してください。")
            )
        yield


def _month(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _items(values: Sequence[str] | str | None, *, field: str, label: str) -> list[str]:
    """Text items as stored: each through the input boundary's ``field``, empty ones dropped (a string counts
    as one item per line)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.splitlines()
    return inputs.clean_items(values, field=field, label=label)


def clean_narrative(narrative: Sequence[NarrativeSection | dict[str, Any]]) -> list[NarrativeSection]:
    """Trim headings and paragraphs, drop empty paragraphs and wholly empty sections; a section with text
    but no heading is refused (``field`` = ``narrative-<n>-heading``, n counting from 1 as on the page)."""
    cleaned: list[NarrativeSection] = []
    for number, section in enumerate(narrative, start=1):
        try:
            heading = inputs.clean_text(section.get("heading"), field="narrative.heading")
            paragraphs = _items(section.get("paragraphs"), field="narrative.paragraph", label=f"本文（{number}）")
        except inputs.InputRejected as exc:
            field = f"narrative-{number}-{'heading' if exc.field == 'narrative.heading' else 'paragraphs'}"
            raise InvalidInput(f"（{number}）{exc.message}", field=field, english=str(exc.at(f"narrative[{number - 1}]"))) from exc
        if not heading and not paragraphs:
            continue  # an added but unused section
        if not heading:
            raise InvalidInput(f"見出し（{number}）を入力してください。", field=f"narrative-{number}-heading")
        cleaned.append({"heading": heading, "paragraphs": paragraphs})
    inputs.check_count(
        cleaned, field="narrative", label="本文の節", english="narrative sections", maximum=inputs.NARRATIVE_SECTIONS_MAX
    )
    return cleaned


def progress_report_update(
    *,
    progress_report: ReportingYear,
    by: Any,
    title: str,
    published_on: dt.date | None,
    narrative: Sequence[NarrativeSection],
    seen: str | None = None,
) -> ReportingYear:
    """Replace the title, publication month (day set to 1; None = not yet decided) and section 1.

    Audited once as ``report.document.updated`` with only the parts that changed; nothing changed, nothing
    written.
    """
    plan = progress_report.plan
    with _editing(plan, progress_report.fiscal_year, by):
        report = ReportingYear.objects.select_for_update().get(pk=progress_report.pk)
        check_unchanged(seen=seen, state=year_document_state(report), what="報告書の表題・公表年月・本文")
        title = inputs.clean_text(title, field="year.title")
        if not title:
            raise InvalidInput("表題を入力してください。", field="title")
        if published_on is not None:
            published_on = published_on.replace(day=1)
            if published_on < dt.date(report.fiscal_year, 4, 1):
                raise InvalidInput(
                    f"公表年月は評価対象年度（{wareki.format_fiscal_year(report.fiscal_year)}）の開始より後にしてください。",
                    field="published_on",
                )
        sections = clean_narrative(narrative)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if report.title != title:
            before["title"], after["title"] = report.title, title
        if report.published_on != published_on:
            before["published_on"], after["published_on"] = _month(report.published_on), _month(published_on)
        if list(report.narrative) != sections:
            before["narrative"], after["narrative"] = report.narrative, sections
        if after:
            report.title, report.published_on, report.narrative = title, published_on, sections
            report.save(update_fields=["title", "published_on", "narrative"])
            audit_record(
                municipality=plan.municipality_id, by=by, action="report.document.updated", obj=report,
                before=before, after=after,
            )
        progress_report.title, progress_report.published_on, progress_report.narrative = (
            report.title, report.published_on, report.narrative,
        )
        return progress_report


# -- 個別事業計画を検討中の施策 ------------------------------------------------------------------------------------


def _check_classification(plan: Plan, pillar: Pillar, policy: Policy | None) -> None:
    if pillar.plan_id != plan.pk:
        raise InvalidInput("この計画の柱を選んでください。", field="pillar")
    if policy is not None and policy.pillar_id != pillar.pk:
        raise InvalidInput(f"施策「{policy.name}」は「{pillar.name}」の施策ではありません。", field="policy")


def _check_title(plan: Plan, fiscal_year: int, pillar: Pillar, title: str, exclude: int | None = None) -> str:
    title = inputs.clean_text(title, field="under_consideration.title")
    if not title:
        raise InvalidInput("名称を入力してください。", field="title")
    same = PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year, pillar=pillar, title=title)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise InvalidInput(f"「{pillar.name}」に「{title}」は既にあります。", field="title")
    return title


def _snapshot(item: PolicyUnderConsideration) -> dict[str, Any]:
    return {
        "fiscal_year": item.fiscal_year,
        "pillar": item.pillar.name,
        "policy": item.policy.name if item.policy else None,
        "title": item.title,
        "text": list(item.text),
    }


def under_consideration_create(
    *,
    plan: Plan,
    fiscal_year: int,
    pillar: Pillar,
    title: str,
    by: Any,
    policy: Policy | None = None,
    text: Sequence[str] | str = (),
) -> PolicyUnderConsideration:
    """Add a policy under consideration at the end of the year's list (its pillar's block in the report)."""
    with _editing(plan, fiscal_year, by):
        if fiscal_year not in plan.fiscal_years:
            raise InvalidInput(f"{wareki.format_fiscal_year(fiscal_year)}は計画期間の外です。", field="fiscal_year")
        _check_classification(plan, pillar, policy)
        title = _check_title(plan, fiscal_year, pillar, title)
        year = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
        if year is None:
            raise InvalidInput(
                f"{wareki.format_fiscal_year(fiscal_year)}の進行管理を開始してから追加してください。", field="fiscal_year"
            )
        last = PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year).aggregate(m=Max("position"))["m"]
        item = PolicyUnderConsideration.objects.create(
            reporting_year=year, plan=plan, fiscal_year=fiscal_year, pillar=pillar, policy=policy, title=title,
            text=_items(text, field="under_consideration.text", label="状況"),
            position=0 if last is None else last + 1,
        )
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.under_consideration.created", obj=item,
            after=_snapshot(item),
        )
        return item


def under_consideration_update(
    *,
    item: PolicyUnderConsideration,
    pillar: Pillar,
    title: str,
    by: Any,
    policy: Policy | None = None,
    text: Sequence[str] | str = (),
    seen: str | None = None,
) -> PolicyUnderConsideration:
    """Change the pillar/policy, name and status text; audited with the fields that changed."""
    plan = item.plan
    with _editing(plan, item.fiscal_year, by):
        current = PolicyUnderConsideration.objects.select_for_update().get(pk=item.pk)
        check_unchanged(seen=seen, state=under_consideration_state(current), what="この施策")
        _check_classification(plan, pillar, policy)
        title = _check_title(plan, item.fiscal_year, pillar, title, exclude=item.pk)
        old = _snapshot(item)
        item.pillar, item.policy, item.title, item.text = (
            pillar, policy, title, _items(text, field="under_consideration.text", label="状況"),
        )
        new = _snapshot(item)
        changed = [k for k in new if new[k] != old[k]]
        if changed:
            item.save(update_fields=["pillar", "policy", "title", "text"])
            audit_record(
                municipality=plan.municipality_id, by=by, action="plan.under_consideration.updated", obj=item,
                before={k: old[k] for k in changed}, after={k: new[k] for k in changed},
            )
        return item


def under_consideration_delete(*, item: PolicyUnderConsideration, by: Any) -> None:
    plan = item.plan
    with _editing(plan, item.fiscal_year, by):
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.under_consideration.deleted", obj=item,
            before=_snapshot(item),
        )
        item.delete()


def under_consideration_move(
    *, item: PolicyUnderConsideration, direction: Literal["up", "down"], by: Any
) -> PolicyUnderConsideration:
    """Swap with the previous/next item of the same pillar (the report lists them per pillar).

    Already first (or last): nothing changes and nothing is recorded.
    """
    if direction not in ("up", "down"):
        raise InvalidInput("移動の向きが正しくありません。", field="direction")
    plan = item.plan
    with _editing(plan, item.fiscal_year, by):
        siblings = list(
            PolicyUnderConsideration.objects.select_for_update()
            .filter(plan=plan, fiscal_year=item.fiscal_year, pillar_id=item.pillar_id)
            .order_by("position", "pk")
        )
        index = next((i for i, s in enumerate(siblings) if s.pk == item.pk), None)
        if index is None:
            raise InvalidInput("この項目は既に削除されています。", field="item")
        other_index = index - 1 if direction == "up" else index + 1
        if not 0 <= other_index < len(siblings):
            return item
        current, other = siblings[index], siblings[other_index]
        if current.position == other.position:  # imported duplicates: renumber the year first
            _renumber(plan, item.fiscal_year)
            current.refresh_from_db(fields=["position"])
            other.refresh_from_db(fields=["position"])
        current.position, other.position = other.position, current.position
        PolicyUnderConsideration.objects.bulk_update([current, other], ["position"])
        audit_record(
            municipality=plan.municipality_id, by=by, action="plan.under_consideration.moved", obj=current,
            before={"position": index + 1}, after={"position": other_index + 1},
        )
        item.position = current.position
        return item


def _renumber(plan: Plan, fiscal_year: int) -> None:
    items = list(PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year).order_by("position", "pk"))
    for position, uc in enumerate(items):
        uc.position = position
    PolicyUnderConsideration.objects.bulk_update(items, ["position"])

