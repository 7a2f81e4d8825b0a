"""計画の管理: the plan's structure, departments and revisions; DX staff change them, viewers read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import PlanRevision
from shinchoku.tenancy.models import Department, Municipality

Login = Callable[[AbstractBaseUser], Client]


def url(city: Municipality, tail: str = "") -> str:
    return f"/{city.pk}/2024/plan/{tail}"


def department(city: Municipality, name: str) -> Department:
    with scope(municipality=city):
        return Department.objects.get(municipality=city, name=name)


def audit(city: Municipality, action: str) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action=action))


def test_it_shows_pillars_policies_projects_departments_and_revisions(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).get(url(city))
    assert response.status_code == 200
    html = response.content.decode()
    assert "暮らしのDX" in html and "行政のDX" in html
    assert "市民生活のDX" in html and "電子文書管理・電子決裁" in html
    assert "新交通システムの構築" in html and "電子契約システム導入" in html
    assert "総務課、企画政策課" in html  # departments in the sheet's order
    assert "2023年12月" in html and "4つの新規個別事業計画を追加" in html
    assert 'for="new-department-name"' in html and 'for="revised_on"' in html and 'for="description"' in html
    assert "115％以上" in html  # default thresholds
    assert "個別事業計画を追加" in html


def test_it_links_dx_staff_to_it_from_the_nav(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(f"/{city.pk}/2024/projects/").content.decode()
    assert f'href="/{city.pk}/2024/plan/"' in html and "計画の管理" in html


def test_it_lets_viewers_read_without_forms(login: Login, erin: AbstractBaseUser, city: Municipality) -> None:
    client = login(erin)
    response = client.get(url(city))
    assert response.status_code == 200
    html = response.content.decode()
    assert "新交通システムの構築" in html and "閲覧のみ" in html
    assert "担当部署を追加する" not in html and "改定を登録する" not in html
    assert f'href="/{city.pk}/2024/plan/"' not in html  # the nav link is for DX staff
    企画 = department(city, "企画政策課")
    assert client.post(url(city, "revisions/"), {"revised_on": "2024-04", "description": "x"}).status_code == 403
    assert client.post(url(city, "departments/"), {"name": "新しい課"}).status_code == 403
    assert client.post(url(city, f"departments/{企画.pk}/"), {"name": "改名課"}).status_code == 403
    assert department(city, "企画政策課").name == "企画政策課"


@pytest.mark.parametrize("user", ["bob", "frank"])
def test_it_is_forbidden_to_department_editors(
    user: str, login: Login, city: Municipality, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city)).status_code == 403
    assert client.post(url(city, "departments/"), {"name": "新しい課"}).status_code == 403
    assert client.post(url(city, "revisions/"), {"revised_on": "2024-04", "description": "x"}).status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    client = login(charlie)
    assert client.get(url(city)).status_code == 404
    assert client.post(url(city, "departments/"), {"name": "新しい課"}).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    response = client.get(url(city))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(url(city, "departments/"), {"name": "新しい課"}).status_code == 302


def test_it_adds_a_department(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(
        url(city, "departments/"), {"name": " 防災・原子力課 ", "email": "bousai@city.example.lg.jp"}, follow=True
    )
    assert "担当部署「防災・原子力課」を追加しました" in response.content.decode()
    assert department(city, "防災・原子力課").email == "bousai@city.example.lg.jp"
    assert [e.after["name"] for e in audit(city, "tenancy.department.created")] == ["防災・原子力課"]


def test_it_renames_a_department_and_sets_its_email(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    総務 = department(city, "総務課")
    login(alice).post(url(city, f"departments/{総務.pk}/"), {"name": "総務部総務課", "email": "somu@city.example.lg.jp"})
    with scope(municipality=city):
        renamed = Department.objects.get(pk=総務.pk)
    assert (renamed.name, renamed.email) == ("総務部総務課", "somu@city.example.lg.jp")
    (entry,) = audit(city, "tenancy.department.updated")
    assert entry.before == {"name": "総務課", "email": ""} and entry.after["name"] == "総務部総務課"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "部署名を入力してください。"),
        ({"name": "企画政策課"}, "「企画政策課」は既にあります。"),
        ({"name": "防災課", "email": "bousai"}, "メールアドレスの形式が正しくありません"),
    ],
)
def test_it_shows_why_a_department_cannot_be_added(
    data: dict[str, str], message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(url(city, "departments/"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert not audit(city, "tenancy.department.created")


def test_it_shows_a_rename_refusal_next_to_the_row(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    総務 = department(city, "総務課")
    response = login(alice).post(url(city, f"departments/{総務.pk}/"), {"name": "企画政策課", "email": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="department-{総務.pk}-name-error"' in html and "「企画政策課」は既にあります。" in html
    assert department(city, "総務課").pk == 総務.pk


def test_it_adds_a_revision(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(
        url(city, "revisions/"), {"revised_on": "2025-03", "description": "目標値の見直し"}, follow=True
    )
    assert "2025年3月の改定を登録しました" in response.content.decode()
    with scope(municipality=city):
        revision = PlanRevision.objects.get(plan__municipality=city, revised_on=dt.date(2025, 3, 1))
    assert revision.description == "目標値の見直し"
    assert audit(city, "plan.revision.created")[0].after == {"revised_on": "2025-03", "description": "目標値の見直し"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"revised_on": "", "description": "x"}, "改定年月を「令和5年12月」「R5.12」「2023-12」のように年と月で入力してください。"),
        ({"revised_on": "令和7年", "description": "x"}, "改定年月を「令和5年12月」「R5.12」「2023-12」のように年と月で入力してください。"),
        ({"revised_on": "2025-03", "description": " "}, "改定内容を入力してください。"),
        ({"revised_on": "2023-12", "description": "二度目"}, "令和5（2023）年12月の改定は既に登録されています。"),
    ],
)
def test_it_shows_why_a_revision_cannot_be_added(
    data: dict[str, str], message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(url(city, "revisions/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not audit(city, "plan.revision.created")


def test_it_costs_a_constant_number_of_queries(
    login: Login, alice: AbstractBaseUser, city: Municipality, django_assert_num_queries: Any,
    grow_city: Callable[[int], None],
) -> None:
    client = login(alice)
    client.get(url(city))
    with django_assert_num_queries(15):
        assert client.get(url(city)).status_code == 200
    grow_city(5)
    with django_assert_num_queries(15):
        assert "追加事業4" in client.get(url(city)).content.decode()
