"""The one reader/writer of the system's workbooks: styles, input cells, drop-down lists, protection, hidden
identifiers, row heights; opening an uploaded file, reading a cell back as text, and saying a fault at its
cell (``CellErrors`` → ``WorkbookInvalid``). No business rules: it knows cells, not reports.

Text is written through :func:`shinchoku.documents.xlsx.put` (always a string cell, never a formula, cleaned of
characters XML forbids). Cells come back as text (:func:`cell_text`) so every value goes through the same
parsing (``shinchoku.values.parse``) and input boundary as a form: a number Excel stored as a float reads as
the digits it shows.
"""

from __future__ import annotations

import math
import unicodedata
import zipfile
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Border, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.documents.xlsx import BODY_FONT, BORDER, HEADER_FILL, HEADER_FONT, WRAP_TOP, put

INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")  # the cells to fill in, as the instructions say
TITLE_FONT = Font(name=BODY_FONT.name, bold=True, size=14)
UNLOCKED = Protection(locked=False)
IDS_SHEET = "_ids"  # hidden: which report each sheet is, and the version it was exported at
# Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "＿" for c in "[]:*?/\\"})


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name for ``name`` (cut to 31 characters, numbered when two collide)."""
    base = name.translate(_SHEET_NAME_FORBIDDEN).strip("'") or "シート"
    candidate, n = base[:SHEET_NAME_MAX], 2
    while candidate in taken or candidate == IDS_SHEET:
        suffix = f"（{n}）"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def title(sheet: Worksheet, row: int, text: str) -> Cell:
    cell = put(sheet, row, 1, text)
    cell.font = TITLE_FONT
    return cell  # type: ignore[no-any-return]


def label(sheet: Worksheet, row: int, column: int, text: str) -> Cell:
    cell = put(sheet, row, column, text)
    cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, WRAP_TOP
    return cell  # type: ignore[no-any-return]


def shown(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """A read-only cell (locked once the sheet is protected)."""
    cell = put(sheet, row, column, value)
    cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP_TOP
    return cell  # type: ignore[no-any-return]


TEXT_FORMAT = "@"


def field(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """An input cell: unlocked, marked by its fill, and formatted as text, so that what a person types stays
    what they typed: in a General cell Excel makes "35.5%" the number 0.355 and "2024-03" a date, and the
    import would read 0.355%; as text, it reads "35.5%" through the same parser as a form."""
    cell = shown(sheet, row, column, value)
    cell.fill, cell.protection, cell.number_format = INPUT_FILL, UNLOCKED, TEXT_FORMAT
    return cell


def choice_list(sheet: Worksheet, choices: list[str], *, prompt: str) -> DataValidation:
    """A drop-down list to attach cells to (``.add(cell)``); values outside it are refused by Excel, and by
    the import anyway (a pasted value bypasses validation)."""
    formula = '"' + ",".join(c.replace('"', "") for c in choices) + '"'
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    validation.error, validation.errorTitle = f"一覧から選んでください：{'、'.join(choices)}", "入力できない値です"
    validation.prompt, validation.showErrorMessage, validation.showInputMessage = prompt, True, True
    sheet.add_data_validation(validation)
    return validation


def protect(sheet: Worksheet) -> None:
    """Lock every cell but the input cells; no password (the protection guides, it does not secure: the
    import checks everything anyway)."""
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # rows may be resized …
    sheet.protection.insertRows = False  # … and inserted (free rows for more items)
    sheet.protection.formatColumns = False


def hide_column(sheet: Worksheet, letter: str) -> None:
    sheet.column_dimensions[letter].hidden = True


def write_ids(workbook: Workbook, header: list[str], rows: list[list[Any]]) -> Worksheet:
    """The hidden sheet of identifiers: a header row, then one row per sheet."""
    sheet = workbook.create_sheet(IDS_SHEET)
    for column, text in enumerate(header, start=1):
        put(sheet, 1, column, text)
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put(sheet, r, column, value)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return sheet


SIGNIFICANT_DIGITS = 15  # of a number cell, as spreadsheets show it


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees: ``None`` → "", 16608 → "16608", 31.7 → "31.7",
    0.6666666666666666 → "0.666666666666667"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel and LibreOffice show (and LibreOffice saves) at most 15 significant digits: 0.1+0.2 written as
        # 0.30000000000000004 by one program and 0.3 by the other are both the "0.3" a person sees.
        if value == 0:
            return "0"  # not "-0"
        return _plain(Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}"))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _plain(number: Decimal) -> str:
    """Positional digits without trailing zeros after the point: 1E+4 → "10000", 1.50 → "1.5"."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


NO_BORDER = Border()


class WorkbookInvalid(Exception):
    """The workbook cannot be imported; ``errors`` are cell-precise, each (English, Japanese)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(english for english, _ in errors))


class CellErrors:
    """The faults a reader finds, each said at its sheet and cell in English (CLI) and Japanese (web)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, sheet: str, cell: str, english: str, japanese: str) -> None:
        where_en = f"sheet '{sheet}' cell {cell}: " if cell else f"sheet '{sheet}': "
        where_ja = f"シート「{sheet}」セル {cell}：" if cell else f"シート「{sheet}」："
        self.items.append((where_en + english, where_ja + japanese))


def open_workbook(content: bytes) -> Workbook:
    """The workbook in ``content`` for reading; WorkbookInvalid for anything that is not one (a truncated
    file, another format)."""
    try:
        # read-only: streamed, several times faster; sheets are read row by row (values only)
        return load_workbook(BytesIO(content), data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookInvalid(
            [(f"not a readable .xlsx workbook ({type(exc).__name__})", "Excelのブック（.xlsx）として読めません。")]
        ) from exc


def column_letter(column: int) -> str:
    return get_column_letter(column)


DEFAULT_WIDTH = 8.43  # a column's width in characters when none is set (Excel's default)
LINE_HEIGHT = 15.0  # points per line of 10.5–11 pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def text_width(text: str) -> int:
    """Width in a column's units: a full-width (Japanese) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def finish(sheet: Worksheet) -> None:
    """The last step of writing a sheet: row heights for its wrapped texts, and printed one page wide (a
    person prints the instructions and a project's sheet to read them on paper)."""
    fit_rows(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def fit_rows(sheet: Worksheet) -> None:
    """Give each row the height its wrapped text needs. A row written by openpyxl keeps one line's height in
    Excel and LibreOffice until someone edits it, so a long text would show only its first line."""
    widths = {letter: dim.width or DEFAULT_WIDTH for letter, dim in sheet.column_dimensions.items() if not dim.hidden}
    hidden = {letter for letter, dim in sheet.column_dimensions.items() if dim.hidden}
    spans: dict[str, float] = {}
    for merged in sheet.merged_cells.ranges:
        first = f"{get_column_letter(merged.min_col)}{merged.min_row}"
        spans[first] = sum(widths.get(get_column_letter(c), DEFAULT_WIDTH) for c in range(merged.min_col, merged.max_col + 1))
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or cell.column_letter in hidden:
                continue
            width = max(spans.get(cell.coordinate, widths.get(cell.column_letter, DEFAULT_WIDTH)) - 1, 1)
            lines = max(lines, sum(max(1, math.ceil(text_width(part) / width)) for part in cell.value.split("\n")))
        if lines > 1 and sheet.row_dimensions[row[0].row].height is None:
            sheet.row_dimensions[row[0].row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def put_key(sheet: Worksheet, row: int, column: int, key: str) -> None:
    """A hidden row key (the column is hidden by the caller); locked like every cell not an input."""
    put(sheet, row, column, key)
