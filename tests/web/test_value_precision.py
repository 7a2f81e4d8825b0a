"""A typed 16,000.50 stays 16,000.50 everywhere: pages, PDF, Word, Excel, HTML, every chart, the JSON export.

Gina (department editor of 元気発信課) types the FY2024 actual of LINEによる情報発信 on the report form;
Alice (DX staff) downloads the year's documents and exports the year.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scope
from reportlab.graphics.shapes import Group, String

from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.documents.charts import indicator_svg
from shinchoku.documents.model import build_report
from shinchoku.documents.pdf_reportlab_charts import indicator_drawing
from shinchoku.documents.render import report_document
from shinchoku.plans.models import GradeDefinition, IndicatorValue, Project, ProjectReport, ValueKind
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
LINE = "LINEによる情報発信"
INDICATOR = "公式アカウント追加ユーザー数（累計）"
TYPED = "16,000.50"
SHOWN = "16,000.50人"


@pytest.fixture
def typed(
    login: Login, gina: AbstractBaseUser, city: Municipality, project_named: Callable[[str], Project],
    year_2024: Any, report_of: Callable[..., ProjectReport],
) -> Project:
    """Gina's draft of FY2024 with the actual typed as ``16,000.50``, saved through the web form."""
    line = project_named(LINE)
    report = report_of(LINE)
    with scope(municipality=city):
        grade_b = GradeDefinition.objects.get(municipality=city, code="B")
        items = list(ItemEvaluation.objects.filter(report=report))
    form: dict[str, Any] = {
        "version": report.version,
        "results": ["友だち登録キャンペーンを実施しました。"],
        "challenges": ["高齢者への周知が課題です。"],
        "next_year": ["通報機能を追加します。"],
        "schedule_status": "on_schedule",
        "department_grade": grade_b.pk,
        "comment": "",
        "action": "save",
    }
    for item in items:
        form[f"item_grade-{item.pk}"] = grade_b.pk
        if item.kind == ItemKind.INDICATOR:
            form[f"actual-{item.indicator_id}"] = TYPED
    response = login(gina).post(f"/{city.pk}/2024/projects/{line.pk}/report/", form)
    assert response.status_code == 302
    return line


def _download(client: Client, city: Municipality, fmt: str) -> bytes:
    url = reverse("documents:report_download", kwargs={"municipality_id": city.pk, "fiscal_year": 2024, "format": fmt})
    # FY2024 is not published: the download asks for the draft and sends the browser to its status page
    # (drawn at once here: tests run tasks in the caller); the file is offered there.
    status = client.get(url)
    assert status.status_code == 302, fmt
    response = client.get(reverse("documents:draft_file", kwargs=resolve(status["Location"]).kwargs))
    assert response.status_code == 200, fmt
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def _strings(group: Group) -> list[str]:
    found: list[str] = []
    for node in group.contents:
        if isinstance(node, String):
            found.append(node.text)
        elif isinstance(node, Group):
            found += _strings(node)
    return found


def test_it_stores_what_was_typed_and_shows_it_on_the_pages(
    typed: Project, login: Login, gina: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality
) -> None:
    with scope(municipality=city):
        actual = IndicatorValue.objects.get(indicator__project=typed, kind=ValueKind.ACTUAL, fiscal_year=2024)
    assert (actual.quantity.plain(), actual.decimals) == ("16000.50", 2)
    form = login(gina).get(f"/{city.pk}/2024/projects/{typed.pk}/report/").content.decode()
    assert 'value="16000.50"' in form  # the field shows the value as it can be typed again
    detail = login(alice).get(f"/{city.pk}/2024/projects/{typed.pk}/").content.decode()
    assert SHOWN in detail
    assert f"実績 {SHOWN}" in detail  # the page chart's description


def test_it_prints_the_typed_decimals_in_every_document_and_chart(
    typed: Project, login: Login, alice: AbstractBaseUser, city: Municipality, tmp_path: Path
) -> None:
    client = login(alice)

    html = _download(client, city, "html").decode()
    assert SHOWN in html
    assert re.search(r'font-weight="bold">16,000\.50</text>', html), "the SVG chart's value label"

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(_download(client, city, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert SHOWN in re.sub(r"\s+", "", text)
    assert "16,000.5人" not in re.sub(r"\s+", "", text).replace(SHOWN, "")

    word = docx.Document(io.BytesIO(_download(client, city, "docx")))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    nested = [c.text for t in word.tables for r in t.rows for cell in r.cells for n in cell.tables for rr in n.rows for c in rr.cells]
    assert any(SHOWN in c for c in [*cells, *nested])

    data = _download(client, city, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["目標指標"]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[2].value == INDICATOR and r[3].value == 2024]
    # An Excel cell is a number (people compute with it); its format shows the decimals as typed: 16,000.50.
    assert len(rows) == 1 and rows[0][6].number_format == "#,##0.00"
    assert Decimal(str(rows[0][6].value)) == Decimal("16000.50")
    chart_data = [r for r in workbook["グラフ"].iter_rows() if r[0].value == "R6(2024)年度"]
    assert any(r[2].number_format == "#,##0.00" and r[2].value is not None for r in chart_data)

    # The charts themselves: the SVG (HTML), the ReportLab drawing (PDF) label the actual as typed.
    model = build_report(report_document(municipality=city, fiscal_year=2024))
    indicator = next(i for p in model.projects if p.name == LINE for i in p.indicators)
    assert indicator.year(2024).actual_text == SHOWN  # type: ignore[union-attr]
    assert ">16,000.50</text>" in indicator_svg(indicator)
    drawing = indicator_drawing(indicator, 400)
    assert drawing is not None and "16,000.50" in _strings(drawing.contents[0])


def test_it_exports_the_typed_decimals(typed: Project, city: Municipality, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    call_command("export-json", "--municipality", "柏崎市", "--fiscal-year", "2024", "--out", str(out), stdout=io.StringIO())
    text = out.read_text(encoding="utf-8")
    document = json.loads(text)
    indicator = next(p for p in document["projects"] if p["name"] == LINE)["indicators"][0]
    assert indicator["actuals"]["2024"] == "16000.50"
    assert '"2024": "16000.50"' in text
