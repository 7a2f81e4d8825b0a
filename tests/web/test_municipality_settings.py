"""自治体の設定: who may review, and the 全国地方公共団体コード that keys the public pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scopes_disabled

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def url(city: Municipality) -> str:
    return f"/{city.pk}/settings/"


def code_of(city: Municipality) -> str:
    with scopes_disabled():
        return Municipality.objects.get(pk=city.pk).code


def test_it_shows_the_code_with_the_national_lists_candidates(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(url(city)).content.decode()
    assert 'id="code"' in html and 'value="152056"' in html  # filled from the name at the import
    assert "新潟県柏崎市 152056" in html


def test_dx_staff_set_the_code_and_a_wrong_one_is_refused_in_japanese(
    login: Login, alice: AbstractBaseUser, city: Municipality, other_city: Municipality
) -> None:
    client = login(alice)
    response = client.post(url(city), {"form": "code", "code": "152057"})
    assert response.status_code == 400
    assert "全国地方公共団体コード「152057」は正しくありません" in response.content.decode()
    assert code_of(city) == "152056"
    with scopes_disabled():
        Municipality.objects.filter(pk=city.pk).update(code="")
    assert client.post(url(city), {"form": "code", "code": "152056"}).status_code == 302
    assert code_of(city) == "152056"
    with scopes_disabled():
        assert AuditEntry.objects.filter(municipality=city, action="municipality.code.changed").exists()
    # Another municipality's code is refused.
    assert code_of(other_city) == "155047"  # 刈羽村, filled at its import
    response = client.post(url(city), {"form": "code", "code": "155047"})
    assert response.status_code == 400
    assert code_of(city) == "152056"


def test_only_dx_staff_may_change_the_code(
    login: Login, bob: AbstractBaseUser, dave: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality
) -> None:
    assert login(bob).post(url(city), {"form": "code", "code": "132063"}).status_code == 403
    assert login(dave).post(url(city), {"form": "code", "code": "132063"}).status_code == 403
    assert login(charlie).post(url(city), {"form": "code", "code": "132063"}).status_code == 404
    assert code_of(city) == "152056"
