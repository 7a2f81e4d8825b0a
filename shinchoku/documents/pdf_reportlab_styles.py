"""The house style of the ReportLab PDF (fonts, colours, paragraph styles) and its small custom flowables.

Mirrors static/documents/report.css: IPAexGothic 10.5 pt, line height 1.6, the navy accents, the light blue
table headers. IPAexGothic has no bold face and no other installed Japanese font has one, so bold is the same
glyphs drawn fill-and-stroke with a hairline stroke in the text colour (:class:`BoldParagraph`): the outlines
stay the font's, text stays extractable and searchable, and the font is embedded once, as a subset.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

FONT = "IPAexGothic"
FONT_PATHS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)

PAGE_MARGIN_TB = 18 * mm
PAGE_MARGIN_LR = 16 * mm
BASE = 10.5  # pt, html { font-size }
LEADING = BASE * 1.6
EM = BASE

INK = colors.HexColor("#1a1a1a")
NAVY = colors.HexColor("#2c4f7c")
H2_BG = colors.HexColor("#eef2f7")
TH_BG = colors.HexColor("#e4ebf4")
POLICY_BG = colors.HexColor("#f3f6fa")
OTHER_GRADE_BG = colors.HexColor("#fff4d6")
RULE = colors.HexColor("#555555")
TREE_LINE = colors.HexColor("#9fb3cc")
TREE_MARK = "#6c84a3"
BADGE = colors.HexColor("#b03a2e")
FOOTER = colors.HexColor("#333333")
CELL_PAD_V = 0.25 * EM
CELL_PAD_H = 0.45 * EM
BORDER = 0.75


def _font_path() -> Path:
    for path in FONT_PATHS:
        if path.exists():
            return path
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "IPAexGothic"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if found and "ipaex" in found.lower():
        return Path(found)
    raise FileNotFoundError("IPAexGothic (fonts-ipaexfont-gothic) is not installed: run scripts/setup")


@cache
def register_fonts() -> str:
    """Registers IPAexGothic once per process (ReportLab embeds only the glyphs used, as subsets)."""
    pdfmetrics.registerFont(TTFont(FONT, str(_font_path())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


def markup(text: str) -> str:
    """User text → ReportLab mini-markup: everything escaped (``<b>`` prints as ``<b>``), newlines kept."""
    return escape(text).replace("\n", "<br/>")


def style(name: str, size: float = BASE, leading: float | None = None, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=leading if leading is not None else size * 1.6,
        textColor=kw.pop("textColor", INK),
        wordWrap="CJK",
        bulletFontName=FONT,
        bulletFontSize=size,
        **kw,
    )


class Styles:
    """Every paragraph style of the report, built once (after the font is registered)."""

    def __init__(self) -> None:
        register_fonts()
        self.body = style("body", spaceAfter=0.45 * EM)
        self.narrative = style("narrative", spaceAfter=0.45 * EM, firstLineIndent=EM)
        self.grade_item = style("grade", leftIndent=2 * EM, spaceBefore=0.1 * EM, spaceAfter=0.1 * EM)
        self.cell = style("cell")
        self.cell_para = style("cell-para", spaceAfter=0.45 * EM)
        self.cell_center = style("cell-center", alignment=TA_CENTER)
        self.th = style("th")
        self.th_center = style("th-center", alignment=TA_CENTER)
        self.bullet = style("bullet", leftIndent=EM, bulletIndent=0)
        self.marked = style("marked")
        self.entry_title = style("entry-title", spaceBefore=0.3 * EM, spaceAfter=0.1 * EM)
        small = 9
        self.small = style("small", small)
        self.small_center = style("small-center", small, alignment=TA_CENTER)
        self.small_right = style("small-right", small, alignment=TA_RIGHT)
        self.note = style("note", 8.5, spaceAfter=0.3 * EM)
        self.tree_pillar = style("tree-pillar", textColor=colors.white)
        self.tree_item = style("tree-item")
        self.toc = style("toc", alignment=TA_LEFT)
        self.cover_title = style("cover-title", 22, 22 * 1.7, alignment=TA_CENTER)
        self.cover_sub = style("cover-sub", 16, 22 * 1.7, alignment=TA_CENTER)
        self.cover_date = style("cover-date", 14, alignment=TA_CENTER)
        self.h2 = style("h2", 15, 15 * 1.35)
        self.h3 = style("h3", 12.5, 12.5 * 1.35)
        self.h4 = style("h4", 11, 11 * 1.35)
        self.project = style("project", 12, 12 * 1.35)
        self.badge = style("badge", 8.5, 8.5 * 1.3, textColor=BADGE)


@cache
def styles() -> Styles:
    return Styles()


class BoldParagraph(Paragraph):
    """A paragraph drawn fill-and-stroke (text render mode 2): the bold of a font without a bold face."""

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(self.style.fontSize * 0.025)
        canv.setLineJoin(1)
        canv.setStrokeColor(self.style.textColor)
        super().draw()
        canv.restoreState()

    def beginText(self, x: float, y: float) -> Any:
        text = self.canv.beginText(x, y)
        text.setTextRenderMode(2)
        return text


def para(text: str, st: ParagraphStyle, bold: bool = False, **kw: Any) -> Paragraph:
    return (BoldParagraph if bold else Paragraph)(markup(text), st, **kw)


class Heading(Flowable):
    """h2/h3/h4 and the project title: a bold paragraph with the CSS decoration, a PDF bookmark (``key``,
    ``level``) and, in the table of contents (``toc``), its page number reported to the document."""

    # kind: (style name, space before, space after, padding (v, h), decoration)
    KINDS = {
        "h2": ("h2", 0, 0.8 * 15, (0.2 * 15, 0.4 * 15), "bar"),
        "h3": ("h3", 1.2 * 12.5, 0.5 * 12.5, (0, 0), "rule"),
        "h4": ("h4", 1.0 * 11, 0.4 * 11, (0, 0), None),
        "project": ("project", 0.4 * 12, 0.3 * 12, (0.2 * 12, 0.4 * 12), "thick-rule"),
    }

    def __init__(
        self,
        text: str,
        kind: str,
        key: str | None = None,
        level: int | None = None,
        toc: bool = False,
        tags: list[str] | tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        style_name, self.spaceBefore, self.spaceAfter, self.pad, self.decoration = self.KINDS[kind]
        self.text = text
        self.key = key
        self.level = level
        self.toc = toc
        self.tags = list(tags)
        self.keepWithNext = True
        self.para = para(text, getattr(styles(), style_name), bold=True)
        self._badge_widths = [pdfmetrics.stringWidth(t, FONT, 8.5) + 0.9 * 8.5 + 2 for t in self.tags]

    def _badges_width(self) -> float:
        return sum(w + 0.5 * 12 for w in self._badge_widths)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        pad_v, pad_h = self.pad
        left = pad_h + (6 if self.decoration == "bar" else 0)
        self._text_x = left
        inner = availWidth - left - pad_h
        one_line = pdfmetrics.stringWidth(self.text, FONT, self.para.style.fontSize)
        self._inline_badges = one_line + self._badges_width() <= inner
        if not self._inline_badges:
            inner -= self._badges_width()
        _, h = self.para.wrap(inner, availHeight)
        self.width, self.height = availWidth, h + 2 * pad_v
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        pad_v, _ = self.pad
        if self.decoration == "bar":
            canv.setFillColor(H2_BG)
            canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            canv.setFillColor(NAVY)
            canv.rect(0, 0, 6, self.height, stroke=0, fill=1)
        elif self.decoration in ("rule", "thick-rule"):
            canv.setStrokeColor(NAVY)
            canv.setLineWidth(1 if self.decoration == "rule" else 1.5)
            y = -0.1 * self.para.style.fontSize if self.decoration == "rule" else 0
            canv.line(0, y, self.width, y)
        self.para.drawOn(canv, self._text_x, pad_v)
        if self.tags:
            self._draw_badges()
        if self.key:
            canv.bookmarkHorizontal(self.key, 0, self.height + 4)
            canv.addOutlineEntry(self.text, self.key, level=self.level or 0, closed=(self.level or 0) >= 1)

    def _draw_badges(self) -> None:
        canv = self.canv
        size = self.para.style.fontSize
        first_line_baseline = self.height - self.pad[0] - size * 1.05
        if self._inline_badges:
            x = self._text_x + pdfmetrics.stringWidth(self.text, FONT, size) + 0.5 * 12
        else:
            x = self.width - self.pad[1] - self._badges_width() + 0.5 * 12
        canv.saveState()
        canv.setStrokeColor(BADGE)
        canv.setFillColor(BADGE)
        canv.setLineWidth(1)
        for tag, w in zip(self.tags, self._badge_widths, strict=True):
            canv.roundRect(x, first_line_baseline - 2.5, w, 8.5 * 1.3 + 1, 3, stroke=1, fill=0)
            text = canv.beginText(x + 0.45 * 8.5 + 1, first_line_baseline)
            text.setFont(FONT, 8.5)
            text.setTextRenderMode(2)
            canv.setLineWidth(0.25)
            text.textOut(tag)
            canv.drawText(text)
            canv.setLineWidth(1)
            x += w + 0.5 * 12
        canv.restoreState()


class Bookmark(Flowable):
    """A zero-size anchor: a PDF bookmark (outline entry) and link destination at this point."""

    def __init__(self, title: str, key: str, level: int) -> None:
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.keepWithNext = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 4)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level >= 1)


class SpacedLine(Flowable):
    """One centred line with letter spacing (目 次, 柏 崎 市), optionally bold."""

    def __init__(
        self, text: str, size: float, spacing: float, space_before: float = 0, space_after: float = 0,
        background: Any = None, bold: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.text, self.size, self.spacing, self.background, self.bold = text, size, spacing, background, bold
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.size * 1.6
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if self.background is not None:
            canv.setFillColor(self.background)
            canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canv.setFillColor(INK)
        canv.setStrokeColor(INK)
        canv.setLineWidth(self.size * 0.03)
        text_w = pdfmetrics.stringWidth(self.text, FONT, self.size) + self.spacing * (len(self.text) - 1)
        text = canv.beginText((self.width - text_w) / 2, self.height / 2 - self.size * 0.35)
        text.setFont(FONT, self.size)
        text.setCharSpace(self.spacing)
        if self.bold:
            text.setTextRenderMode(2)
        text.textOut(self.text)
        canv.drawText(text)


class TocEntry(Flowable):
    """``(1) 暮らしのDX ........ 7``: the title, a leader of dots and the printed page number of ``key``.

    The number is a form XObject named after ``key``, drawn here and defined when the heading is laid out
    (PDF allows a form to be used before it is defined), so the table of contents costs no second layout."""

    NUMBER_GAP = 26.0

    def __init__(self, text: str, key: str, indent: float) -> None:
        super().__init__()
        self.text, self.key, self.indent = text, key, indent
        self.para = para(text, styles().toc)
        self.spaceBefore = self.spaceAfter = 0.25 * EM

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _, h = self.para.wrap(availWidth - self.indent - self.NUMBER_GAP - 3 * EM, availHeight)
        self.height = h
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        self.para.drawOn(canv, self.indent, 0)
        lines = self.para.blPara.lines
        last = lines[-1] if lines else (0, [])
        extra = last[0] if isinstance(last, tuple) else getattr(last, "extraSpace", 0)
        used = self.para.width - extra
        baseline = self.height - BASE - (len(lines) - 1) * self.para.style.leading
        start = self.indent + used + BASE * 0.6
        end = self.width - self.NUMBER_GAP + BASE * 0.4
        dot = pdfmetrics.stringWidth(".", FONT, BASE)
        canv.setFillColor(INK)
        canv.setFont(FONT, BASE)
        canv.drawString(start, baseline, "." * max(3, int((end - start) / dot)))
        canv.saveState()
        canv.translate(self.width, baseline)
        canv.doForm(toc_form_name(self.key))
        canv.restoreState()
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)


def toc_form_name(key: str) -> str:
    return "tocpage-" + key


def define_page_number_form(canv: Any, key: str, number: int) -> None:
    """The printed page number of ``key``, right-aligned at the form's origin."""
    canv.beginForm(toc_form_name(key), lowerx=-60, lowery=-5, upperx=2, uppery=BASE + 2)
    canv.setFont(FONT, BASE)
    canv.setFillColor(INK)
    canv.drawRightString(0, 0, str(number))
    canv.endForm()
