"""The view-model (labels, groupings, numbers), charts, escaping of user text and the no-network fetcher."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from io import BytesIO

import docx
import pytest

from shinchoku.documents.charts import indicator_svg
from shinchoku.documents.model import achievement_rate, build_report, format_value
from shinchoku.documents.pdf_weasyprint import FetchRefused, PackageFetcher
from shinchoku.documents.render import render_document
from shinchoku.interchange.document import Document
from shinchoku.values import Quantity

SCRIPT = '<script>alert("x")</script>'


def test_it_computes_the_labels_from_the_fiscal_year(seed_document: Document) -> None:
    report = build_report(seed_document)
    assert report.labels.report_year == "令和6（2024）年度"
    assert report.title == "柏崎市DX推進計画 進行管理報告書"
    assert report.subtitle == "（令和5（2023）年度実績分）"
    assert report.published == "令和6（2024）年8月"
    assert report.labels.results == "R5（2023）年度 主な取組と成果"
    assert report.labels.next_year == "R6（2024）年度 主な取組"
    assert report.labels.non_b == "進捗状況B以外の概要"
    assert report.year_headers == [f"R{n}({2018 + n})年度" for n in range(3, 8)]
    seed_document["report"]["fiscal_year"] = 2024
    seed_document["report"]["published"] = None
    later = build_report(seed_document)
    assert later.labels.report_year == "令和7（2025）年度" and later.published is None
    assert later.labels.results == "R6（2024）年度 主な取組と成果"


def test_it_prints_the_computed_title_in_three_cover_lines(seed_document: Document) -> None:
    report = build_report(seed_document)
    assert (report.cover_year, report.title, report.subtitle) == (
        "令和6（2024）年度", "柏崎市DX推進計画 進行管理報告書", "（令和5（2023）年度実績分）"
    )
    assert report.full_title == seed_document["report"]["title"]


def test_it_prints_a_title_dx_staff_changed_as_written(seed_document: Document) -> None:
    seed_document["report"]["title"] = "柏崎市DX推進計画 令和5年度 進捗報告（速報版）"
    report = build_report(seed_document)
    assert report.full_title == report.title == "柏崎市DX推進計画 令和5年度 進捗報告（速報版）"
    assert report.cover_year == report.subtitle == ""


def test_it_groups_section_2_by_pillar_and_policy(seed_document: Document) -> None:
    report = build_report(seed_document)
    assert [o.name for o in report.overviews] == ["暮らしのDX", "行政のDX", "産業のDX", "共通施策"]
    life = report.overviews[0]
    assert [(r.policy, r.policy_rowspan) for r in life.rows[:4]] == [
        ("市民生活のDX", 3),
        (None, 0),
        (None, 0),
        ("行政手続の原則オンライン化", 3),
    ]
    assert [(e.project, e.grade) for e in life.non_b] == [
        ("新交通システムの構築", "A"),
        ("LINEによる情報発信", "A"),
    ]
    assert [c.heading for c in life.under_consideration] == [
        "行政サービスのオンライン化：粗大ごみ受付システム"
    ]
    industry, common = report.overviews[2], report.overviews[3]
    assert not industry.with_policy and industry.non_b == []
    assert common.rows == [] and len(common.under_consideration) == 2
    assert [p.name for p in report.pillar_sheets] == ["暮らしのDX", "行政のDX", "産業のDX"]
    method = report.narrative[2]
    kinds = [b.kind for b in method.blocks]
    assert kinds.index("grades") == 4 and method.blocks[3].text.endswith("示します。")


def test_it_formats_values_and_rates() -> None:
    def q(text: str) -> Quantity:
        return Quantity.from_plain(text)

    assert format_value(q("16608"), "人", None) == "16,608人"
    assert format_value(q("90"), "%", "以上") == "90%以上"
    assert format_value(q("100"), "人", "約") == "約100人"
    assert format_value(q("3.0"), "点", None) == "3.0点"
    assert format_value(q("16000.50"), "人", None) == "16,000.50人"
    assert format_value(None, "%", None) == "—"
    rate = achievement_rate(q("14000"), q("16608"), "higher")
    assert isinstance(rate, Decimal) and rate.quantize(Decimal("0.001")) == Decimal("1.186")
    assert achievement_rate(q("60"), q("30"), "lower") == 2
    assert achievement_rate(None, q("5"), "higher") is None and achievement_rate(q("0"), q("5"), "higher") is None


def test_it_draws_a_chart_only_with_two_values(seed_document: Document) -> None:
    report = build_report(seed_document)
    line = next(p for p in report.projects if p.name == "LINEによる情報発信").indicators[0]
    svg = indicator_svg(line)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg and "16,608" in svg
    assert "R5年度" in svg
    industry = report.projects[-2].indicators[0]  # one target only
    assert indicator_svg(industry) == ""
    line_named = line.__class__(**{**line.__dict__, "name": f"{SCRIPT}指標"})
    assert SCRIPT not in indicator_svg(line_named) and "&lt;script&gt;" in indicator_svg(line_named)


def test_it_escapes_user_text_in_html_pdf_and_word(seed_document: Document, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_document["projects"][0]["results"][0] = f"{SCRIPT} 入力された文字"
    seed_document["projects"][0]["name"] = "新交通<b>システム</b>&構築"
    seed_document["under_consideration"][0]["title"] = "<img src=x onerror=alert(1)>"
    html = render_document(seed_document, "html", draft=False)[0].decode("utf-8")
    assert SCRIPT not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>システム</b>" not in html and "新交通&lt;b&gt;システム&lt;/b&gt;&amp;構築" in html
    assert "<img" not in html
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_document(seed_document, "pdf", draft=False)[0])
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert SCRIPT in text and "新交通<b>システム</b>&構築" in text
    word = docx.Document(BytesIO(render_document(seed_document, "docx", draft=False)[0]))
    texts = [p.text for p in word.paragraphs] + [
        p.text for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    assert any(SCRIPT in t for t in texts)
    assert any(t.startswith("新交通<b>システム</b>&構築") for t in texts)


def test_it_refuses_to_fetch_anything_but_package_files() -> None:
    url_fetcher = PackageFetcher()
    for url in (
        "http://example.com/x.css",
        "https://example.com/font.woff",
        "file:///etc/passwd",
        "ftp://x/y",
    ):
        with pytest.raises(FetchRefused):
            url_fetcher.fetch(url)
    assert url_fetcher.fetch("data:text/plain,hi").read() == b"hi"
