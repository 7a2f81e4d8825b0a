"""The seed's report as PDF and HTML: the content is all there, in the house style, and accessible."""

from __future__ import annotations

import re
import subprocess
import zlib
from html.parser import HTMLParser

from shinchoku.interchange.document import Document
from shinchoku.values import Quantity
from tests.documents.conftest import Rendered, squeeze


def _section(text: str, start: str, end: str | None) -> str:
    """The body text between two section headings (their first occurrence is the table of contents)."""
    begin = text.index(start, text.index(start) + 1)
    if end is None:
        return text[begin:]
    return text[begin : text.index(end, text.index(end) + 1)]


def _pdf_streams(data: bytes) -> bytes:
    out = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            out.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return b"".join(out)


def test_it_pdf_contains_every_project_grade_and_summary(pdf_text: str, seed_document: Document) -> None:
    flat = squeeze(pdf_text)
    section2 = _section(pdf_text, "2 DX推進計画進捗状況", "3 個別事業計画の取組")
    for project in seed_document["projects"]:
        assert project["name"] in flat, project["name"]
        # In the section 2 table the grade ends the line on which the project's name starts.
        line = next(row for row in section2.splitlines() if project["name"][:10] in row)
        assert line.split()[-1] == project["grade"], (project["name"], line)
        for item in project["non_b_summary"]:
            assert squeeze(item) in flat
    for uc in seed_document["under_consideration"]:
        assert squeeze(uc["title"]) in flat
        for item in uc["text"]:
            assert squeeze(item) in flat
    assert "○新交通システムの構築（A）" in flat
    assert "○電子文書管理・電子決裁システム導入（C）" in flat
    assert "進捗状況B以外の概要" in flat and "該当なし" in flat
    assert "行政サービスのオンライン化：粗大ごみ受付システム" in flat
    assert "A：計画より早い、想定以上の効果を得た" in flat


def test_it_pdf_contains_every_indicator_value_and_labels(pdf_text: str, seed_document: Document) -> None:
    flat = squeeze(pdf_text)
    for project in seed_document["projects"]:
        for indicator in project["indicators"]:
            for value in (*indicator["targets"].values(), *indicator["actuals"].values()):
                assert Quantity.from_plain(value).format(indicator["unit"]) in flat, (indicator["name"], value)
    assert "16,608人" in flat and "14,000人" in flat and "90%以上" in flat and "3.0点" in flat
    assert "計8,011件" in flat and "計502件" in flat
    for label in ("令和6（2024）年度", "柏崎市DX推進計画進行管理報告書", "（令和5（2023）年度実績分）", "令和6（2024）年8月",
                  "R5（2023）年度", "主な取組と成果", "R6（2024）年度", "「目指す姿」に向けた",
                  "R3(2021)年度", "R7(2025)年度", "第五次総合計画", "（施策の体系）"):  # fmt: skip
        assert label in flat, label


def test_it_pdf_is_a4_with_metadata_embedded_fonts_and_page_numbered_toc(
    rendered: dict[str, Rendered],
) -> None:
    pdf = rendered["pdf"]
    assert pdf.content_type == "application/pdf"
    info = subprocess.run(["pdfinfo", str(pdf.path)], check=True, capture_output=True, text=True).stdout
    assert "令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）" in info
    assert "A4" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 25 <= pages <= 80
    assert b"/Lang (ja)" in _pdf_streams(pdf.data) or b"/Lang (ja)" in pdf.data
    fonts = subprocess.run(["pdffonts", str(pdf.path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes yes " in row for row in rows), fonts  # embedded and subset
    assert any("IPAexGothic" in row for row in rows)
    outline = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf.path), "-"],
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
    page_texts = subprocess.run(["pdftotext", str(pdf.path), "-"], check=True, capture_output=True,
                                text=True).stdout.split("\f")  # fmt: skip
    entries = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", outline, flags=re.M)
    assert len(entries) >= 12
    for title, number in entries:
        # The cover and the table of contents are not numbered: printed page n is the PDF's page n + 2.
        assert squeeze(title) in squeeze(page_texts[int(number) + 1]), (title, number)


def test_it_pdf_draws_the_house_style(pdf_text: str) -> None:
    section2 = _section(pdf_text, "2 DX推進計画進捗状況", "3 個別事業計画の取組")
    assert re.search(r"施策\s+個別事業計画\s+進捗状況", section2)
    assert re.search(r"^\s*個別事業計画\s+進捗状況\s*$", section2, flags=re.M)  # 産業のDX: two columns
    common = section2[section2.index("(4) 共通施策") :]
    assert "個別事業計画を検討中の施策" in common and "進捗状況B以外" not in common


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.svg_titles = 0
        self._in_svg = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "svg":
            self._in_svg = True
        if tag == "title" and self._in_svg:
            self.svg_titles += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg = False


def test_it_html_is_one_accessible_page(rendered: dict[str, Rendered]) -> None:
    html = rendered["html"].data.decode("utf-8")
    assert rendered["html"].content_type.startswith("text/html")
    outline = _Outline()
    outline.feed(html)
    assert ("html", {"lang": "ja"}) in outline.tags
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, "a heading level is skipped"
    ths = [attrs for tag, attrs in outline.tags if tag == "th"]
    assert ths and all(attrs.get("scope") in {"col", "row", "rowgroup"} for attrs in ths)
    assert sum(1 for tag, _ in outline.tags if tag == "table") == sum(
        1 for tag, _ in outline.tags if tag == "caption"
    )
    svgs = [attrs for tag, attrs in outline.tags if tag == "svg"]
    assert len(svgs) >= 5 and all(attrs.get("role") == "img" for attrs in svgs)
    assert outline.svg_titles == len(svgs)
    assert 'rowspan="3"' in html  # 市民生活のDX spans its three projects
    # Self-contained: no external stylesheet, script or image.
    assert not re.search(r"<(link|script|img)\b", html)
    assert "16,608人" in html
