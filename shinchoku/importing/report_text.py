"""Parser of a published progress report (進行管理報告書) converted from PDF to text.

The text keeps the PDF's tables as tab-separated rows, with HTML fragments inside some cells. Everything is
located by the document's own markers (目次, numbered headings, row labels), never by position, so another
year's report of the same form parses too. See ``tests/importing/test_report_text.py`` for the facts checked
and ``tests/importing/test_report_variants.py`` for the conversion variants and malformed input it handles.

Layout: this module assembles the document; ``cover.py`` reads the cover, 目次 and section 1, ``summary.py``
section 2 (grade tables), ``sheets.py`` section 3 (project sheets), ``indicators.py`` the indicators of a sheet
(numeric tables and the text-form block), ``actuals.py`` the forms of a text-form target and its actual,
``text.py`` cell text and HTML fragments, ``base.py`` the shared line handling, errors and warnings.

``parse_report`` returns the document with its warnings: text a later year's report adds that is kept as written
(an indicator's note, the project's results) because it could not be read as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shinchoku.importing.cover import CoverParser
from shinchoku.importing.errors import ReportFormatError, ReportWarning
from shinchoku.importing.indicators import IndicatorParser
from shinchoku.importing.sheets import Sheet, SheetParser
from shinchoku.importing.summary import Entry, SummaryParser
from shinchoku.importing.text import Table, clean_name, collapse, key, parse_value
from shinchoku.interchange.document import (
    FORMAT,
    ComprehensivePlanDoc,
    Document,
    ProjectDoc,
    ResultTableDoc,
    ResultTableRowDoc,
)

_PLAN_POLICY = re.compile(r"[0-9０-９]+\s*[-－‐―−]\s*[0-9０-９]+")


class _Parser(CoverParser, SummaryParser, SheetParser, IndicatorParser):
    # --- top-level structure ---------------------------------------------------------------------------

    def parse(self) -> Document:
        toc_index = self.check_is_report()
        toc, toc_end = self.parse_toc(toc_index)
        cover = self.parse_cover(toc_index)
        self.blank_page_furniture(toc_end, cover["running_headers"])
        bounds = self.find_sections(toc, toc_end)
        self.fiscal_year = cover["fiscal_year"]
        for path in ("municipality", "plan", "report"):
            self.locate(path, cover["title_line"])
        self.locate("report.narrative", bounds[0][0])
        self.locate("grade_scale", bounds[0][0])
        self.locate("pillars", bounds[1][0])
        self.locate("under_consideration", bounds[1][0])
        self.locate("projects", bounds[2][0])

        narrative, grades, adopted, revisions = self.parse_section1(bounds[0], toc[0])
        codes = [g["code"] for g in grades]
        pillars, entries, under = self.parse_section2(bounds[1], toc[1], codes)
        sheets = self.parse_section3(bounds[2], [p["name"] for p in pillars])
        projects = self.assemble(sheets, entries)

        years = [y for s in sheets for _, y in s.years]
        if not years:
            raise self.error(
                bounds[2][0], "a project sheet with a スケジュール row", self.lines[bounds[2][0] - 1]
            )
        plan_name = cover["plan_name"]
        return {
            "format": FORMAT,
            "municipality": cover["municipality"],
            "plan": {
                "name": plan_name,
                "start_fiscal_year": min(years),
                "end_fiscal_year": max(years),
                "adopted": adopted,
                "revisions": revisions,
            },
            "report": {
                "title": cover["title"],
                "fiscal_year": self.fiscal_year,
                "published": cover["published"],
                # A progress report converted from its PDF is the city's published document.
                "status": "published",
                "narrative": narrative,
            },
            "grade_scale": grades,
            "pillars": pillars,
            "projects": projects,
            "under_consideration": under,
        }

    # --- assembly -----------------------------------------------------------------------------------------

    def assemble(self, sheets: list[Sheet], entries: list[Entry]) -> list[ProjectDoc]:
        by_key = {key(e.name): e for e in entries}
        used: dict[str, Sheet] = {}
        projects: list[ProjectDoc] = []
        for sheet in sheets:
            k = key(sheet.name)
            entry = by_key.get(k)
            name = sheet.name
            if entry is None:
                entry = self.near_match(k, [e for e in entries if key(e.name) not in used])
                if entry is not None:
                    # A one-character OCR slip (实践 for 実践): the grade table's spelling is the proper one.
                    name = entry.name
            if entry is None:
                raise self.error(
                    sheet.line,
                    f"project {sheet.name!r} to be listed in a section 2 grade table",
                    sheet.heading,
                )
            ek = key(entry.name)
            if ek in used:
                raise self.error(sheet.line, f"one sheet for project {sheet.name!r}", "a second sheet")
            used[ek] = sheet
            self.locate(f"projects[{len(projects)}]", sheet.line)
            for j, ind in enumerate(sheet.indicators):
                self.locate(f"projects[{len(projects)}].indicators[{j}]", ind.line)
            projects.append(self.project(sheet, entry, name))
        for entry in entries:
            if key(entry.name) not in used:
                raise self.error(
                    entry.line,
                    f"a section 3 sheet for project {entry.name!r}",
                    "no such sheet up to the end of file",
                )
        return projects

    @staticmethod
    def near_match(k: str, candidates: list[Entry]) -> Entry | None:
        near = [
            e
            for e in candidates
            if len(key(e.name)) == len(k) and sum(a != b for a, b in zip(key(e.name), k, strict=True)) == 1
        ]
        return near[0] if len(near) == 1 else None

    def project(self, sheet: Sheet, entry: Entry, name: str) -> ProjectDoc:
        def items(kind: str) -> list[str]:
            return sheet.contents[kind].texts() if kind in sheet.contents else []

        results = sheet.contents["results"]
        indicators, leftovers = self.indicators(sheet)
        return {
            "name": name,
            "pillar": entry.pillar,
            "policy": entry.policy,
            "tags": sheet.tags,
            "departments": sheet.departments or [],
            "overview": "\n".join(items("overview")),
            "vision": "\n".join(items("vision")),
            "comprehensive_plan": _plan_link(" ".join(items("plan_link"))),
            "schedule": sheet.schedule,
            "indicators": indicators,
            "grade": entry.grade,
            # Appended, so the result tables' ``after`` indexes still point at the items they follow.
            "results": results.texts() + leftovers,
            "result_tables": [t for t in map(_result_table, results.tables) if t is not None],
            "challenges": items("challenges"),
            "next_year": items("next_year"),
            "non_b_summary": entry.non_b_summary,
        }


def _plan_link(text: str) -> ComprehensivePlanDoc | None:
    """``① 防災・生活・環境 2-1 持続可能な…`` -> area and policy; the policy starts at its ``2-1`` number."""
    text = collapse(text)
    if not text:
        return None
    m = _PLAN_POLICY.search(text)
    if not m or m.start() == 0:
        return {"area": text, "policy": ""}
    return {"area": text[: m.start()].strip(), "policy": text[m.start() :].strip()}


def _result_table(table: Table) -> ResultTableDoc | None:
    """Label/value pairs of a small table in the results; ``計 8, 011件`` is the total."""
    rows: list[ResultTableRowDoc] = []
    total: ResultTableRowDoc | None = None
    label: str | None = None
    for cell in (c for row in table.rows for c in row if c.strip()):
        m = re.match(r"^(合計|計|総計)\s*(\S.*)$", cell)
        if m and parse_value(m.group(2)):
            v = parse_value(m.group(2))
            assert v is not None
            total = {"label": m.group(1), "value": v.number.plain(), "unit": v.unit}
            label = None
            continue
        value = parse_value(cell)
        if label is not None and value is not None:
            rows.append({"label": label, "value": value.number.plain(), "unit": value.unit})
            label = None
        else:
            label = clean_name(cell)
    if not rows:
        return None
    doc: ResultTableDoc = {"after": table.after, "rows": rows}
    if total is not None:
        doc["total"] = total
    return doc


@dataclass(frozen=True)
class ParseResult:
    document: Document
    warnings: list[ReportWarning]  # in line order; each says where the text not understood was kept
    locations: dict[str, int] = field(default_factory=dict)  # JSON path -> 1-based line it was read from

    def line_of(self, path: str) -> int | None:
        """The line a part of the document came from: the longest recorded prefix of ``path`` (``projects[3]``
        for ``projects[3].indicators[0].unit``), so a fault found in the document is named in the text."""
        while path:
            if path in self.locations:
                return self.locations[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return None
            path = path[:cut]
        return None


def parse_report(text: str, *, source: str = "<text>") -> ParseResult:
    """Parse the text form of a progress report into a ``shinchoku-report/2`` document and its warnings.

    Raises ReportFormatError (with the 1-based line) when the text does not have the report's structure.
    """
    parser = _Parser(text, source)
    document = parser.parse()
    return ParseResult(document, sorted(parser.warnings, key=lambda w: w.line), parser.locations)


def parse_report_text(text: str, *, source: str = "<text>") -> Document:
    """The document of ``parse_report``, for callers that do not show warnings."""
    return parse_report(text, source=source).document


__all__ = ["ParseResult", "ReportFormatError", "ReportWarning", "parse_report", "parse_report_text"]
