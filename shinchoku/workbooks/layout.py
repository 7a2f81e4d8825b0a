"""The one reader/writer of the system's workbooks: styles, input cells, drop-down lists, protection, hidden
identifiers, and reading a cell back as text. No business rules: it knows cells, not reports.

Text is written through :func:`shinchoku.documents.xlsx.put` (always a string cell, never a formula, cleaned of
characters XML forbids). Cells come back as text (:func:`cell_text`) so every value goes through the same
parsing (``shinchoku.values.parse``) and input boundary as a form: a number Excel stored as a float reads as
the digits it shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Border, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
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


def field(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """An input cell: unlocked, marked by its fill."""
    cell = shown(sheet, row, column, value)
    cell.fill, cell.protection = INPUT_FILL, UNLOCKED
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


def column_letter(column: int) -> str:
    return get_column_letter(column)


def put_key(sheet: Worksheet, row: int, column: int, key: str) -> None:
    """A hidden row key (the column is hidden by the caller); locked like every cell not an input."""
    put(sheet, row, column, key)
