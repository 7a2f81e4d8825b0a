"""利用停止・利用再開・パスワード再設定: confirmation page (GET), then a POST; never a deletion."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.test import Client
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Membership, Municipality, Role

Login = Callable[[AbstractBaseUser], Client]
NEW_PASSWORD = "Kashiwazaki-2025-reset"


def url(city: Municipality, user: Any, action: str) -> str:
    return f"/{city.pk}/users/{user.pk}/{action}/"


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def test_it_asks_before_deactivating(login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(url(city, bob, "deactivate")).content.decode()
    assert "利用停止の確認" in html and 'method="post"' in html
    assert fresh(bob).is_active


def test_it_deactivates_and_reactivates_without_deleting(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality, password: str
) -> None:
    client = login(alice)
    assert client.post(url(city, bob, "deactivate")).status_code == 302
    assert not fresh(bob).is_active
    with scope(municipality=city):
        assert Membership.objects.filter(user=bob, municipality=city).exists()
    assert "利用停止" in client.get(f"/{city.pk}/users/").content.decode()
    assert Client().post("/login/", {"username": "bob", "password": password}).status_code == 200  # refused
    assert client.post(url(city, bob, "reactivate")).status_code == 302
    assert fresh(bob).is_active
    with scope(municipality=city):
        assert list(AuditEntry.objects.filter(action__startswith="user.").order_by("pk").values_list("action", flat=True)) == [
            "user.deactivated", "user.reactivated",
        ]


def test_it_removes_only_this_citys_roles_of_a_user_who_works_elsewhere_too(
    login: Login, alice: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality
) -> None:
    with scopes_disabled():
        Membership.objects.create(user=charlie, municipality=city, role=Role.VIEWER)
    assert login(alice).post(url(city, charlie, "deactivate")).status_code == 302
    assert fresh(charlie).is_active
    with scopes_disabled():
        assert list(Membership.objects.filter(user=charlie).values_list("municipality__name", flat=True)) == ["刈羽村"]
        entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.before["roles"] == ["viewer"] and entry.after["memberships_removed"] is True


def test_it_refuses_to_deactivate_alice_herself(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(url(city, alice, "deactivate"))
    assert response.status_code == 400 and "ご自身を利用停止にはできません" in response.content.decode()
    assert fresh(alice).is_active


def test_it_mails_a_reset_link_that_works(
    client: Client, login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    assert login(alice).post(url(city, bob, "password-reset")).status_code == 302
    [message] = mail.outbox
    assert message.to == ["bob@example.org"] and "パスワードの再設定" in message.subject
    assert "パスワードを設定してください" in message.body
    with scope(municipality=city):
        assert AuditEntry.objects.filter(action="user.password_reset_sent").count() == 1
    client.logout()
    link = re.search(r"http://\S+/password/set/\S+/", message.body).group(0)  # type: ignore[union-attr]
    page = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    set_url = page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.post("/login/", {"username": "bob", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "password-reset"])
@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_everyone_but_dx_staff(
    login: Login, frank: AbstractBaseUser, city: Municipality, name: str, action: str, request: Any
) -> None:
    assert login(request.getfixturevalue(name)).post(url(city, frank, action)).status_code == 403
    assert fresh(frank).is_active and not mail.outbox


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).post(url(city, bob, "deactivate")).status_code == 404
    assert fresh(bob).is_active
