"""Project edit / create (計画の管理): DX staff change a project's text and departments, or add a project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Pillar, Policy, Project, ProjectReport, ProjectTag, ReportState
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
        "pillar": str(project.pillar_id), "policy": str(project.policy_id or ""),
        "tags": [str(t.pk) for t in project.tags.all()],
    }
    data.update(changes)
    return data


def fresh(city: Municipality, pk: int) -> Project:
    with scope(municipality=city):
        return Project.objects.prefetch_related("department_links__department", "tags").get(pk=pk)


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
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name="行政のDX")
        policy = Policy.objects.get(pillar=pillar, name="その他")
    data = {
        "name": "AI議事録作成", "pillar": str(pillar.pk), "policy": str(policy.pk), "overview": "AIで議事録を作成します。",
        "vision": "", "comprehensive_plan_area": "⑥ 自治経営", "comprehensive_plan_policy": "",
        "departments": departments(city, "総務課", "企画政策課"), "added_in_revision": "",
    }
    response = login(alice).post(new_url(city), data, follow=True)
    # No first year posted: the service's default, the first year after the published FY2023.
    assert "個別事業計画「AI議事録作成」を令和6（2024）年度から追加しました" in response.content.decode()
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
        ({"pillar": ""}, "柱を選んでください。"),
        ({"pillar": "999999"}, "柱を選んでください。"),
        ({"policy": "999999"}, "施策を一覧から選んでください。"),
    ],
)
def test_it_refuses_an_incomplete_new_project(
    changes: dict[str, str], message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name="行政のDX")
    data = {"name": "AI議事録作成", "pillar": str(pillar.pk), "policy": "", **changes}
    response = login(alice).post(new_url(city), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert actions(city) == []


# -- the first fiscal year of a new project ---------------------------------------------------------------------


def new_project(city: Municipality, **changes: str) -> dict[str, str]:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name="行政のDX")
    return {"name": "AI議事録作成", "pillar": str(pillar.pk), "policy": "", **changes}


def test_it_offers_the_first_fiscal_year_in_the_era_style_without_locked_years(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    html = login(alice).get(new_url(city)).content.decode()
    assert '<label for="first_fiscal_year">開始年度（この年度から報告の対象）</label>' in html
    assert 'aria-describedby="first_fiscal_year_help"' in html and 'id="first_fiscal_year_help"' in html
    # The default is the service's: the first year after the published FY2023.
    assert '<option value="2024" selected>令和6（2024）年度</option>' in html
    assert '<option value="2025">令和7（2025）年度</option>' in html
    assert 'value="2023"' not in html  # published: locked, not offered
    assert "（令和5（2023）年度から適用）" in html  # the 2023-12 revision (in FY2023) says which years it covers


def test_it_creates_a_project_from_the_chosen_first_fiscal_year(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    response = login(alice).post(new_url(city), new_project(city, first_fiscal_year="2025"), follow=True)
    html = response.content.decode()
    assert "個別事業計画「AI議事録作成」を令和7（2025）年度から追加しました" in html
    with scope(municipality=city):
        project = Project.objects.get(plan__municipality=city, name="AI議事録作成")
        assert project.first_fiscal_year == 2025
        assert not ProjectReport.objects.filter(project=project).exists()  # FY2024 is before its first year
        entry = AuditEntry.objects.get(action="plan.project.created")
    assert entry.after["first_fiscal_year"] == 2025
    # The edit page shows the project's years.
    assert "<dt>報告の期間</dt><dd>令和7（2025）年度から</dd>" in html


@pytest.mark.parametrize(
    ("first_fiscal_year", "message"),
    [
        ("2023", "令和5（2023）年度は確定しているため、その年度から事業を追加できません。"),
        ("2030", "開始年度は計画期間（2021〜2025年度）の中にしてください。"),
        ("来年", "開始年度を一覧から選んでください。"),
    ],
)
def test_it_refuses_a_first_fiscal_year_next_to_the_field(
    first_fiscal_year: str, message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(new_url(city), new_project(city, first_fiscal_year=first_fiscal_year))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="first_fiscal_year_error">{message}</p>' in html
    assert 'href="#first_fiscal_year"' in html and 'aria-describedby="first_fiscal_year_help first_fiscal_year_error"' in html
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


# -- pillar/policy and tags (区分) -------------------------------------------------------------------------------


def place(city: Municipality, pillar_name: str, policy_name: str | None) -> dict[str, str]:
    with scope(municipality=city):
        pillar = Pillar.objects.get(plan__municipality=city, name=pillar_name)
        policy = Policy.objects.get(pillar__plan__municipality=city, name=policy_name) if policy_name else None
    return {"pillar": str(pillar.pk), "policy": str(policy.pk) if policy else ""}


def tag_pks(city: Municipality, *names: str) -> list[str]:
    with scope(municipality=city):
        return [str(ProjectTag.objects.get(municipality=city, name=n).pk) for n in names]


def classified(city: Municipality, pk: int) -> tuple[str, str | None, list[str]]:
    with scope(municipality=city):
        project = Project.objects.select_related("pillar", "policy").get(pk=pk)
        return project.pillar.name, project.policy.name if project.policy else None, [t.name for t in project.tags.all()]


def test_it_shows_pillar_and_policy_selects_and_tag_checkboxes(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    html = login(alice).get(edit_url(city, project_named(KOTSU))).content.decode()
    for field in ("pillar", "policy"):
        assert f'<label for="{field}">' in html and f'<select id="{field}" name="{field}"' in html
    assert '<optgroup label="暮らしのDX">' in html and '<optgroup label="行政のDX">' in html
    [tag] = tag_pks(city, "市重点")
    assert f'<label for="tag-{tag}"><input type="checkbox" id="tag-{tag}" name="tags" value="{tag}" checked> 市重点</label>' in html
    assert "まだ変更できません" not in html and "この画面ではまだできません" not in html


def test_it_changes_pillar_policy_and_tags_and_audits_names(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    client = login(alice)
    response = client.post(f"/{city.pk}/2024/plan/tags/", {"name": "国重点"}, follow=True)
    assert "区分「国重点」を追加しました" in response.content.decode()
    project = project_named(KEIYAKU)
    data = form(fresh(city, project.pk), city, **place(city, "暮らしのDX", "市民生活のDX"), tags=tag_pks(city, "国重点", "市重点"))
    response = client.post(edit_url(city, project), data, follow=True)
    assert "を保存しました" in response.content.decode()
    assert classified(city, project.pk) == ("暮らしのDX", "市民生活のDX", ["市重点", "国重点"])
    assert actions(city) == ["plan.tag.created", "plan.project.classified"]
    with scope(municipality=city):
        entry = AuditEntry.objects.get(action="plan.project.classified")
    assert entry.before == {"pillar": "行政のDX", "policy": "その他", "tags": []}
    assert entry.after == {"pillar": "暮らしのDX", "policy": "市民生活のDX", "tags": ["市重点", "国重点"]}
    assert entry.actor == alice


def test_it_refuses_a_policy_of_another_pillar_next_to_the_field(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    wrong = {"pillar": place(city, "行政のDX", None)["pillar"], "policy": place(city, "暮らしのDX", "市民生活のDX")["policy"]}
    response = login(alice).post(edit_url(city, project), form(fresh(city, project.pk), city, overview="変えたい", **wrong))
    assert response.status_code == 400
    html = response.content.decode()
    message = "施策「市民生活のDX」は柱「行政のDX」の施策ではありません。柱と施策の組合せを選び直してください。"
    assert f'<p class="field-error" id="policy_error">{message}</p>' in html and 'href="#policy"' in html
    assert "変えたい" in html
    assert classified(city, project.pk) == ("行政のDX", "その他", [])
    assert actions(city) == []


def test_it_refuses_a_tag_of_another_municipality(
    login: Login, alice: AbstractBaseUser, city: Municipality, other_city: Municipality, project_named: ProjectNamed
) -> None:
    with scope(municipality=other_city):
        theirs = ProjectTag.objects.create(municipality=other_city, name="村重点")
    project = project_named(KEIYAKU)
    response = login(alice).post(edit_url(city, project), form(fresh(city, project.pk), city, tags=[str(theirs.pk)]))
    assert response.status_code == 400
    assert "選べない区分が指定されました" in response.content.decode()
    assert classified(city, project.pk)[2] == [] and actions(city) == []


def test_a_new_project_gets_its_tags(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    data = {"name": "AI議事録作成", **place(city, "行政のDX", "その他"), "tags": tag_pks(city, "市重点")}
    login(alice).post(new_url(city), data)
    with scope(municipality=city):
        pk = Project.objects.get(plan__municipality=city, name="AI議事録作成").pk
    assert classified(city, pk) == ("行政のDX", "その他", ["市重点"])
    assert actions(city) == ["plan.project.created", "plan.project.classified"]


# -- 計画の管理: add a tag, move projects ---------------------------------------------------------------------------


def admin_url(city: Municipality) -> str:
    return f"/{city.pk}/2024/plan/"


def test_the_plan_admin_page_offers_the_tag_form_and_move_buttons(
    login: Login, alice: AbstractBaseUser, city: Municipality, grow_city: Callable[[int], None],
    project_named: ProjectNamed,
) -> None:
    grow_city(1)  # 追加事業0 joins 電子契約システム導入 under 行政のDX / その他
    html = login(alice).get(admin_url(city)).content.decode()
    assert '<label for="new-tag-name">区分の名称</label>' in html and "区分を追加する" in html
    keiyaku, added = project_named(KEIYAKU), project_named("追加事業0")
    # Moves are to a chosen position of the group, in one step.
    assert f'action="/{city.pk}/2024/plan/projects/{keiyaku.pk}/place/"' in html
    assert f'action="/{city.pk}/2024/plan/projects/{added.pk}/place/"' in html
    assert '<option value="1" selected>1番目</option><option value="2">2番目</option>' in html
    assert "移動<span class=\"visually-hidden\">（追加事業0）</span>" in html
    assert added.position > keiyaku.position


def test_it_moves_a_project_up_and_audits(
    login: Login, alice: AbstractBaseUser, city: Municipality, grow_city: Callable[[int], None],
    project_named: ProjectNamed,
) -> None:
    grow_city(1)
    added = project_named("追加事業0")
    response = login(alice).post(f"/{city.pk}/2024/plan/projects/{added.pk}/move/", {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"/2024/plan/#project-{added.pk}")
    assert project_named("追加事業0").position < project_named(KEIYAKU).position
    assert actions(city) == ["plan.project.moved"]
    html = login(alice).get(admin_url(city)).content.decode()
    assert html.index("追加事業0</a>") < html.index(f"{KEIYAKU}</a>")


def test_it_refuses_a_move_past_the_end_with_a_message(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    response = login(alice).post(f"/{city.pk}/2024/plan/projects/{project.pk}/move/", {"direction": "up"}, follow=True)
    assert "これより上へは移動できません。" in response.content.decode()
    assert actions(city) == []


def test_it_refuses_a_duplicate_tag_next_to_the_field(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(f"/{city.pk}/2024/plan/tags/", {"name": "市重点"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field-error" id="new-tag-name-error">区分「市重点」は既にあります。</p>' in html
    assert 'href="#new-tag-name"' in html and actions(city) == []


def test_viewers_and_department_editors_may_not_add_tags_or_move(
    login: Login, erin: AbstractBaseUser, bob: AbstractBaseUser, frank: AbstractBaseUser, city: Municipality,
    project_named: ProjectNamed,
) -> None:
    project = project_named(KEIYAKU)
    html = login(erin).get(admin_url(city)).content.decode()
    assert "区分を追加する" not in html and "/move/" not in html
    for user in (erin, bob, frank):
        client = login(user)
        assert client.post(f"/{city.pk}/2024/plan/tags/", {"name": "県重点"}).status_code == 403
        assert client.post(f"/{city.pk}/2024/plan/projects/{project.pk}/move/", {"direction": "down"}).status_code == 403
        assert client.post(edit_url(city, project), form(fresh(city, project.pk), city, tags=tag_pks(city, "市重点"))).status_code == 403
    assert actions(city) == [] and classified(city, project.pk)[2] == []


def test_tags_and_moves_are_404_for_another_municipality_and_need_login(
    login: Login, charlie: AbstractBaseUser, city: Municipality, project_named: ProjectNamed, client: Client
) -> None:
    project = project_named(KEIYAKU)
    anonymous = Client()
    assert anonymous.post(f"/{city.pk}/2024/plan/tags/", {"name": "県重点"}).status_code == 302
    assert anonymous.post(f"/{city.pk}/2024/plan/projects/{project.pk}/move/", {"direction": "up"}).status_code == 302
    assert login(charlie).post(f"/{city.pk}/2024/plan/tags/", {"name": "県重点"}).status_code == 404
    assert login(charlie).post(f"/{city.pk}/2024/plan/projects/{project.pk}/move/", {"direction": "up"}).status_code == 404
    assert actions(city) == []


def seen_in(html: str) -> str:
    import re

    found = re.search(r'name="seen" id="seen" value="([0-9a-f]+)"', html)
    assert found, "the form carries no edit token"
    return found.group(1)


def test_it_refuses_a_save_over_someone_elses_change_and_keeps_the_input(
    login: Login, alice: AbstractBaseUser, make_user: Any, city: Municipality, project_named: ProjectNamed
) -> None:
    """Alice and Gina (both DX) open the same project; Gina saves first; Alice's save would undo Gina's."""
    from shinchoku.tenancy.models import Role

    gina = make_user("gina-dx", city, Role.DX_STAFF)
    project = project_named(KOTSU)
    alice_client = login(alice)
    seen = seen_in(alice_client.get(edit_url(city, project)).content.decode())
    gina_client = Client()
    gina_client.force_login(gina)
    gina_seen = seen_in(gina_client.get(edit_url(city, project)).content.decode())
    assert gina_client.post(
        edit_url(city, project), form(fresh(city, project.pk), city, vision="ジーナの目指す姿", seen=gina_seen)
    ).status_code == 302

    response = alice_client.post(
        edit_url(city, project), form(fresh(city, project.pk), city, overview="アリスの概要", vision="古い目指す姿", seen=seen)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "編集中に他の人がこの個別事業計画を更新したため、保存していません" in html
    assert "アリスの概要" in html  # what Alice typed is still in the form
    assert fresh(city, project.pk).vision == "ジーナの目指す姿"
    # Told, Alice may overwrite on purpose: the form now carries the token of Gina's state.
    again = alice_client.post(
        edit_url(city, project), form(fresh(city, project.pk), city, overview="アリスの概要", seen=seen_in(html))
    )
    assert again.status_code == 302
    assert fresh(city, project.pk).overview == "アリスの概要"


def test_it_keeps_the_loaded_token_when_a_typo_shows_the_form_again(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    client = login(alice)
    seen = seen_in(client.get(edit_url(city, project)).content.decode())
    typo = client.post(edit_url(city, project), form(fresh(city, project.pk), city, name="", seen=seen))
    assert typo.status_code == 400 and seen_in(typo.content.decode()) == seen
