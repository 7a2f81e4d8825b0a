"""``/<municipality>/<fiscal year>/projects/``: the projects the user may see, with the year's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_lists_every_project_for_a_viewer(login: Login, erin: AbstractBaseUser, city: Municipality) -> None:
    response = login(erin).get(f"/{city.pk}/2023/projects/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("新交通システムの構築", "LINEによる情報発信", "電子文書管理・電子決裁システム導入", "電子契約システム導入"):
        assert name in html
    assert "公表済み" in html
    assert "報告を入力" not in html


def test_it_lists_only_the_departments_projects_for_an_editor(
    login: Login, bob: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    html = login(bob).get(f"/{city.pk}/2024/projects/").content.decode()
    assert "新交通システムの構築" in html and "電子契約システム導入" in html  # 企画政策課 (the latter shared with 総務課)
    assert "LINEによる情報発信" not in html and "電子文書管理・電子決裁システム導入" not in html
    assert html.count("報告を入力") == 2


def test_it_offers_review_links_to_hq_for_submitted_reports_only(
    login: Login, dave: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    html = login(dave).get(f"/{city.pk}/2024/projects/").content.decode()
    assert "作成中" in html
    assert "審査" not in html.split("<tbody>")[1]


def test_it_costs_a_constant_number_of_queries(
    login: Login,
    alice: AbstractBaseUser,
    city: Municipality,
    year_2024: Any,
    django_assert_num_queries: Any,
    grow_city: Callable[[int], None],
) -> None:
    client = login(alice)
    url = f"/{city.pk}/2023/projects/"
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    grow_city(5)
    with django_assert_num_queries(11):
        assert "追加事業4" in client.get(url).content.decode()


def test_it_is_a_404_for_another_municipalitys_member(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).get(f"/{city.pk}/2023/projects/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(f"/{city.pk}/2023/projects/").status_code == 302
