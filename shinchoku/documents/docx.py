"""The report as a Word document (python-docx), for municipalities that edit the report before publishing.

A4 portrait; Title / Heading 1–3 styles (so Word's navigation pane and TOC work); a real TOC field (Word fills it
in when the file is opened: ``updateFields`` is set); real tables (the policy cell merged over its projects);
page numbers in the footer; the East Asian font set on every run (``w:eastAsia``, see :func:`set_run_font`).

Charts: a PNG drawn with Pillow (a WeasyPrint dependency, so always installed) and the values in a table
beside it; when Pillow or the font is unavailable the chart is left out and the table remains. Pictures get
their drawing ids from a counter (:class:`Pictures`): python-docx's ``add_picture`` searches the whole
document for a free id each time, which made a large plan quadratic.

Every text goes through :func:`add_run`, which drops the characters XML forbids (``safety.clean_text``);
core properties are cut to the 255 characters the format allows. A draft has 案 in the header of every
section and 「（案）」 before its title.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shape import InlineShape
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from shinchoku.documents.chart_png import indicator_png
from shinchoku.documents.charts import chart_title
from shinchoku.documents.model import IndicatorView, ProjectSheet, ReportModel, TextItem
from shinchoku.documents.safety import DRAFT_MARK, DRAFT_NOTICE, clean_text, clip, draft_title

EAST_ASIA_FONT = "游ゴシック"  # present on Windows 8.1+ and macOS; LibreOffice substitutes a Japanese gothic
LATIN_FONT = "游ゴシック"
HEADER_SHADE = "E4EBF4"
CONTENT_WIDTH = Mm(178)
LABEL_WIDTH = Mm(38)  # the label column of a project sheet
HEADING_STYLE_IDS = {1: "Heading1", 2: "Heading2", 3: "Heading3"}  # python-docx's default template
CORE_PROPERTY_LIMIT = 255  # characters; python-docx refuses a longer title or author
DRAFT_COLOR = "B03A2E"


# --------------------------------------------------------------------------------------------- low-level helpers


_EAST_ASIA, _ASCII, _H_ANSI, _R_FONTS = qn("w:eastAsia"), qn("w:ascii"), qn("w:hAnsi"), qn("w:rFonts")
_THEMES = tuple(qn(t) for t in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))


def _font_element(rpr: Any) -> Any:
    fonts = rpr.find(_R_FONTS)
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in _THEMES:
        fonts.attrib.pop(theme, None)  # a theme font would win over the explicit one
    return fonts


def _grid_style(table: Table) -> None:
    """Word's "Table Grid" style, by id (``Table.style = …`` looks the default style up again every time)."""
    table._tbl.tblPr.style = "TableGrid"


def grid(table: Table) -> list[list[_Cell]]:
    """The table's cells by row and column, computed once (``Table.cell`` recomputes the whole grid)."""
    cells = table._cells
    cols = len(table.columns)
    return [cells[i : i + cols] for i in range(0, len(cells), cols)]


def set_run_font(run: Run, *, bold: bool | None = None, size: float | None = None) -> Run:
    """Give ``run`` the Latin and the East Asian font (``w:eastAsia``): every run of the document goes here."""
    fonts = _font_element(run._r.get_or_add_rPr())
    fonts.set(_EAST_ASIA, EAST_ASIA_FONT)
    fonts.set(_ASCII, LATIN_FONT)
    fonts.set(_H_ANSI, LATIN_FONT)
    if bold is not None:
        run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    return run


_SPACE = qn("xml:space")


def add_run(paragraph: Paragraph, text: str, *, bold: bool | None = None, size: float | None = None) -> Run:
    """Append a run built directly in XML (python-docx's ``add_run`` + ``run.text`` is ~3x slower), with
    the fonts of :func:`set_run_font`; a newline in ``text`` becomes a line break."""
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    fonts.set(_ASCII, LATIN_FONT)
    fonts.set(_H_ANSI, LATIN_FONT)
    fonts.set(_EAST_ASIA, EAST_ASIA_FONT)
    rpr.append(fonts)
    if bold:
        rpr.append(OxmlElement("w:b"))
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), str(round(size * 2)))
            rpr.append(element)
    r.append(rpr)
    for i, line in enumerate(clean_text(text).split("\n")):
        if i:
            r.append(OxmlElement("w:br"))
        if line:
            t = OxmlElement("w:t")
            t.text = line
            t.set(_SPACE, "preserve")
            r.append(t)
    paragraph._p.append(r)
    return Run(r, paragraph)


class Pictures:
    """Inline pictures with drawing ids (``wp:docPr/@id``) from a counter, one per document."""

    def __init__(self, document: Any) -> None:
        self.part = document.part
        self.next_id = self.part.next_id  # the one search of the document: nothing else adds drawings

    def add(self, run: Run, image: bytes, width: Length, description: str) -> InlineShape:
        r_id, picture = self.part.get_or_add_image(BytesIO(image))
        cx, cy = picture.scaled_dimensions(width, None)
        inline = CT_Inline.new_pic_inline(self.next_id, r_id, picture.filename, cx, cy)
        self.next_id += 1
        inline.docPr.set("descr", clean_text(description))
        run._r.add_drawing(inline)
        return InlineShape(inline)


def _style_fonts(document: Any) -> None:
    for style in document.styles:
        if style.type != 1:  # paragraph styles only
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = _font_element(rpr)
        fonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    sizes = {"Title": 20, "Heading 1": 15, "Heading 2": 13, "Heading 3": 12}
    for name, size in sizes.items():
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)


def _shade(cell: _Cell, fill: str = HEADER_SHADE) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cell(
    cell: _Cell, text: str, *, header: bool = False, align: Any = None, size: float | None = None
) -> None:
    paragraph = cell.paragraphs[0]
    lines = text.split("\n") if text else [""]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        run = add_run(paragraph, line, bold=True if header else None, size=size)
        del run
        if align is not None:
            paragraph.alignment = align
    if header:
        _shade(cell)


def _table(document: Any, rows: int, cols: int, widths: Sequence[int] | None = None) -> Table:
    # Not document.add_table: it measures the last section for the width, an XPath over the whole body
    # per table (quadratic in the number of projects). The width is the content width, known here.
    table = document._body.add_table(rows, cols, CONTENT_WIDTH)
    _grid_style(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if widths:
        # LibreOffice lays a table out by its grid (w:gridCol) and Word by the cells' widths: set both.
        for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
            grid_col.set(qn("w:w"), str(int(width) // 635))  # EMU → twips
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = width
    return table


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (TOC, PAGE) with a placeholder result Word replaces when fields are updated."""

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    begin = add_run(paragraph, "")
    begin._r.append(char("begin"))
    instr_run = add_run(paragraph, "")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    instr_run._r.append(instr)
    add_run(paragraph, "")._r.append(char("separate"))
    add_run(paragraph, placeholder)
    add_run(paragraph, "")._r.append(char("end"))


def _bullets(container: Any, items: list[TextItem] | list[str], size: float | None = None) -> None:
    """Items as paragraphs with a hanging "・" (items that carry their own mark are printed as they are)."""
    for item in items:
        text, marked = (item.text, item.marked) if isinstance(item, TextItem) else (item, False)
        last = container.paragraphs[-1]
        fresh = not last.text and container._element[-1] is last._p and len(container.paragraphs) == 1
        paragraph = last if fresh else container.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(0 if marked else 3.5)
        paragraph.paragraph_format.first_line_indent = Mm(0 if marked else -3.5)
        add_run(paragraph, text if marked else f"・{text}", size=size)


def _heading(document: Any, text: str, level: int) -> Paragraph:
    paragraph = document.add_paragraph()
    # By id: add_heading looks the style up by name in the styles part (an XPath) for every heading.
    paragraph._p.style = HEADING_STYLE_IDS[level]
    add_run(paragraph, text)
    return paragraph


def _paragraph(document: Any, text: str, **kwargs: Any) -> Paragraph:
    paragraph = document.add_paragraph()
    add_run(paragraph, text, **kwargs)
    return paragraph


def _page_break(document: Any) -> None:
    add_run(document.add_paragraph(), "").add_break(WD_BREAK.PAGE)


# --------------------------------------------------------------------------------------------- the parts


def _cover(document: Any, report: ReportModel) -> None:
    for _ in range(6):
        document.add_paragraph()
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(title, report.cover_year)
    add_run(title, "").add_break()
    add_run(title, report.title)
    add_run(title, "").add_break()
    add_run(title, report.subtitle, size=16)
    for _ in range(10):
        document.add_paragraph()
    if report.published:
        _paragraph(document, report.published, size=14).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, report.municipality, size=18).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_break(document)
    toc_title = _paragraph(document, "目次", bold=True, size=14)
    toc_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(
        document.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        "（目次はWordで開いたときに更新されます：右クリック→フィールド更新）",
    )
    _page_break(document)


def _section1(document: Any, report: ReportModel) -> None:
    _heading(document, report.labels.section1, 1)
    for section in report.narrative:
        _heading(document, f"({section.number}) {section.heading}", 2)
        for block in section.blocks:
            if block.kind == "paragraph":
                paragraph = _paragraph(document, block.text)
                paragraph.paragraph_format.first_line_indent = Pt(10.5)
            else:
                for grade in report.grades:
                    item = _paragraph(document, f"・ {grade.code}：{grade.description}")
                    item.paragraph_format.left_indent = Mm(8)


def _box(document: Any, title: str) -> _Cell:
    table = _table(document, 2, 1, [CONTENT_WIDTH])
    cells = grid(table)
    _cell(cells[0][0], title, header=True)
    return cells[1][0]


def _section2(document: Any, report: ReportModel) -> None:
    _page_break(document)
    _heading(document, report.labels.section2, 1)
    for ov in report.overviews:
        _heading(document, f"({ov.number}) {ov.name}", 2)
        if ov.rows:
            cols = 3 if ov.with_policy else 2
            widths = [Mm(55), Mm(98), Mm(25)] if ov.with_policy else [Mm(153), Mm(25)]
            table = _table(document, len(ov.rows) + 1, cols, widths)
            cells = grid(table)
            headers = ["施策", "個別事業計画", "進捗状況"][3 - cols :]
            for c, text in enumerate(headers):
                _cell(cells[0][c], text, header=True)
            _repeat_header(table)
            for r, row in enumerate(ov.rows, start=1):
                if ov.with_policy and row.policy_rowspan:
                    cell = cells[r][0]
                    if row.policy_rowspan > 1:
                        cell = cell.merge(cells[r + row.policy_rowspan - 1][0])
                    _cell(cell, row.policy or "")
                _cell(cells[r][cols - 2], row.project)
                _cell(cells[r][cols - 1], row.grade, align=WD_ALIGN_PARAGRAPH.CENTER)
            document.add_paragraph()
            body = _box(document, report.labels.non_b)
            if not ov.non_b:
                _cell(body, "該当なし")
            for i, entry in enumerate(ov.non_b):
                paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
                add_run(paragraph, f"○{entry.project}（{entry.grade}）", bold=True)
                _bullets(body, entry.items)
            document.add_paragraph()
        if ov.under_consideration:
            body = _box(document, report.labels.under_consideration)
            for i, consideration in enumerate(ov.under_consideration):
                paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
                add_run(paragraph, consideration.heading, bold=True)
                _bullets(body, consideration.items)
            document.add_paragraph()


def _indicator(cell: _Cell, indicator: IndicatorView, report: ReportModel, pictures: Pictures) -> None:
    years = report.plan_years
    table = cell.add_table(rows=3, cols=len(years) + 1)
    _grid_style(table)
    cells = grid(table)
    _cell(cells[0][0], "", header=True)
    for c, header in enumerate(report.year_headers, start=1):
        _cell(cells[0][c], header, header=True, size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, label in ((1, "目標"), (2, "実績")):
        _cell(cells[r][0], label, header=True, size=8.5)
        for c, fy in enumerate(years, start=1):
            year = indicator.year(fy)
            text = "—" if year is None else (year.target_text if r == 1 else year.actual_text)
            _cell(cells[r][c], text, size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if indicator.note:
        add_run(cell.add_paragraph(), indicator.note, size=8)
    png = indicator_png(indicator) if indicator.has_chart else None
    if png is not None:
        pictures.add(add_run(cell.add_paragraph(), ""), png, Mm(110), chart_title(indicator))


def _project(document: Any, report: ReportModel, p: ProjectSheet, pictures: Pictures) -> None:
    heading = _heading(document, p.name, 3)
    for tag in p.tags:
        add_run(heading, f"　［{tag}］", size=9)
    table = _table(document, 0, 2, [LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH])
    rows: list[tuple[str, Any]] = [
        ("担当部署", p.departments),
        ("事業概要", "\n".join(p.overview)),
        ("目指す姿", "\n".join(p.vision)),
        (
            report.labels.comprehensive_plan,
            "\n".join(x for x in (p.comprehensive_area, p.comprehensive_policy) if x),
        ),
        ("スケジュール", "schedule"),
        *[(ind.name, ind) for ind in p.indicators],
        (report.labels.results, "results"),
        (report.labels.challenges, p.challenges),
        (report.labels.next_year, p.next_year),
    ]
    for label, content in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH
        _cell(cells[0], label, header=True, size=9.5)
        body = cells[1]
        if content == "schedule":
            schedule = body.add_table(rows=len(p.schedule) + 1, cols=len(report.plan_years))
            _grid_style(schedule)
            cells = grid(schedule)
            for c, header in enumerate(report.year_headers):
                _cell(cells[0][c], header, header=True, size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
            for r, line in enumerate(p.schedule, start=1):
                for c, text in enumerate(line):
                    _cell(cells[r][c], text, size=8.5)
        elif isinstance(content, IndicatorView):
            _indicator(body, content, report, pictures)
        elif content == "results":
            for block in p.results:
                if block.kind == "items":
                    _bullets(body, block.items)
                elif block.table is not None:
                    width = len(block.table.cells[0]) if block.table.cells else 2
                    small = body.add_table(rows=0, cols=width)
                    _grid_style(small)
                    for line in block.table.cells:
                        cells_ = small.add_row().cells
                        for c, text in enumerate(line):
                            _cell(
                                cells_[c], text, size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT if c % 2 else None
                            )
                    if block.table.total:
                        total = small.add_row().cells
                        merged = total[0].merge(total[-1])
                        _cell(merged, block.table.total, size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
                    body.add_paragraph()
        elif isinstance(content, list):
            _bullets(body, content)
        else:
            _cell(body, str(content))
    document.add_paragraph()


def _section3(document: Any, report: ReportModel, pictures: Pictures) -> None:
    _page_break(document)
    _heading(document, report.labels.section3, 1)
    _paragraph(document, "（施策の体系）", bold=True, size=12)
    for pillar in report.tree:
        _paragraph(document, f"■ {pillar.name}", bold=True)
        for policy in pillar.policies:
            indent = Mm(5)
            if policy.name:
                _paragraph(document, policy.name).paragraph_format.left_indent = indent
                indent = Mm(10)
            for name in policy.projects:
                _paragraph(document, f"└ {name}").paragraph_format.left_indent = indent
    for ps in report.pillar_sheets:
        _page_break(document)
        _heading(document, f"({ps.number}) {ps.name}", 2)
        for p in ps.projects:
            _project(document, report, p, pictures)


def _footer_page_numbers(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")


def _draft_header(section: Any) -> None:
    """案 in a red box at the right of the header (every page of the section), with the notice beside it."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_run(paragraph, f"{DRAFT_NOTICE}　", size=8)
    mark = add_run(paragraph, DRAFT_MARK, bold=True, size=14)
    rpr = mark._r.get_or_add_rPr()
    color = OxmlElement("w:color")
    color.set(qn("w:val"), DRAFT_COLOR)
    rpr.insert(rpr.index(rpr.find(qn("w:sz"))), color)  # CT_RPr's order: … color … sz szCs … bdr
    border = OxmlElement("w:bdr")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", DRAFT_COLOR)):
        border.set(qn(f"w:{key}"), value)
    rpr.append(border)


def render_docx(report: ReportModel, *, draft: bool) -> bytes:
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    section.top_margin = section.bottom_margin = Mm(18)
    _style_fonts(document)
    _footer_page_numbers(section)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    lang = document.styles["Normal"].element.get_or_add_rPr()
    lang_element = OxmlElement("w:lang")
    lang_element.set(qn("w:val"), "ja-JP")
    lang_element.set(qn("w:eastAsia"), "ja-JP")
    lang.append(lang_element)

    _cover(document, report)
    _section1(document, report)
    _section2(document, report)
    _section3(document, report, Pictures(document))
    if draft:
        for each in document.sections:
            _draft_header(each)

    props = document.core_properties
    props.title = clip(clean_text(draft_title(report.full_title, draft)), CORE_PROPERTY_LIMIT)
    props.author = clip(clean_text(report.municipality), CORE_PROPERTY_LIMIT)
    props.language = "ja-JP"
    out = BytesIO()
    document.save(out)
    return out.getvalue()
