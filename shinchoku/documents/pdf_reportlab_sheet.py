"""Section 3 of the ReportLab PDF: the policy tree and one sheet per project (schedule, indicators with
their charts, results, challenges, next-year plans).

A sheet is the two-column table of the printed report, laid out as a stack of one-row tables, one per field
(:func:`~shinchoku.documents.pdf_reportlab_tables.ruled_field`), so a field of thousands of lines costs time
in proportion to its length and splits across as many pages as it needs.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from shinchoku.documents.model import IndicatorView, ProjectSheet, ReportModel, ResultTableView
from shinchoku.documents.pdf_reportlab_charts import indicator_drawing
from shinchoku.documents.pdf_reportlab_styles import (
    CELL_PAD_H,
    EM,
    NAVY,
    TH_BG,
    TREE_LINE,
    TREE_MARK,
    Heading,
    Styles,
    markup,
    para,
)
from shinchoku.documents.pdf_reportlab_tables import (
    SMALL_PAD_H,
    SMALL_PAD_V,
    grid,
    items,
    lines,
    ruled_field,
    table,
)


def policy_tree(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
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
                    data.append(["", "", lines(name, st.tree_item, prefix=mark)])
                    cmds.append(("LINEBEFORE", (2, len(data) - 1), (2, len(data) - 1), 1.5, TREE_LINE))
            else:
                for name in policy.projects:
                    data.append(["", lines(name, st.tree_item, prefix=mark), ""])
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
        story.append(table(data, widths, TableStyle(cmds), spaceAfter=0.6 * EM))
    return story


def _schedule(report: ReportModel, sheet: ProjectSheet, width: float, st: Styles) -> Table:
    n = len(report.year_headers)
    rows = sheet.schedule or [[""] * n]
    data = [[para(h, st.small_center, bold=True) for h in report.year_headers]]
    data += [[Paragraph(markup(cell), st.small) for cell in row] for row in rows]
    extra = [("BACKGROUND", (0, 0), (-1, 0), TH_BG)]
    return table(data, [width / n] * n, grid(extra, SMALL_PAD_V, SMALL_PAD_H), repeat=1,
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
    style = grid(extra, SMALL_PAD_V, SMALL_PAD_H)
    out: list[Flowable] = [table(data, widths, style, spaceBefore=0.1 * EM, spaceAfter=0.3 * EM)]
    if ind.note:
        out += lines(ind.note, st.note)
    chart = indicator_drawing(ind, width)
    if chart is not None:
        out += [Spacer(1, 0.2 * EM), chart, Spacer(1, 0.4 * EM)]
    return out


def _result_table(view: ResultTableView, width: float, st: Styles) -> Table:
    cols = len(view.cells[0]) if view.cells else 2
    data: list[list[Any]] = [
        [Paragraph(markup(c), st.small_right if i % 2 else st.small) for i, c in enumerate(line)]
        for line in view.cells
    ]
    extra: list[tuple[Any, ...]] = []
    if view.total:
        data.append([para(view.total, st.small_right, bold=True)] + [""] * (cols - 1))
        extra.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    w = width * 0.92
    return table(data, [w / cols] * cols, grid(extra, SMALL_PAD_V, SMALL_PAD_H),
                 spaceBefore=0.2 * EM, spaceAfter=0.5 * EM)  # fmt: skip


def _sheet(report: ReportModel, sheet: ProjectSheet, width: float, st: Styles) -> list[Flowable]:
    label_w = width * 0.2
    inner = width - label_w - 2 * CELL_PAD_H
    paragraphs = [f for text in sheet.overview for f in lines(text, st.cell_para)]
    vision = [f for text in sheet.vision for f in lines(text, st.cell_para)]
    comprehensive = [t for t in (sheet.comprehensive_area, sheet.comprehensive_policy) if t]
    rows: list[tuple[str, list[Flowable]]] = [
        ("担当部署", lines(sheet.departments, st.cell)),
        ("事業概要", paragraphs),
        ("目指す姿", vision),
        (report.labels.comprehensive_plan, [f for text in comprehensive for f in lines(text, st.cell_para)]),
        ("スケジュール", [_schedule(report, sheet, inner, st)]),
    ]
    rows += [(ind.name, _indicator(report, ind, inner, st)) for ind in sheet.indicators]
    results: list[Flowable] = []
    for block in sheet.results:
        if block.kind == "items":
            results += items(block.items, st)
        elif block.table is not None:
            results.append(_result_table(block.table, inner, st))
    rows.append((report.labels.results, results))
    rows.append((report.labels.challenges, items(sheet.challenges, st)))
    rows.append((report.labels.next_year, items(sheet.next_year, st)))
    widths = [label_w, width - label_w]
    return [t for label, content in rows for t in ruled_field(para(label, st.th, bold=True), content, widths)]


def section3(report: ReportModel, width: float, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Heading(report.labels.section3, "h2", key="s3", level=0, toc=True),
        Heading("（施策の体系）", "h3", key="s3-tree", level=1),
        *policy_tree(report, width, st),
    ]
    for ps in report.pillar_sheets:
        story += [PageBreak(), Heading(f"({ps.number}) {ps.name}", "h3", key=ps.anchor, level=1, toc=True)]
        for i, sheet in enumerate(ps.projects):
            if i:
                story.append(PageBreak())
            story.append(Heading(sheet.name, "project", key=sheet.anchor, level=2, tags=sheet.tags))
            story += _sheet(report, sheet, width, st)
    return story
