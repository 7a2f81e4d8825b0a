"""``/``: the user's municipalities; a single one redirects straight to it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality, Role

Login = Callable[[AbstractBaseUser], Client]


def test_it_sends_anonymous_users_to_login(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_redirects_a_member_of_one_municipality(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/{city.pk}/"


def test_it_lists_every_municipality_of_a_member_of_several(
    login: Login, alice: AbstractBaseUser, city: Municipality, other_city: Municipality, make_user: Callable[..., AbstractBaseUser]
) -> None:
    make_user("alice", other_city, Role.VIEWER)
    response = login(alice).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "柏崎市" in html and "刈羽村" in html


def test_it_lists_nothing_for_a_user_without_memberships(client: Client, django_user_model: type) -> None:
    user = django_user_model.objects.create_user(username="nobody", password="x")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "割り当てられていません" in response.content.decode()
