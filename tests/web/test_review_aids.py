"""Review aids on the report form and the review page: last year's report beside this year's, plausibility
warnings (after save, to HQ), 前年度に記載した今年度の取組 with 「今年度の取組に写す」, the unsaved-changes script."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.cycle.selectors_queues import previous_report
from shinchoku.plans.models import ProjectReport
from shinchoku.tenancy.models import Municipality

from ._queue_helpers import LINE, SHINKOTSU, grade, submit

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]


def form_url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/2024/projects/{report.project_id}/report/"


def review_url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/2024/projects/{report.project_id}/review/"


def line_form(city: Municipality, report: ProjectReport, actual: str) -> dict[str, Any]:
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
    data: dict[str, Any] = {
        "version": report.version, "results": ["登録を促進しました。"], "challenges": [""], "next_year": [""],
        "schedule_status": "on_schedule", "department_grade": grade(city, "B").pk, "comment": "", "action": "save",
    }
    for item in items:
        if item.kind == ItemKind.INDICATOR:
            data[f"actual-{item.indicator_id}"] = actual
    return data


def test_the_form_shows_last_years_report_and_plans_as_a_labelled_reference(
    login: Login, city: Municipality, bob: AbstractBaseUser, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(SHINKOTSU)
    assert report.results == []  # no silent pre-fill from last year's plans
    html = login(bob).get(form_url(city, report)).content.decode()
    assert "前年度（令和5（2023）年度）の報告：進捗状況 A" in html
    assert "11月24日からAI新交通あいくるの運行を開始しました。" in html  # last year's results
    assert "前年度に記載した今年度の取組" in html and "利用状況等をデータで分析し、改善・見直しを図ります。" in html
    assert 'value="copy_next_year"' in html and "今年度の取組に写す" in html
    assert "data-unsaved-warning" in html and 'src="/static/web/unsaved.js"' in html


def test_the_copy_button_fills_the_results_and_saves_nothing(
    login: Login, city: Municipality, bob: AbstractBaseUser, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(SHINKOTSU)
    response = login(bob).post(form_url(city, report), {
        "version": report.version, "results": ["自分で書いた成果。"], "challenges": [""], "next_year": [""],
        "op": "copy_next_year",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("自分で書いた成果。") < html.rindex("利用状況等をデータで分析し、改善・見直しを図ります。</textarea>")
    assert "まだ保存されていません" in html
    assert report_of(SHINKOTSU).results == [] and report_of(SHINKOTSU).version == report.version


def test_the_department_sees_warnings_after_saving(
    login: Login, city: Municipality, gina: AbstractBaseUser, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)
    response = login(gina).post(form_url(city, report), line_form(city, report, "60000"), follow=True)
    html = response.content.decode()
    assert report_of(LINE).version > report.version  # saved: a warning is not an error
    assert "確認が必要な値があります（⚠）" in html and "確認してください（保存はされています）" in html
    assert "達成率が400％で、150％を超えています。" in html
    assert "前年度の実績：16,608人" in html
    html = login(gina).post(form_url(city, report_of(LINE)), line_form(city, report_of(LINE), "16000"),
                            follow=True).content.decode()
    assert "下書きを保存しました。" in html and "確認してください（保存はされています）" not in html


def test_hq_sees_last_year_and_the_warnings_on_the_review_page(
    login: Login, city: Municipality, gina: AbstractBaseUser, dave: AbstractBaseUser, year_2024: Any,
    report_of: ReportOf,
) -> None:
    submit(city, report_of(LINE), gina, actual="-5")
    html = login(dave).get(review_url(city, report_of(LINE))).content.decode()
    assert "前年度の実績" in html and "16,608人" in html
    assert "確認が必要な値" in html
    assert "実績が-5人で、負の数です。" in html and "達成率が-0％で、0％未満です。" not in html
    assert "前年度（令和5（2023）年度）の報告：進捗状況 A" in html


def test_charlie_gets_nothing(login: Login, city: Municipality, charlie: AbstractBaseUser, year_2024: Any,
                              report_of: ReportOf) -> None:
    report = report_of(SHINKOTSU)
    assert login(charlie).get(form_url(city, report)).status_code == 404
    assert login(charlie).post(form_url(city, report), {"op": "copy_next_year"}).status_code == 404
    assert login(charlie).get(review_url(city, report)).status_code == 404


def test_last_years_report_is_one_query(
    city: Municipality, year_2024: Any, report_of: ReportOf, django_assert_num_queries: Any
) -> None:
    report = report_of(SHINKOTSU)
    with scope(municipality=city), django_assert_num_queries(1):
        previous = previous_report(report=report)
        assert previous is not None and previous.grade is not None and previous.grade.code == "A"
    with scope(municipality=city), django_assert_num_queries(1):
        assert previous_report(report=previous) is None


def test_the_unsaved_changes_script_is_a_static_file(client: Client, db: None) -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("web/unsaved.js")
    assert path
    text = open(path, encoding="utf-8").read()
    assert "beforeunload" in text and "data-unsaved-warning" in text
