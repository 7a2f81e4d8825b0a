"""公表前の確認 (the publish checklist): what must be true before a year is published, and what only looks wrong.

Blocking items (reports approved, non-B summaries, title) are refused by the publishing service as well; warnings
(section 1 or the policies under consideration unchanged since last year, no publication month) need the explicit
confirmation of the person publishing. Constant query count, whatever the number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Subquery

from shinchoku import wareki
from shinchoku.plans.models import (
    Plan,
    PolicyUnderConsideration,
    Project,
    ProjectReport,
    Publication,
    ReportingYear,
    ReportState,
)

REPORTS_APPROVED = "reports_approved"
NON_B_SUMMARIES = "non_b_summaries"
TITLE = "title"
NARRATIVE_EDITED = "narrative_edited"
UNDER_CONSIDERATION_EDITED = "under_consideration_edited"
PUBLICATION_MONTH = "publication_month"


@dataclass(frozen=True)
class CheckDetail:
    """One project (or text) an item is about: shown as a link to where it is fixed."""

    label: str
    project_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ok: bool
    blocking: bool
    todo: str = ""  # what to do when not ok
    details: list[CheckDetail] = field(default_factory=list)


@dataclass(frozen=True)
class PublishChecklist:
    year: ReportingYear
    items: list[CheckItem]
    report_count: int
    next_version: int

    @property
    def blockers(self) -> list[CheckItem]:
        return [i for i in self.items if not i.ok and i.blocking]

    @property
    def warnings(self) -> list[CheckItem]:
        return [i for i in self.items if not i.ok and not i.blocking]


def _under_consideration(year: ReportingYear | None) -> list[tuple[str, list[str]]]:
    if year is None:
        return []
    return [
        (u.title, list(u.text))
        for u in PolicyUnderConsideration.objects.filter(reporting_year=year).order_by("position", "pk")
    ]


def publish_checklist(*, year: ReportingYear) -> PublishChecklist:
    """The checklist of ``year`` (inside its municipality's scope). Six queries."""
    reports = list(
        ProjectReport.objects.filter(reporting_year=year).select_related("project", "grade").order_by("project__position")
    )
    reported = {r.project_id for r in reports}
    projects = [
        p for p in Project.objects.filter(plan_id=year.plan_id).order_by("position") if p.is_active_in(year.fiscal_year)
    ]
    pending = [
        CheckDetail(r.project.name, r.project_id, r.get_state_display()) for r in reports if r.state != ReportState.APPROVED
    ] + [CheckDetail(p.name, p.pk, "報告なし") for p in projects if p.pk not in reported]
    missing_summary = [
        CheckDetail(r.project.name, r.project_id, f"進捗状況{r.grade.code}")
        for r in reports
        if r.grade is not None and not r.grade.as_planned and not any(str(t).strip() for t in r.non_b_summary)
    ]
    # Last year may belong to the previous plan: match on the municipality, without loading the plan.
    previous = ReportingYear.objects.filter(
        plan__municipality_id=Subquery(Plan.objects.filter(pk=year.plan_id).values("municipality_id")[:1]),
        fiscal_year=year.fiscal_year - 1,
    ).first()
    this_uc, last_uc = _under_consideration(year), _under_consideration(previous)
    next_version = (Publication.objects.filter(reporting_year=year).aggregate(m=Max("version"))["m"] or 0) + 1
    last_label = wareki.format_fiscal_year(year.fiscal_year - 1)
    items = [
        CheckItem(
            REPORTS_APPROVED, "すべての報告が承認されている", ok=bool(reports) and not pending, blocking=True,
            todo=(f"未承認の報告が{len(pending)}件あります。本部の承認を待つか、担当部署に提出を依頼してください。"
                  if pending else "報告がありません。進行管理を開始してください。"),
            details=pending,
        ),
        CheckItem(
            NON_B_SUMMARIES, "進捗状況B以外の事業に概要がある", ok=not missing_summary, blocking=True,
            todo="概要のない事業があります。報告を再開し、審査で概要を入力してください。", details=missing_summary,
        ),
        CheckItem(TITLE, "表題が設定されている", ok=bool(year.title.strip()), blocking=True,
                  todo="報告書の表題を入力してください。"),
        CheckItem(
            PUBLICATION_MONTH, "公表年月が設定されている", ok=year.published_on is not None, blocking=False,
            todo="公表年月が未設定です。このまま公表すると公表した月になります。",
        ),
        CheckItem(
            NARRATIVE_EDITED, "本文「1 進行管理」が今年度用に更新されている",
            ok=bool(year.narrative) and not (previous is not None and year.narrative == previous.narrative),
            blocking=False,
            todo=f"本文が{last_label}と同じです。今年度の内容になっているか確認してください。" if year.narrative
            else "本文がありません。報告書の編集で入力してください。",
        ),
        CheckItem(
            UNDER_CONSIDERATION_EDITED, "個別事業計画を検討中の施策が今年度用に更新されている",
            ok=not (previous is not None and this_uc and this_uc == last_uc),
            blocking=False, todo=f"検討中の施策が{last_label}と同じです。今年度の状況を確認してください。",
        ),
    ]
    return PublishChecklist(year=year, items=items, report_count=len(reports), next_version=next_version)
