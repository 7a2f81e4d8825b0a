"""Each request is scoped to the municipality of its URL, after checking membership (pretix's way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from shinchoku.tenancy.models import Membership, Municipality, Role

Login = Callable[[AbstractBaseUser], Client]


def give_many_memberships(user: AbstractBaseUser, count: int) -> list[int]:
    """A prefecture-style user: a viewer in ``count`` more municipalities."""
    with scopes_disabled():
        towns = Municipality.objects.bulk_create([Municipality(name=f"テスト町{i:04d}") for i in range(count)])
        Membership.objects.bulk_create([Membership(user=user, municipality=t, role=Role.VIEWER) for t in towns])
    return [t.pk for t in towns]


def dashboard_queries(client: Client, city: Municipality) -> list[str]:
    client.get(f"/{city.pk}/")  # warm-up: the session's renewal write is not part of the page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/{city.pk}/").status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_it_costs_a_member_of_many_municipalities_nothing_more(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    alone = dashboard_queries(client, city)
    others = give_many_memberships(alice, 200)
    crowded = dashboard_queries(client, city)
    assert len(crowded) == len(alone)
    # No query of the page names another municipality: the scope is the URL's one, not the user's 201.
    marker = f"IN ({others[0]}, "
    assert not [sql for sql in crowded if marker in sql or str(others[-1]) + ")" in sql]


def test_it_scopes_another_municipality_to_nothing(
    login: Login, charlie: AbstractBaseUser, city: Municipality, other_city: Municipality
) -> None:
    client = login(charlie)
    assert client.get(f"/{other_city.pk}/").status_code == 200
    assert client.get(f"/{city.pk}/").status_code == 404
    assert client.get(f"/{city.pk}/reports/2023/pdf").status_code == 404


def test_it_lists_all_of_a_users_municipalities_on_the_home_page(
    login: Login, alice: AbstractBaseUser, city: Municipality, other_city: Municipality, make_user: Any
) -> None:
    make_user("alice", other_city, Role.VIEWER)
    html = login(alice).get("/").content.decode()
    assert city.name in html and other_city.name in html


def test_it_keeps_anonymous_visitors_out(client: Client, city: Municipality) -> None:
    response = client.get(f"/{city.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
