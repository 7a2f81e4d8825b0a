"""The cells of a plan workbook's list sheets: rows found by their headers, and each cell read as the
interchange's value (a fiscal year, a month, a decimal string) or said as a fault at its cell. The sheets'
meaning is ``plan_read``'s; this module knows columns, keys and parsers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shinchoku import wareki
from shinchoku.values import NotANumber, parse
from shinchoku.workbooks import layout
from shinchoku.workbooks.plan import COLUMNS, EXAMPLE_KEY, EXAMPLE_ROWS, HEADER_ROW

_LIST_SPLIT = re.compile(r"[、,，;；\n]")


@dataclass
class Row:
    """One filled row of a list sheet: its cells as text by header, and its hidden key."""

    sheet: str
    number: int
    key: str
    texts: dict[str, str]
    columns: dict[str, int]
    numbers: frozenset[str] = frozenset()  # the headers whose cell holds a number, not a text

    def cell(self, header: str) -> str:
        return f"{layout.column_letter(self.columns[header])}{self.number}"

    def __getitem__(self, header: str) -> str:
        return self.texts.get(header, "")

    def _key(self, kind: str) -> dict[str, Any] | None:
        if not self.key.startswith(kind + ":"):
            return None
        try:
            key = json.loads(self.key[len(kind) + 1:])
        except ValueError:
            return None  # a damaged key: the row is matched by its name
        return key if isinstance(key, dict) and isinstance(key.get("names"), list) else None

    def key_parts(self, kind: str) -> list[str] | None:
        """The names of this row's key when it is of ``kind`` (None: no key, or another kind)."""
        key = self._key(kind)
        return None if key is None else [str(p) for p in key["names"]]

    def key_id(self, kind: str, part: str = "id") -> int | None:
        """The database id in this row's key (``part="parent"``: its parent's), if any."""
        key = self._key(kind)
        value = None if key is None else key.get(part)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def cell_value_text(value: Any) -> str:
    """A cell as text; a date Excel made of a typed "2024-03" reads back as that month."""
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return layout.cell_text(value).replace("\r\n", "\n").replace("\r", "\n")


class CellReader:
    """Reads rows and cells, collecting every fault (``errors``) and where each part was read (``cells``)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.errors = layout.CellErrors()
        self.cells: dict[str, tuple[str, str]] = {}
        self.period: tuple[int, int] | None = None  # the plan's fiscal years, once read

    # -- cells ---------------------------------------------------------------------------------------------

    def rows(self, sheet_name: str) -> Iterator[Row]:
        if sheet_name not in self.workbook.sheetnames:
            self.errors.add(sheet_name, "", "the sheet is missing (renamed or deleted)", "シートがありません（名前の変更または削除）。")
            return
        grid = self.workbook[sheet_name].iter_rows(values_only=True)
        header = [cell_value_text(v) for v in next(grid, ())]
        columns = {text: i for i, text in enumerate(header, start=1) if text}
        missing = [h for h in COLUMNS[sheet_name] if h not in columns]
        if missing:
            self.errors.add(sheet_name, "", f"row {HEADER_ROW}: header(s) missing: {', '.join(missing)}",
                            f"{HEADER_ROW}行目に見出し「{'」「'.join(missing)}」がありません（見出しは変更しないでください）。")
            return
        example = [cell_value_text(v) for v in EXAMPLE_ROWS.get(sheet_name, [])]
        read: list[Row] = []
        for number, values in enumerate(grid, start=HEADER_ROW + 1):
            cells = list(values)
            key = cell_value_text(cells[0]) if cells else ""
            texts = {h: cell_value_text(cells[c - 1]) if c <= len(cells) else "" for h, c in columns.items() if h in COLUMNS[sheet_name]}
            if not any(texts.values()):
                continue  # an empty row (or one whose cells were all cleared: nothing to say)
            if key == EXAMPLE_KEY and [texts[h] for h in COLUMNS[sheet_name]] == example:
                continue  # the template's example, left as it was
            numbers = frozenset(h for h, c in columns.items() if c <= len(cells)
                                and isinstance(cells[c - 1], int | float) and not isinstance(cells[c - 1], bool))
            read.append(Row(sheet_name, number, "" if key == EXAMPLE_KEY else key, texts, {**columns, "_key": 1},
                             numbers))
        yield from _uncopied(read)

    def required(self, row: Row, header: str) -> str:
        text = row[header]
        if not text:
            self.errors.add(row.sheet, row.cell(header), f"'{header}' is required", f"「{header}」を入力してください。")
        return text

    def fiscal_year(self, row: Row, header: str, *, required: bool = True) -> int | None:
        text = unicodedata.normalize("NFKC", row[header]).strip()
        if not text:
            if required:
                self.errors.add(row.sheet, row.cell(header), f"'{header}' is required", f"「{header}」を入力してください。")
            return None
        try:
            year = int(text) if text.isdigit() else wareki.parse_fiscal_year(text)
        except ValueError:
            year = None
        if year is None or not 1900 <= year <= 2200:
            self.errors.add(row.sheet, row.cell(header), f"'{row[header]}' is not a fiscal year (e.g. 2024 or 令和6年度)",
                            f"「{row[header]}」は年度ではありません（例：2024、令和6年度）。")
            return None
        return year

    def in_period(self, row: Row, header: str, year: int | None) -> int | None:
        """``year`` when it lies in the plan's period (as the forms require), else None with the fault."""
        if year is None or self.period is None or self.period[0] <= year <= self.period[1]:
            return year
        start, end = self.period
        self.errors.add(row.sheet, row.cell(header), f"fiscal year {year} is outside the plan's period ({start}-{end})",
                        f"{wareki.format_fiscal_year(year)}は計画期間（{wareki.format_fiscal_year(start)}〜"
                        f"{wareki.format_fiscal_year(end)}）の外です。")
        return None

    def month(self, row: Row, header: str) -> str | None:
        text = row[header]
        if not text:
            return None
        try:
            day = wareki.parse_month_input(text)
        except ValueError:
            self.errors.add(row.sheet, row.cell(header), f"'{text}' is not a month (e.g. 2024-03 or 令和6年3月)",
                            f"「{text}」は年月ではありません（例：2024-03、令和6年3月）。")
            return None
        return f"{day:%Y-%m}"

    def quantity(self, row: Row, header: str, unit: str) -> str | None:
        text = row[header]
        try:
            parsed = parse(text, unit=unit, allow_not_applicable=False)
        except NotANumber:
            self.errors.add(row.sheet, row.cell(header), f"'{text}' is not a number", f"「{text}」は数値ではありません。")
            return None
        except ValueError as exc:  # a Quantity out of range
            english = getattr(exc, "english", "") or str(exc)
            self.errors.add(row.sheet, row.cell(header), f"'{text}': {english}", f"「{text}」：{exc}")
            return None
        return None if parsed.quantity is None else parsed.quantity.plain()

    def at(self, path: str, row: Row, header: str = "") -> None:
        self.cells[path] = (row.sheet, row.cell(header) if header else f"B{row.number}")


def _key_names(key: str) -> list[str]:
    try:
        parsed = json.loads(key.split(":", 1)[1]) if ":" in key else None
    except ValueError:
        return []
    names = parsed.get("names") if isinstance(parsed, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def _uncopied(rows: list[Row]) -> list[Row]:
    """The rows, a row copied in Excel without its hidden key: the copy carries its original's key (column A
    is hidden, not left out of a copy), and would rename the original to the copy's name. Of the rows sharing
    a key, the one that still shows the key's names keeps it (else the first); the others are new rows."""
    by_key: dict[str, list[Row]] = {}
    for row in rows:
        if row.key:
            by_key.setdefault(row.key, []).append(row)
    for key, shared in by_key.items():
        if len(shared) < 2:
            continue
        names = _key_names(key)
        keeper = next((r for r in shared if names and all(n in r.texts.values() for n in names)), shared[0])
        for row in shared:
            if row is not keeper:
                row.key = ""
    return rows


def split_list(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in _LIST_SPLIT.split(text) if part.strip()))
