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
    Spacer,
    Table,
    TableStyle,
)

from shinchoku.documents.model import OverviewRow, PillarOverview, ReportModel
from shinchoku.documents.pdf_reportlab_sheet import section3
from shinchoku.documents.pdf_reportlab_styles import (
    BADGE,
    BASE,
    BORDER,
    CELL_PAD_H,
    CELL_PAD_V,
    EM,
    FONT,
    FOOTER,
    H2_BG,
    OTHER_GRADE_BG,
    PAGE_MARGIN_LR,
    PAGE_MARGIN_TB,
    POLICY_BG,
    RULE,
    TH_BG,
    Bookmark,
    Heading,
    SpacedLine,
    Styles,
    TocEntry,
    define_page_number_form,
    para,
    register_fonts,
    styles,
)
from shinchoku.documents.pdf_reportlab_tables import CHUNK, chunks, grid, items, lines, table
from shinchoku.documents.safety import DRAFT_MARK, draft_title

DRAFT_BOX = 11 * mm  # the square of the 案 mark, in the top margin at the right


class ReportDocTemplate(BaseDocTemplate):
    """A4 with two page templates: ``front`` (cover, contents: no number) and ``body`` (numbered from 1).

    ``invariant``: the same report gives the same bytes (no creation time, a fixed file id), so a published
    file can be re-drawn and compared, and a content hash means something. A draft's pages all carry 案.
    """

    def __init__(self, out: io.BytesIO, report: ReportModel, *, draft: bool) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=PAGE_MARGIN_LR,
            rightMargin=PAGE_MARGIN_LR,
            topMargin=PAGE_MARGIN_TB,
            bottomMargin=PAGE_MARGIN_TB,
            title=draft_title(report.full_title, draft),
            author=report.municipality,
            subject=f"{report.plan_name}の{report.labels.fiscal_year}の進捗状況",
            creator="Shinchoku",
            producer="Shinchoku (ReportLab)",
            lang="ja",
            initialFontName=FONT,
            initialFontSize=BASE,
            initialLeading=BASE * 1.6,
            pageCompression=1,
            invariant=1,
        )
        self.draft = draft
        self.first_body_page: int | None = None
        self._numbered: set[str] = set()

        def frame(name: str) -> Frame:
            return Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id=name,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip

        self.addPageTemplates(
            [
                PageTemplate("front", [frame("front")], onPage=self._front),
                PageTemplate("body", [frame("body")], onPage=self._footer),
            ]
        )

    def _front(self, canv: Any, _doc: Any) -> None:
        if self.draft:
            self._draft_mark(canv)

    def _footer(self, canv: Any, _doc: Any) -> None:
        if self.first_body_page is None:
            self.first_body_page = canv.getPageNumber()
        canv.saveState()
        canv.setFont(FONT, 9)
        canv.setFillColor(FOOTER)
        canv.drawCentredString(self.pagesize[0] / 2, PAGE_MARGIN_TB / 2 - 3, str(self.printed_page()))
        canv.restoreState()
        if self.draft:
            self._draft_mark(canv)

    def _draft_mark(self, canv: Any) -> None:
        """案 in a red square in the top margin at the right: bold (fill and stroke), extractable text."""
        x = self.pagesize[0] - PAGE_MARGIN_LR - DRAFT_BOX
        y = self.pagesize[1] - PAGE_MARGIN_TB / 2 - DRAFT_BOX / 2
        size = 16
        canv.saveState()
        canv.setStrokeColor(BADGE)
        canv.setFillColor(BADGE)
        canv.setLineWidth(1.5)
        canv.rect(x, y, DRAFT_BOX, DRAFT_BOX, stroke=1, fill=0)
        text = canv.beginText(x + (DRAFT_BOX - size) / 2, y + (DRAFT_BOX - size) / 2 + size * 0.14)
        text.setFont(FONT, size)
        text.setTextRenderMode(2)
        canv.setLineWidth(size * 0.03)
        text.textOut(DRAFT_MARK)
        canv.drawText(text)
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
                story += lines(block.text, st.narrative)
            else:
                story += [para(f"・ {g.code}：{g.description}", st.grade_item) for g in report.grades]
                story.append(Spacer(1, 0.4 * EM))
    return story


class OverviewTable(Table):
    """The section 2 table: the policy cell is drawn as one cell over its projects' rows without a SPAN (a span
    taller than a page cannot be laid out: a policy with ~32 projects raised LayoutError), and when the table
    splits inside a policy the continuation page starts with the policy's name again.

    ``continued[r]``: what the policy cell of row ``r`` shows when the row is the first of a page.
    """

    continued: list[Flowable | None]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and isinstance(parts[0], OverviewTable) and isinstance(parts[1], OverviewTable):
            first, rest = parts
            n = len(first._cellvalues)  # rows [0, n) stay; the rest gets the header row again
            first.continued = self.continued[:n]
            rest.continued = self.continued[:1] + self.continued[n:]
            name = rest.continued[1] if len(rest.continued) > 1 else None
            if name is not None:
                rest._cellvalues[1] = [name, *rest._cellvalues[1][1:]]
        return parts


def _overview_table(ov: PillarOverview, report: ReportModel, width: float, st: Styles) -> OverviewTable:
    widths = [width * 0.32, width * 0.54, width * 0.14] if ov.with_policy else [width * 0.86, width * 0.14]
    header = (["施策"] if ov.with_policy else []) + ["個別事業計画"]
    data: list[list[Any]] = [
        [para(h, st.th, bold=True) for h in header] + [para("進捗状況", st.th_center, bold=True)]
    ]
    extra: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (-1, 0), TH_BG)]
    continued: list[Flowable | None] = [None]
    offset = 1 if ov.with_policy else 0
    policy: str | None = None
    for r, row in enumerate(ov.rows, start=1):
        cells: list[Any] = []
        if ov.with_policy:
            if row.policy_rowspan:
                policy = row.policy
                cells.append(lines(row.policy or "", st.cell))
                end = r + row.policy_rowspan - 1
                extra += [
                    ("BACKGROUND", (0, r), (0, end), POLICY_BG),
                    ("LINEBELOW", (0, end), (0, end), BORDER, RULE),
                ]
                continued.append(None)
            else:
                cells.append("")
                continued.append(para(f"{policy}（続き）", st.cell) if policy else None)
        else:
            continued.append(None)
        cells += [lines(row.project, st.cell), para(row.grade, st.cell_center, bold=True)]
        if _other_grade(row, report):
            extra.append(("BACKGROUND", (offset + 1, r), (offset + 1, r), OTHER_GRADE_BG))
        data.append(cells)
    if ov.with_policy:
        # No horizontal lines inside a policy's cell: the lines between rows run from the project column on.
        lines_ = [
            ("BOX", (0, 0), (-1, -1), BORDER, RULE),
            ("LINEAFTER", (0, 0), (-2, -1), BORDER, RULE),
            ("LINEBELOW", (0, 0), (-1, 0), BORDER, RULE),
            ("LINEBELOW", (1, 1), (-1, -1), BORDER, RULE),
        ]
        style = TableStyle([*lines_, *_pads(), *extra])
    else:
        style = grid(extra)
    # Rows never split inside (they are short), and the heights are recomputed after a split
    # (longTableOptimize keeps the first layout's heights), since the continued policy may be taller.
    made = table(data, widths, style, repeat=1, cls=OverviewTable, spaceAfter=0.8 * EM, splitInRow=0,
                 longTableOptimize=0)  # fmt: skip
    assert isinstance(made, OverviewTable)
    made.continued = continued
    return made


def _pads() -> list[tuple[Any, ...]]:
    return [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_V),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_V + 1),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_H),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_H),
    ]


def _other_grade(row: OverviewRow, report: ReportModel) -> bool:
    return bool(report.as_planned_code) and row.grade not in (report.as_planned_code, "—")


def _box(title: str, body: list[Flowable], width: float, st: Styles) -> list[Table]:
    """A bordered box with a shaded title bar; one row per paragraph so a long box splits anywhere, and a
    stack of tables of at most ``2 × CHUNK`` rows, drawn as one box, so a long one is laid out in linear time
    (the title repeats on the pages of the first table)."""
    parts = chunks(body, 2 * CHUNK)
    out: list[Table] = []
    for k, part in enumerate(parts):
        head, tail = k == 0, k == len(parts) - 1
        rows: list[list[Any]] = ([[para(title, st.th, bold=True)]] if head else []) + [[f] for f in part]
        b = 1 if head else 0  # the first body row
        cmds: list[tuple[Any, ...]] = [
            ("LINEBEFORE", (0, 0), (-1, -1), BORDER, RULE),
            ("LINEAFTER", (0, 0), (-1, -1), BORDER, RULE),
            ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), BORDER, RULE),
            ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), BORDER, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, b), (-1, -1), 0.6 * EM),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0.6 * EM),
            ("TOPPADDING", (0, b), (-1, -1), 0),
            ("BOTTOMPADDING", (0, b), (-1, -1), 0),
        ]
        if head:
            cmds += [
                ("LINEABOVE", (0, 0), (-1, 0), BORDER, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), TH_BG),
                ("LINEBELOW", (0, 0), (-1, 0), BORDER, RULE),
                ("LEFTPADDING", (0, 0), (-1, 0), CELL_PAD_H),
                ("TOPPADDING", (0, 0), (-1, 0), CELL_PAD_V),
                ("BOTTOMPADDING", (0, 0), (-1, 0), CELL_PAD_V + 1),
                ("TOPPADDING", (0, 1), (-1, 1), 0.4 * EM),
            ]
        if tail:
            cmds += [
                ("LINEBELOW", (0, -1), (-1, -1), BORDER, RULE),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 0.5 * EM),
            ]
        out.append(
            table(
                rows, [width], TableStyle(cmds), repeat=1 if head else 0, spaceAfter=0.8 * EM if tail else 0
            )
        )
    return out


def _entries(entries: list[tuple[str, list[str]]], st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for heading, entry_items in entries:
        out.append(para(heading, st.entry_title, bold=True))
        out += items(entry_items, st)
    return out


def _section2(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [Heading(report.labels.section2, "h2", key="s2", level=0, toc=True)]
    for ov in report.overviews:
        story.append(Heading(f"({ov.number}) {ov.name}", "h3", key=ov.anchor, level=1, toc=True))
        if ov.rows:
            story.append(_overview_table(ov, report, width, st))
            body = _entries([(f"○{e.project}（{e.grade}）", e.items) for e in ov.non_b], st)
            story += _box(report.labels.non_b, body or [para("該当なし", st.body)], width, st)
        if ov.under_consideration:
            body = _entries([(e.heading, e.items) for e in ov.under_consideration], st)
            story += _box(report.labels.under_consideration, body, width, st)
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
        *section3(report, width, st),
    ]


def render_pdf_reportlab(report: ReportModel, *, draft: bool) -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = ReportDocTemplate(out, report, draft=draft)
    doc.build(build_story(report, doc.width))
    return out.getvalue()
