"""Reading a cell back as the text a person sees (``layout.cell_text``), whichever program saved it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shinchoku.workbooks.layout import cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (16608, "16608"),
        (16608.0, "16608"),
        (31.7, "31.7"),
        (95.09999999999999, "95.1"),  # 95.1 as openpyxl saves it (the same float)
        (0.1 + 0.2, "0.3"),  # a computed value, saved by Excel with 17 digits, shown with 15
        (2 / 3, "0.666666666666667"),  # what LibreOffice saves for it
        (1e-05, "0.00001"),  # LibreOffice saves 1E-005
        (1e16, "10000000000000000"),
        (-3.5, "-3.5"),
        (-0.0, "0"),
        (Decimal("1.25"), "1.25"),
        (True, "TRUE"),
        ("  ５６ ", "５６"),  # full-width digits stay text; parsing folds them
    ],
)
def test_it_reads_a_cell_as_the_text_shown(value: Any, text: str) -> None:
    assert cell_text(value) == text


def test_it_gives_a_wrapped_text_the_rows_it_needs() -> None:
    from openpyxl import Workbook

    from shinchoku.workbooks import layout

    sheet = Workbook().active
    sheet.column_dimensions["A"].width = 21  # ten full-width characters a line
    layout.shown(sheet, 1, 1, "あ" * 25)  # three lines
    layout.shown(sheet, 2, 1, "short")
    layout.shown(sheet, 3, 1, "一行目\n二行目")
    layout.finish(sheet)
    assert sheet.row_dimensions[1].height == 3 * layout.LINE_HEIGHT
    assert sheet.row_dimensions[2].height is None
    assert sheet.row_dimensions[3].height == 2 * layout.LINE_HEIGHT
    assert sheet.page_setup.fitToWidth == 1


def test_it_formats_input_cells_as_text_so_excel_keeps_what_is_typed() -> None:
    """In a General cell Excel would store a typed "35.5%" as 0.355 (read back as 0.355%)."""
    from openpyxl import Workbook

    from shinchoku.workbooks import layout

    sheet = Workbook().active
    assert layout.field(sheet, 1, 1, "").number_format == "@"
    assert layout.shown(sheet, 2, 1, "").number_format == "General"
