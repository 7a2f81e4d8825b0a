"""利用者の招待: DX staff create a user with roles and departments; the invitation mail's link sets the password."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Department, Membership, Municipality

Login = Callable[[AbstractBaseUser], Client]
NEW_PASSWORD = "Kashiwazaki-2025-shinchoku"


def form(city: Municipality, **extra: Any) -> dict[str, Any]:
    with scope(municipality=city):
        somu = Department.objects.get(municipality=city, name="総務課")
    data: dict[str, Any] = {
        "login": "yamada", "name": "山田 太郎", "email": "yamada@example.org",
        "roles": ["department_editor"], "departments": [str(somu.pk)],
    }
    data.update(extra)
    return data


def link_in(body: str) -> str:
    match = re.search(r"http://\S+/password/set/\S+/", body)
    assert match, body
    return match.group(0).split("http://127.0.0.1:8000", 1)[-1]


def test_it_invites_a_user_and_mails_a_japanese_set_password_link(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/users/new/", form(city))
    assert response.status_code == 302
    user = get_user_model().objects.get(username="yamada")
    assert (user.last_name, user.first_name, user.has_usable_password()) == ("山田", "太郎", False)
    with scope(municipality=city):
        membership = Membership.objects.get(user=user, municipality=city)
        assert [d.name for d in membership.departments.all()] == ["総務課"]
        entry = AuditEntry.objects.get(action="user.invited")
    assert entry.actor_id == alice.pk and entry.after["roles"] == ["department_editor"]
    [message] = mail.outbox
    assert message.to == ["yamada@example.org"]
    assert "招待" in message.subject and "山田 太郎 様" in message.body and "ログインID：yamada" in message.body
    assert "/password/set/" in message.body


def test_it_lets_the_invited_user_set_a_password_and_log_in(
    client: Client, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    login(alice).post(f"/{city.pk}/users/new/", form(city))
    client.logout()
    link = link_in(mail.outbox[0].body)
    page = client.get(link, follow=True)
    assert "パスワードの設定" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "パスワードを設定しました" in done.content.decode()
    assert client.post("/login/", {"username": "yamada", "password": NEW_PASSWORD}).status_code == 302
    # One use only.
    client.logout()
    assert "このリンクは使えません" in client.get(link, follow=True).content.decode()


def test_it_shows_a_japanese_error_and_writes_nothing_for_a_taken_login(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/users/new/", form(city, login="bob"))
    assert response.status_code == 400
    assert "ログインID「bob」は既に使われています" in response.content.decode()
    assert not mail.outbox


def test_it_needs_a_department_for_a_department_editor(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(f"/{city.pk}/users/new/", form(city, departments=[]))
    assert response.status_code == 400 and "部署を1つ以上選んでください" in response.content.decode()
    assert not get_user_model().objects.filter(username="yamada").exists()


def test_it_refuses_a_login_of_another_municipality(
    login: Login, alice: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/users/new/", form(city, login="charlie"))
    assert response.status_code == 400
    with scope(municipality=city):
        assert not Membership.objects.filter(user=charlie, municipality=city).exists()


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_everyone_but_dx_staff(login: Login, city: Municipality, name: str, request: Any) -> None:
    assert login(request.getfixturevalue(name)).post(f"/{city.pk}/users/new/", form(city)).status_code == 403
    assert not get_user_model().objects.filter(username="yamada").exists()


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).post(f"/{city.pk}/users/new/", form(city)).status_code == 404
    assert not get_user_model().objects.filter(username="yamada").exists()
