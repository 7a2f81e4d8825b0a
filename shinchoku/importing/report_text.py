"""Parser of a published progress report (進行管理報告書) converted from PDF to text.

The text keeps the PDF's tables as tab-separated rows, with HTML fragments inside some cells. Everything is
located by the document's own markers (目次, numbered headings, row labels), never by position, so another
year's report of the same form parses too. See ``tests/importing/test_report_text.py`` for the facts checked.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from shinchoku.importing.errors import ReportFormatError
from shinchoku.importing.text import (
    CIRCLED,
    CellContent,
    Table,
    clean_name,
    collapse,
    is_dash,
    key,
    nfkc,
    parse_cell,
    parse_value,
)
from shinchoku.interchange.document import (
    FORMAT,
    ComprehensivePlanDoc,
    Document,
    GradeDoc,
    IndicatorDoc,
    NarrativeSectionDoc,
    PillarDoc,
    ProjectDoc,
    ResultTableDoc,
    ResultTableRowDoc,
    RevisionDoc,
    ScheduleRowDoc,
    UnderConsiderationDoc,
)
from shinchoku.wareki import ERA_YEAR, find_year_months, parse_era_year, year_from_match

_NUMBER_EXPECTED = "a number such as 1,234人 or —"
_TOC_ENTRY = re.compile(r"^\s*(?P<num>\d+|\(\d+\))\s+(?P<title>\S.*?)\s+(?P<page>\d+)\s*$")
_SUBHEADING = re.compile(r"^\s*(?:[（(]\s*[0-9０-９]+\s*[）)]|[⑴-⒇])\s*(?P<name>\S.*?)\s*$")
_GRADE_LINE = re.compile(r"^[-*\s]*[・•･]?\s*(?P<code>[A-Z]{1,2})\s*:\s*(?P<desc>\S.*)$")
_ERA_PREFIX = re.compile(r"^\s*" + ERA_YEAR + r"\s*年度\s*")
_FISCAL_YEAR_CELL = re.compile(r"^" + ERA_YEAR + r"年度$")
_RESULTS_LABEL = re.compile(r"^(?:" + ERA_YEAR + r"年度)?主な取組と成果$")
_NEXT_YEAR_LABEL = re.compile(r"^(?:" + ERA_YEAR + r"年度|次年度)?主な取組$")
_TAG = re.compile(r"^\S{1,4}重点$")
_FOOTNOTE_MARK = re.compile(r"\s*[（(]\s*(※\d*)\s*[）)]\s*$|\s*(※\d*)\s*$")
_PLAN_POLICY = re.compile(r"[0-9０-９]+\s*[-－‐―−]\s*[0-9０-９]+")
_AS_PLANNED_WORDS = ("計画どおり", "計画通り", "予定どおり", "予定通り")
_TEXT_ROWS = ("overview", "vision", "plan_link", "kpi_text", "results", "challenges", "next_year")


def _label_kind(k: str) -> str | None:
    """Kind of a sheet row from its label's key (NFKC, no whitespace), tolerant of wording around the core."""
    if k in ("担当部署", "担当課", "業務主管課"):
        return "departments"
    if k == "事業概要":
        return "overview"
    if k == "目指す姿":
        return "vision"
    if "紐付け" in k or "紐づけ" in k:
        return "plan_link"
    if k == "スケジュール":
        return "schedule"
    if k == "目標指標":
        return "kpi_text"
    if "課題と今後の展開" in k:
        return "challenges"
    if _RESULTS_LABEL.match(k):
        return "results"
    if _NEXT_YEAR_LABEL.match(k):
        return "next_year"
    return None


@dataclass
class _TocSection:
    num: str
    title: str
    line: int
    subs: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    """A project as listed in a section 2 grade table."""

    name: str
    pillar: str
    policy: str | None
    grade: str | None
    line: int
    non_b_summary: list[str] = field(default_factory=list)


@dataclass
class _Indicator:
    name: str
    marker: str | None
    line: int
    targets: dict[int, tuple[int | float, str, str | None]] = field(default_factory=dict)
    actuals: dict[int, tuple[int | float, str, str | None]] = field(default_factory=dict)


@dataclass
class _Sheet:
    name: str
    tags: list[str]
    line: int
    heading: str
    pillar: str | None
    first_row: str = ""
    departments: list[str] | None = None
    contents: dict[str, CellContent] = field(default_factory=dict)
    content_lines: dict[str, int] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)  # (column index, fiscal year)
    schedule: list[ScheduleRowDoc] = field(default_factory=list)
    indicators: list[_Indicator] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    last: str | None = None

    def table_cells(self) -> set[str]:
        return {c for content in self.contents.values() for c in content.table_cells()}


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _strip_row_number(cells: list[str]) -> list[str]:
    """Drop the page-row-number column some pages carry (``1\\tR5（2023）年度主な取組と成果\\t…``)."""
    if len(cells) >= 2 and cells[0].strip().isdigit() and _label_kind(key(cells[1])):
        return cells[1:]
    return cells


def _is_label_row(cells: list[str]) -> bool:
    head = key(cells[0])
    if _label_kind(head):
        return True
    return bool(head) and len(cells) > 1 and key(cells[1]) in ("目標", "実績")


def _year_month(text: str) -> str | None:
    found = find_year_months(nfkc(text))
    return f"{found[0][0]:04d}-{found[0][1]:02d}" if found else None


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", paragraph) if s.strip()]


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.fiscal_year = 0

    def error(self, line: int | None, expected: str, found: str) -> ReportFormatError:
        return ReportFormatError(expected, found, line=line, source=self.source)

    def eof(self, expected: str) -> ReportFormatError:
        return self.error(len(self.lines), expected, "end of file")

    # --- top-level structure ---------------------------------------------------------------------------

    def parse(self) -> Document:
        toc_index = next((i for i, line in enumerate(self.lines) if key(line) == "目次"), None)
        if toc_index is None:
            raise self.eof("a table of contents (目次)")
        toc, toc_end = self.parse_toc(toc_index)
        bounds = self.find_sections(toc, toc_end)
        cover = self.parse_cover(toc_index)
        self.fiscal_year = cover["fiscal_year"]

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
                "narrative": narrative,
            },
            "grade_scale": grades,
            "pillars": pillars,
            "projects": projects,
            "under_consideration": under,
        }

    def parse_toc(self, toc_index: int) -> tuple[list[_TocSection], int]:
        sections: list[_TocSection] = []
        i = toc_index + 1
        while i < len(self.lines):
            line = self.lines[i]
            if not line.strip():
                i += 1
                continue
            m = _TOC_ENTRY.match(nfkc(line))
            if not m:
                break
            if m.group("num").startswith("("):
                if not sections:
                    raise self.error(i + 1, "a numbered section such as '1 …' in the 目次", line.strip())
                sections[-1].subs.append(m.group("title"))
            else:
                sections.append(_TocSection(m.group("num"), m.group("title"), i + 1))
            i += 1
        if len(sections) < 3:
            found = self.lines[i].strip() if i < len(self.lines) else "end of file"
            raise self.error(
                i + 1 if i < len(self.lines) else len(self.lines), "3 numbered sections in the 目次", found
            )
        return sections, i

    def find_sections(self, toc: list[_TocSection], start: int) -> list[tuple[int, int]]:
        """(first line, end line) 1-based, end exclusive, of the bodies of sections 1-3."""
        heads: list[int] = []
        pos = start
        for section in toc:
            wanted = key(section.num + section.title)
            found = next((i for i in range(pos, len(self.lines)) if key(self.lines[i]) == wanted), None)
            if found is None:
                if len(heads) >= 3:
                    break
                raise self.eof(
                    f"the section heading '{section.num} {section.title}' listed in the 目次 at line {section.line}"
                )
            heads.append(found)
            pos = found + 1
        heads.append(len(self.lines))
        return [(heads[n] + 2, heads[n + 1] + 1) for n in range(3)] + [(heads[3] + 1, len(self.lines) + 1)]

    def parse_cover(self, toc_index: int) -> dict:  # type: ignore[type-arg]
        blocks: list[list[tuple[int, str]]] = [[]]
        for i in range(toc_index):
            text = self.lines[i].strip().strip("*#").strip()
            if text:
                blocks[-1].append((i + 1, text))
            elif blocks[-1]:
                blocks.append([])
        blocks = [b for b in blocks if b]
        if not blocks:
            raise self.error(
                toc_index + 1, "the report title on the cover before the 目次", self.lines[toc_index]
            )
        title_lines = [t for _, t in blocks[0]]
        title = title_lines[0]
        for part in title_lines[1:]:
            # The cover breaks before the parenthesised 「（…年度実績分）」; those join without a space.
            title += part if part[0] in "（(" or title[-1] in "（(" else " " + part
        title_line = blocks[0][0][0]
        m = re.search(ERA_YEAR + r"\s*年度\s*実績", nfkc(title))
        if not m:
            raise self.error(
                title_line,
                "the evaluated fiscal year such as （令和5（2023）年度実績分） in the title",
                title,
            )
        name_match = re.search(r"(?P<name>\S.*?)\s*進行管理報告書", _ERA_PREFIX.sub("", title))
        if not name_match:
            raise self.error(
                title_line, "a title naming the plan such as '…DX推進計画 進行管理報告書'", title
            )
        plan_name = clean_name(name_match.group("name"))
        published = None
        municipality = None
        for block in blocks[1:]:
            for _, text in block:
                if published is None and _year_month(text):
                    published = _year_month(text)
                elif municipality is None and re.fullmatch(r"\S{1,12}[都道府県市区町村]", key(text)):
                    municipality = collapse(text)
        if municipality is None:
            m_name = re.match(r"^(\S+?[都道府県市区町村])", plan_name)
            if not m_name:
                raise self.error(title_line, "the municipality's name on the cover", title)
            municipality = m_name.group(1)
        return {
            "title": title,
            "fiscal_year": year_from_match(m),
            "published": published,
            "municipality": municipality,
            "plan_name": plan_name,
        }

    # --- section 1 --------------------------------------------------------------------------------------

    def parse_section1(
        self, bounds: tuple[int, int], toc: _TocSection
    ) -> tuple[list[NarrativeSectionDoc], list[GradeDoc], str | None, list[RevisionDoc]]:
        narrative: list[NarrativeSectionDoc] = []
        grades: list[GradeDoc] = []
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            if not line.strip():
                continue
            sub = _SUBHEADING.match(line)
            if sub and "\t" not in sub.group("name"):
                narrative.append({"heading": collapse(sub.group("name")), "paragraphs": []})
                continue
            g = _GRADE_LINE.match(nfkc(line))
            if g:
                desc = re.split(r"[:：]", line, maxsplit=1)[1].strip()
                grades.append({"code": g.group("code"), "description": desc, "as_planned": False})
                continue
            if not narrative:
                narrative.append({"heading": toc.title, "paragraphs": []})
            narrative[-1]["paragraphs"].append(collapse(line))
        if not grades:
            raise self.error(
                bounds[0] - 1,
                "a grade scale list such as '・ A：計画より早い…' in section 1",
                self.lines[bounds[0] - 2],
            )
        # Rule: the grade described as "(概ね)計画どおり"; failing that B; failing that the middle grade.
        planned = next(
            (g for g in grades if any(w in key(g["description"]) for w in _AS_PLANNED_WORDS)),
            next((g for g in grades if g["code"] == "B"), grades[(len(grades) - 1) // 2]),
        )
        planned["as_planned"] = True

        adopted = None
        revisions: list[RevisionDoc] = []
        for section in narrative:
            for paragraph in section["paragraphs"]:
                for sentence in _sentences(paragraph):
                    k = key(sentence)
                    found = find_year_months(k)
                    if not found:
                        continue
                    if "改定" in k:
                        date = f"{found[0][0]:04d}-{found[0][1]:02d}"
                        revisions.append({"date": date, "description": sentence.strip()})
                    elif adopted is None and "策定" in k:
                        before = [f for f in found if f[2] < k.index("策定")] or found
                        adopted = f"{before[-1][0]:04d}-{before[-1][1]:02d}"
        revisions.sort(key=lambda r: r["date"])
        return narrative, grades, adopted, revisions

    # --- section 2 --------------------------------------------------------------------------------------

    def parse_section2(
        self, bounds: tuple[int, int], toc: _TocSection, codes: list[str]
    ) -> tuple[list[PillarDoc], list[_Entry], list[UnderConsiderationDoc]]:
        wanted = [key(s) for s in toc.subs]
        blocks: list[tuple[str, int, list[int]]] = []  # (pillar name, heading line, body lines)
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            sub = _SUBHEADING.match(line) if "\t" not in line.strip() else None
            if sub and (not wanted or key(sub.group("name")) in wanted):
                blocks.append((clean_name(sub.group("name")), n, []))
            elif blocks:
                blocks[-1][2].append(n)
        found = [key(b[0]) for b in blocks]
        for sub_name in toc.subs:
            if key(sub_name) not in found:
                raise self.error(
                    bounds[1] - 1,
                    f"the sub-heading '{sub_name}' of section {toc.num} listed in the 目次",
                    "end of section" if bounds[1] <= len(self.lines) else "end of file",
                )
        if not blocks:
            raise self.error(
                bounds[0], "a pillar sub-heading such as '(1) 暮らしのDX'", self.lines[bounds[0] - 1]
            )

        pillars: list[PillarDoc] = []
        entries: list[_Entry] = []
        under: list[UnderConsiderationDoc] = []
        for pillar, _, body in blocks:
            pillar_doc: PillarDoc = {"name": pillar, "policies": []}
            pillars.append(pillar_doc)
            pillar_entries, non_b, uc = self.parse_pillar_block(pillar, pillar_doc, body, codes)
            entries.extend(pillar_entries)
            if non_b is not None:
                self.attach_non_b(non_b, pillar_entries, entries)
            if uc is not None:
                under.extend(self.under_consideration(pillar, pillar_doc["policies"], uc[1]))
        return pillars, entries, under

    def parse_pillar_block(
        self, pillar: str, pillar_doc: PillarDoc, body: list[int], codes: list[str]
    ) -> tuple[list[_Entry], tuple[int, CellContent] | None, tuple[int, CellContent] | None]:
        entries: list[_Entry] = []
        columns: dict[str, int] | None = None
        state = "start"
        texts: dict[str, tuple[int, list[str]]] = {}
        policy: str | None = None
        for n in body:
            line = self.lines[n - 1]
            if not line.strip():
                continue
            cells = _cells(line)
            keys = [key(c) for c in cells]
            if "個別事業計画" in keys and "進捗状況" in keys:
                columns = {k: keys.index(k) for k in ("施策", "個別事業計画", "進捗状況") if k in keys}
                state = "table"
                continue
            if re.fullmatch(r"進捗状況\S*以外の概要", keys[0]):
                state = "non_b"
                texts[state] = (n, [c for c in cells[1:] if c.strip()])
                continue
            if keys[0].startswith("個別事業計画を検討中"):
                state = "uc"
                texts[state] = (n, [c for c in cells[1:] if c.strip()])
                continue
            if state in texts:
                texts[state][1].extend(c for c in cells if c.strip())
                continue
            if state != "table" or columns is None:
                raise self.error(
                    n, "a grade table header such as '施策\\t個別事業計画\\t進捗状況'", line.strip()
                )

            name = _column(cells, columns, "個別事業計画")
            if not name:
                raise self.error(n, "a project name in the 個別事業計画 column", line.strip())
            if "施策" in columns:
                if _column(cells, columns, "施策"):
                    policy = clean_name(_column(cells, columns, "施策"))
                    if policy not in pillar_doc["policies"]:
                        pillar_doc["policies"].append(policy)
            grade_text = _column(cells, columns, "進捗状況")
            grade = key(grade_text) or None
            if grade is not None and is_dash(grade_text):
                grade = None
            if grade is not None and grade not in codes:
                raise self.error(n, f"a grade of the grade scale ({', '.join(codes)})", grade_text)
            entries.append(_Entry(clean_name(name), pillar, policy, grade, n))

        def content(state: str) -> tuple[int, CellContent] | None:
            if state not in texts:
                return None
            n, parts = texts[state]
            return n, parse_cell(" ".join(parts))

        return entries, content("non_b"), content("uc")

    def attach_non_b(
        self, block: tuple[int, CellContent], local: list[_Entry], everyone: list[_Entry]
    ) -> None:
        line, content = block
        items = content.items
        if len(items) == 1 and key(items[0].text) in ("該当なし", "なし"):
            return
        by_key = {key(e.name): e for e in everyone}
        by_key.update({key(e.name): e for e in local})
        current: _Entry | None = None
        for item in items:
            name = re.sub(r"\s*[（(][A-Z]{1,2}[）)]\s*$", "", item.text.lstrip("○◯●◎ ").strip())
            entry = by_key.get(key(name)) if item.kind in ("p", "text") or item.text[0] in "○◯●◎" else None
            if entry is not None:
                current = entry
            elif current is None:
                raise self.error(
                    line, "a project heading such as '○project name（A）' in 進捗状況B以外の概要", item.text
                )
            else:
                current.non_b_summary.append(item.text)

    def under_consideration(
        self, pillar: str, policies: list[str], content: CellContent
    ) -> list[UnderConsiderationDoc]:
        result: list[UnderConsiderationDoc] = []
        has_heads = any(i.kind == "p" for i in content.items)
        for item in content.items:
            if item.kind == "p" or (not has_heads and not result):
                title = item.text.lstrip("○◯●◎◆■ ").strip()
                policy = None
                parts = re.split(r"[：:]", title, maxsplit=1)
                if len(parts) == 2:
                    match = next((p for p in policies if key(p) == key(parts[0])), None)
                    if match is not None:
                        policy, title = match, parts[1].strip()
                result.append({"pillar": pillar, "policy": policy, "title": clean_name(title), "text": []})
            else:
                result[-1]["text"].append(item.text)
        return result

    # --- section 3 --------------------------------------------------------------------------------------

    def next_row(self, n: int, end: int) -> list[str] | None:
        for m in range(n + 1, end):
            if self.lines[m - 1].strip():
                return _strip_row_number(_cells(self.lines[m - 1]))
        return None

    def parse_section3(self, bounds: tuple[int, int], pillar_names: list[str]) -> list[_Sheet]:
        pillar_keys = {key(p): p for p in pillar_names}
        sheets: list[_Sheet] = []
        sheet: _Sheet | None = None
        pillar: str | None = None
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            stripped = line.strip()
            if not stripped:
                continue
            sub = _SUBHEADING.match(line) if "\t" not in stripped else None
            if sub and key(sub.group("name")) in pillar_keys:
                pillar, sheet = pillar_keys[key(sub.group("name"))], None
                continue
            if stripped.startswith("※") and "\t" not in stripped:
                if sheets:
                    sheets[-1].footnotes.append(collapse(stripped))
                continue
            if re.fullmatch(r"[-‐\s]*\d+[-‐\s]*", stripped):
                continue  # page number
            cells = _strip_row_number(_cells(line))
            if sheet is not None:
                row_keys = {key(c) for c in cells if key(c)}
                if row_keys and row_keys <= sheet.table_cells():
                    continue  # the conversion repeats a cell's small table as loose rows after it
            if _is_label_row(cells) or not cells[0].strip():
                if sheet is None:
                    if _is_label_row(cells):
                        raise self.error(n, "a project sheet heading before its rows", stripped)
                    continue
                self.sheet_row(sheet, n, cells)
                continue
            following = self.next_row(n, bounds[1])
            # A sheet opens with 担当部署 or 事業概要; any other label after an unknown line is a broken row.
            if following is not None and _label_kind(key(following[0])) in ("departments", "overview"):
                sheet = self.new_sheet(n, cells, pillar)
                sheets.append(sheet)
            elif sheet is not None:
                raise self.error(
                    n, "a row label of a project sheet (担当部署, 事業概要, スケジュール, …)", stripped
                )
        for s in sheets:
            self.check_sheet(s)
        return sheets

    def new_sheet(self, n: int, cells: list[str], pillar: str | None) -> _Sheet:
        heading = collapse(" ".join(c for c in cells if c.strip()))
        tokens = heading.split(" ")
        tags: list[str] = []
        while len(tokens) > 1 and _TAG.match(tokens[-1]):
            tags.insert(0, tokens.pop())
        return _Sheet(clean_name(" ".join(tokens)), tags, n, heading, pillar)

    def sheet_row(self, sheet: _Sheet, n: int, cells: list[str]) -> None:
        head = key(cells[0])
        kind = _label_kind(head)
        if not sheet.first_row:
            sheet.first_row = collapse(" ".join(c for c in cells if c.strip()))
        second = key(cells[1]) if len(cells) > 1 else ""
        if kind is None and head and second == "目標":
            sheet.indicators.append(self.indicator_row(sheet, n, cells, cells[0]))
            sheet.last = "indicator"
            return
        if kind is None and (head == "実績" or (not head and second == "実績")):
            if not sheet.indicators:
                raise self.error(n, "an indicator's 目標 row before its 実績 row", collapse(" ".join(cells)))
            values = cells[1:] if head == "実績" else cells[2:]
            self.values(sheet, n, values, sheet.indicators[-1].actuals)
            return
        if kind is None:  # an empty label continues the row above (page breaks split rows)
            if sheet.last in ("schedule", "indicator_free"):
                self.schedule_row(sheet, n, cells)
            elif sheet.last in _TEXT_ROWS:
                sheet.contents[sheet.last].extend(self.cell_content(cells[1:]))
            elif any(c.strip() for c in cells):
                raise self.error(
                    n, "a row label of a project sheet (担当部署, 事業概要, スケジュール, …)", cells[1]
                )
            return
        sheet.last = kind
        if kind == "departments":
            value = next((c for c in cells[1:] if c.strip()), "")
            sheet.departments = [clean_name(d) for d in re.split(r"[、,，]", value) if d.strip()]
            if not sheet.departments:
                raise self.error(n, "a department name after 担当部署", collapse(" ".join(cells)))
        elif kind == "schedule":
            for i, c in enumerate(cells[1:], start=1):
                m = _FISCAL_YEAR_CELL.match(key(c))
                if m:
                    sheet.years.append((i, year_from_match(m)))
            if not sheet.years:
                raise self.error(
                    n, "fiscal-year columns such as R3(2021)年度 after スケジュール", collapse(line_of(cells))
                )
        else:
            if kind == "results":
                m = re.match(ERA_YEAR, head)
                if m and year_from_match(m) != self.fiscal_year:
                    raise self.error(
                        n,
                        f"the results (主な取組と成果) of the report's fiscal year {self.fiscal_year}",
                        cells[0].strip(),
                    )
            sheet.contents[kind] = self.cell_content(cells[1:])
            sheet.content_lines[kind] = n

    def cell_content(self, cells: list[str]) -> CellContent:
        """Text of a row's value cells: usually one cell; further cells that only repeat a table are dropped."""
        filled = [c for c in cells if c.strip()]
        if not filled:
            return CellContent()
        content = parse_cell(filled[0])
        for extra in filled[1:]:
            if key(extra) not in content.table_cells():
                content.extend(parse_cell(extra))
        return content

    def schedule_row(self, sheet: _Sheet, n: int, cells: list[str]) -> None:
        columns = dict(sheet.years)
        row: dict[str, str] = {}
        for i, c in enumerate(cells[1:], start=1):
            text = collapse(c)
            if not text or is_dash(text):
                continue
            if i not in columns:
                raise self.error(
                    n, "a schedule cell under one of the fiscal-year columns of the スケジュール row", text
                )
            row[str(columns[i])] = text
        if not row:
            return
        marks = {ch for text in row.values() for ch in text if ch in CIRCLED}
        sheet.schedule.append({"track": marks.pop() if len(marks) == 1 else None, "cells": row})

    def indicator_row(self, sheet: _Sheet, n: int, cells: list[str], name: str) -> _Indicator:
        mark = _FOOTNOTE_MARK.search(name)
        marker = (mark.group(1) or mark.group(2)) if mark else None
        if mark:
            name = name[: mark.start()]
        indicator = _Indicator(clean_name(name), marker, n)
        self.values(sheet, n, cells[2:], indicator.targets)
        return indicator

    def values(
        self, sheet: _Sheet, n: int, cells: list[str], into: dict[int, tuple[int | float, str, str | None]]
    ) -> None:
        if not sheet.years:
            raise self.error(
                n, "a スケジュール row (giving the fiscal years) before the indicator", line_of(cells)
            )
        while cells and not cells[-1].strip():
            cells = cells[:-1]
        years = [y for _, y in sheet.years]
        if len(cells) > len(years):
            raise self.error(
                n, f"at most {len(years)} values, one per fiscal year of the スケジュール", line_of(cells)
            )
        for year, text in zip(years, cells, strict=False):
            if not text.strip() or is_dash(text):
                continue
            value = parse_value(text)
            if value is None:
                raise self.error(n, _NUMBER_EXPECTED, text.strip())
            into[year] = (value.number, value.unit, value.qualifier)

    def check_sheet(self, sheet: _Sheet) -> None:
        if sheet.departments is None:
            raise self.error(sheet.line, f"a 担当部署 row in the sheet of {sheet.name!r}", sheet.first_row)
        if "results" not in sheet.contents:
            raise self.error(
                sheet.line,
                f"a results row (…年度 主な取組と成果) in the sheet of {sheet.name!r}",
                "no such row",
            )

    # --- assembly -----------------------------------------------------------------------------------------

    def assemble(self, sheets: list[_Sheet], entries: list[_Entry]) -> list[ProjectDoc]:
        by_key = {key(e.name): e for e in entries}
        used: dict[str, _Sheet] = {}
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
    def near_match(k: str, candidates: list[_Entry]) -> _Entry | None:
        near = [
            e
            for e in candidates
            if len(key(e.name)) == len(k) and sum(a != b for a, b in zip(key(e.name), k, strict=True)) == 1
        ]
        return near[0] if len(near) == 1 else None

    def project(self, sheet: _Sheet, entry: _Entry, name: str) -> ProjectDoc:
        def items(kind: str) -> list[str]:
            return sheet.contents[kind].texts() if kind in sheet.contents else []

        results = sheet.contents["results"]
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
            "indicators": self.indicators(sheet),
            "grade": entry.grade,
            "results": results.texts(),
            "result_tables": [t for t in map(_result_table, results.tables) if t is not None],
            "challenges": items("challenges"),
            "next_year": items("next_year"),
            "non_b_summary": entry.non_b_summary,
        }

    def indicators(self, sheet: _Sheet) -> list[IndicatorDoc]:
        found: list[IndicatorDoc] = []
        for ind in sheet.indicators:
            values = [*ind.targets.values(), *ind.actuals.values()]
            units = {u for _, u, _ in values if u}
            if len(units) > 1:
                raise self.error(
                    ind.line, f"one unit for the indicator {ind.name!r}", " / ".join(sorted(units))
                )
            qualifier = next((q for _, _, q in ind.targets.values() if q), None)
            found.append(
                _indicator_doc(
                    ind.name,
                    units.pop() if units else "",
                    qualifier,
                    _footnote(ind.marker, sheet.footnotes),
                    {y: v for y, (v, _, _) in ind.targets.items()},
                    {y: v for y, (v, _, _) in ind.actuals.items()},
                )
            )
        if "kpi_text" in sheet.contents:
            found.extend(self.free_text_indicators(sheet))
        return found

    def free_text_indicators(self, sheet: _Sheet) -> list[IndicatorDoc]:
        """``令和6（2024）年度末までに次の目標を達成します。 ・<name> 20件以上 ・…``: one target per bullet."""
        n = sheet.content_lines["kpi_text"]
        year: int | None = None
        found: list[IndicatorDoc] = []
        for item in sheet.contents["kpi_text"].items:
            tokens = item.text.split(" ")
            split = next(
                (
                    (" ".join(tokens[:i]), parse_value(" ".join(tokens[i:])))
                    for i in range(len(tokens) - 1, 0, -1)
                    if parse_value(" ".join(tokens[i:]))
                ),
                None,
            )
            if split is None or split[1] is None:
                if parse_era_year(item.text) is not None and not found:
                    year = parse_era_year(item.text)
                    continue
                raise self.error(n, "an indicator name followed by a target such as 20件以上", item.text)
            if year is None:
                raise self.error(
                    n, "the target year such as 令和6（2024）年度末までに before the targets", item.text
                )
            value = split[1]
            found.append(
                _indicator_doc(
                    clean_name(split[0]), value.unit, value.qualifier, None, {year: value.number}, {}
                )
            )
        return found


def _column(cells: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def line_of(cells: list[str]) -> str:
    return collapse(" ".join(c for c in cells if c.strip()))


def _indicator_doc(
    name: str,
    unit: str,
    qualifier: str | None,
    note: str | None,
    targets: dict[int, int | float],
    actuals: dict[int, int | float],
) -> IndicatorDoc:
    # "lower" when the target says so (以下/未満) or the yearly targets only go down; otherwise "higher".
    ordered = [targets[y] for y in sorted(targets)]
    falling = (
        len(ordered) > 1 and all(a >= b for a, b in itertools.pairwise(ordered)) and ordered[0] > ordered[-1]
    )
    lower = qualifier in ("以下", "未満") or falling
    return {
        "name": name,
        "unit": unit,
        "direction": "lower" if lower else "higher",
        "qualifier": qualifier,
        "note": note,
        "targets": {str(y): v for y, v in sorted(targets.items())},
        "actuals": {str(y): v for y, v in sorted(actuals.items())},
    }


def _footnote(marker: str | None, footnotes: list[str]) -> str | None:
    if marker is None:
        return None
    exact = [f for f in footnotes if f.startswith(marker) and not f[len(marker) : len(marker) + 1].isdigit()]
    if exact:
        return exact[0]
    return footnotes[0] if len(footnotes) == 1 else None


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
            total = {"label": m.group(1), "value": v.number, "unit": v.unit}
            label = None
            continue
        value = parse_value(cell)
        if label is not None and value is not None:
            rows.append({"label": label, "value": value.number, "unit": value.unit})
            label = None
        else:
            label = clean_name(cell)
    if not rows:
        return None
    doc: ResultTableDoc = {"after": table.after, "rows": rows}
    if total is not None:
        doc["total"] = total
    return doc


def parse_report_text(text: str, *, source: str = "<text>") -> Document:
    """Parse the text form of a progress report into a ``shinchoku-report/1`` document.

    Raises ReportFormatError (with the 1-based line) when the text does not have the report's structure.
    """
    return _Parser(text, source).parse()


__all__ = ["ReportFormatError", "parse_report_text"]
