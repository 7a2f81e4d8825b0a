"""The progress report as a typed view-model: every label, number and grouping the renderers draw.

Built from the interchange :class:`~shinchoku.interchange.document.Document` (never from stored copies of a
printed report), so HTML, PDF, Word and Excel show exactly the same facts. Renderers only lay this out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from shinchoku.cycle import evaluation
from shinchoku.interchange.document import Document, IndicatorDoc, ProjectDoc, ResultTableDoc
from shinchoku.values import Quantity
from shinchoku.wareki import format_fiscal_year, format_year_month

MISSING = "—"
# Text items that carry their own mark (①, ○, 【…】, ※) are printed as they are; others get a "・" bullet.
_OWN_MARK = re.compile(r"^(?:[①-⑳○◯●◆◇■□【※]|\(\d+\)|（\d+）|\d+\s)")
# Qualifiers printed before the number (約100人); the others follow the unit (90%以上).
_PREFIX_QUALIFIERS = {"約", "およそ", "概ね"}


def has_own_mark(text: str) -> bool:
    return bool(_OWN_MARK.match(text))


def quantity(text: str | None) -> Quantity | None:
    """A value of the document (its exchange form, ``"16000.50"``) as the quantity the renderers print."""
    return None if text is None else Quantity.from_plain(text)


def format_value(value: Quantity | None, unit: str, qualifier: str | None) -> str:
    if value is None:
        return MISSING
    text = value.format(unit)
    if qualifier:
        text = f"{qualifier}{text}" if qualifier in _PREFIX_QUALIFIERS else f"{text}{qualifier}"
    return text


def achievement_rate(target: Quantity | None, actual: Quantity | None, direction: str) -> Decimal | None:
    """The evaluation rule's ratio, unrounded, for documents (a spreadsheet computes with it)."""
    return evaluation.achievement_ratio(
        actual=None if actual is None else actual.value,
        target=None if target is None else target.value,
        direction=direction,
    )


def slug(prefix: str, *parts: int) -> str:
    return prefix + "-" + "-".join(str(p) for p in parts)


# --------------------------------------------------------------------------------------------- the pieces


@dataclass(frozen=True)
class GradeView:
    code: str
    description: str
    as_planned: bool


@dataclass(frozen=True)
class NarrativeBlock:
    kind: Literal["paragraph", "grades"]
    text: str = ""


@dataclass(frozen=True)
class NarrativeSection:
    number: int
    heading: str
    anchor: str
    blocks: list[NarrativeBlock]


@dataclass(frozen=True)
class OverviewRow:
    policy: str | None
    policy_rowspan: int  # 0 when the policy cell of a row above spans this one
    project: str
    grade: str


@dataclass(frozen=True)
class NonBEntry:
    project: str
    grade: str
    items: list[str]


@dataclass(frozen=True)
class ConsiderationEntry:
    heading: str  # "行政サービスのオンライン化：粗大ごみ受付システム"
    items: list[str]


@dataclass(frozen=True)
class PillarOverview:
    number: int
    name: str
    anchor: str
    rows: list[OverviewRow]
    with_policy: bool  # False: the two-column table (no project of the pillar has a policy)
    non_b: list[NonBEntry]
    under_consideration: list[ConsiderationEntry]


@dataclass(frozen=True)
class TreePolicy:
    name: str | None  # None: projects directly under the pillar
    projects: list[str]


@dataclass(frozen=True)
class TreePillar:
    name: str
    policies: list[TreePolicy]


@dataclass(frozen=True)
class IndicatorYear:
    fiscal_year: int
    target: Quantity | None
    actual: Quantity | None
    target_text: str
    actual_text: str
    rate: Decimal | None


@dataclass(frozen=True)
class IndicatorView:
    name: str
    unit: str
    direction: str
    qualifier: str | None
    note: str | None
    years: list[IndicatorYear]  # every fiscal year of the plan period, in order
    chart_id: str

    @property
    def value_count(self) -> int:
        return sum((y.target is not None) + (y.actual is not None) for y in self.years)

    @property
    def has_chart(self) -> bool:
        return self.value_count >= 2

    def year(self, fiscal_year: int) -> IndicatorYear | None:
        return next((y for y in self.years if y.fiscal_year == fiscal_year), None)


@dataclass(frozen=True)
class ResultTableView:
    cells: list[list[str]]  # rows of "label", "value" pairs laid out like the printed table
    rows: list[tuple[str, str]]  # (label, "2,885件") in order
    total: str | None  # "計 8,011件"


@dataclass(frozen=True)
class TextItem:
    text: str
    marked: bool  # the item carries its own mark (①, ○, 【…】): printed without a bullet


@dataclass(frozen=True)
class ResultBlock:
    """A run of consecutive result items, or one result table printed among them."""

    kind: Literal["items", "table"]
    items: list[TextItem] = field(default_factory=list)
    table: ResultTableView | None = None


@dataclass(frozen=True)
class ProjectSheet:
    number: int  # 1-based, document order
    anchor: str
    name: str
    pillar: str
    policy: str | None
    tags: list[str]
    departments: str  # joined with "、"
    overview: list[str]  # paragraphs
    vision: list[str]
    comprehensive_area: str
    comprehensive_policy: str
    schedule: list[list[str]]  # rows × plan fiscal years; "" for an empty cell
    indicators: list[IndicatorView]
    grade: str | None
    results: list[ResultBlock]
    challenges: list[TextItem]
    next_year: list[TextItem]
    non_b_summary: list[str]


@dataclass(frozen=True)
class PillarSheets:
    number: int
    name: str
    anchor: str
    projects: list[ProjectSheet]


@dataclass(frozen=True)
class Labels:
    report_year: str  # 令和6（2024）年度
    fiscal_year: str  # 令和5（2023）年度
    results: str  # R5（2023）年度 主な取組と成果
    challenges: str
    next_year: str  # R6（2024）年度 主な取組
    non_b: str  # 進捗状況B以外の概要
    under_consideration: str
    section1: str
    section2: str
    section3: str
    comprehensive_plan: str


@dataclass(frozen=True)
class ReportModel:
    municipality: str
    plan_name: str
    fiscal_year: int
    report_fiscal_year: int
    title: str  # 柏崎市DX推進計画 進行管理報告書
    subtitle: str  # （令和5（2023）年度実績分）
    full_title: str  # 令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）
    cover_year: str  # 令和6（2024）年度; "" when the stored title is printed as written
    published: str | None  # 令和6（2024）年8月
    labels: Labels
    plan_years: list[int]
    year_headers: list[str]  # R3(2021)年度 …
    grades: list[GradeView]
    as_planned_code: str | None
    narrative: list[NarrativeSection]
    overviews: list[PillarOverview]
    tree: list[TreePillar]
    pillar_sheets: list[PillarSheets]
    projects: list[ProjectSheet] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- building


def _narrative(document: Document, grades: list[GradeView]) -> list[NarrativeSection]:
    sections: list[NarrativeSection] = []
    placed = False
    for number, section in enumerate(document["report"]["narrative"], start=1):
        blocks: list[NarrativeBlock] = []
        for paragraph in section["paragraphs"]:
            blocks.append(NarrativeBlock("paragraph", paragraph))
            if not placed and grades and paragraph.rstrip().endswith("示します。"):
                blocks.append(NarrativeBlock("grades"))
                placed = True
        sections.append(NarrativeSection(number, section["heading"], slug("s1", number), blocks))
    if grades and not placed:
        if sections:
            sections[-1].blocks.append(NarrativeBlock("grades"))
        else:
            sections.append(NarrativeSection(1, "進行管理の方法", slug("s1", 1), [NarrativeBlock("grades")]))
    return sections


def _indicator(doc: IndicatorDoc, years: list[int], chart_id: str) -> IndicatorView:
    rows: list[IndicatorYear] = []
    extra = sorted({int(y) for y in (*doc["targets"], *doc["actuals"])} - set(years))
    for fy in [*years, *extra]:
        target = quantity(doc["targets"].get(str(fy)))
        actual = quantity(doc["actuals"].get(str(fy)))
        rows.append(
            IndicatorYear(
                fy,
                target,
                actual,
                format_value(target, doc["unit"], doc["qualifier"]),
                format_value(actual, doc["unit"], None),
                achievement_rate(target, actual, doc["direction"]),
            )
        )
    return IndicatorView(
        doc["name"], doc["unit"], doc["direction"], doc["qualifier"], doc["note"], rows, chart_id
    )


def _result_table(doc: ResultTableDoc) -> ResultTableView:
    rows = [(r["label"], Quantity.from_plain(r["value"]).format(r["unit"])) for r in doc["rows"]]
    per_line = 3 if len(rows) % 3 == 0 else 2
    cells: list[list[str]] = []
    for start in range(0, len(rows), per_line):
        line: list[str] = []
        for label, value in rows[start : start + per_line]:
            line += [label, value]
        line += [""] * (2 * per_line - len(line))
        cells.append(line)
    total = doc.get("total")
    total_text = f"{total['label']} {Quantity.from_plain(total['value']).format(total['unit'])}" if total else None
    return ResultTableView(cells, rows, total_text)


def _results(project: ProjectDoc) -> list[ResultBlock]:
    tables: dict[int, list[ResultTableDoc]] = {}
    for table in project["result_tables"]:
        tables.setdefault(table["after"], []).append(table)
    blocks = [ResultBlock("table", table=_result_table(t)) for t in tables.get(-1, [])]
    for index, item in enumerate(project["results"]):
        if not blocks or blocks[-1].kind != "items":
            blocks.append(ResultBlock("items"))
        blocks[-1].items.append(TextItem(item, has_own_mark(item)))
        blocks += [ResultBlock("table", table=_result_table(t)) for t in tables.get(index, [])]
    last = len(project["results"]) - 1
    for after, extra in sorted(tables.items()):
        if after > last:  # a table placed after an item that no longer exists: keep it, at the end
            blocks += [ResultBlock("table", table=_result_table(t)) for t in extra]
    return blocks


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _sheet(number: int, project: ProjectDoc, years: list[int]) -> ProjectSheet:
    schedule = [[row["cells"].get(str(fy), "") for fy in years] for row in project["schedule"]]
    comprehensive = project["comprehensive_plan"]
    return ProjectSheet(
        number=number,
        anchor=slug("p", number),
        name=project["name"],
        pillar=project["pillar"],
        policy=project["policy"],
        tags=list(project["tags"]),
        departments="、".join(project["departments"]),
        overview=_paragraphs(project["overview"]),
        vision=_paragraphs(project["vision"]),
        comprehensive_area=comprehensive["area"] if comprehensive else "",
        comprehensive_policy=comprehensive["policy"] if comprehensive else "",
        schedule=[row for row in schedule if any(row)],
        indicators=[
            _indicator(ind, years, slug("chart", number, i)) for i, ind in enumerate(project["indicators"], 1)
        ],
        grade=project["grade"],
        results=_results(project),
        challenges=[TextItem(t, has_own_mark(t)) for t in project["challenges"]],
        next_year=[TextItem(t, has_own_mark(t)) for t in project["next_year"]],
        non_b_summary=list(project["non_b_summary"]),
    )


def _overview(
    number: int, name: str, sheets: list[ProjectSheet], document: Document, as_planned: str | None
) -> PillarOverview:
    rows: list[OverviewRow] = []
    with_policy = any(s.policy for s in sheets)
    i = 0
    while i < len(sheets):
        j = i
        while j + 1 < len(sheets) and sheets[j + 1].policy == sheets[i].policy and sheets[i].policy:
            j += 1
        for k in range(i, j + 1):
            rows.append(
                OverviewRow(
                    sheets[i].policy if k == i else None,
                    (j - i + 1) if k == i else 0,
                    sheets[k].name,
                    sheets[k].grade or MISSING,
                )
            )
        i = j + 1
    non_b = [
        NonBEntry(s.name, s.grade, s.non_b_summary)
        for s in sheets
        if s.grade and (as_planned is None or s.grade != as_planned)
    ]
    considering = [
        ConsiderationEntry(f"{u['policy']}：{u['title']}" if u["policy"] else u["title"], list(u["text"]))
        for u in document["under_consideration"]
        if u["pillar"] == name
    ]
    return PillarOverview(number, name, slug("s2", number), rows, with_policy, non_b, considering)


def _tree(document: Document, sheets: list[ProjectSheet]) -> list[TreePillar]:
    tree: list[TreePillar] = []
    for pillar in document["pillars"]:
        mine = [s for s in sheets if s.pillar == pillar["name"]]
        if not mine:
            continue
        policies: list[TreePolicy] = []
        direct = [s.name for s in mine if not s.policy]
        if direct:
            policies.append(TreePolicy(None, direct))
        for policy in pillar["policies"]:
            names = [s.name for s in mine if s.policy == policy]
            if names:
                policies.append(TreePolicy(policy, names))
        tree.append(TreePillar(pillar["name"], policies))
    return tree


def build_report(document: Document) -> ReportModel:
    fiscal_year = document["report"]["fiscal_year"]
    plan = document["plan"]
    years = list(range(plan["start_fiscal_year"], plan["end_fiscal_year"] + 1))
    grades = [GradeView(g["code"], g["description"], g["as_planned"]) for g in document["grade_scale"]]
    as_planned = next((g.code for g in grades if g.as_planned), None)
    sheets = [_sheet(n, p, years) for n, p in enumerate(document["projects"], start=1)]

    overviews: list[PillarOverview] = []
    pillar_sheets: list[PillarSheets] = []
    for number, pillar in enumerate(document["pillars"], start=1):
        mine = [s for s in sheets if s.pillar == pillar["name"]]
        overview = _overview(number, pillar["name"], mine, document, as_planned)
        if overview.rows or overview.under_consideration:
            overviews.append(overview)
        if mine:
            pillar_sheets.append(PillarSheets(number, pillar["name"], slug("s3", number), mine))

    report_fy = fiscal_year + 1
    short = format_fiscal_year(fiscal_year, "short_fullwidth")
    short_next = format_fiscal_year(report_fy, "short_fullwidth")
    title = f"{plan['name']} 進行管理報告書"
    subtitle = f"（{format_fiscal_year(fiscal_year)}実績分）"
    report_year = format_fiscal_year(report_fy)
    full_title = f"{report_year} {title}{subtitle}"
    stored_title = document["report"]["title"].strip()
    if stored_title and stored_title != full_title:
        # DX staff retitled the report: print what they wrote, on the cover as one line.
        full_title, title, subtitle, report_year = stored_title, stored_title, "", ""
    published = None
    if document["report"]["published"]:
        year, month = (int(x) for x in document["report"]["published"].split("-"))
        published = format_year_month(year, month)
    labels = Labels(
        report_year=format_fiscal_year(report_fy),
        fiscal_year=format_fiscal_year(fiscal_year),
        results=f"{short} 主な取組と成果",
        challenges="「目指す姿」に向けた課題と今後の展開",
        next_year=f"{short_next} 主な取組",
        non_b=f"進捗状況{as_planned}以外の概要" if as_planned else "進捗状況の概要",
        under_consideration="個別事業計画を検討中の施策",
        section1=f"1 {plan['name']}の進行管理",
        section2=f"2 {plan['name'].removeprefix(document['municipality'])}進捗状況",
        section3="3 個別事業計画の取組、成果及び今後の展開",
        comprehensive_plan="第五次総合計画後期基本計画との紐付け",
    )
    return ReportModel(
        municipality=document["municipality"],
        plan_name=plan["name"],
        fiscal_year=fiscal_year,
        report_fiscal_year=report_fy,
        title=title,
        subtitle=subtitle,
        full_title=full_title,
        cover_year=report_year,
        published=published,
        labels=labels,
        plan_years=years,
        year_headers=[format_fiscal_year(fy, "short") for fy in years],
        grades=grades,
        as_planned_code=as_planned,
        narrative=_narrative(document, grades),
        overviews=overviews,
        tree=_tree(document, sheets),
        pillar_sheets=pillar_sheets,
        projects=sheets,
    )
