"""The seed's report as Word and Excel: structure (headings, tables, fonts, sheets) and the data."""

from __future__ import annotations

from io import BytesIO

import docx
import openpyxl
import pytest
from django_scopes import scope
from docx.oxml.ns import qn

from shinchoku.documents.render import render_report
from shinchoku.interchange.document import Document
from shinchoku.plans.models import IndicatorValue
from shinchoku.tenancy.models import Municipality
from tests.documents.conftest import Rendered


def test_it_docx_has_headings_tables_toc_and_a4(
    rendered: dict[str, Rendered], seed_document: Document
) -> None:
    document = docx.Document(BytesIO(rendered["docx"].data))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    h1 = [text for style, text in headings if style == "Heading 1"]
    assert h1 == [
        "1 柏崎市DX推進計画の進行管理",
        "2 DX推進計画進捗状況",
        "3 個別事業計画の取組、成果及び今後の展開",
    ]
    h2 = [text for style, text in headings if style == "Heading 2"]
    assert "(1) 柏崎市DX推進計画" in h2 and "(4) 共通施策" in h2 and h2.count("(1) 暮らしのDX") == 2
    h3 = [text for style, text in headings if style == "Heading 3"]
    assert len(h3) == len(seed_document["projects"])
    assert all(any(t.startswith(p["name"]) for t in h3) for p in seed_document["projects"])
    assert len(document.tables) >= 3 + len(seed_document["projects"])
    xml = document.element.xml
    assert 'TOC \\o "1-2"' in xml
    assert "16,608人" in xml and "計 8,011件" in xml
    title = document.paragraphs[6]
    assert title.style.name == "Title" and "令和6（2024）年度" in title.text
    assert document.core_properties.title.startswith("令和6（2024）年度 柏崎市DX推進計画")


def test_it_docx_sets_the_east_asian_font_on_every_run(rendered: dict[str, Rendered]) -> None:
    document = docx.Document(BytesIO(rendered["docx"].data))
    parts = [document.element.body, *(s.footer._element for s in document.sections)]
    runs = [r for part in parts for r in part.iter(qn("w:r"))]
    assert len(runs) > 500
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))  # type: ignore[union-attr]
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.xml[:200]


def test_it_docx_gives_project_sheets_a_narrow_label_column_in_grid_and_cells(
    rendered: dict[str, Rendered],
) -> None:
    # LibreOffice follows w:gridCol, Word the cell widths: both must say "narrow labels, wide content".
    from docx.oxml.ns import qn

    document = docx.Document(BytesIO(rendered["docx"].data))
    sheets = [t for t in document.tables if t.rows and t.rows[0].cells[0].text == "担当部署"]
    assert len(sheets) == 24
    for table in sheets:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[0] * 3 < grid[1]
        assert table.rows[0].cells[0].width * 3 < table.rows[0].cells[1].width


def test_it_docx_has_chart_images_with_alt_text(rendered: dict[str, Rendered]) -> None:
    document = docx.Document(BytesIO(rendered["docx"].data))
    shapes = document.inline_shapes
    assert len(shapes) >= 5
    assert all(shape._inline.docPr.get("descr", "").endswith("の目標と実績") for shape in shapes)


def test_it_xlsx_has_the_sheets_and_the_seed_values(
    rendered: dict[str, Rendered], seed_document: Document
) -> None:
    book = openpyxl.load_workbook(BytesIO(rendered["xlsx"].data))
    assert book.sheetnames == ["進捗状況", "個別事業計画", "目標指標", "グラフ"]
    projects = book["個別事業計画"]
    assert projects.max_row == 1 + len(seed_document["projects"])
    assert projects.freeze_panes == "A2" and projects.auto_filter.ref.startswith("A1:")
    names = [row[3] for row in projects.iter_rows(min_row=2, values_only=True)]
    assert names == [p["name"] for p in seed_document["projects"]]
    summary = list(book["進捗状況"].iter_rows(values_only=True))
    assert summary[0] == ("柱", "A", "B", "C", "D", "未評価", "計")
    assert summary[1] == ("暮らしのDX", 2, 10, 0, 0, 0, 12)
    assert summary[4] == ("計", 2, 21, 1, 0, 0, 24)
    kpis = book["目標指標"]
    assert kpis.freeze_panes == "A2"
    line = [
        r
        for r in kpis.iter_rows(min_row=2, values_only=True)
        if r[1] == "LINEによる情報発信" and r[3] == 2023
    ]
    assert len(line) == 1
    assert line[0][5:8] == (14000, 16608, pytest.approx(16608 / 14000))
    assert line[0][8] == "人"
    assert len(book["グラフ"]._charts) >= 5


def test_it_xlsx_rows_equal_the_database(kashiwazaki: Municipality) -> None:
    data, content_type, filename = render_report(municipality=kashiwazaki, fiscal_year=2023, format="xlsx")
    assert filename.endswith(".xlsx") and "spreadsheetml" in content_type
    with scope(municipality=kashiwazaki):
        expected = {
            (v.indicator.project.name, v.indicator.name, v.fiscal_year)
            for v in IndicatorValue.objects.select_related("indicator__project")
        }
    sheet = openpyxl.load_workbook(BytesIO(data))["目標指標"]
    rows = {(r[1], r[2], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sheet.max_row - 1 == len(rows) == len(expected)
    assert rows == expected


def test_it_xlsx_inverts_the_rate_when_lower_is_better(seed_document: Document) -> None:
    from shinchoku.documents.render import render_document

    indicator = seed_document["projects"][15]["indicators"][0]  # 決裁文書の電子化率 60% → 31.7%
    indicator["direction"] = "lower"
    data, _, _ = render_document(seed_document, "xlsx", draft=False)
    sheet = openpyxl.load_workbook(BytesIO(data))["目標指標"]
    row = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == indicator["name"] and r[3] == 2023
    )
    assert row[7] == pytest.approx(60 / 31.7)
    assert row[10] == "低いほど良い"


def test_it_docx_gives_every_picture_its_own_drawing_id(rendered: dict[str, Rendered]) -> None:
    # The ids come from a counter (python-docx's add_picture searched the document for each picture).
    document = docx.Document(BytesIO(rendered["docx"].data))
    ids = [shape._inline.docPr.get("id") for shape in document.inline_shapes]
    assert len(ids) >= 5 and len(set(ids)) == len(ids)
    assert all(i is not None and int(i) > 0 for i in ids)
