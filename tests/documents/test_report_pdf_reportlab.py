"""The ReportLab PDF: bookmarks for every section, pillar and project, long cells, vector charts, bold."""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

from shinchoku.documents.model import build_report
from shinchoku.documents.render import render_document
from shinchoku.interchange.document import Document
from tests.documents.conftest import Rendered, squeeze

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_TITLE = re.compile(rb"/Title \(((?:\\.|[^\\)])*)\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_string(raw: bytes) -> str:
    """A PDF literal string (octal and backslash escapes; UTF-16BE with a BOM or PDFDocEncoding)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
            else:
                out += _ESCAPES.get(raw[i + 1 : i + 2], raw[i + 1 : i + 2])
                i += 2
        else:
            out.append(raw[i])
            i += 1
    data = bytes(out)
    return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def _ref(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb" (\d+) 0 R", body)
    return int(match.group(1)) if match else None


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks in order as (level, title, 0-based page index), read from the raw objects."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    root = next(body for body in objects.values() if b"/Type /Catalog" in body)
    pages_root = objects[_ref(root, b"Pages")]  # type: ignore[index]

    def kids(body: bytes) -> list[int]:
        found = re.search(rb"/Kids \[([^\]]*)\]", body)
        numbers = [int(n) for n in re.findall(rb"(\d+) 0 R", found.group(1))] if found else []
        flat: list[int] = []
        for n in numbers:
            flat += kids(objects[n]) if b"/Type /Pages" in objects[n] else [n]
        return flat

    page_index = {n: i for i, n in enumerate(kids(pages_root))}
    entries: list[tuple[int, str, int]] = []

    def walk(first: int | None, level: int) -> None:
        current = first
        while current is not None:
            body = objects[current]
            title = _TITLE.search(body)
            dest = re.search(rb"/Dest \[ ?(\d+) 0 R", body)
            assert title and dest, body[:200]
            entries.append((level, _pdf_string(title.group(1)), page_index[int(dest.group(1))]))
            walk(_ref(body, b"First"), level + 1)
            current = _ref(body, b"Next")

    walk(_ref(objects[_ref(root, b"Outlines")], b"First"), 0)  # type: ignore[index]
    return entries


def test_it_bookmarks_every_section_pillar_and_project(
    rendered: dict[str, Rendered], seed_document: Document
) -> None:
    pdf = rendered["pdf"]
    report = build_report(seed_document)
    expected: list[tuple[int, str]] = [(0, "目次"), (0, report.labels.section1)]
    expected += [(1, f"({s.number}) {s.heading}") for s in report.narrative]
    expected += [(0, report.labels.section2)] + [(1, f"({o.number}) {o.name}") for o in report.overviews]
    expected += [(0, report.labels.section3), (1, "（施策の体系）")]
    for ps in report.pillar_sheets:
        expected += [(1, f"({ps.number}) {ps.name}")] + [(2, p.name) for p in ps.projects]
    entries = outline(pdf.data)
    assert [(level, title) for level, title, _ in entries] == expected
    assert len([e for e in entries if e[0] == 2]) == len(seed_document["projects"]) == 24

    pages = subprocess.run(["pdftotext", str(pdf.path), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")  # fmt: skip
    for level, title, page in entries:
        assert squeeze(title) in squeeze(pages[page]), (level, title, page)
    # Each project starts its own page, and its bookmark points at it.
    project_pages = [page for level, _, page in entries if level == 2]
    assert len(set(project_pages)) == len(project_pages)


def test_it_draws_charts_as_vectors_and_bold_as_stroked_text(rendered: dict[str, Rendered]) -> None:
    pdf = rendered["pdf"]
    images = subprocess.run(["pdfimages", "-list", str(pdf.path)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]  # fmt: skip
    assert images == []  # the charts are paths and text, no bitmap
    text = subprocess.run(["pdftotext", "-layout", str(pdf.path), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    # The LINE chart's axis, legend and value labels are text (extractable, in Japanese).
    sheet = text[text.index("公式アカウント追") :]
    sheet = sheet[: sheet.index("主な取組と成果")]
    for label in ("（人）", "目標", "実績", "R4年度", "R5年度", "R6年度", "20,000", "11,768", "16,608"):
        assert label in sheet, label


def test_it_splits_a_result_of_5000_characters_across_pages(seed_document: Document, tmp_path: Path) -> None:
    document = copy.deepcopy(seed_document)
    long = "".join(f"長い成果の説明{i:04d}。" for i in range(400))  # 5,200 characters in one table cell
    project = document["projects"][9]
    project["results"][0] = long
    project["schedule"][0]["cells"][str(document["plan"]["start_fiscal_year"])] = long
    document["projects"][0]["non_b_summary"][0] = long
    path = tmp_path / "long.pdf"
    path.write_bytes(render_document(document, "pdf", draft=False)[0])
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], check=True,
                capture_output=True, text=True).stdout).group(1))  # type: ignore[union-attr]  # fmt: skip
    assert pages > 45
    # The value column of the project sheets, cropped (the label column and the page numbers would
    # interleave with the text where the row continues on the next page): every sentence is there.
    column = subprocess.run(["pdftotext", "-x", "150", "-y", "40", "-W", "450", "-H", "760", str(path), "-"],
                            check=True, capture_output=True, text=True).stdout  # fmt: skip
    flat = squeeze(column)
    missing = [i for i in range(400) if f"長い成果の説明{i:04d}。" not in flat]
    assert not missing
    assert flat.count("長い成果の説明0399。") >= 2  # in the result and in the schedule
    full = squeeze(
        subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    )
    assert "○新交通システムの構築（A）" in full and "長い成果の説明0000。" in full
