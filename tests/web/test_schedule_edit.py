"""Schedule editor (計画の管理 → 個別事業計画 → スケジュール): rows × the plan's fiscal years, without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.documents.render import render_report
from shinchoku.plans.models import Project, ScheduleRow
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]

KOTSU = "新交通システムの構築"
YEARS = range(2021, 2026)


def url(city: Municipality, project: Project) -> str:
    return f"/{city.pk}/2024/plan/projects/{project.pk}/schedule/"


def stored(city: Municipality, project: Project) -> list[tuple[str, dict[int, str]]]:
    with scope(municipality=city):
        rows = ScheduleRow.objects.filter(project=project).order_by("position").prefetch_related("cells")
        return [(r.track, {c.fiscal_year: c.text for c in r.cells.all()}) for r in rows]


def form(rows: list[tuple[str, dict[int, str]]], action: str = "save") -> dict[str, Any]:
    data: dict[str, Any] = {"row_count": str(len(rows)), "action": action}
    for i, (track, cells) in enumerate(rows):
        data[f"row-{i}-track"] = track
        for fy in YEARS:
            data[f"row-{i}-{fy}"] = cells.get(fy, "")
    return data


def audit(city: Municipality, action: str = "plan.schedule.updated") -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action=action).order_by("pk"))


def test_it_shows_the_schedule_as_a_table_of_the_plan_years_with_labels(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    response = login(alice).get(url(city, project_named(KOTSU)))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("R3(2021)年度", "R5(2023)年度", "R7(2025)年度"):
        assert f'<th scope="col" class="nowrap">{label}</th>' in html
    assert "R2(2020)年度" not in html and "R8(2026)年度" not in html
    for field in ("row-0-track", "row-0-2021", "row-0-2025"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert "1行目の系列" in html and "1行目のR5(2023)年度" in html
    assert ">運用開始</textarea>" in html
    assert 'name="action" value="add"' in html and 'name="action" value="remove-0"' in html
    # Enter in a field submits the form's first button: it must be "save", not a row's "remove"
    assert html.index('value="save"') < html.index('value="remove-0"')


def test_it_saves_rows_and_tracks_and_audits(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    rows = [("①", {2021: "計画策定", 2022: "検討", 2023: "運用開始", 2024: "→"}), ("②", {2024: "郊外へ拡大", 2025: "→"})]
    response = login(alice).post(url(city, project), form(rows), follow=True)
    assert "スケジュールを保存しました" in response.content.decode()
    assert stored(city, project) == rows
    [entry] = audit(city)
    assert entry.before == [{"track": "", "cells": {"2021": "計画策定", "2022": "検討", "2023": "運用開始"}}]
    assert entry.after[1] == {"track": "②", "cells": {"2024": "郊外へ拡大", "2025": "→"}}
    assert entry.actor == alice


def test_it_writes_no_audit_row_when_the_schedule_is_unchanged(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    response = login(alice).post(url(city, project), form([*stored(city, project), ("", {})]))
    assert response.status_code == 302
    assert audit(city) == []


def test_it_adds_and_removes_rows_without_saving(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    before = stored(city, project)
    client = login(alice)
    added = client.post(url(city, project), form([("", {2021: "変えた計画策定"})], action="add"))
    assert added.status_code == 200
    html = added.content.decode()
    assert 'name="row_count" value="2"' in html and 'id="row-1-track"' in html and "autofocus" in html
    assert ">変えた計画策定</textarea>" in html  # what was typed stays
    assert "まだ保存されていません" in html
    removed = client.post(url(city, project), form([("①", {2021: "残す"}), ("②", {2022: "消す"})], action="remove-1"))
    html = removed.content.decode()
    assert removed.status_code == 200
    assert 'name="row_count" value="1"' in html and ">残す</textarea>" in html and "消す" not in html
    assert stored(city, project) == before and audit(city) == []


def test_it_shows_a_refusal_next_to_the_field(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    response = login(alice).post(url(city, project), form([("①②③④⑤⑥⑦⑧⑨", {2024: "運用"})]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="row-0-track-error"' in html and "系列は8文字以内で入力してください" in html
    assert 'href="#row-0-track"' in html and ">運用</textarea>" in html
    assert audit(city) == []


def test_a_year_outside_the_plan_period_is_not_read_from_the_form(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    data = form(stored(city, project))
    data["row-0-2026"] = "範囲外"
    login(alice).post(url(city, project), data)
    assert all(2026 not in cells for _, cells in stored(city, project))
    assert audit(city) == []


def test_the_report_shows_the_edited_schedule(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    rows = [("", {2021: "計画策定", 2022: "検討", 2023: "実証運行を経て運用開始", 2024: "→"})]
    login(alice).post(url(city, project), form(rows))
    data, content_type, _ = render_report(municipality=city, fiscal_year=2023, format="html")
    assert content_type.startswith("text/html")
    assert "実証運行を経て運用開始" in data.decode()


def test_it_lets_viewers_read_but_not_post(
    login: Login, erin: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named(KOTSU)
    client = login(erin)
    response = client.get(url(city, project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<fieldset disabled" in html and "保存する" not in html and "行を削除" not in html
    for action in ("save", "add", "remove-0"):
        assert client.post(url(city, project), form([("", {2024: "x"})], action=action)).status_code == 403
    assert audit(city) == []


@pytest.mark.parametrize("user", ["bob", "frank"])
def test_it_is_forbidden_to_department_editors(
    user: str, login: Login, city: Municipality, project_named: ProjectNamed, request: pytest.FixtureRequest
) -> None:
    project = project_named(KOTSU)  # Bob's own department's project
    client = login(request.getfixturevalue(user))
    assert client.get(url(city, project)).status_code == 403
    assert client.post(url(city, project), form([("", {2024: "x"})])).status_code == 403


def test_it_is_a_404_for_another_municipality(
    login: Login, charlie: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, other_city: Municipality,
    project_named: ProjectNamed,
) -> None:
    project = project_named(KOTSU)
    assert login(charlie).get(url(city, project)).status_code == 404
    assert login(charlie).post(url(city, project), form([("", {2024: "x"})])).status_code == 404
    with scope(municipality=other_city):
        theirs = Project.objects.get(plan__municipality=other_city)
    assert login(alice).get(url(city, theirs)).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, project_named: ProjectNamed) -> None:
    project = project_named(KOTSU)
    for response in (client.get(url(city, project)), client.post(url(city, project), form([("", {2024: "x"})]))):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_refuses_a_save_over_someone_elses_change_even_after_adding_a_row(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    import re

    from shinchoku.cycle.services import project_schedule_set

    def seen_in(html: str) -> str:
        found = re.search(r'name="seen" id="seen" value="([0-9a-f]+)"', html)
        assert found
        return found.group(1)

    project = project_named("LINEによる情報発信")
    client = login(alice)
    seen = seen_in(client.get(url(city, project)).content.decode())
    with scope(municipality=city):
        project_schedule_set(project=project, rows=[("", {2024: "他の人の計画"})], by=alice)
    # Adding a row shows the form again unsaved, with the token it was loaded with.
    added = client.post(url(city, project), {**form([("", {2024: "私の計画"})], action="add"), "seen": seen})
    assert seen_in(added.content.decode()) == seen
    response = client.post(url(city, project), {**form([("", {2024: "私の計画"})]), "seen": seen})
    assert response.status_code == 400
    assert "編集中に他の人がこのスケジュールを更新したため" in response.content.decode()
    assert stored(city, project) == [("", {2024: "他の人の計画"})]
