"""The municipality's evaluation thresholds (A/B/C minimum achievement rate): DX staff change, others read."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils.html import escape
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry, EvaluationThresholds
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def url(city: Municipality) -> str:
    return f"/{city.pk}/2024/plan/thresholds/"


def stored(city: Municipality) -> tuple[Decimal, Decimal, Decimal] | None:
    with scope(municipality=city):
        t = EvaluationThresholds.objects.filter(municipality=city).first()
    return (t.a_min, t.b_min, t.c_min) if t else None


def audits(city: Municipality) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action="cycle.thresholds.updated"))


def test_it_shows_the_current_thresholds(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(url(city)).content.decode()
    for name, value in (("a_min", "115"), ("b_min", "80"), ("c_min", "50")):
        assert f'for="{name}"' in html and f'name="{name}" value="{value}"' in html


def test_it_saves_new_thresholds(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(url(city), {"a_min": "110", "b_min": "85.5", "c_min": "40"}, follow=True)
    assert "評価基準を変更しました" in response.content.decode()
    assert stored(city) == (Decimal("110"), Decimal("85.5"), Decimal("40"))
    (entry,) = audits(city)
    assert entry.before == {"a_min": "115", "b_min": "80", "c_min": "50"}
    assert entry.after == {"a_min": "110", "b_min": "85.5", "c_min": "40"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"a_min": "80", "b_min": "90", "c_min": "50"}, "a_min", "基準は A > B > C ≧ 0 の順にしてください。"),
        ({"a_min": "約115", "b_min": "80", "c_min": "50"}, "a_min", "Aの下限を0以上の数値"),
        ({"a_min": "115", "b_min": "", "c_min": "50"}, "b_min", "Bの下限を0以上の数値"),
        ({"a_min": "115", "b_min": "80", "c_min": "-1"}, "c_min", "Cの下限を0以上の数値"),
    ],
)
def test_it_shows_why_thresholds_were_refused(
    data: dict[str, str], field: str, message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(url(city), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html and f'id="{field}_error"' in html
    assert stored(city) is None and not audits(city)


def test_it_lets_viewers_read_but_not_post(login: Login, erin: AbstractBaseUser, city: Municipality) -> None:
    client = login(erin)
    response = client.get(url(city))
    assert response.status_code == 200 and "<fieldset disabled" in response.content.decode()
    assert client.post(url(city), {"a_min": "110", "b_min": "80", "c_min": "50"}).status_code == 403
    assert stored(city) is None


@pytest.mark.parametrize("user", ["bob", "frank"])
def test_it_is_forbidden_to_department_editors(
    user: str, login: Login, city: Municipality, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city)).status_code == 403
    assert client.post(url(city), {"a_min": "110", "b_min": "80", "c_min": "50"}).status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    assert login(charlie).get(url(city)).status_code == 404
    assert login(charlie).post(url(city), {"a_min": "110", "b_min": "80", "c_min": "50"}).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(url(city)).status_code == 302
