"""HQ's review page: grades side by side, return with a comment, approve with a final grade."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.cycle.services import report_save, report_submit
from shinchoku.plans.models import GradeDefinition, ProjectReport
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]

LINE = "LINEによる情報発信"


def grade(city: Municipality, code: str) -> GradeDefinition:
    with scope(municipality=city):
        return GradeDefinition.objects.get(municipality=city, code=code)


@pytest.fixture
def submitted(city: Municipality, gina: AbstractBaseUser, year_2024: Any, report_of: ReportOf) -> ProjectReport:
    """LINE's FY2024 report, filled in by Gina (actual 18,000 of 15,000 → 120 % → suggestion A) and submitted."""
    report = report_of(LINE)
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
        indicator_id = next(i.indicator_id for i in items if i.kind == ItemKind.INDICATOR)
    b = grade(city, "B")
    report = report_save(
        report=report, by=gina, expected_version=report.version,
        results=["登録を促進しました。"], challenges=["周知が課題です。"], next_year=["機能を追加します。"],
        actuals={indicator_id: "18,000"}, schedule_status="on_schedule", department_grade=b,
        item_grades={i.pk: b for i in items},
    )
    report_submit(report=report, by=gina)
    return report_of(LINE)


def url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/{report.fiscal_year}/projects/{report.project_id}/review/"


def test_it_shows_suggestion_department_and_final_grade_side_by_side(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport
) -> None:
    response = login(dave).get(url(city, submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "評価案（規則）" in html and "担当部署の評価" in html and "最終評価" in html
    assert "120.0％" in html
    assert "登録を促進しました。" in html
    assert 'name="final_grade"' in html and 'value="approve"' in html and 'value="return"' in html


def test_it_returns_a_report_with_a_comment(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport, report_of: ReportOf
) -> None:
    response = login(dave).post(url(city, submitted), {"decision": "return", "comment": "成果を数値で書いてください。"})
    assert response.status_code == 302
    returned = report_of(LINE)
    assert returned.state == "returned" and returned.hq_comment == "成果を数値で書いてください。"


def test_it_shows_the_services_error_when_returning_without_a_comment(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport, report_of: ReportOf
) -> None:
    response = login(dave).post(url(city, submitted), {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert "差し戻せませんでした" in response.content.decode()
    assert report_of(LINE).state == "submitted"


def test_it_requires_a_rationale_when_the_final_grade_differs_from_the_suggestion(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport, report_of: ReportOf
) -> None:
    client = login(dave)
    b = grade(city, "B")
    response = client.post(url(city, submitted), {"decision": "approve", "final_grade": b.pk, "rationale": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "承認できませんでした" in html and "理由を入力してください" in html
    response = client.post(
        url(city, submitted), {"decision": "approve", "final_grade": b.pk, "rationale": "登録数は震災による一時的な増加のため。"}
    )
    assert response.status_code == 302
    approved = report_of(LINE)
    assert approved.state == "approved" and approved.grade.code == "B"


def test_it_requires_a_non_b_summary_when_the_final_grade_is_not_as_planned(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport, report_of: ReportOf
) -> None:
    client = login(dave)
    a = grade(city, "A")
    response = client.post(url(city, submitted), {"decision": "approve", "final_grade": a.pk})
    assert response.status_code == 400
    assert "以外の概要" in response.content.decode()
    response = client.post(
        url(city, submitted),
        {"decision": "approve", "final_grade": a.pk, "non_b_summary": "目標を大きく上回りました。"},
    )
    assert response.status_code == 302
    approved = report_of(LINE)
    assert approved.grade.code == "A" and approved.non_b_summary == ["目標を大きく上回りました。"]


@pytest.mark.parametrize(("user", "status"), [("gina", 403), ("erin", 403), ("frank", 403), ("charlie", 404)])
def test_it_refuses_users_who_may_not_review(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality,
    submitted: ProjectReport, report_of: ReportOf,
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city, submitted)).status_code == status
    assert client.post(url(city, submitted), {"decision": "return", "comment": "x"}).status_code == status
    assert report_of(LINE).state == "submitted"


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, submitted: ProjectReport) -> None:
    assert client.get(url(city, submitted)).status_code == 302


def test_project_page_links_to_the_review_for_hq(
    login: Login, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport
) -> None:
    html = login(dave).get(f"/{city.pk}/2024/projects/{submitted.project_id}/").content.decode()
    assert "審査する" in html and "提出" in html  # the history shows the submit transition




def test_it_refuses_a_decision_on_a_report_resubmitted_since_the_page_was_loaded(
    login: Login, dave: AbstractBaseUser, gina: AbstractBaseUser, city: Municipality, submitted: ProjectReport,
    report_of: ReportOf,
) -> None:
    """Dave reads version N; meanwhile it is returned, changed to 9,000 and resubmitted: N's approval is void."""
    import re

    from shinchoku.cycle.services import report_return

    client = login(dave)
    shown = re.search(r'name="version" value="(\d+)"', client.get(url(city, submitted)).content.decode())
    assert shown and int(shown.group(1)) == submitted.version
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=submitted))
    indicator_id = next(i.indicator_id for i in items if i.kind == ItemKind.INDICATOR)
    returned = report_return(report=submitted, by=dave, comment="実績を確認してください。")
    changed = report_save(report=returned, by=gina, expected_version=returned.version, actuals={indicator_id: "9,000"})
    report_submit(report=changed, by=gina)

    b = grade(city, "B")
    response = client.post(url(city, submitted), {
        "decision": "approve", "final_grade": b.pk, "rationale": "計画どおり。", "version": shown.group(1),
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert "編集中に他の人がこの報告を更新しました" in html
    assert report_of(LINE).state == "submitted"
    # The page shown again carries the current version, so a decision on what is now shown goes through.
    again = re.search(r'name="version" value="(\d+)"', html)
    assert again and int(again.group(1)) == report_of(LINE).version
