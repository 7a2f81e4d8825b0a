"""The project page's history (操作履歴): Japanese payloads, JST era times, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

BOB_STATUS = 403
Login = Callable[[AbstractBaseUser], Client]


def _add(city: Municipality, project: Project, actor: AbstractBaseUser, n: int, start: int = 0) -> None:
    with scope(municipality=city):
        AuditEntry.objects.bulk_create(
            AuditEntry(municipality=city, actor=actor, project=project, action="plan.project.moved",
                       object_type="plans.project", object_id=project.pk, object_repr=project.name,
                       before={"position": i, "neighbour": f"隣{i}"}, after={"position": i + 1, "direction": "down"})
            for i in range(start, start + n)
        )


def test_it_costs_the_same_queries_for_20_and_70_entries(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality,
    project_named: Callable[[str], Project], django_assert_num_queries: Any,
) -> None:
    line = project_named("LINEによる情報発信")
    url = f"/{city.pk}/2023/projects/{line.pk}/"
    client = login(dave)
    _add(city, line, alice, 20)
    client.get(url)
    # The page's own queries; the history is one of them (actor and project joined), whatever its length.
    with django_assert_num_queries(20) as twenty:
        html = client.get(url).content.decode()
    assert "順位：3／移動：下げる" in html and "入れ替えた相手：隣2" in html and "neighbour" not in html
    _add(city, line, dave, 50, start=20)
    with django_assert_num_queries(len(twenty.captured_queries)):
        assert client.get(url).status_code == 200


def test_it_shows_only_what_the_user_may_see(
    login: Login, bob: AbstractBaseUser, erin: AbstractBaseUser, charlie: AbstractBaseUser, alice: AbstractBaseUser,
    city: Municipality, project_named: Callable[[str], Project],
) -> None:
    line = project_named("LINEによる情報発信")
    _add(city, line, alice, 1)
    url = f"/{city.pk}/2023/projects/{line.pk}/"
    assert "並び順を変更" in login(erin).get(url).content.decode()
    assert login(charlie).get(url).status_code == 404
    assert login(bob).get(url).status_code == BOB_STATUS  # not his department's project (test_project_detail)
