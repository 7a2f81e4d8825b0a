"""What every part of the report parser shares: the input's lines, the error constructor, the fiscal year.

The parser is split by report section (cover.py, summary.py, sheets.py); each part is a mixin over this base so
that they all raise errors the same way, with the 1-based line of the input.
"""

from __future__ import annotations

import re

from shinchoku.importing.errors import ReportFormatError, ReportWarning
from shinchoku.importing.text import collapse, key
from shinchoku.interchange.validation import FORBIDDEN_CHARACTERS

# Markdown a converter may wrap a heading or the cover in (``# 1 …``, ``**令和6…``); only on lines without cells.
_MARKUP_START = re.compile(r"^\s*(?:#{1,6}\s+|\*\*)")
_MARKUP_END = re.compile(r"\*\*\s*$")
# Page furniture: ``12``, ``- 12 -``, ``－ 12 －``, ``12 / 40``, ``P.12`` on a line of their own.
_PAGE_NUMBER = re.compile(r"^[-－–―ー‐\s]*(?:[Pp]\.?\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-－–―ー‐\s]*$")


def split_cells(line: str) -> list[str]:
    return line.split("\t")


def _normalise(line: str) -> str:
    line = line.replace("\ufeff", "")
    if "\t" in line:
        return line
    return _MARKUP_END.sub("", _MARKUP_START.sub("", line))


def line_of(cells: list[str]) -> str:
    return collapse(" ".join(c for c in cells if c.strip()))


class ParserBase:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        # Line-for-line normalisation only: error messages must keep pointing at the input's own lines.
        # Form feed and vertical tab are a converter's page breaks: spacing, like the whitespace around them.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ").replace("\v", " ")
        self.lines = [_normalise(line) for line in text.split("\n")]
        self.refuse_control_characters()
        self.fiscal_year = 0
        self.warnings: list[ReportWarning] = []
        # JSON path of a part of the document -> the 1-based line it was read from (see ParseResult.line_of).
        self.locations: dict[str, int] = {}

    def refuse_control_characters(self) -> None:
        """The same characters the document refuses (NUL, other controls, U+FFFE/U+FFFF), named at their line
        and column here rather than at a JSON path of the document they would end up in."""
        for n, line in enumerate(self.lines, start=1):
            bad = FORBIDDEN_CHARACTERS.search(line)
            if bad:
                around = line[max(0, bad.start() - 20) : bad.end() + 20]
                raise self.error(n, f"text without control characters (column {bad.start() + 1})", around)

    def locate(self, path: str, line: int) -> None:
        self.locations.setdefault(path, line)

    def error(self, line: int | None, expected: str, found: str) -> ReportFormatError:
        return ReportFormatError(expected, found, line=line, source=self.source)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ReportWarning(self.source, line, message))

    def line_with(self, text: str, start: int, end: int) -> int:
        """The 1-based line in ``start..end`` holding ``text`` (a cell's item), for a warning that names it.

        Items of a cell lose their line when a page break splits the cell; the text itself finds it again.
        """
        wanted = key(text)[:12]
        for n in range(start, min(end, len(self.lines)) + 1):
            if wanted and wanted in key(self.lines[n - 1]):
                return n
        return start

    def eof(self, expected: str) -> ReportFormatError:
        return self.error(len(self.lines), expected, "end of file")

    def blank_page_furniture(self, start: int, title_keys: set[str]) -> None:
        """Blank the lines a page break leaves between rows: page numbers and running headers.

        ``start`` is the 0-based index after the 目次; a running header is a cell-less line repeating the
        report's title (or the plan name with 進行管理報告書). Blanking keeps the line numbering.
        """
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if "\t" in line or not line.strip():
                continue
            if _PAGE_NUMBER.match(line) or key(line) in title_keys:
                self.lines[i] = ""
