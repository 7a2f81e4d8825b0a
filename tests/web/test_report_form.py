"""The department's form: items, actuals, grades; draft, submit, conflicts, locks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.plans.models import GradeDefinition, IndicatorValue, Project, ProjectReport, ValueKind
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]
ReportOf = Callable[..., ProjectReport]

LINE = "LINEによる情報発信"


def url(city: Municipality, project: Project, fiscal_year: int = 2024) -> str:
    return f"/{city.pk}/{fiscal_year}/projects/{project.pk}/report/"


def complete_form(city: Municipality, report: ProjectReport, **overrides: Any) -> dict[str, Any]:
    """Everything a complete submission needs, as the browser would post it."""
    with scope(municipality=city):
        grade_b = GradeDefinition.objects.get(municipality=city, code="B")
        items = list(ItemEvaluation.objects.filter(report=report).select_related("indicator"))
    data: dict[str, Any] = {
        "version": report.version,
        "results": ["友だち登録キャンペーンを実施しました。", "防災情報の配信を始めました。"],
        "challenges": ["高齢者への周知が課題です。"],
        "next_year": ["通報機能を追加します。"],
        "schedule_status": "on_schedule",
        "department_grade": grade_b.pk,
        "comment": "",
        "action": "save",
    }
    for item in items:
        data[f"item_grade-{item.pk}"] = grade_b.pk
        if item.kind == ItemKind.INDICATOR:
            data[f"actual-{item.indicator_id}"] = "１６，０００"
    data.update(overrides)
    return data


@pytest.fixture
def line(project_named: ProjectNamed) -> Project:
    return project_named(LINE)


def test_it_shows_the_form_with_labels_and_the_version(
    login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any, report_of: ReportOf
) -> None:
    response = login(gina).get(url(city, line))
    assert response.status_code == 200
    html = response.content.decode()
    report = report_of(LINE)
    assert f'name="version" value="{report.version}"' in html
    assert "下書き保存" in html and ">提出<" in html
    assert 'for="actual-' in html and 'for="department_grade"' in html
    assert "評価案" in html


def test_it_saves_a_draft_with_full_width_and_comma_numbers(
    login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)
    response = login(gina).post(url(city, line), complete_form(city, report))
    assert response.status_code == 302
    saved = report_of(LINE)
    assert saved.results == ["友だち登録キャンペーンを実施しました。", "防災情報の配信を始めました。"]
    assert saved.state == "draft" and saved.version > report.version
    with scope(municipality=city):
        actual = IndicatorValue.objects.get(indicator__project=line, kind=ValueKind.ACTUAL, fiscal_year=2024)
    assert actual.value == 16000
    page = login(gina).get(url(city, line)).content.decode()
    assert "下書きを保存しました。" in page
    assert "達成率：106.7％" in page  # 16,000 / 15,000, suggested by cycle.evaluation


@pytest.mark.parametrize("typed", ["約100", "100以上", "1,23,4"])
def test_it_shows_the_services_japanese_error_next_to_an_invalid_actual(
    typed: str, login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any,
    report_of: ReportOf,
) -> None:
    report = report_of(LINE)
    form = complete_form(city, report)
    key = next(k for k in form if k.startswith("actual-"))
    form[key] = typed
    response = login(gina).post(url(city, line), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{key.replace("actual-", "actual-error-")}"' in html
    assert f"「{typed}」は数値ではありません" in html
    assert f'value="{typed}"' in html  # what was typed stays
    assert report_of(LINE).version == report.version  # nothing saved


def test_it_reorders_adds_and_removes_items_without_javascript_and_without_saving(
    login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)
    client = login(gina)
    form = complete_form(city, report, results=["一つ目", "二つ目", "三つ目"])
    form.pop("action")
    html = client.post(url(city, line), {**form, "op": "results:up:2"}).content.decode()
    assert html.index("一つ目") < html.index("三つ目") < html.index("二つ目")
    assert "まだ保存されていません" in html
    html = client.post(url(city, line), {**form, "op": "results:remove:0"}).content.decode()
    assert "一つ目" not in html
    html = client.post(url(city, line), {**form, "op": "results:add"}).content.decode()
    assert html.count('name="results"') == 4
    assert report_of(LINE).version == report.version


def test_it_lists_what_is_missing_when_a_submit_fails_and_keeps_the_draft(
    login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)
    form = complete_form(city, report, challenges=[], schedule_status="", action="submit")
    response = login(gina).post(url(city, line), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "提出できませんでした" in html
    assert "「目指す姿」に向けた課題と今後の展開" in html.split('id="errors"')[1].split("</div>")[0]
    assert "スケジュールの進捗" in html.split('id="errors"')[1].split("</div>")[0]
    saved = report_of(LINE)
    assert saved.state == "draft" and saved.results  # the draft was kept


def test_it_submits_a_complete_report(
    login: Login, gina: AbstractBaseUser, city: Municipality, line: Project, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)
    response = login(gina).post(url(city, line), complete_form(city, report, action="submit"))
    assert response.status_code == 302
    assert report_of(LINE).state == "submitted"
    html = login(gina).get(url(city, line)).content.decode()
    assert "提出済みです" in html and 'name="version"' not in html


def test_it_shows_a_conflict_instead_of_overwriting(
    login: Login, gina: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, line: Project,
    year_2024: Any, report_of: ReportOf,
) -> None:
    from shinchoku.cycle.services import report_save

    stale = report_of(LINE)
    report_save(report=stale, by=alice, expected_version=stale.version, challenges=["アリスが書いた課題"])
    form = complete_form(city, stale, challenges=["ジーナの課題"])
    response = login(gina).post(url(city, line), form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "ほかの人が先にこの報告を更新しました" in html
    assert "アリスが書いた課題" in html and "ジーナの課題" in html  # theirs listed, mine kept
    assert report_of(LINE).challenges == ["アリスが書いた課題"]
    assert f'name="version" value="{report_of(LINE).version}"' in html  # saving again is a deliberate choice


def test_it_refuses_to_edit_an_approved_or_published_report(
    login: Login, alice: AbstractBaseUser, city: Municipality, line: Project, report_of: ReportOf
) -> None:
    published = report_of(LINE, 2023)
    client = login(alice)
    html = client.get(url(city, line, 2023)).content.decode()
    assert "公表済みの年度の報告は編集できません" in html
    response = client.post(url(city, line, 2023), {"version": published.version, "results": ["改ざん"], "action": "save"}, follow=True)
    assert "編集できません" in response.content.decode()
    assert report_of(LINE, 2023).results == published.results


@pytest.mark.parametrize(("user", "status"), [("frank", 403), ("erin", 403), ("dave", 403), ("charlie", 404)])
def test_it_refuses_users_who_may_not_edit_the_project(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality, line: Project,
    year_2024: Any, report_of: ReportOf,
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city, line)).status_code == status
    report = report_of(LINE)
    assert client.post(url(city, line), complete_form(city, report)).status_code == status
    assert report_of(LINE).version == report.version


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, line: Project, year_2024: Any) -> None:
    response = client.get(url(city, line))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
