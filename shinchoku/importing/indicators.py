"""The indicators of a project sheet as interchange documents: the numeric tables (目標 / 実績 rows under the
schedule's years) and the text-form block (目標指標 written as sentences) with the actuals a later report adds.

Text the parser cannot read as an actual is never dropped: beside a known target it goes into that indicator's
note, otherwise into the project's results, and each such place is reported as a warning with its line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from shinchoku.importing.actuals import (
    Actual,
    Entry,
    actual_phrase,
    matching,
    read_actual_entry,
    read_target_entry,
)
from shinchoku.importing.base import ParserBase
from shinchoku.importing.sheets import Sheet
from shinchoku.importing.text import Value, clean_name, collapse, key, parse_value
from shinchoku.interchange.document import IndicatorDoc
from shinchoku.values import Quantity
from shinchoku.wareki import parse_era_year

# Kept in the project's results when an actual matches no target: the label says where the text came from.
RESULTS_PREFIX = "目標指標の実績："


@dataclass
class _TextIndicator:
    name: str
    line: int
    target: Value | None
    unit: str
    actuals: dict[int, Quantity] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def indicator_doc(
    name: str,
    unit: str,
    qualifier: str | None,
    note: str | None,
    targets: dict[int, Quantity],
    actuals: dict[int, Quantity],
) -> IndicatorDoc:
    # "lower" when the target says so (以下/未満) or the yearly targets only go down; otherwise "higher".
    ordered = [targets[y].value for y in sorted(targets)]
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
        "targets": {str(y): v.plain() for y, v in sorted(targets.items())},
        "actuals": {str(y): v.plain() for y, v in sorted(actuals.items())},
    }


def _footnote(marker: str | None, footnotes: list[str]) -> str | None:
    if marker is None:
        return None
    exact = [f for f in footnotes if f.startswith(marker) and not f[len(marker) : len(marker) + 1].isdigit()]
    if exact:
        return exact[0]
    return footnotes[0] if len(footnotes) == 1 else None


def _is_lead_sentence(text: str, entry: Entry) -> bool:
    """``令和6（2024）年度末までに次の目標を達成します。``: the sentence before the list, not a target."""
    return entry.target is None and entry.actual is None and collapse(text).endswith(("。", "."))


class IndicatorParser(ParserBase):
    def indicators(self, sheet: Sheet) -> tuple[list[IndicatorDoc], list[str]]:
        """The sheet's indicators, and the text for its results that was not readable as an actual."""
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
                indicator_doc(
                    ind.name,
                    units.pop() if units else "",
                    qualifier,
                    _footnote(ind.marker, sheet.footnotes),
                    {y: v for y, (v, _, _) in ind.targets.items()},
                    {y: v for y, (v, _, _) in ind.actuals.items()},
                )
            )
        if "kpi_text" not in sheet.contents:
            return found, []
        text_docs, leftovers = self.free_text_indicators(sheet)
        return found + text_docs, leftovers

    def free_text_indicators(self, sheet: Sheet) -> tuple[list[IndicatorDoc], list[str]]:
        """``令和6（2024）年度末までに次の目標を達成します。 ・<name> 20件以上 ・…``: one indicator per item,
        with the actuals written beside the items or under them (see ``actuals.py`` for the forms)."""
        start, end = sheet.content_lines["kpi_text"], sheet.content_ends["kpi_text"]
        year: int | None = None
        found: list[_TextIndicator] = []
        leftovers: list[str] = []
        for item in sheet.contents["kpi_text"].items:
            n = self.line_with(item.text, start, end)
            entry = read_target_entry(item.text)
            if item.text.startswith("※") and found:
                found[-1].notes.append(item.text)  # a footnote of the list: with the item it follows
                continue
            if _is_lead_sentence(item.text, entry):
                if not found and parse_era_year(item.text) is not None:
                    year = parse_era_year(item.text)
                    continue
                if not found:
                    raise self.error(
                        n, "the target year such as 令和6（2024）年度末までに before the targets", item.text
                    )
                self.warn(n, f"kept as results: text after the targets not read as an actual: {item.text!r}")
                leftovers.append(RESULTS_PREFIX + item.text)
                continue
            if entry.target is not None and year is None:
                raise self.error(
                    n, "the target year such as 令和6（2024）年度末までに before the targets", item.text
                )
            ind = _TextIndicator(entry.name, n, entry.target, entry.target.unit if entry.target else "")
            found.append(ind)
            if entry.actual is not None:
                self.record_actual(ind, entry.actual, n, item.text)
            if entry.rest is not None:
                ind.notes.append(entry.rest)
                self.warn(
                    n, f"kept in the note of indicator {ind.name!r}: not read as an actual: {entry.rest!r}"
                )
        self.actuals_below(sheet, found, leftovers)
        return [self.text_doc(ind, year) for ind in found], leftovers

    def text_doc(self, ind: _TextIndicator, year: int | None) -> IndicatorDoc:
        targets = {year: ind.target.number} if ind.target is not None and year is not None else {}
        qualifier = ind.target.qualifier if ind.target is not None else None
        note = " ".join(ind.notes) if ind.notes else None
        return indicator_doc(ind.name, ind.unit, qualifier, note, targets, ind.actuals)

    def record_actual(self, ind: _TextIndicator, actual: Actual, n: int, printed: str) -> None:
        if actual.status is not None:
            # The schema has no status; the note keeps it in the report's own words.
            ind.notes.append(f"実績：{actual.status}")
        if actual.value is None:
            return
        fiscal_year = actual.year or self.fiscal_year
        unit = actual.value.unit
        if unit and ind.unit and unit != ind.unit:
            ind.notes.append(collapse(printed))
            self.warn(
                n,
                f"kept in the note of indicator {ind.name!r}: the actual's unit {unit!r} "
                f"is not the target's {ind.unit!r}",
            )
            return
        if fiscal_year in ind.actuals and ind.actuals[fiscal_year] != actual.value.number:
            self.warn(
                n,
                f"indicator {ind.name!r} has two actuals for {fiscal_year}: kept "
                f"{ind.actuals[fiscal_year]}, not {actual.value.number}",
            )
            return
        ind.unit = ind.unit or unit
        ind.actuals[fiscal_year] = actual.value.number

    def actuals_below(self, sheet: Sheet, found: list[_TextIndicator], leftovers: list[str]) -> None:
        """Actuals under the targets: a 実績 row of items, and tables (in the cell or as rows below it)."""
        names = [ind.name for ind in found]
        entries: list[tuple[int, Entry | None, str]] = []  # (line, entry, text as printed)
        block_year: int | None = None
        if "kpi_actuals" in sheet.contents:
            start, end = sheet.content_lines["kpi_actuals"], sheet.content_ends["kpi_actuals"]
            label_year = parse_era_year(self.lines[start - 1].split("\t")[0])
            block_year = label_year
            for item in sheet.contents["kpi_actuals"].items:
                n = self.line_with(item.text, start, end)
                entry = read_actual_entry(item.text)
                if entry is None and not entries and collapse(item.text).endswith(("。", ".", "：", ":")):
                    block_year = parse_era_year(item.text) or block_year  # the lead sentence of the row
                    continue
                entries.append((n, entry, item.text))
        tables: list[tuple[list[list[str]], list[int]]] = []
        for kind in ("kpi_text", "kpi_actuals"):
            for table in sheet.contents[kind].tables if kind in sheet.contents else []:
                tables.append((table.rows, [sheet.content_lines[kind]] * len(table.rows)))
        if sheet.kpi_table:
            tables.append(([cells for _, cells in sheet.kpi_table], [n for n, _ in sheet.kpi_table]))
        for rows, lines in tables:
            entries.extend(self.table_entries(rows, lines))
        for n, entry, printed in entries:
            index = matching(entry.name, names) if entry is not None else None
            if entry is None or entry.actual is None or index is None:
                why = "no target of this name" if entry is not None else "not read as an actual"
                self.warn(n, f"kept as results: {why}: {collapse(printed)!r}")
                leftovers.append(RESULTS_PREFIX + collapse(printed))
                continue
            actual = entry.actual
            if actual.year is None and block_year is not None:
                actual = Actual(actual.value, actual.status, block_year)
            self.record_actual(found[index], actual, n, printed)

    def table_entries(self, rows: list[list[str]], lines: list[int]) -> list[tuple[int, Entry | None, str]]:
        """Rows ``name | (target |) actual`` under an optional header naming the 実績 column."""
        out: list[tuple[int, Entry | None, str]] = []
        name_col, actual_col = 0, -1
        year: int | None = None
        for n, row in zip(lines, rows, strict=False):
            cells = [c for c in row if c.strip()]
            if not cells:
                continue
            keys = [key(c) for c in cells]
            if any("実績" in k for k in keys) and not any(parse_value(c) for c in cells):
                actual_col = next(i for i, k in enumerate(keys) if "実績" in k)
                name_col = next((i for i, k in enumerate(keys) if "実績" not in k and "目標" not in k), 0)
                year = parse_era_year(cells[actual_col])
                continue
            printed = " ".join(cells)
            if len(cells) < 2 or max(name_col, actual_col) >= len(cells):
                out.append((n, None, printed))
                continue
            actual = _cell_actual(cells[actual_col], year)
            entry = Entry(clean_name(cells[name_col]), None, actual, None) if actual is not None else None
            out.append((n, entry, printed))
        return out


def _cell_actual(text: str, year: int | None) -> Actual | None:
    actual = actual_phrase(re.sub(r"\s+", " ", text))
    if actual is None:
        return None
    return Actual(actual.value, actual.status, actual.year or year)
