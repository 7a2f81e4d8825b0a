"""``/<municipality>/<fiscal year>/``: grades per pillar, completion, KPI charts, non-B projects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_shows_the_published_years_grades_charts_and_non_b_projects(
    login: Login, erin: AbstractBaseUser, city: Municipality
) -> None:
    response = login(erin).get(f"/{city.pk}/2023/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "暮らしのDX" in html and "行政のDX" in html
    assert html.count('<svg class="chart" role="img"') >= 4  # 2 pillars + 2 KPIs
    assert "公式アカウント追加ユーザー数（累計）" in html
    assert "達成率 118.6％" in html  # 16,608 / 14,000
    # Non-B: 新交通 (A), LINE (A), 電子決裁 (C); 電子契約 (B) is not listed there.
    non_b = html.split('id="h-nonb"')[1].split('id="h-kpi"')[0]
    assert "新交通システムの構築" in non_b and "電子文書管理・電子決裁システム導入" in non_b
    assert "電子契約システム導入" not in non_b


def test_it_counts_completion_of_an_open_year(login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    html = login(alice).get(f"/{city.pk}/2024/").content.decode()
    assert "報告の状況（全4件）" in html


def test_it_costs_a_constant_number_of_queries(
    login: Login,
    alice: AbstractBaseUser,
    city: Municipality,
    django_assert_num_queries: Any,
    grow_city: Callable[[int], None],
) -> None:
    client = login(alice)
    url = f"/{city.pk}/2023/"
    client.get(url)  # warm the session
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200
    grow_city(6)
    with django_assert_num_queries(14):
        html = client.get(url).content.decode()
    assert "追加事業5" in html


def test_it_is_forbidden_to_department_editors(login: Login, bob: AbstractBaseUser, city: Municipality) -> None:
    assert login(bob).get(f"/{city.pk}/2023/").status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).get(f"/{city.pk}/2023/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(f"/{city.pk}/2023/").status_code == 302
