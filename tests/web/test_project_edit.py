"""Project edit / create (計画の管理): DX staff change a project's text and departments, or add a project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Pillar, Policy, Project, ProjectReport, ReportState
from shinchoku.tenancy.models import Department, Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]

KOTSU = "新交通システムの構築"
KEIYAKU = "電子契約システム導入"


def edit_url(city: Municipality, project: Project) -> str:
    return f"/{city.pk}/2024/plan/projects/{project.pk}/"


def new_url(city: Municipality) -> str:
    return f"/{city.pk}/2024/plan/projects/new/"


def departments(city: Municipality, *names: str) -> list[str]:
    with scope(municipality=city):
        by_name = {d.name: d.pk for d in Department.objects.filter(municipality=city)}
    return [str(by_name[n]) if n else "" for n in names]


def form(project: Project, city: Municipality, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": project.name, "overview": project.overview, "vision": project.vision,
        "comprehensive_plan_area": project.comprehensive_plan_area,
        "comprehensive_plan_policy": project.comprehensive_plan_policy,
        "departments": departments(city, *[link.department.name for link in project.department_links.all()]),
    }
    data.update(changes)
    return data


def fresh(city: Municipality, pk: int) -> Project:
    with scope(municipality=city):
        return Project.objects.prefetch_related("department_links__department").get(pk=pk)


def dept_names(city: Municipality, pk: int) -> list[str]:
    return [link.department.name for link in fresh(city, pk).department_links.all()]


def actions(city: Municipality) -> list[str]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action__startswith="plan.").order_by("pk").values_list("action", flat=True))


def test_it_shows_the_project_form_with_labels(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    response = login(alice).get(edit_url(city, project_named(KEIYAKU)))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "overview", "vision", "comprehensive_plan_area", "comprehensive_plan_policy", "departments-1"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert "担当部署 1（主担当）" in html and "保存する" in html


def test_it_saves_text_and_departments_in_order(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    data = form(
        fresh(city, project.pk), city, name="電子契約システムの導入", overview="新しい概要", vision="目指す姿です。",
        comprehensive_plan_area="⑥ 自治経営", comprehensive_plan_policy="3-1 自治機能を強化する",
        departments=departments(city, "企画政策課", "", "総務課"),
    )
    response = login(alice).post(edit_url(city, project), data, follow=True)
    assert "個別事業計画「電子契約システムの導入」を保存しました" in response.content.decode()
    saved = fresh(city, project.pk)
    assert (saved.name, saved.overview, saved.vision) == ("電子契約システムの導入", "新しい概要", "目指す姿です。")
    assert (saved.comprehensive_plan_area, saved.comprehensive_plan_policy) == ("⑥ 自治経営", "3-1 自治機能を強化する")
    assert dept_names(city, project.pk) == ["企画政策課", "総務課"]
    assert actions(city) == ["plan.project.updated", "plan.project.departments.updated"]


def test_it_writes_nothing_when_nothing_changed(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    login(alice).post(edit_url(city, project), form(fresh(city, project.pk), city))
    assert actions(city) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "個別事業計画名を入力してください。"),
        ({"name": KOTSU}, f"「{KOTSU}」は既にあります。"),
        ({"departments": ["999999"]}, "選べない担当部署が指定されました。"),
    ],
)
def test_it_shows_refusals_next_to_the_field_and_saves_nothing(
    changes: dict[str, Any], message: str, login: Login, alice: AbstractBaseUser, city: Municipality,
    project_named: ProjectNamed,
) -> None:
    project = project_named(KEIYAKU)
    data = form(fresh(city, project.pk), city, overview="変えたい概要", **changes)
    response = login(alice).post(edit_url(city, project), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "変えたい概要" in html  # the input stays as typed
    saved = fresh(city, project.pk)
    assert (saved.name, saved.overview) == (KEIYAKU, "電子契約システムを導入します。")
    assert actions(city) == []


def test_it_adds_a_project_with_a_draft_report_for_the_open_year(
    login: Login, alice: AbstractBaseUser, city: Municipality, cycle_2024: Any
) -> None:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name="行政のDX")
        policy = Policy.objects.get(pillar=pillar, name="その他")
    data = {
        "name": "AI議事録作成", "classification": f"{pillar.pk}:{policy.pk}", "overview": "AIで議事録を作成します。",
        "vision": "", "comprehensive_plan_area": "⑥ 自治経営", "comprehensive_plan_policy": "",
        "departments": departments(city, "総務課", "企画政策課"), "added_in_revision": "",
    }
    response = login(alice).post(new_url(city), data, follow=True)
    assert "個別事業計画「AI議事録作成」を追加しました" in response.content.decode()
    with scope(municipality=city):
        project = Project.objects.get(plan__municipality=city, name="AI議事録作成")
        assert (project.pillar_id, project.policy_id) == (pillar.pk, policy.pk)
        assert project.comprehensive_plan_area == "⑥ 自治経営"
        assert ProjectReport.objects.get(project=project, fiscal_year=2024).state == ReportState.DRAFT
    assert dept_names(city, project.pk) == ["総務課", "企画政策課"]
    assert actions(city) == ["plan.project.created", "plan.project.updated"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "個別事業計画名を入力してください。"),
        ({"classification": ""}, "柱・施策を選んでください。"),
        ({"classification": "999999:"}, "柱・施策を選んでください。"),
    ],
)
def test_it_refuses_an_incomplete_new_project(
    changes: dict[str, str], message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name="行政のDX")
    data = {"name": "AI議事録作成", "classification": f"{pillar.pk}:", **changes}
    response = login(alice).post(new_url(city), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert actions(city) == []


def test_it_lets_viewers_read_but_not_post(
    login: Login, erin: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    client = login(erin)
    response = client.get(edit_url(city, project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<fieldset disabled>" in html and "保存する" not in html
    assert client.post(edit_url(city, project), form(fresh(city, project.pk), city, name="x")).status_code == 403
    assert client.post(new_url(city), {"name": "x"}).status_code == 403
    assert fresh(city, project.pk).name == KEIYAKU


@pytest.mark.parametrize("user", ["bob", "frank"])
def test_it_is_forbidden_to_department_editors_even_for_their_own_project(
    user: str, login: Login, city: Municipality, project_named: ProjectNamed, request: pytest.FixtureRequest
) -> None:
    project = project_named(KEIYAKU)  # both 総務課 and 企画政策課
    client = login(request.getfixturevalue(user))
    assert client.get(edit_url(city, project)).status_code == 403
    assert client.post(edit_url(city, project), form(fresh(city, project.pk), city, name="x")).status_code == 403
    assert client.get(new_url(city)).status_code == 403


def test_it_is_a_404_for_another_municipalitys_member_and_project(
    login: Login, charlie: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, other_city: Municipality,
    project_named: ProjectNamed,
) -> None:
    project = project_named(KEIYAKU)
    assert login(charlie).get(edit_url(city, project)).status_code == 404
    assert login(charlie).post(edit_url(city, project), {"name": "x"}).status_code == 404
    with scope(municipality=other_city):
        theirs = Project.objects.get(plan__municipality=other_city)
    assert login(alice).get(edit_url(city, theirs)).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, project_named: ProjectNamed) -> None:
    assert client.get(edit_url(city, project_named(KEIYAKU))).status_code == 302
    assert client.post(new_url(city), {"name": "x"}).status_code == 302
