"""Tables and text blocks of the ReportLab PDF that stay fast however long the stored text is.

ReportLab re-wraps the rest of a table, and the rest of a paragraph, every time it splits one across a page,
so one paragraph or one table holding a whole long field costs pages × length: 3 fields × 3,000 lines took
101 s. Here text is one paragraph per line (:func:`lines`) and a long list of flowables is laid out as a
stack of small tables of at most :data:`CHUNK` flowables each (:func:`ruled_field`) that join without a
visible seam, so each piece is wrapped a bounded number of times and the time grows with the length.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from shinchoku.documents.model import TextItem
from shinchoku.documents.pdf_reportlab_styles import (
    BASE,
    BORDER,
    CELL_PAD_H,
    CELL_PAD_V,
    FONT,
    RULE,
    TH_BG,
    Styles,
    markup,
)

SPLIT_IN_ROW = 3 * BASE  # a row may split inside when at least this much of it fits (long cells)
SMALL_PAD_V = 0.15 * 9
SMALL_PAD_H = 0.3 * 9
CHUNK = 4  # flowables per table of a stack: few, so that splitting one at a page break stays cheap
LINES = 10  # a text of more lines is one paragraph per line


def grid(
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


def table(
    data: list[list[Any]],
    widths: list[float],
    style: TableStyle,
    repeat: int = 0,
    cls: type[Table] = Table,
    **kw: Any,
) -> Table:
    kw.setdefault("splitInRow", SPLIT_IN_ROW)
    made = cls(data, colWidths=widths, style=style, repeatRows=repeat, **kw)
    made.setStyle([("FONT", (0, 0), (-1, -1), FONT, BASE)])  # empty cells: no Helvetica in the PDF
    made.hAlign = "LEFT"
    return made


@cache
def _line_styles(style: ParagraphStyle) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """The first, middle and last line of a long text: the paragraph's spacing only around the whole, its
    first-line indent only on the first line (as one paragraph with line breaks would print)."""
    first = ParagraphStyle(f"{style.name}-first", parent=style, spaceAfter=0)
    middle = ParagraphStyle(
        f"{style.name}-middle", parent=style, spaceBefore=0, spaceAfter=0, firstLineIndent=0
    )
    last = ParagraphStyle(f"{style.name}-last", parent=style, spaceBefore=0, firstLineIndent=0)
    return first, middle, last


def lines(text: str, style: ParagraphStyle, bullet: str | None = None, prefix: str = "") -> list[Flowable]:
    """``text`` as one paragraph, or, with more than :data:`LINES` lines, one paragraph per line that together
    look like one (``bullet`` on the first); ``prefix`` is markup put before it. (Line breaks inside one
    paragraph take ReportLab's slower line breaking, and a paragraph split at a page is wrapped again.)"""
    parts = text.split("\n")
    if len(parts) <= LINES:
        return [Paragraph(prefix + markup(text), style, bulletText=bullet)]
    first, middle, last = _line_styles(style)
    out: list[Flowable] = []
    for i, part in enumerate(parts):
        st = first if i == 0 else last if i == len(parts) - 1 else middle
        if not part.strip() and 0 < i < len(parts) - 1:
            out.append(Spacer(1, style.leading))  # an empty line keeps its height
            continue
        head = prefix if i == 0 else ""
        out.append(Paragraph(head + markup(part), st, bulletText=bullet if i == 0 else None))
    return out


def items(entries: list[TextItem] | list[str], st: Styles) -> list[Flowable]:
    """Text items with a "・" bullet; items that carry their own mark (①, ○, 【…】) are printed as they are."""
    out: list[Flowable] = []
    for item in entries:
        text, marked = (item.text, item.marked) if isinstance(item, TextItem) else (item, False)
        out += lines(text, st.marked) if marked else lines(text, st.bullet, bullet="・")
    return out


def chunks(flowables: list[Flowable], size: int = CHUNK) -> list[list[Flowable]]:
    return [flowables[i : i + size] for i in range(0, len(flowables), size)] or [[]]


def ruled_field(label: Flowable | str, content: list[Flowable], widths: list[float]) -> list[Flowable]:
    """One row of a two-column sheet (shaded label | content).

    Up to :data:`CHUNK` flowables it is a one-row table, as a grid row would be. A longer content continues
    below that table as :class:`Ruled` flowables in the frame itself, which draw the row's sides and shading
    around each line: a table re-wraps its cells when it is split and again when it is drawn, a flowable in
    the frame is wrapped once, so thousands of lines cost time in proportion.
    """
    head, rest = content[:CHUNK], content[CHUNK:]
    if rest:  # the row goes on below the table: no bottom line, no bottom padding
        frame = [
            ("LINEABOVE", (0, 0), (-1, 0), BORDER, RULE),
            ("LINEBEFORE", (0, 0), (-1, -1), BORDER, RULE),
            ("LINEAFTER", (-1, 0), (-1, -1), BORDER, RULE),
            ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), BORDER, RULE),
        ]
    else:
        frame = [("BOX", (0, 0), (-1, -1), BORDER, RULE), ("LINEAFTER", (0, 0), (0, -1), BORDER, RULE)]
    cmds: list[tuple[Any, ...]] = [
        *frame,
        ("BACKGROUND", (0, 0), (0, -1), TH_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_H),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_H),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_V),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0 if rest else CELL_PAD_V + 1),
    ]
    first = table([[label, head or ""]], widths, TableStyle(cmds))
    end = len(rest) - 1
    return [first, *(Ruled(f, widths, last=i == end) for i, f in enumerate(rest))]


class Ruled(Flowable):
    """One flowable of a sheet row's content column, drawn with the row's side lines and shaded label
    column around it (and the bottom line and padding when it is the row's ``last``). At the top of a page
    it draws the row's top line too, so a row continued on a new page is closed there."""

    def __init__(self, content: Flowable, widths: list[float], *, last: bool) -> None:
        super().__init__()
        self.content, self.widths, self.last = content, widths, last
        self.inner = widths[1] - 2 * CELL_PAD_H
        self.pad_bottom = CELL_PAD_V + 1 if last else 0
        self.at_top = False

    def _gaps(self) -> tuple[float, float]:
        return self.content.getSpaceBefore(), self.content.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        before, after = self._gaps()
        frame = getattr(self, "_frame", None)
        self.at_top = bool(frame is not None and frame._atTop)
        top = CELL_PAD_V if self.at_top else 0
        _, h = self.content.wrapOn(
            self.canv, self.inner, availHeight - before - after - self.pad_bottom - top
        )
        self.width = sum(self.widths)
        self.height = top + before + h + after + self.pad_bottom
        self.content_height = h
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        before, after = self._gaps()
        parts = self.content.split(self.inner, availHeight - before - after - self.pad_bottom - CELL_PAD_V)
        if not parts:
            return []
        return [Ruled(p, self.widths, last=self.last and i == len(parts) - 1) for i, p in enumerate(parts)]

    def draw(self) -> None:
        canv = self.canv
        label_w, total = self.widths[0], sum(self.widths)
        canv.saveState()
        canv.setFillColor(TH_BG)
        canv.rect(0, 0, label_w, self.height, stroke=0, fill=1)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(BORDER)
        for x in (0, label_w, total):
            canv.line(x, 0, x, self.height)
        if self.at_top:
            canv.line(0, self.height, total, self.height)
        if self.last:
            canv.line(0, 0, total, 0)
        canv.restoreState()
        _, after = self._gaps()
        self.content.drawOn(canv, label_w + CELL_PAD_H, self.pad_bottom + after)
