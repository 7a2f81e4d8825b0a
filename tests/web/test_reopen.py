"""「再開」: DX staff send an approved or published report back to the department, with a required reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry, ItemEvaluation, ItemKind
from shinchoku.cycle.services import report_approve, report_save, report_submit
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportState
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]

LINE = "LINEによる情報発信"
KOTSU = "新交通システムの構築"


@pytest.fixture
def approved(
    city: Municipality, gina: AbstractBaseUser, dave: AbstractBaseUser, year_2024: Any, report_of: ReportOf
) -> ProjectReport:
    """LINE's FY2024 report: filled in by Gina, submitted, approved by Dave with the suggested grade A."""
    report = report_of(LINE)
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
        indicator_id = next(i.indicator_id for i in items if i.kind == ItemKind.INDICATOR)
        grade_a = GradeDefinition.objects.get(municipality=city, code="A")
    report = report_save(
        report=report, by=gina, expected_version=report.version, results=["登録を促進しました。"],
        challenges=["周知が課題です。"], next_year=["機能を追加します。"], actuals={indicator_id: "18,000"},
        schedule_status="on_schedule", department_grade=grade_a, item_grades={i.pk: grade_a for i in items},
    )
    report = report_submit(report=report, by=gina)
    report_approve(
        report=report, by=dave, final_grade=grade_a, non_b_summary=["登録者数が目標を超えました。"],
        comment="よくできています。",
    )
    return report_of(LINE)


def reopen_url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/{report.fiscal_year}/projects/{report.project_id}/reopen/"


def reopened(city: Municipality) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action="report.reopened"))


def test_it_offers_dx_staff_a_reopen_form_on_the_project_page(
    login: Login, alice: AbstractBaseUser, city: Municipality, report_of: ReportOf
) -> None:
    report = report_of(KOTSU, 2023)  # published with the FY2023 report
    html = login(alice).get(f"/{city.pk}/2023/projects/{report.project_id}/").content.decode()
    assert "報告の再開" in html and 'for="reopen-comment"' in html and "再開する" in html
    assert "再開すると年度も再開されます" in html and "公表済みの版はそのまま残り" in html


def test_it_offers_the_reopen_form_on_the_review_page(
    login: Login, alice: AbstractBaseUser, city: Municipality, approved: ProjectReport
) -> None:
    html = login(alice).get(f"/{city.pk}/2024/projects/{approved.project_id}/review/").content.decode()
    assert 'for="reopen-comment"' in html and 'name="next" value="review"' in html


def test_it_reopens_an_approved_report_with_a_reason(
    login: Login, alice: AbstractBaseUser, city: Municipality, approved: ProjectReport, report_of: ReportOf
) -> None:
    response = login(alice).post(
        reopen_url(city, approved), {"comment": "実績値の誤りが見つかったため", "next": "review"}, follow=True
    )
    assert "報告を再開し、担当部署に差し戻しました" in response.content.decode()
    assert report_of(LINE).state == ReportState.RETURNED
    (entry,) = reopened(city)
    assert entry.after["comment"] == "実績値の誤りが見つかったため"


def test_it_reopens_a_published_report(
    login: Login, alice: AbstractBaseUser, city: Municipality, report_of: ReportOf
) -> None:
    report = report_of(KOTSU, 2023)
    response = login(alice).post(reopen_url(city, report), {"comment": "数値の訂正"}, follow=True)
    assert "この年度を再開しました（公表済みの版はそのまま残ります）" in response.content.decode()
    assert report_of(KOTSU, 2023).state == ReportState.RETURNED
    assert len(reopened(city)) == 1


def test_it_requires_a_reason(
    login: Login, alice: AbstractBaseUser, city: Municipality, approved: ProjectReport, report_of: ReportOf
) -> None:
    response = login(alice).post(reopen_url(city, approved), {"comment": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "「再開」の理由をコメントに入力してください。" in html and 'id="reopen-error"' in html
    assert report_of(LINE).state == ReportState.APPROVED and not reopened(city)


def test_it_refuses_a_report_that_is_not_approved(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: ReportOf
) -> None:
    report = report_of(LINE)  # draft
    client = login(alice)
    assert "再開できません" in client.get(reopen_url(city, report)).content.decode()
    response = client.post(reopen_url(city, report), {"comment": "x"})
    assert response.status_code == 400 and "「作成中」の報告は「再開」できません。" in response.content.decode()
    html = client.get(f"/{city.pk}/2024/projects/{report.project_id}/").content.decode()
    assert 'for="reopen-comment"' not in html


@pytest.mark.parametrize("user", ["dave", "erin", "gina", "frank"])
def test_it_is_forbidden_to_everyone_but_dx_staff(
    user: str, login: Login, city: Municipality, approved: ProjectReport, report_of: ReportOf,
    request: pytest.FixtureRequest,
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.post(reopen_url(city, approved), {"comment": "直したい"}).status_code == 403
    assert report_of(LINE).state == ReportState.APPROVED
    if user in ("dave", "erin", "gina"):  # they can see the project page, without the form
        html = client.get(f"/{city.pk}/2024/projects/{approved.project_id}/").content.decode()
        assert 'for="reopen-comment"' not in html


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality, report_of: ReportOf
) -> None:
    report = report_of(KOTSU, 2023)
    assert login(charlie).post(reopen_url(city, report), {"comment": "x"}).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, report_of: ReportOf) -> None:
    report = report_of(KOTSU, 2023)
    assert client.post(reopen_url(city, report), {"comment": "x"}).status_code == 302
    assert report_of(KOTSU, 2023).state == ReportState.APPROVED


def test_the_department_reads_the_reopen_reason_not_hqs_old_approval_comment(
    login: Login, alice: AbstractBaseUser, gina: AbstractBaseUser, city: Municipality, approved: ProjectReport,
    report_of: ReportOf,
) -> None:
    login(alice).post(reopen_url(city, approved), {"comment": "数値の誤りが見つかったため再開します。"})
    report = report_of(LINE)
    assert report.hq_comment == "よくできています。"  # HQ's approval comment is still on the report
    html = login(gina).get(f"/{city.pk}/2024/projects/{report.project_id}/report/").content.decode()
    assert "再開の理由（DX担当）：</strong>数値の誤りが見つかったため再開します。" in html
    assert "差戻しの理由（情報化推進本部）" not in html
    assert "よくできています。" not in html.split("再開の理由")[1].split("</div>")[0]
