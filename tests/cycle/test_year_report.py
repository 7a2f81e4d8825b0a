"""The year's report shows what the cycle approved: the "done when" of the reporting cycle, end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django_scopes import scope

from shinchoku.cycle.services import report_approve, report_submit, reporting_year_publish
from shinchoku.cycle.services.publication import report_file
from shinchoku.plans.models import ProjectReport, ReportingYear

from .conftest import ONLINE, complete, grade, report_of


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_it_prints_the_approved_grade_and_texts_in_the_next_years_report(
    year_2024: ReportingYear, bob: Any, dave: Any, alice: Any, tmp_path: Path
) -> None:
    municipality = year_2024.municipality
    with scope(municipality=municipality):
        report = report_of(ONLINE, 2024)
        a = grade("A")
    report = complete(
        report, bob,
        results=["電子申請の件数が前年度の2倍になりました。"],
        challenges=["申請手続のオンライン化を広げる必要があります。"],
        next_year=["オンライン申請の対象手続を拡大します。"],
    )
    report = report_submit(report=report, by=bob)
    report_approve(
        report=report, by=dave, final_grade=a,
        rationale="申請件数が大きく伸びたため。",
        non_b_summary="申請件数が前年度の2倍となり、想定を上回りました。",
    )
    with scope(municipality=municipality):
        others = list(
            ProjectReport.objects.filter(fiscal_year=2024).exclude(project__name=ONLINE).select_related("project__plan")
        )
        b = grade("B")
    for other in others:
        other = report_submit(report=complete(other, alice), by=alice)
        report_approve(report=other, by=dave, final_grade=b, rationale="総合的に判断しました。")
    reporting_year_publish(year=year_2024, by=alice)

    # What the city publishes: the publication's stored PDF.
    data = report_file(municipality=municipality, fiscal_year=2024, format="pdf").data
    text = pdf_text(data, tmp_path)
    compact = "".join(text.split())
    assert "令和7（2025）年度" in text and "（令和6（2024）年度実績分）" in text
    assert "行政手続のオンライン化A" in compact  # the section 2 grade table row
    assert "○行政手続のオンライン化（A）" in compact
    assert "申請件数が前年度の2倍となり、想定を上回りました。" in compact
    assert "電子申請の件数が前年度の2倍になりました。" in compact
    # The label column wraps "R6（2024）年度 ／ 主な取組と成果" over two lines.
    assert "R6（2024）年度" in compact and "主な取組と成果" in compact and "R7（2025）年度" in compact
    assert "オンライン申請の対象手続を拡大します。" in compact
