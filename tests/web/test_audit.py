"""The municipality's audit log: read-only, newest first, paged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_lists_what_happened(login: Login, erin: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    response = login(erin).get(f"/{city.pk}/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "進行管理を開始" in html and "alice" in html
    assert "<form method=\"post\"" not in html.split('id="main"')[1]  # read-only (logout lives in the header)


def test_it_pages_back_in_time(login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() - dt.timedelta(days=1)
    with scope(municipality=city):
        AuditEntry.objects.bulk_create(
            AuditEntry(municipality=city, at=start - dt.timedelta(minutes=i), action="plan.project.updated",
                       object_type="plans.project", object_repr=f"事業{i:02d}")
            for i in range(60)
        )
    client = login(alice)
    first = client.get(f"/{city.pk}/audit/").content.decode()
    assert "事業00" in first and "事業59" not in first and "さらに古い履歴" in first
    next_href = first.split('href="?', 2)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/{city.pk}/audit/?{next_href}").content.decode()
    assert "事業59" in second and "事業00" not in second
    filtered = client.get(f"/{city.pk}/audit/?kind=year.").content.decode()
    assert "進行管理を開始" in filtered and "事業00" not in filtered


@pytest.mark.parametrize(("user", "status"), [("bob", 403), ("charlie", 404)])
def test_it_refuses_users_who_may_not_read_it(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality
) -> None:
    assert login(request.getfixturevalue(user)).get(f"/{city.pk}/audit/").status_code == status


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(f"/{city.pk}/audit/").status_code == 302
