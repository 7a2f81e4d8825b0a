"""柱・施策の編集: pillars and policies added, renamed, moved and removed; projects put at a chosen position."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.errors import InvalidInput
from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services.plan_structure import moved, pillar_move, project_place
from shinchoku.interchange.export import document_build
from shinchoku.plans.models import Pillar, Plan, Policy, Project
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def url(city: Municipality, tail: str = "") -> str:
    return f"/{city.pk}/2024/plan/structure/{tail}"


def pillars(city: Municipality) -> list[str]:
    with scope(municipality=city):
        return list(Pillar.objects.filter(plan__municipality=city).order_by("position").values_list("name", flat=True))


def policies(city: Municipality, pillar: str) -> list[str]:
    with scope(municipality=city):
        return list(
            Policy.objects.filter(pillar__plan__municipality=city, pillar__name=pillar)
            .order_by("position").values_list("name", flat=True)
        )


def pillar(city: Municipality, name: str) -> Pillar:
    with scope(municipality=city):
        return Pillar.objects.select_related("plan").get(plan__municipality=city, name=name)


def policy(city: Municipality, name: str) -> Policy:
    with scope(municipality=city):
        return Policy.objects.select_related("pillar__plan").get(pillar__plan__municipality=city, name=name)


def actions(city: Municipality) -> list[str]:
    with scope(municipality=city):
        return list(
            AuditEntry.objects.filter(municipality=city, action__startswith="plan.")
            .order_by("pk").values_list("action", flat=True)
        )


def test_it_shows_the_pillars_and_policies_with_their_forms(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).get(url(city))
    assert response.status_code == 200
    html = response.content.decode()
    assert "柱・施策の編集" in html
    assert html.index("暮らしのDX") < html.index("行政のDX")
    assert 'value="電子文書管理・電子決裁"' in html and "柱を追加する" in html


def test_it_adds_a_pillar_and_a_policy(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    response = client.post(url(city, "pillars/"), {"op": "add", "name": " 産業のDX "}, follow=True)
    assert "柱「産業のDX」を追加しました。" in response.content.decode()
    assert pillars(city) == ["暮らしのDX", "行政のDX", "産業のDX"]
    new = pillar(city, "産業のDX")
    client.post(url(city, f"pillars/{new.pk}/"), {"op": "add-policy", "name": "地域産業のDX"})
    assert policies(city, "産業のDX") == ["地域産業のDX"]
    assert actions(city) == ["plan.pillar.created", "plan.policy.created"]
    # The plan's document (and so its next report) has them in order.
    with scope(municipality=city):
        plan = Plan.objects.get(municipality=city)
        document = document_build(municipality=city, fiscal_year=2024, plan=plan)
    assert document["pillars"][-1] == {"name": "産業のDX", "policies": ["地域産業のDX"]}


def test_it_refuses_a_duplicate_or_empty_name_with_a_message(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    html = client.post(url(city, "pillars/"), {"op": "add", "name": "行政のDX"}, follow=True).content.decode()
    assert "柱「行政のDX」はすでにあります。" in html
    kurashi = pillar(city, "暮らしのDX")
    html = client.post(url(city, f"pillars/{kurashi.pk}/"), {"op": "rename", "name": "  "}, follow=True).content.decode()
    assert "柱の名称を入力してください。" in html
    assert pillars(city) == ["暮らしのDX", "行政のDX"]
    assert actions(city) == []


def test_it_renames_a_pillar_and_a_policy(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    client.post(url(city, f"pillars/{pillar(city, '暮らしのDX').pk}/"), {"op": "rename", "name": "くらしのDX"})
    client.post(url(city, f"policies/{policy(city, 'その他').pk}/"), {"op": "rename", "name": "その他の取組"})
    assert pillars(city) == ["くらしのDX", "行政のDX"]
    assert policies(city, "行政のDX") == ["電子文書管理・電子決裁", "その他の取組"]
    with scope(municipality=city):
        entry = AuditEntry.objects.get(action="plan.pillar.renamed")
    assert (entry.before, entry.after) == ({"name": "暮らしのDX"}, {"name": "くらしのDX"})


def test_it_moves_a_pillar_and_a_policy_to_a_chosen_position_in_one_step(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    response = client.post(url(city, f"pillars/{pillar(city, '行政のDX').pk}/"), {"op": "move", "position": "1"}, follow=True)
    assert "柱「行政のDX」を1番目へ移動しました。" in response.content.decode()
    assert pillars(city) == ["行政のDX", "暮らしのDX"]
    client.post(url(city, f"policies/{policy(city, 'その他').pk}/"), {"op": "move", "position": "1"})
    assert policies(city, "行政のDX") == ["その他", "電子文書管理・電子決裁"]
    html = client.post(
        url(city, f"policies/{policy(city, 'その他').pk}/"), {"op": "move", "position": "9"}, follow=True
    ).content.decode()
    assert "位置は1から2までの番号で指定してください。" in html


def test_it_deletes_only_what_nothing_uses(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    html = client.post(url(city, f"pillars/{pillar(city, '行政のDX').pk}/"), {"op": "delete"}, follow=True).content.decode()
    assert "削除できません" in html
    client.post(url(city, "pillars/"), {"op": "add", "name": "仮の柱"})
    spare = pillar(city, "仮の柱")
    client.post(url(city, f"pillars/{spare.pk}/"), {"op": "add-policy", "name": "仮の施策"})
    client.post(url(city, f"policies/{policy(city, '仮の施策').pk}/"), {"op": "delete"})
    assert policies(city, "仮の柱") == []
    client.post(url(city, f"pillars/{spare.pk}/"), {"op": "delete"})
    assert pillars(city) == ["暮らしのDX", "行政のDX"]
    assert actions(city)[-2:] == ["plan.policy.deleted", "plan.pillar.deleted"]


def test_it_puts_a_project_at_a_chosen_position_of_its_group(
    login: Login, alice: AbstractBaseUser, city: Municipality, grow_city: Callable[[int], None]
) -> None:
    grow_city(3)  # 追加事業0..2 join 電子契約システム導入 under 行政のDX / その他

    def group() -> list[str]:
        with scope(municipality=city):
            return list(
                Project.objects.filter(plan__municipality=city, policy__name="その他")
                .order_by("position").values_list("name", flat=True)
            )

    def everything() -> list[str]:
        with scope(municipality=city):
            return list(Project.objects.filter(plan__municipality=city).order_by("position").values_list("name", flat=True))

    assert group() == ["電子契約システム導入", "追加事業0", "追加事業1", "追加事業2"]
    others_before = [name for name in everything() if name not in group()]
    with scope(municipality=city):
        last = Project.objects.get(plan__municipality=city, name="追加事業2")
    response = login(alice).post(f"/{city.pk}/2024/plan/projects/{last.pk}/place/", {"position": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"/2024/plan/#project-{last.pk}")
    assert group() == ["追加事業2", "電子契約システム導入", "追加事業0", "追加事業1"]
    assert [name for name in everything() if name not in group()] == others_before
    with scope(municipality=city):
        entry = AuditEntry.objects.get(action="plan.project.moved")
    assert (entry.before, entry.after) == ({"position": 4}, {"position": 1})


def test_the_position_rule_is_pure_and_clamped() -> None:
    items = [Pillar(pk=n, name=str(n)) for n in (1, 2, 3)]
    assert [p.pk for p in moved(items, items[2], 1)] == [3, 1, 2]
    assert [p.pk for p in moved(items, items[0], 3)] == [2, 3, 1]
    assert [p.pk for p in moved(items, items[1], 2)] == [1, 2, 3]
    assert [p.pk for p in moved(items, items[0], 99)] == [2, 3, 1]


def test_the_services_refuse_a_position_outside_the_group(alice: AbstractBaseUser, city: Municipality) -> None:
    with scope(municipality=city):
        target = Pillar.objects.select_related("plan").get(plan__municipality=city, name="行政のDX")
        with pytest.raises(InvalidInput, match="位置は1から2まで"):
            pillar_move(pillar=target, to=0, by=alice)
        keiyaku = Project.objects.select_related("plan").get(plan__municipality=city, name="電子契約システム導入")
        with pytest.raises(InvalidInput, match="位置は1から1まで"):
            project_place(project=keiyaku, to=2, by=alice)


@pytest.mark.parametrize("user", ["bob", "dave", "erin"])
def test_it_is_forbidden_to_everyone_but_dx_staff(
    request: pytest.FixtureRequest, login: Login, city: Municipality, user: str
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city)).status_code == 403
    target = pillar(city, "行政のDX")
    assert client.post(url(city, f"pillars/{target.pk}/"), {"op": "rename", "name": "乗っ取り"}).status_code == 403
    assert pillars(city) == ["暮らしのDX", "行政のDX"]


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    client = login(charlie)
    assert client.get(url(city)).status_code == 404
    target = pillar(city, "行政のDX")
    assert client.post(url(city, f"pillars/{target.pk}/"), {"op": "rename", "name": "乗っ取り"}).status_code == 404
    assert pillars(city) == ["暮らしのDX", "行政のDX"]


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    response = client.get(url(city))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_costs_the_same_queries_however_many_pillars(
    login: Login, alice: AbstractBaseUser, city: Municipality, django_assert_max_num_queries
) -> None:
    client = login(alice)
    client.get(url(city))
    for n in range(5):
        client.post(url(city, "pillars/"), {"op": "add", "name": f"柱{n}"})
    with django_assert_max_num_queries(12):
        assert client.get(url(city)).status_code == 200


def test_dx_staff_set_the_departments_organisation_order(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    from shinchoku.tenancy.models import Department

    def order() -> list[str]:
        with scope(municipality=city):
            return list(Department.objects.filter(municipality=city).values_list("name", flat=True))

    names = order()
    assert names == sorted(names)  # until someone sets it, by name
    with scope(municipality=city):
        last = Department.objects.get(municipality=city, name=names[-1])
    assert login(bob).post(f"/{city.pk}/2024/plan/departments/{last.pk}/place/", {"position": "1"}).status_code == 403
    response = login(alice).post(f"/{city.pk}/2024/plan/departments/{last.pk}/place/", {"position": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/2024/plan/#h-departments")
    assert order() == [names[-1], *names[:-1]]
    html = login(alice).get(f"/{city.pk}/2024/plan/").content.decode()
    assert html.index(f'value="{names[-1]}"') < html.index(f'value="{names[0]}"')
    with scope(municipality=city):
        assert AuditEntry.objects.filter(action="tenancy.department.moved").count() == 1
    # A department added later goes to the end.
    login(alice).post(f"/{city.pk}/2024/plan/departments/", {"name": "新設課", "email": ""})
    assert order()[-1] == "新設課"


def test_a_pillar_or_policy_is_retired_from_a_fiscal_year_and_leaves_later_reports_only(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    client.post(url(city, "pillars/"), {"op": "add", "name": "産業のDX"})
    industry = pillar(city, "産業のDX")
    client.post(url(city, f"pillars/{industry.pk}/"), {"op": "add-policy", "name": "地域産業のDX"})
    response = client.post(url(city, f"pillars/{industry.pk}/"), {"op": "retire", "fiscal_year": "2025"}, follow=True)
    assert "柱「産業のDX」を令和7（2025）年度から廃止しました" in response.content.decode()
    assert "令和7（2025）年度から廃止" in response.content.decode()
    with scope(municipality=city):
        plan = Plan.objects.get(municipality=city)
        names_2024 = [p["name"] for p in document_build(municipality=city, fiscal_year=2024, plan=plan)["pillars"]]
        names_2025 = [p["name"] for p in document_build(municipality=city, fiscal_year=2025, plan=plan)["pillars"]]
    assert "産業のDX" in names_2024 and "産業のDX" not in names_2025
    # A policy: retired, then reinstated.
    local = policy(city, "地域産業のDX")
    client.post(url(city, f"policies/{local.pk}/"), {"op": "retire", "fiscal_year": "2024"})
    assert policy(city, "地域産業のDX").retired_from_fiscal_year == 2024
    client.post(url(city, f"policies/{local.pk}/"), {"op": "retire", "fiscal_year": ""})
    assert policy(city, "地域産業のDX").retired_from_fiscal_year is None
    assert actions(city)[-3:] == ["plan.pillar.retired", "plan.policy.retired", "plan.policy.retired"]


def test_a_pillar_with_running_projects_or_a_published_year_is_not_retired(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    html = client.post(
        url(city, f"pillars/{pillar(city, '行政のDX').pk}/"), {"op": "retire", "fiscal_year": "2024"}, follow=True
    ).content.decode()
    assert "以降も続く個別事業計画があります" in html
    # FY2023 is published in the test city: retiring from it would change a published record.
    client.post(url(city, "pillars/"), {"op": "add", "name": "仮の柱"})
    html = client.post(
        url(city, f"pillars/{pillar(city, '仮の柱').pk}/"), {"op": "retire", "fiscal_year": "2023"}, follow=True
    ).content.decode()
    assert "公表済み（または取込み済み）のため" in html
    assert pillar(city, "行政のDX").retired_from_fiscal_year is None
    assert pillar(city, "仮の柱").retired_from_fiscal_year is None
