"""``/<municipality>/``: the year picker."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_lists_the_plan_years_for_a_member(login: Login, erin: AbstractBaseUser, city: Municipality) -> None:
    response = login(erin).get(f"/{city.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和5（2023）年度" in html and "報告書公表済み" in html
    assert f'href="/{city.pk}/2024/"' in html


def test_it_sends_department_editors_to_their_project_list(
    login: Login, bob: AbstractBaseUser, city: Municipality
) -> None:
    html = login(bob).get(f"/{city.pk}/").content.decode()
    assert f'href="/{city.pk}/2024/projects/"' in html
    assert f'href="/{city.pk}/2024/"' not in html


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    assert login(charlie).get(f"/{city.pk}/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    response = client.get(f"/{city.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
