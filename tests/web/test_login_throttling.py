"""Login throttling (django-axes): wrong passwords lock the user out from that address, on the app's login
and on /admin/; the right password then no longer works until the lockout ends, and each failure is logged."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client


@pytest.fixture(autouse=True)
def _three_failures(settings: pytest.FixtureRequest) -> None:
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]


def _try(client: Client, url: str, username: str, password: str) -> str:
    response = client.post(url, {"username": username, "password": password})
    return response.content.decode()


def test_it_locks_a_user_out_after_repeated_wrong_passwords(client: Client, bob: AbstractBaseUser, password: str) -> None:
    for _ in range(2):
        assert "ログインできませんでした" in _try(client, "/login/", bob.get_username(), "wrong")
    locked = client.post("/login/", {"username": bob.get_username(), "password": "wrong"})
    assert locked.status_code == 429 and "ログインを一時的に停止しています" in locked.content.decode()
    # The right password does not get in while locked out.
    again = client.post("/login/", {"username": bob.get_username(), "password": password})
    assert again.status_code == 429
    assert AccessFailureLog.objects.filter(username=bob.get_username()).count() >= 3
    assert AccessAttempt.objects.get(username=bob.get_username()).failures_since_start >= 3


def test_it_resets_the_count_on_a_successful_login(client: Client, bob: AbstractBaseUser, password: str) -> None:
    _try(client, "/login/", bob.get_username(), "wrong")
    response = client.post("/login/", {"username": bob.get_username(), "password": password})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=bob.get_username()).exists()


def test_it_throttles_the_admin_login_too(client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(username="root", email="root@example.org", password="s3cret-admin-pw")
    for _ in range(3):
        _try(client, "/admin/login/", "root", "wrong")
    locked = client.post("/admin/login/", {"username": "root", "password": "s3cret-admin-pw"})
    assert locked.status_code == 429
