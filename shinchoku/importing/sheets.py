"""Section 3 of the report: one sheet per project — labelled rows, the schedule, indicator rows, result text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shinchoku.importing.base import ParserBase, line_of, split_cells
from shinchoku.importing.cover import SUBHEADING
from shinchoku.importing.text import (
    CIRCLED,
    CellContent,
    clean_name,
    collapse,
    is_dash,
    key,
    nfkc,
    parse_cell,
    parse_value,
)
from shinchoku.interchange.document import ScheduleRowDoc
from shinchoku.values import Quantity
from shinchoku.wareki import ERA_YEAR, year_from_match

NUMBER_EXPECTED = "a number such as 1,234人 or —"
# ``R8(2026)年度以降``: the last column of a plan's schedule may stand for the years after it.
_FISCAL_YEAR_CELL = re.compile(r"^" + ERA_YEAR + r"年度(?:以降)?$")
# Spelling varies between years and writers: 取組 / 取組み / 取り組み, with or without の after the year.
_EFFORTS = r"主な取り?組み?"
_RESULTS_LABEL = re.compile(r"^(?:" + ERA_YEAR + r"年度の?)?" + _EFFORTS + r"(?:と|及び)成果$")
_NEXT_YEAR_LABEL = re.compile(r"^(?:" + ERA_YEAR + r"年度の?|次年度の?)?" + _EFFORTS + r"$")
# ``国重点``, ``市重点``, ``県重点``; ``新規`` / ``【新規】`` marks a project added at a revision (改定).
_TAG = re.compile(r"^(?:\S{0,4}重点|新規|【[^】\s]{1,6}】)$")
# The row of actuals a later report adds under a text-form 目標指標: ``実績``, ``R7(2025)年度実績``, ``目標指標の実績``.
_KPI_ACTUALS_LABEL = re.compile(r"^(?:" + ERA_YEAR + r"年度(?:末)?の?)?(?:目標指標の?)?実績値?$")
_KPI_KINDS = ("kpi_text", "kpi_actuals")
_FOOTNOTE_MARK = re.compile(r"\s*[（(]\s*(※\d*)\s*[）)]\s*$|\s*(※\d*)\s*$")
_TEXT_ROWS = ("overview", "vision", "plan_link", "kpi_text", "kpi_actuals", "results", "challenges", "next_year")


def label_kind(k: str) -> str | None:
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
class Indicator:
    name: str
    marker: str | None
    line: int
    targets: dict[int, tuple[Quantity, str, str | None]] = field(default_factory=dict)
    actuals: dict[int, tuple[Quantity, str, str | None]] = field(default_factory=dict)


@dataclass
class Sheet:
    name: str
    tags: list[str]
    line: int
    heading: str
    pillar: str | None
    first_row: str = ""
    departments: list[str] | None = None
    contents: dict[str, CellContent] = field(default_factory=dict)
    content_lines: dict[str, int] = field(default_factory=dict)
    content_ends: dict[str, int] = field(default_factory=dict)  # last line of a row continued after a page break
    kpi_table: list[tuple[int, list[str]]] = field(default_factory=list)  # rows of a table under 目標指標
    years: list[tuple[int, int]] = field(default_factory=list)  # (column index, fiscal year)
    schedule: list[ScheduleRowDoc] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    last: str | None = None

    def table_cells(self) -> set[str]:
        return {c for content in self.contents.values() for c in content.table_cells()}


def _strip_row_number(cells: list[str]) -> list[str]:
    """Drop the page-row-number column some pages carry (``1\\tR5（2023）年度主な取組と成果\\t…``)."""
    if len(cells) >= 2 and cells[0].strip().isdigit() and label_kind(key(cells[1])):
        return cells[1:]
    return cells


def _is_label_row(cells: list[str]) -> bool:
    head = key(cells[0])
    if label_kind(head) or _KPI_ACTUALS_LABEL.match(head):
        return True
    return bool(head) and len(cells) > 1 and key(cells[1]) in ("目標", "実績")


# A cell naming departments: ``市民課、企画政策課``. ``・`` or a space separates them only when every part is
# itself a department name (``防災・原子力課`` is one department).
_DEPARTMENT = re.compile(r".{2,}(?:課|室|局|部|所|係|班|センター|委員会|事務局|本部|館|園|署)$")


def _departments(value: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"[、,，;；/／]", value):
        part = part.strip()
        if not part:
            continue
        for separator in (r"\s*[・･]\s*", r"\s+"):
            pieces = [p for p in re.split(separator, part) if p]
            if len(pieces) > 1 and all(_DEPARTMENT.match(nfkc(p)) for p in pieces):
                names.extend(clean_name(p) for p in pieces)
                break
        else:
            names.append(clean_name(part))
    return names


class SheetParser(ParserBase):
    def next_row(self, n: int, end: int) -> list[str] | None:
        for m in range(n + 1, end):
            if self.lines[m - 1].strip():
                return _strip_row_number(split_cells(self.lines[m - 1]))
        return None

    def parse_section3(self, bounds: tuple[int, int], pillar_names: list[str]) -> list[Sheet]:
        pillar_keys = {key(p): p for p in pillar_names}
        sheets: list[Sheet] = []
        sheet: Sheet | None = None
        pillar: str | None = None
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            stripped = line.strip()
            if not stripped:
                continue
            sub = SUBHEADING.match(line) if "\t" not in stripped else None
            if sub and key(sub.group("name")) in pillar_keys:
                pillar, sheet = pillar_keys[key(sub.group("name"))], None
                continue
            if stripped.startswith("※") and "\t" not in stripped:
                if sheets:
                    sheets[-1].footnotes.append(collapse(stripped))
                continue
            if re.fullmatch(r"[-‐\s]*\d+[-‐\s]*", stripped):
                continue  # page number
            cells = _strip_row_number(split_cells(line))
            if sheet is not None:
                if key(line) == key(sheet.heading):
                    continue  # the sheet's heading row repeated at the top of the next page
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
            if following is not None and label_kind(key(following[0])) in ("departments", "overview"):
                sheet = self.new_sheet(n, cells, pillar)
                sheets.append(sheet)
            elif sheet is not None:
                raise self.error(
                    n, "a row label of a project sheet (担当部署, 事業概要, スケジュール, …)", stripped
                )
        for s in sheets:
            self.check_sheet(s)
        return sheets

    def new_sheet(self, n: int, cells: list[str], pillar: str | None) -> Sheet:
        heading = collapse(" ".join(c for c in cells if c.strip()))
        tokens = heading.split(" ")
        tags: list[str] = []
        while len(tokens) > 1 and _TAG.match(tokens[-1]):
            tags.insert(0, tokens.pop().strip("【】"))  # the brackets are print decoration, not the tag
        return Sheet(clean_name(" ".join(tokens)), tags, n, heading, pillar)

    def sheet_row(self, sheet: Sheet, n: int, cells: list[str]) -> None:
        head = key(cells[0])
        kind = label_kind(head)
        if not sheet.first_row:
            sheet.first_row = collapse(" ".join(c for c in cells if c.strip()))
        second = key(cells[1]) if len(cells) > 1 else ""
        if kind is None and sheet.last in _KPI_KINDS and self.kpi_row(sheet, n, cells, head, second):
            return
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
                sheet.content_ends[sheet.last] = n
            elif any(c.strip() for c in cells):
                raise self.error(
                    n, "a row label of a project sheet (担当部署, 事業概要, スケジュール, …)", cells[1]
                )
            return
        sheet.last = kind
        if kind == "departments":
            value = next((c for c in cells[1:] if c.strip()), "")
            sheet.departments = _departments(value)
            if not sheet.departments:
                raise self.error(n, "a department name after 担当部署", collapse(" ".join(cells)))
        elif kind == "schedule":
            for i, c in enumerate(cells[1:], start=1):
                if not c.strip():
                    continue  # the empty spacer column of some pages
                m = _FISCAL_YEAR_CELL.match(key(c))
                if not m:
                    raise self.error(
                        n,
                        "a fiscal year such as R3(2021)年度 in each column of the スケジュール row",
                        c.strip(),
                    )
                year = year_from_match(m)
                if sheet.years and year <= sheet.years[-1][1]:
                    raise self.error(n, "fiscal years in increasing order in the スケジュール row", c.strip())
                sheet.years.append((i, year))
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
            sheet.content_lines[kind] = sheet.content_ends[kind] = n

    def kpi_row(self, sheet: Sheet, n: int, cells: list[str], head: str, second: str) -> bool:
        """A row under a text-form 目標指標: its 実績 row, or a row of a table of actuals. False: another row."""
        if _KPI_ACTUALS_LABEL.match(head) or (not head and _KPI_ACTUALS_LABEL.match(second) and second):
            values = cells[1:] if head else cells[2:]
            # Under a text-form block there is no 目標 row above, so 実績 opens the block's actuals row.
            sheet.contents["kpi_actuals"] = self.cell_content(values)
            sheet.content_lines["kpi_actuals"] = sheet.content_ends["kpi_actuals"] = n
            sheet.last = "kpi_actuals"
            return True
        filled = [c for c in cells if c.strip()]
        if head or len(filled) < 2:
            return False
        sheet.kpi_table.append((n, filled))
        return True

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

    def schedule_row(self, sheet: Sheet, n: int, cells: list[str]) -> None:
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

    def indicator_row(self, sheet: Sheet, n: int, cells: list[str], name: str) -> Indicator:
        mark = _FOOTNOTE_MARK.search(name)
        marker = (mark.group(1) or mark.group(2)) if mark else None
        if mark:
            name = name[: mark.start()]
        indicator = Indicator(clean_name(name), marker, n)
        self.values(sheet, n, cells[2:], indicator.targets)
        return indicator

    def values(
        self, sheet: Sheet, n: int, cells: list[str], into: dict[int, tuple[Quantity, str, str | None]]
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
                raise self.error(n, NUMBER_EXPECTED, text.strip())
            into[year] = (value.number, value.unit, value.qualifier)

    def check_sheet(self, sheet: Sheet) -> None:
        if sheet.departments is None:
            raise self.error(sheet.line, f"a 担当部署 row in the sheet of {sheet.name!r}", sheet.first_row)
        if "results" not in sheet.contents:
            raise self.error(
                sheet.line,
                f"a results row (…年度 主な取組と成果) in the sheet of {sheet.name!r}",
                "no such row",
            )
