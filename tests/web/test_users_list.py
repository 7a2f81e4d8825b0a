"""利用者の管理 (list): DX staff see the municipality's users; everyone else 403, Charlie 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.cycle.services.users import user_invite
from shinchoku.tenancy.models import Department, Municipality, Role

Login = Callable[[AbstractBaseUser], Client]


def test_it_lists_the_users_with_roles_departments_and_era_last_login(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality
) -> None:
    get_user_model().objects.filter(pk=bob.pk).update(last_login=dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC))
    html = login(alice).get(f"/{city.pk}/users/").content.decode()
    assert "利用者の管理" in html
    assert "bob@example.org" in html and "企画政策課" in html
    assert "担当部署" in html and "情報化推進本部" in html
    assert "令和7（2025）年3月10日 12:00" in html  # JST
    assert "利用中" in html


def test_it_hides_the_users_of_another_municipality(
    login: Login, alice: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality
) -> None:
    assert "charlie" not in login(alice).get(f"/{city.pk}/users/").content.decode()


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_everyone_but_dx_staff(login: Login, city: Municipality, name: str, request: Any) -> None:
    user = request.getfixturevalue(name)
    assert login(user).get(f"/{city.pk}/users/").status_code == 403
    assert login(user).get(f"/{city.pk}/users/new/").status_code == 403
    assert login(user).get(f"/{city.pk}/users/import/").status_code == 403


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).get(f"/{city.pk}/users/").status_code == 404


def test_it_links_the_page_in_the_navigation_for_dx_staff_only(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality
) -> None:
    assert f'href="/{city.pk}/users/"' in login(alice).get(f"/{city.pk}/").content.decode()
    assert f'href="/{city.pk}/users/"' not in login(dave).get(f"/{city.pk}/").content.decode()


def test_it_costs_the_same_queries_for_more_users(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality, django_assert_num_queries: Any
) -> None:
    client = login(alice)
    url = f"/{city.pk}/users/"
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    from django_scopes import scope

    with scope(municipality=city):
        somu = Department.objects.get(municipality=city, name="総務課")
    for i in range(5):
        user_invite(municipality=city, login=f"new{i}", name=f"新規 {i}", email=f"new{i}@example.org",
                    roles=[Role.DEPARTMENT_EDITOR], departments=[somu], by=alice)
    with django_assert_num_queries(8):
        assert "new4@example.org" in client.get(url).content.decode()
