"""``/<municipality>/<fiscal year>/projects/<id>/``: plan content, the year's report, history, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]


def test_it_shows_plan_content_indicators_and_the_years_report(
    login: Login, erin: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    line = project_named("LINEによる情報発信")
    response = login(erin).get(f"/{city.pk}/2023/projects/{line.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "LINE公式アカウントで市政情報を配信しています。" in html  # overview
    assert "新機能検討" in html  # schedule
    assert "16,608人" in html and "14,000人" in html  # actual and target
    assert '<svg class="chart" role="img"' in html
    assert "ユーザー数は年間で4,840人増加し16,608人になりました。" in html  # results
    assert "報告を入力" not in html


def test_it_shows_history_and_audit_of_an_open_year(
    login: Login, bob: AbstractBaseUser, city: Municipality, project_named: ProjectNamed, year_2024: Any
) -> None:
    project = project_named("新交通システムの構築")
    html = login(bob).get(f"/{city.pk}/2024/projects/{project.pk}/").content.decode()
    assert "作成中" in html
    assert "報告を入力" in html  # Bob edits his department's project


def test_it_forbids_an_editor_of_another_department(
    login: Login, frank: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named("新交通システムの構築")
    assert login(frank).get(f"/{city.pk}/2023/projects/{project.pk}/").status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named("新交通システムの構築")
    assert login(charlie).get(f"/{city.pk}/2023/projects/{project.pk}/").status_code == 404


def test_it_is_a_404_for_a_project_of_another_municipality_under_ones_own(
    login: Login, alice: AbstractBaseUser, city: Municipality, other_city: Municipality
) -> None:
    from django_scopes import scope

    with scope(municipality=other_city):
        foreign = Project.objects.get()
    assert login(alice).get(f"/{city.pk}/2023/projects/{foreign.pk}/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, project_named: ProjectNamed) -> None:
    project = project_named("新交通システムの構築")
    assert client.get(f"/{city.pk}/2023/projects/{project.pk}/").status_code == 302
