"""Changing one's own password: in the app, in Japanese, with the password validators of settings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

Login = Callable[[AbstractBaseUser], Client]


def test_it_offers_the_change_to_a_logged_in_user(login: Login, bob: AbstractBaseUser) -> None:
    client = login(bob)
    html = client.get("/password/").content.decode()
    assert 'for="id_old_password">現在のパスワード' in html and 'autocomplete="new-password"' in html


def test_it_changes_the_password_and_keeps_the_session(
    login: Login, bob: AbstractBaseUser, password: str
) -> None:
    client = login(bob)
    new = "kashiwazaki-dx-2025-spring"
    response = client.post(
        "/password/", {"old_password": password, "new_password1": new, "new_password2": new}, follow=True
    )
    assert "パスワードを変更しました" in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password(new)
    assert client.get("/password/").status_code == 200  # still logged in


def test_it_refuses_a_wrong_current_or_a_weak_new_password(
    login: Login, bob: AbstractBaseUser, password: str
) -> None:
    client = login(bob)
    wrong = client.post("/password/", {"old_password": "x", "new_password1": "a" * 12, "new_password2": "a" * 12})
    assert wrong.status_code == 200 and "パスワードを変更できませんでした" in wrong.content.decode()
    weak = client.post("/password/", {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"})
    html = weak.content.decode()
    assert "パスワードを変更できませんでした" in html and 'aria-invalid="true"' in html
    bob.refresh_from_db()
    assert bob.check_password(password)


def test_it_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
