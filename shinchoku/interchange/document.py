"""Typed shape of the ``shinchoku-report/2`` document (see ``schema.json`` beside this file).

Plain JSON-compatible dicts: the document is what is written to disk, so the types describe JSON, not objects.
Fiscal years are ints in lists and strings when they are dict keys (JSON object keys are strings). Values are
decimal strings in the plain form of :class:`shinchoku.values.Quantity` (``"16000.50"``): a JSON number would
be read as a float by most readers and lose the decimals as entered. ``shinchoku-report/1`` (values as JSON
numbers) is still read; ``validation.validate_document`` upgrades it.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

FORMAT = "shinchoku-report/2"
FORMAT_V1 = "shinchoku-report/1"

Direction = Literal["higher", "lower"]


class RevisionDoc(TypedDict):
    date: str  # "YYYY-MM"
    description: str


class PlanDoc(TypedDict):
    name: str  # 柏崎市DX推進計画
    start_fiscal_year: int  # first fiscal year of the plan period (2021)
    end_fiscal_year: int  # last fiscal year (2025)
    adopted: str | None  # "YYYY-MM" (策定)
    revisions: list[RevisionDoc]  # oldest first


class NarrativeSectionDoc(TypedDict):
    heading: str  # "柏崎市DX推進計画", "進行管理の考え方", "進行管理の方法" (without the "(1)")
    paragraphs: list[str]


class ReportDoc(TypedDict):
    title: str  # full title as printed on the cover, without line breaks
    fiscal_year: int  # the evaluated fiscal year (2023)
    published: str | None  # "YYYY-MM"
    # "published" (the official report) or "draft" (案); absent in older files: published iff a month is given.
    status: NotRequired[Literal["published", "draft"]]
    narrative: list[NarrativeSectionDoc]  # section 1, in order (the grade scale list is not repeated here)


def document_is_published(document: Document) -> bool:
    report = document["report"]
    status = report.get("status")
    return status == "published" if status is not None else report["published"] is not None


class GradeDoc(TypedDict):
    code: str  # "A"
    description: str  # "計画より早い、想定以上の効果を得た"
    as_planned: bool  # True for the grade that means "as planned" (B in the seed); non-B summary = others


class PillarDoc(TypedDict):
    name: str
    policies: list[str]  # in order; may be empty (産業のDX, 共通施策)


class ComprehensivePlanDoc(TypedDict):
    area: str  # "⑥ 自治経営"
    policy: str  # "3-1 自治機能を強化する"


class ScheduleRowDoc(TypedDict):
    track: str | None  # "①" when the whole row belongs to one numbered track
    cells: dict[str, str]  # fiscal year -> text as written ("→" included); empty cells omitted


class TargetHistoryDoc(TypedDict):
    fiscal_year: int
    value: str  # "16000.50"
    revision: str | None  # "YYYY-MM" of the revision that set it; None = as adopted


class IndicatorDoc(TypedDict):
    name: str
    unit: str  # "%", "人", "件", "点", "時間"; "" when none
    direction: Direction
    qualifier: str | None  # "以上", "以下", "約" ...
    note: str | None  # footnote text, e.g. "※全国学力・学習状況調査 児童生徒の回答を基に集計"
    targets: dict[str, str]  # fiscal year -> value ("14000", "31.70"); years without a value omitted
    actuals: dict[str, str]
    # Targets superseded by a later revision (the current ones are in ``targets``); oldest first.
    target_history: NotRequired[list[TargetHistoryDoc]]


class ResultTableRowDoc(TypedDict):
    label: str
    value: str  # "2885"
    unit: str


class ResultTableDoc(TypedDict):
    after: int  # index in ``results`` of the item the table follows (-1: before the first item)
    rows: list[ResultTableRowDoc]
    total: NotRequired[ResultTableRowDoc]  # "計 8,011件" when printed


class ProjectDoc(TypedDict):
    name: str
    pillar: str
    policy: str | None
    tags: list[str]  # "国重点", "市重点"
    departments: list[str]
    overview: str  # paragraphs joined with "\n"
    vision: str
    comprehensive_plan: ComprehensivePlanDoc | None
    schedule: list[ScheduleRowDoc]
    indicators: list[IndicatorDoc]
    grade: str | None
    results: list[str]
    result_tables: list[ResultTableDoc]
    challenges: list[str]
    next_year: list[str]
    non_b_summary: list[str]


class UnderConsiderationDoc(TypedDict):
    pillar: str
    policy: str | None
    title: str
    text: list[str]


class Document(TypedDict):
    format: str  # FORMAT
    municipality: str
    plan: PlanDoc
    report: ReportDoc
    grade_scale: list[GradeDoc]
    pillars: list[PillarDoc]
    projects: list[ProjectDoc]  # in document order
    under_consideration: list[UnderConsiderationDoc]
