"""「事業の終了・廃止」 on the project edit page: DX staff end a project (廃止 / 終了) from a fiscal year on.

The city's FY2023 is published (locked); ``year_2024`` opens FY2024 with one untouched draft per project.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import report_save
from shinchoku.plans.models import Project, ProjectReport
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]
ReportOf = Callable[[str, int], ProjectReport]

KEIYAKU = "電子契約システム導入"  # 総務課 and 企画政策課; a FY2023 report (published)


def edit_url(city: Municipality, project: Project) -> str:
    return f"/{city.pk}/2024/plan/projects/{project.pk}/"


def end_url(city: Municipality, project: Project) -> str:
    return f"/{city.pk}/2024/plan/projects/{project.pk}/discontinue/"


def fresh(city: Municipality, pk: int) -> Project:
    with scope(municipality=city):
        return Project.objects.get(pk=pk)


def reports(city: Municipality, project: Project) -> list[int]:
    with scope(municipality=city):
        return sorted(ProjectReport.objects.filter(project=project).values_list("fiscal_year", flat=True))


def discontinued(city: Municipality) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action="plan.project.discontinued"))


def test_it_shows_the_section_with_labels_choices_and_what_will_happen(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed, year_2024: Any
) -> None:
    html = login(alice).get(edit_url(city, project_named(KEIYAKU))).content.decode()
    assert '<h2 id="h-end">事業の終了・廃止</h2>' in html
    assert f'action="{end_url(city, project_named(KEIYAKU))}"' in html
    for value, label in (("discontinued", "廃止"), ("completed", "終了")):
        assert (
            f'<label for="end_reason-{value}"><input type="radio" id="end_reason-{value}" name="reason" '
            f'value="{value}"> {label}</label>'
        ) in html
    assert '<label for="from_fiscal_year">報告の対象から外す最初の年度</label>' in html
    assert 'aria-describedby="end_confirm"' in html and 'id="end_confirm"' in html
    assert "まだ誰も手を付けていない下書きだけが削除されます" in html and "これまでの変更履歴はそのまま残ります" in html
    # Only years after the published FY2023 are offered, up to the year after the plan.
    assert '<option value="2024">令和6（2024）年度</option>' in html
    assert '<option value="2026">令和8（2026）年度（計画期間の終了後）</option>' in html
    assert 'value="2023"' not in html and 'value="2022"' not in html
    assert "<dt>報告の期間</dt><dd>令和3（2021）年度から</dd>" in html


def test_it_discontinues_a_project_through_the_page(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed, year_2024: Any
) -> None:
    project = project_named(KEIYAKU)
    assert reports(city, project) == [2023, 2024]
    client = login(alice)
    response = client.post(end_url(city, project), {"reason": "discontinued", "from_fiscal_year": "2024"})
    assert response.status_code == 302 and response["Location"] == edit_url(city, project)
    html = client.get(response["Location"]).content.decode()
    assert (
        f"個別事業計画「{KEIYAKU}」を令和5（2023）年度で廃止としました。令和6（2024）年度以降は報告の対象外です"
    ) in html
    assert "<dt>報告の期間</dt><dd>令和3（2021）年度から　令和5（2023）年度で廃止</dd>" in html
    saved = fresh(city, project.pk)
    assert (saved.last_fiscal_year, saved.end_reason) == (2023, "discontinued")
    assert reports(city, project) == [2023]  # the untouched FY2024 draft is gone, the published report stays
    [entry] = discontinued(city)
    assert entry.actor == alice and entry.after["reports_removed"] == 1
    # The project page and the plan admin list say it ended.
    detail = client.get(f"/{city.pk}/2023/projects/{project.pk}/").content.decode()
    assert "令和3（2021）年度から" in detail and '<span class="badge badge--none">令和5（2023）年度で廃止</span>' in detail
    admin = client.get(f"/{city.pk}/2024/plan/").content.decode()
    assert f'{KEIYAKU}</a> <span class="badge badge--none">令和5（2023）年度で廃止</span>' in admin


def test_it_completes_a_project_at_the_end_of_the_plan(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    response = login(alice).post(end_url(city, project), {"reason": "completed", "from_fiscal_year": "2026"}, follow=True)
    assert "令和7（2025）年度で終了としました" in response.content.decode()
    saved = fresh(city, project.pk)
    assert (saved.last_fiscal_year, saved.end_reason) == (2025, "completed")


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        (
            {"reason": "discontinued", "from_fiscal_year": "2023"},
            "from_fiscal_year",
            "令和5（2023）年度は確定している（公表済み・取込み済み）ため、その年度より前から終了することはできません。"
            "令和6（2024）年度以降を選んでください。",
        ),
        (
            {"reason": "discontinued", "from_fiscal_year": "2021"},
            "from_fiscal_year",
            "終了する年度は、開始年度の翌年度から計画期間の翌年度までにしてください。",
        ),
        ({"reason": "", "from_fiscal_year": "2024"}, "end_reason", "終了の理由（廃止・終了）を選んでください。"),
        ({"reason": "completed", "from_fiscal_year": ""}, "from_fiscal_year", "報告の対象から外す最初の年度を選んでください。"),
    ],
)
def test_it_shows_refusals_in_japanese_next_to_the_field(
    post: dict[str, str], field: str, message: str, login: Login, alice: AbstractBaseUser, city: Municipality,
    project_named: ProjectNamed, year_2024: Any,
) -> None:
    project = project_named(KEIYAKU)
    response = login(alice).post(end_url(city, project), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="{field}_error">{message}</p>' in html
    assert "<h2>事業を終了・廃止できませんでした</h2>" in html and f'{message}</a></li>' in html
    assert fresh(city, project.pk).last_fiscal_year is None and discontinued(city) == []
    assert reports(city, project) == [2023, 2024]


def test_it_refuses_while_an_open_years_report_has_been_worked_on(
    login: Login, alice: AbstractBaseUser, frank: AbstractBaseUser, city: Municipality, project_named: ProjectNamed,
    report_of: ReportOf, year_2024: Any,
) -> None:
    report = report_of(KEIYAKU, 2024)
    report_save(report=report, by=frank, expected_version=report.version, results=["事業者への周知を始めました。"])
    project = project_named(KEIYAKU)
    response = login(alice).post(end_url(city, project), {"reason": "completed", "from_fiscal_year": "2024"})
    assert response.status_code == 400
    html = response.content.decode()
    message = "次の年度の報告は作成が始まっているため終了できません：令和6（2024）年度"
    assert f'<p class="field-error" id="from_fiscal_year_error">{message}</p>' in html
    assert 'aria-describedby="end_confirm from_fiscal_year_error" aria-invalid="true"' in html
    assert '<input type="radio" id="end_reason-completed" name="reason" value="completed" checked>' in html  # as chosen
    assert reports(city, project) == [2023, 2024] and discontinued(city) == []


@pytest.mark.parametrize("user", ["dave", "erin", "bob", "frank"])
def test_it_is_forbidden_to_everyone_but_dx_staff(
    user: str, login: Login, city: Municipality, project_named: ProjectNamed, request: pytest.FixtureRequest,
    year_2024: Any,
) -> None:
    project = project_named(KEIYAKU)
    client = login(request.getfixturevalue(user))
    assert client.post(end_url(city, project), {"reason": "discontinued", "from_fiscal_year": "2024"}).status_code == 403
    assert fresh(city, project.pk).last_fiscal_year is None and reports(city, project) == [2023, 2024]


def test_readers_see_the_state_but_no_form(
    login: Login, erin: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KEIYAKU)
    login(alice).post(end_url(city, project), {"reason": "completed", "from_fiscal_year": "2025"})
    html = login(erin).get(edit_url(city, project)).content.decode()
    assert "この個別事業計画は<strong>令和6（2024）年度で終了</strong>です。" in html
    assert "/discontinue/" not in html and "終了・廃止する" not in html


def test_it_is_a_404_for_another_municipality_and_needs_login(
    login: Login, charlie: AbstractBaseUser, city: Municipality, project_named: ProjectNamed, client: Client
) -> None:
    project = project_named(KEIYAKU)
    assert Client().post(end_url(city, project), {"reason": "discontinued", "from_fiscal_year": "2024"}).status_code == 302
    assert login(charlie).post(end_url(city, project), {"reason": "discontinued", "from_fiscal_year": "2024"}).status_code == 404
    assert fresh(city, project.pk).last_fiscal_year is None and discontinued(city) == []


def test_it_answers_only_posts(login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed) -> None:
    assert login(alice).get(end_url(city, project_named(KEIYAKU))).status_code == 405
