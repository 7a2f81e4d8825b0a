"""Drafts say 案 on every page of every format; a published document carries no mark; the year decides."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest
from django_scopes import scope

from shinchoku.documents.render import FORMATS, render_document, render_report
from shinchoku.documents.safety import DRAFT_MARK, DRAFT_NOTICE
from shinchoku.interchange.document import Document
from shinchoku.plans.models import Plan
from shinchoku.tenancy.models import Municipality
from tests.documents.conftest import Rendered

# The 案 box sits in the top margin at the right: the same crop of every page (points, from the top left).
MARK_CROP = ["-x", "500", "-y", "5", "-W", "70", "-H", "40"]


@pytest.fixture(scope="module")
def drafts(_seed_document_cached: Document, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("drafts")
    paths: dict[str, Path] = {}
    for fmt in FORMATS:
        data, _, _ = render_document(copy.deepcopy(_seed_document_cached), fmt, draft=True)
        paths[fmt] = out / f"draft.{fmt}"
        paths[fmt].write_bytes(data)
    return paths


def _mark_per_page(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", *MARK_CROP, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    return [page.strip() for page in text.split("\f")[:-1]]


def _pdf_title(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Title:"))


def test_it_marks_every_pdf_page_of_a_draft_and_its_title(drafts: dict[str, Path]) -> None:
    marks = _mark_per_page(drafts["pdf"])
    assert len(marks) > 40
    assert marks == [DRAFT_MARK] * len(marks)  # the cover and the table of contents too
    assert _pdf_title(drafts["pdf"]).startswith("（案）令和6（2024）年度 柏崎市DX推進計画")


def test_it_leaves_a_published_pdf_unmarked(rendered: dict[str, Rendered]) -> None:
    marks = _mark_per_page(rendered["pdf"].path)
    assert len(marks) > 40 and not any(marks)
    assert _pdf_title(rendered["pdf"].path).startswith("令和6（2024）年度")


def test_it_marks_the_header_of_every_docx_section(
    drafts: dict[str, Path], rendered: dict[str, Rendered]
) -> None:
    draft = docx.Document(str(drafts["docx"]))
    assert draft.sections
    for section in draft.sections:
        assert DRAFT_MARK in "".join(p.text for p in section.header.paragraphs)
    assert draft.core_properties.title.startswith("（案）")
    published = docx.Document(BytesIO(rendered["docx"].data))
    for section in published.sections:
        assert DRAFT_MARK not in "".join(p.text for p in section.header.paragraphs)
    assert not published.core_properties.title.startswith("（案）")


def test_it_marks_every_xlsx_sheet_and_the_first_sheet_visibly(
    drafts: dict[str, Path], rendered: dict[str, Rendered]
) -> None:
    draft = openpyxl.load_workbook(drafts["xlsx"])
    for sheet in draft.worksheets:
        assert sheet.oddHeader.right.text == DRAFT_MARK, sheet.title
        assert DRAFT_MARK in (sheet.oddFooter.left.text or ""), sheet.title
    first = draft.worksheets[0]
    visible = [c.value for row in first.iter_rows(max_row=1) for c in row if isinstance(c.value, str)]
    assert any(v.startswith(DRAFT_MARK) and DRAFT_NOTICE in v for v in visible)
    assert (draft.properties.title or "").startswith("（案）")

    published = openpyxl.load_workbook(BytesIO(rendered["xlsx"].data))
    for sheet in published.worksheets:
        assert not sheet.oddHeader.right.text and not sheet.oddFooter.left.text
        assert not any(DRAFT_NOTICE in str(c.value) for row in sheet.iter_rows() for c in row if c.value)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.banner = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in = "title"
        elif tag == "p" and "draft-banner" in (dict(attrs).get("class") or ""):
            self._in = "banner"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "p"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "banner":
            self.banner += data


def _page(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    return page


def test_it_gives_a_draft_html_page_a_banner_and_a_draft_title(
    drafts: dict[str, Path], rendered: dict[str, Rendered]
) -> None:
    draft = _page(drafts["html"].read_bytes())
    assert draft.title.startswith("（案）令和6（2024）年度")
    assert draft.banner.startswith(DRAFT_MARK) and DRAFT_NOTICE in draft.banner
    published = _page(rendered["html"].data)
    assert published.title.startswith("令和6（2024）年度") and published.banner == ""


def test_it_marks_the_documents_of_a_year_until_it_is_published(kashiwazaki: Municipality) -> None:
    from shinchoku.cycle.services import reporting_year_open, reporting_year_reopen
    from shinchoku.plans.models import ReportingYear

    with scope(municipality=kashiwazaki):
        plan = Plan.objects.get(municipality=kashiwazaki)
        published = ReportingYear.objects.select_related("plan").get(plan=plan, fiscal_year=2023)
    data, _, _ = render_report(municipality=kashiwazaki, fiscal_year=2023, format="html")
    assert not _page(data).title.startswith("（案）") and _page(data).banner == ""
    reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)
    data, _, _ = render_report(municipality=kashiwazaki, fiscal_year=2024, format="html")
    assert _page(data).title.startswith("（案）")
    forced, _, _ = render_report(municipality=kashiwazaki, fiscal_year=2024, format="html", draft=False)
    assert _page(forced).banner == ""
    reporting_year_reopen(year=published, by=None, comment="訂正")
    data, _, _ = render_report(municipality=kashiwazaki, fiscal_year=2023, format="html")
    assert _page(data).title.startswith("（案）")
