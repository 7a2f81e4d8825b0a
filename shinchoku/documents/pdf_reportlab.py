"""PDF of the progress report drawn with ReportLab from the view-model (the same ReportModel as HTML/DOCX).

A4 portrait, IPAexGothic embedded as subsets, CJK line breaking, a cover and a table of contents without page
numbers (printed page 1 is the first page of section 1), a table of contents with real page numbers and
links, PDF bookmarks for sections, pillars and every project, title/author/``/Lang (ja)`` metadata. Every
piece of user text goes through :func:`~shinchoku.documents.pdf_reportlab_styles.markup` (escaped), and
nothing is fetched: the only file read is the installed font.

One layout pass: the table of contents' page numbers are form XObjects defined when their headings are laid
out (see :class:`~shinchoku.documents.pdf_reportlab_styles.TocEntry`). Tables split between rows and, for a
row taller than a page (a 5,000-character result), inside the row (``splitInRow``).
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from shinchoku.documents.model import (
    IndicatorView,
    OverviewRow,
    PillarOverview,
    ProjectSheet,
    ReportModel,
    ResultTableView,
    TextItem,
)
from shinchoku.documents.pdf_reportlab_charts import indicator_drawing
from shinchoku.documents.pdf_reportlab_styles import (
    BASE,
    BORDER,
    CELL_PAD_H,
    CELL_PAD_V,
    EM,
    FONT,
    FOOTER,
    H2_BG,
    NAVY,
    OTHER_GRADE_BG,
    PAGE_MARGIN_LR,
    PAGE_MARGIN_TB,
    POLICY_BG,
    RULE,
    TH_BG,
    TREE_LINE,
    TREE_MARK,
    Bookmark,
    Heading,
    SpacedLine,
    Styles,
    TocEntry,
    define_page_number_form,
    markup,
    para,
    register_fonts,
    styles,
)

SPLIT_IN_ROW = 3 * BASE  # a row may split inside when at least this much of it fits (long cells)
SMALL_PAD_V = 0.15 * 9
SMALL_PAD_H = 0.3 * 9


class ReportDocTemplate(BaseDocTemplate):
    """A4 with two page templates: ``front`` (cover, contents: no number) and ``body`` (numbered from 1)."""

    def __init__(self, out: io.BytesIO, report: ReportModel) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=PAGE_MARGIN_LR,
            rightMargin=PAGE_MARGIN_LR,
            topMargin=PAGE_MARGIN_TB,
            bottomMargin=PAGE_MARGIN_TB,
            title=report.full_title,
            author=report.municipality,
            subject=f"{report.plan_name}の{report.labels.fiscal_year}の進捗状況",
            creator="Shinchoku",
            producer="Shinchoku (ReportLab)",
            lang="ja",
            initialFontName=FONT,
            initialFontSize=BASE,
            initialLeading=BASE * 1.6,
            pageCompression=1,
        )
        self.first_body_page: int | None = None
        self._numbered: set[str] = set()

        def frame(name: str) -> Frame:
            return Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id=name,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip

        self.addPageTemplates(
            [
                PageTemplate("front", [frame("front")]),
                PageTemplate("body", [frame("body")], onPage=self._footer),
            ]
        )

    def _footer(self, canv: Any, _doc: Any) -> None:
        if self.first_body_page is None:
            self.first_body_page = canv.getPageNumber()
        canv.saveState()
        canv.setFont(FONT, 9)
        canv.setFillColor(FOOTER)
        canv.drawCentredString(self.pagesize[0] / 2, PAGE_MARGIN_TB / 2 - 3, str(self.printed_page()))
        canv.restoreState()

    def printed_page(self) -> int:
        return self.canv.getPageNumber() - (self.first_body_page or 1) + 1

    def afterFlowable(self, flowable: Flowable) -> None:
        if (
            isinstance(flowable, Heading)
            and flowable.toc
            and flowable.key
            and flowable.key not in self._numbered
        ):
            self._numbered.add(flowable.key)
            define_page_number_form(self.canv, flowable.key, self.printed_page())


# --------------------------------------------------------------------------------------------- helpers


def _grid(
    extra: list[tuple[Any, ...]] | None = None, pad_v: float = CELL_PAD_V, pad_h: float = CELL_PAD_H
) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), BORDER, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), pad_v),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad_v + 1),
            ("LEFTPADDING", (0, 0), (-1, -1), pad_h),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad_h),
            *(extra or []),
        ]
    )


def _table(
    data: list[list[Any]], widths: list[float], style: TableStyle, repeat: int = 0, **kw: Any
) -> Table:
    table = Table(data, colWidths=widths, style=style, repeatRows=repeat, splitInRow=SPLIT_IN_ROW, **kw)
    table.setStyle([("FONT", (0, 0), (-1, -1), FONT, BASE)])  # empty cells: no Helvetica in the PDF
    table.hAlign = "LEFT"
    return table


def _items(items: list[TextItem] | list[str], st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for item in items:
        text, marked = (item.text, item.marked) if isinstance(item, TextItem) else (item, False)
        if marked:
            out.append(Paragraph(markup(text), st.marked))
        else:
            out.append(Paragraph(markup(text), st.bullet, bulletText="・"))
    return out


# --------------------------------------------------------------------------------------------- front matter


def _cover(report: ReportModel, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 30 * mm)]
    story.append(para(report.cover_year, st.cover_title, bold=True))
    story.append(para(report.title, st.cover_title, bold=True))
    story.append(para(report.subtitle, st.cover_sub, bold=True))
    story.append(Spacer(1, 80 * mm))
    if report.published:
        story.append(para(report.published, st.cover_date))
        story.append(Spacer(1, 8 * mm))
    story.append(SpacedLine(report.municipality, 18, 0.2 * 18))
    return story


def _contents(report: ReportModel, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Bookmark("目次", "toc", 0),
        SpacedLine("目次", 15, 0.5 * 15, space_after=0.8 * 15, background=H2_BG, bold=True),
    ]
    groups = [
        ("s1", report.labels.section1, [(s.anchor, f"({s.number}) {s.heading}") for s in report.narrative]),
        ("s2", report.labels.section2, [(o.anchor, f"({o.number}) {o.name}") for o in report.overviews]),
        ("s3", report.labels.section3, [(p.anchor, f"({p.number}) {p.name}") for p in report.pillar_sheets]),
    ]
    for key, title, children in groups:
        story.append(TocEntry(title, key, 0))
        story += [TocEntry(text, anchor, 2 * EM) for anchor, text in children]
    return story


# --------------------------------------------------------------------------------------------- sections 1, 2


def _section1(report: ReportModel, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [Heading(report.labels.section1, "h2", key="s1", level=0, toc=True)]
    for sec in report.narrative:
        story.append(Heading(f"({sec.number}) {sec.heading}", "h3", key=sec.anchor, level=1, toc=True))
        for block in sec.blocks:
            if block.kind == "paragraph":
                story.append(Paragraph(markup(block.text), st.narrative))
            else:
                story += [para(f"・ {g.code}：{g.description}", st.grade_item) for g in report.grades]
                story.append(Spacer(1, 0.4 * EM))
    return story


def _overview_table(ov: PillarOverview, report: ReportModel, width: float, st: Styles) -> Table:
    widths = [width * 0.32, width * 0.54, width * 0.14] if ov.with_policy else [width * 0.86, width * 0.14]
    header = (["施策"] if ov.with_policy else []) + ["個別事業計画"]
    data: list[list[Any]] = [
        [para(h, st.th, bold=True) for h in header] + [para("進捗状況", st.th_center, bold=True)]
    ]
    extra: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (-1, 0), TH_BG)]
    offset = 1 if ov.with_policy else 0
    for r, row in enumerate(ov.rows, start=1):
        cells: list[Any] = []
        if ov.with_policy:
            cells.append(para(row.policy or "", st.cell) if row.policy_rowspan else "")
            if row.policy_rowspan:
                extra.append(("BACKGROUND", (0, r), (0, r + row.policy_rowspan - 1), POLICY_BG))
                if row.policy_rowspan > 1:
                    extra.append(("SPAN", (0, r), (0, r + row.policy_rowspan - 1)))
        cells += [para(row.project, st.cell), para(row.grade, st.cell_center, bold=True)]
        if _other_grade(row, report):
            extra.append(("BACKGROUND", (offset + 1, r), (offset + 1, r), OTHER_GRADE_BG))
        data.append(cells)
    return _table(data, widths, _grid(extra), repeat=1, spaceAfter=0.8 * EM)


def _other_grade(row: OverviewRow, report: ReportModel) -> bool:
    return bool(report.as_planned_code) and row.grade not in (report.as_planned_code, "—")


def _box(title: str, body: list[Flowable], width: float, st: Styles) -> Table:
    """A bordered box with a shaded title bar; one table row per paragraph so a long box splits anywhere."""
    rows: list[list[Any]] = [[para(title, st.th, bold=True)]] + [[f] for f in body]
    n = len(rows)
    style = TableStyle(
        [
            ("BOX", (0, 0), (-1, -1), BORDER, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), TH_BG),
            ("LINEBELOW", (0, 0), (-1, 0), BORDER, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, 0), CELL_PAD_H),
            ("LEFTPADDING", (0, 1), (-1, -1), 0.6 * EM),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0.6 * EM),
            ("TOPPADDING", (0, 0), (-1, 0), CELL_PAD_V),
            ("BOTTOMPADDING", (0, 0), (-1, 0), CELL_PAD_V + 1),
            ("TOPPADDING", (0, 1), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 0.4 * EM),
            ("BOTTOMPADDING", (0, n - 1), (-1, n - 1), 0.5 * EM),
        ]
    )
    return _table(rows, [width], style, repeat=1, spaceAfter=0.8 * EM)


def _entries(entries: list[tuple[str, list[str]]], st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for heading, items in entries:
        out.append(para(heading, st.entry_title, bold=True))
        out += _items(items, st)
    return out


def _section2(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [Heading(report.labels.section2, "h2", key="s2", level=0, toc=True)]
    for ov in report.overviews:
        story.append(Heading(f"({ov.number}) {ov.name}", "h3", key=ov.anchor, level=1, toc=True))
        if ov.rows:
            story.append(_overview_table(ov, report, width, st))
            body = _entries([(f"○{e.project}（{e.grade}）", e.items) for e in ov.non_b], st)
            story.append(_box(report.labels.non_b, body or [para("該当なし", st.body)], width, st))
        if ov.under_consideration:
            body = _entries([(e.heading, e.items) for e in ov.under_consideration], st)
            story.append(_box(report.labels.under_consideration, body, width, st))
    return story


# --------------------------------------------------------------------------------------------- section 3


def _tree(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
    mark = f'<font color="{TREE_MARK}">└ </font>'
    col0, col1 = 0.6 * EM, 1.8 * EM
    widths = [col0, col1, width - col0 - col1]
    story: list[Flowable] = []
    for pillar in report.tree:
        data: list[list[Any]] = [[para(pillar.name, st.tree_pillar, bold=True), "", ""]]
        cmds: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("LEFTPADDING", (0, 0), (-1, 0), 0.5 * EM),
            ("TOPPADDING", (0, 0), (-1, 0), 0.15 * EM),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 0.15 * EM + 1),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for policy in pillar.policies:
            if policy.name:
                r = len(data)
                data.append(["", para(policy.name, st.tree_item, bold=True), ""])
                cmds += [("SPAN", (1, r), (2, r)), ("TOPPADDING", (1, r), (1, r), 0.2 * EM)]
                for name in policy.projects:
                    data.append(["", "", Paragraph(mark + markup(name), st.tree_item)])
                    cmds.append(("LINEBEFORE", (2, len(data) - 1), (2, len(data) - 1), 1.5, TREE_LINE))
            else:
                for name in policy.projects:
                    data.append(["", Paragraph(mark + markup(name), st.tree_item), ""])
                    cmds.append(("SPAN", (1, len(data) - 1), (2, len(data) - 1)))
        cmds += [
            ("LINEBEFORE", (1, 1), (1, -1), 1.5, TREE_LINE),
            ("LEFTPADDING", (0, 1), (-1, -1), 1.2 * EM),
            ("LEFTPADDING", (2, 1), (2, -1), 1.2 * EM),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
        ]
        # The nested line starts at the projects' left edge less the policy's indent: shift it with a
        # narrower second column for rows under a policy (the line is drawn at column 2's left edge).
        story.append(_table(data, widths, TableStyle(cmds), spaceAfter=0.6 * EM))
    return story


def _schedule(report: ReportModel, sheet: ProjectSheet, width: float, st: Styles) -> Table:
    n = len(report.year_headers)
    rows = sheet.schedule or [[""] * n]
    data = [[para(h, st.small_center, bold=True) for h in report.year_headers]]
    data += [[Paragraph(markup(cell), st.small) for cell in row] for row in rows]
    extra = [("BACKGROUND", (0, 0), (-1, 0), TH_BG)]
    return _table(data, [width / n] * n, _grid(extra, SMALL_PAD_V, SMALL_PAD_H), repeat=1,
                  spaceBefore=0.1 * EM, spaceAfter=0.3 * EM)  # fmt: skip


def _indicator(report: ReportModel, ind: IndicatorView, width: float, st: Styles) -> list[Flowable]:
    n = len(report.plan_years)
    label_w = width * 0.12
    years = [ind.year(fy) for fy in report.plan_years]
    data: list[list[Any]] = [[""] + [para(h, st.small_center, bold=True) for h in report.year_headers]]
    for label, attr in (("目標", "target_text"), ("実績", "actual_text")):
        data.append([para(label, st.small_center, bold=True)]
                    + [para(getattr(y, attr) if y else "", st.small_right) for y in years])  # fmt: skip
    extra = [("BACKGROUND", (1, 0), (-1, 0), TH_BG), ("BACKGROUND", (0, 1), (0, -1), TH_BG)]
    widths = [label_w] + [(width - label_w) / n] * n
    grid = _grid(extra, SMALL_PAD_V, SMALL_PAD_H)
    out: list[Flowable] = [_table(data, widths, grid, spaceBefore=0.1 * EM, spaceAfter=0.3 * EM)]
    if ind.note:
        out.append(Paragraph(markup(ind.note), st.note))
    chart = indicator_drawing(ind, width)
    if chart is not None:
        out += [Spacer(1, 0.2 * EM), chart, Spacer(1, 0.4 * EM)]
    return out


def _result_table(table: ResultTableView, width: float, st: Styles) -> Table:
    cols = len(table.cells[0]) if table.cells else 2
    data: list[list[Any]] = [
        [Paragraph(markup(c), st.small_right if i % 2 else st.small) for i, c in enumerate(line)]
        for line in table.cells
    ]
    extra: list[tuple[Any, ...]] = []
    if table.total:
        data.append([para(table.total, st.small_right, bold=True)] + [""] * (cols - 1))
        extra.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    w = width * 0.92
    return _table(data, [w / cols] * cols, _grid(extra, SMALL_PAD_V, SMALL_PAD_H),
                  spaceBefore=0.2 * EM, spaceAfter=0.5 * EM)  # fmt: skip


def _sheet(report: ReportModel, sheet: ProjectSheet, width: float, st: Styles) -> Table:
    label_w = width * 0.2
    inner = width - label_w - 2 * CELL_PAD_H
    rows: list[tuple[str, list[Flowable]]] = [
        ("担当部署", [Paragraph(markup(sheet.departments), st.cell)]),
        ("事業概要", [Paragraph(markup(p), st.cell_para) for p in sheet.overview]),
        ("目指す姿", [Paragraph(markup(p), st.cell_para) for p in sheet.vision]),
        (report.labels.comprehensive_plan,
         [Paragraph(markup(t), st.cell_para) for t in (sheet.comprehensive_area, sheet.comprehensive_policy) if t]),
        ("スケジュール", [_schedule(report, sheet, inner, st)]),
    ]  # fmt: skip
    rows += [(ind.name, _indicator(report, ind, inner, st)) for ind in sheet.indicators]
    results: list[Flowable] = []
    for block in sheet.results:
        if block.kind == "items":
            results += _items(block.items, st)
        elif block.table is not None:
            results.append(_result_table(block.table, inner, st))
    rows.append((report.labels.results, results))
    rows.append((report.labels.challenges, _items(sheet.challenges, st)))
    rows.append((report.labels.next_year, _items(sheet.next_year, st)))
    data = [[para(label, st.th, bold=True), content or ""] for label, content in rows]
    return _table(data, [label_w, width - label_w], _grid([("BACKGROUND", (0, 0), (0, -1), TH_BG)]))


def _section3(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Heading(report.labels.section3, "h2", key="s3", level=0, toc=True),
        Heading("（施策の体系）", "h3", key="s3-tree", level=1),
        *_tree(report, width, st),
    ]
    for ps in report.pillar_sheets:
        story += [PageBreak(), Heading(f"({ps.number}) {ps.name}", "h3", key=ps.anchor, level=1, toc=True)]
        for i, sheet in enumerate(ps.projects):
            if i:
                story.append(PageBreak())
            story.append(Heading(sheet.name, "project", key=sheet.anchor, level=2, tags=sheet.tags))
            story.append(_sheet(report, sheet, width, st))
    return story


# --------------------------------------------------------------------------------------------- the document


def build_story(report: ReportModel, width: float) -> list[Flowable]:
    st = styles()
    return [
        *_cover(report, st),
        PageBreak(),
        *_contents(report, st),
        NextPageTemplate("body"),
        PageBreak(),
        *_section1(report, st),
        PageBreak(),
        *_section2(report, width, st),
        PageBreak(),
        *_section3(report, width, st),
    ]


def render_pdf_reportlab(report: ReportModel) -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = ReportDocTemplate(out, report)
    doc.build(build_story(report, doc.width))
    return out.getvalue()
