"""The cycle page: DX staff open a year with a due date, follow completion, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.plans.models import ProjectReport, ReportingYear
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_offers_dx_staff_to_open_a_year(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(f"/{city.pk}/2024/cycle/").content.decode()
    assert "進行管理を開始する" in html and 'for="due_date"' in html


def test_it_opens_a_year_with_a_due_date(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(f"/{city.pk}/2024/cycle/open/", {"due_date": "2025-05-31"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "進行管理を開始しました" in html
    assert "未着手" in html and "作成中" in html
    with scope(municipality=city):
        assert ReportingYear.objects.get(fiscal_year=2024).due_date == dt.date(2025, 5, 31)
        assert ProjectReport.objects.filter(fiscal_year=2024).count() == 4


@pytest.mark.parametrize("due_date", ["", "2025/13/01", "来年"])
def test_it_asks_again_for_an_invalid_due_date(
    due_date: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/2024/cycle/open/", {"due_date": due_date})
    assert response.status_code == 400
    assert "提出期限を正しい日付で入力してください" in response.content.decode()


def test_it_shows_the_services_refusal_of_a_second_opening(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    response = login(alice).post(f"/{city.pk}/2024/cycle/open/", {"due_date": "2025-06-30"})
    assert response.status_code == 400
    assert "既に開始されています" in response.content.decode()


def test_it_marks_overdue_reports(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: ReportingYear
) -> None:
    with scope(municipality=city):
        ReportingYear.objects.filter(pk=year_2024.pk).update(due_date=dt.date(2020, 1, 1))
    html = login(alice).get(f"/{city.pk}/2024/cycle/").content.decode()
    assert html.count("期限超過</span>") == 4
    assert "期限を" in html and "日過ぎています" in html


def test_it_refuses_to_publish_while_reports_are_pending(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    response = login(alice).post(f"/{city.pk}/2024/cycle/publish/", follow=True)
    assert "すべての報告が承認されるまで公表できません" in response.content.decode()
    with scope(municipality=city):
        assert not ReportingYear.objects.get(pk=year_2024.pk).is_published


def test_it_says_a_year_must_be_opened_before_it_is_published(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/2024/cycle/publish/", follow=True)
    assert response.redirect_chain[-1][0] == f"/{city.pk}/2024/cycle/"
    assert "この年度の進行管理は開始されていません" in response.content.decode()


def test_it_lets_viewers_follow_completion_but_not_open_or_publish(
    login: Login, erin: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    client = login(erin)
    html = client.get(f"/{city.pk}/2024/cycle/").content.decode()
    assert "担当部署ごとの状況" in html and "公表する" not in html
    assert client.post(f"/{city.pk}/2024/cycle/publish/").status_code == 403
    assert client.post(f"/{city.pk}/2025/cycle/open/", {"due_date": "2026-05-31"}).status_code == 403


def test_it_costs_a_constant_number_of_queries(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any,
    django_assert_num_queries: Any, grow_city: Callable[[int], None],
) -> None:
    client = login(alice)
    url = f"/{city.pk}/2024/cycle/"
    client.get(url)
    # The page also lists the year's publication versions (one query); the header counts unread notifications (one).
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    grow_city(5)
    with django_assert_num_queries(12):
        assert "追加事業4" in client.get(url).content.decode()


def test_it_is_forbidden_to_department_editors(login: Login, bob: AbstractBaseUser, city: Municipality) -> None:
    assert login(bob).get(f"/{city.pk}/2024/cycle/").status_code == 403
    assert login(bob).post(f"/{city.pk}/2024/cycle/open/", {"due_date": "2025-05-31"}).status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    client = login(charlie)
    assert client.get(f"/{city.pk}/2024/cycle/").status_code == 404
    assert client.post(f"/{city.pk}/2024/cycle/open/", {"due_date": "2025-05-31"}).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(f"/{city.pk}/2024/cycle/").status_code == 302


def test_it_lists_the_publications_of_a_published_year(login: Login, erin: AbstractBaseUser, city: Municipality) -> None:
    html = login(erin).get(f"/{city.pk}/2023/cycle/").content.decode()
    assert "公表した版" in html and "第1版" in html and "版の一覧と正誤表" in html
    assert "この年度を再開する" not in html  # viewers see, never change


def test_it_reopens_a_published_year_with_a_reason(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    assert "この年度を再開する（訂正）" in client.get(f"/{city.pk}/2023/cycle/").content.decode()
    response = client.post(f"/{city.pk}/2023/cycle/reopen/", {"comment": ""})
    assert response.status_code == 400 and "「再開」の理由を入力してください" in response.content.decode()
    response = client.post(f"/{city.pk}/2023/cycle/reopen/", {"comment": "実績値の訂正"}, follow=True)
    html = response.content.decode()
    assert "を再開しました。公表済みの版はそのまま残ります" in html
    with scope(municipality=city):
        year = ReportingYear.objects.get(fiscal_year=2023)
        assert year.is_open and year.publications.count() == 1


@pytest.mark.parametrize(("user", "status"), [("dave", 403), ("erin", 403), ("charlie", 404)])
def test_it_lets_only_dx_staff_reopen_a_year(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality
) -> None:
    response = login(request.getfixturevalue(user)).post(f"/{city.pk}/2023/cycle/reopen/", {"comment": "x"})
    assert response.status_code == status
    with scope(municipality=city):
        assert ReportingYear.objects.get(fiscal_year=2023).is_published


def test_it_sends_anonymous_users_to_login_instead_of_reopening(client: Client, city: Municipality) -> None:
    assert client.post(f"/{city.pk}/2023/cycle/reopen/", {"comment": "x"}).status_code == 302
