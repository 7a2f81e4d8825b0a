"""The cycle page's due-date change: DX staff move the deadline of a running year (recorded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def url(city: Municipality) -> str:
    return f"/{city.pk}/2024/cycle/due-date/"


def due_date(city: Municipality) -> dt.date:
    with scope(municipality=city):
        return ReportingYear.objects.get(fiscal_year=2024).due_date


def test_it_offers_dx_staff_the_due_date_form(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    html = login(alice).get(f"/{city.pk}/2024/cycle/").content.decode()
    assert "提出期限を変更する" in html and 'for="new_due_date"' in html and 'value="令和7（2025）年5月31日"' in html


def test_it_changes_the_due_date(login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    response = login(alice).post(url(city), {"due_date": "2025-06-30"}, follow=True)
    assert "提出期限を令和7（2025）年6月30日に変更しました" in response.content.decode()
    assert due_date(city) == dt.date(2025, 6, 30)
    with scope(municipality=city):
        (entry,) = AuditEntry.objects.filter(municipality=city, action="year.due_date.updated")
    assert entry.before == {"due_date": "2025-05-31"} and entry.after == {"due_date": "2025-06-30"}


@pytest.mark.parametrize("raw", ["", "2025/13/01", "来月末"])
def test_it_asks_again_for_an_invalid_date(
    raw: str, login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    response = login(alice).post(url(city), {"due_date": raw})
    assert response.status_code == 400
    html = response.content.decode()
    assert "提出期限を正しい日付で入力してください" in html and 'id="new_due_date_error"' in html
    assert due_date(city) == dt.date(2025, 5, 31)


@pytest.mark.parametrize("raw", ["令和7年6月30日", "R7.6.30", "R7/6/30", "２０２５－０６－３０", "2025年6月30日"])
def test_it_accepts_the_era_and_western_forms_people_type(
    raw: str, login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    assert login(alice).post(url(city), {"due_date": raw}).status_code == 302
    assert due_date(city) == dt.date(2025, 6, 30)


def test_it_warns_about_a_due_date_already_past(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    response = login(alice).post(url(city), {"due_date": "R6.4.1"}, follow=True)
    html = response.content.decode()
    assert "提出期限を令和6（2024）年4月1日に変更しました" in html
    assert "提出期限の令和6（2024）年4月1日はすでに過ぎています。" in html
    assert due_date(city) == dt.date(2024, 4, 1)


def test_it_says_so_when_the_year_is_not_open(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(url(city), {"due_date": "2025-06-30"}, follow=True)
    assert "この年度の進行管理は開始されていません" in response.content.decode()


@pytest.mark.parametrize("user", ["erin", "dave", "bob"])
def test_it_is_forbidden_to_others(
    user: str, login: Login, city: Municipality, year_2024: Any, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.post(url(city), {"due_date": "2025-06-30"}).status_code == 403
    assert due_date(city) == dt.date(2025, 5, 31)
    if user != "bob":
        assert "提出期限を変更する" not in client.get(f"/{city.pk}/2024/cycle/").content.decode()


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    assert login(charlie).post(url(city), {"due_date": "2025-06-30"}).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, year_2024: Any) -> None:
    assert client.post(url(city), {"due_date": "2025-06-30"}).status_code == 302
