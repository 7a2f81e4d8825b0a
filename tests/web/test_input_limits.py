"""The input boundary in the forms: the service's Japanese refusal next to the field, the input kept, nothing saved,
and each limit as the field's maxlength so the browser says it first."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Project, ProjectReport
from shinchoku.tenancy.models import Municipality

from .test_project_edit import KEIYAKU, edit_url, form, fresh
from .test_report_form import LINE, complete_form, url

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]
ReportOf = Callable[..., ProjectReport]


def audit_count(city: Municipality) -> int:
    with scope(municipality=city):
        return AuditEntry.objects.filter(municipality=city).count()


def test_it_shows_a_control_character_refusal_next_to_the_overview(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    before = audit_count(city)
    response = login(alice).post(edit_url(city, project), form(fresh(city, project.pk), city, overview="概要\x0bです\x1b"))
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('<label for="overview">'):]
    field = field[: field.index("</div>")]
    assert "事業概要に使えない文字（制御文字 U+001B）が含まれています（6文字目）。" in field
    assert fresh(city, project.pk).overview == "電子契約システムを導入します。"
    assert audit_count(city) == before


def test_it_refuses_an_over_long_item_of_the_report_form(
    login: Login, gina: AbstractBaseUser, city: Municipality, year_2024: Any, project_named: ProjectNamed,
    report_of: ReportOf,
) -> None:
    line = project_named(LINE)
    report = report_of(LINE, 2024)
    data = complete_form(city, report, results=["あ" * 1001, "二つ目"])
    response = login(gina).post(url(city, line), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "主な取組と成果の1件目：項目は1,000文字以内で入力してください（1,001文字あります）。" in html
    assert "二つ目" in html  # the input stays as typed
    assert report_of(LINE, 2024).version == report.version


def test_each_field_carries_its_limit_as_maxlength(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    html = login(alice).get(edit_url(city, project_named(KEIYAKU))).content.decode()
    limits = dict(re.findall(r'id="([a-z_]+)"[^>]*?maxlength="(\d+)"', html))
    assert limits == {
        "name": "200", "overview": "4000", "vision": "2000", "comprehensive_plan_area": "200",
        "comprehensive_plan_policy": "200",
    }
