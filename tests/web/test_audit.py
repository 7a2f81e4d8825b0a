"""The municipality's audit log: read-only, newest first, paged, filtered, in Japanese with JST era times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import project_move
from shinchoku.cycle.services._audit import audit_record
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def _entries(city: Municipality, at: dt.datetime, n: int, action: str = "plan.project.updated", **kw: Any) -> None:
    with scope(municipality=city):
        AuditEntry.objects.bulk_create(
            AuditEntry(municipality=city, at=at - dt.timedelta(minutes=i), action=action,
                       object_type="plans.project", object_repr=f"事業{i:02d}", **kw)
            for i in range(n)
        )


@pytest.mark.parametrize("user", ["alice", "dave", "erin"])
def test_it_lists_what_happened(
    user: str, request: pytest.FixtureRequest, login: Login, city: Municipality, year_2024: Any
) -> None:
    response = login(request.getfixturevalue(user)).get(f"/{city.pk}/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "進行管理を開始" in html and ("DX担当 アリス" in html or "alice" in html)
    assert "<form method=\"post\"" not in html.split('id="main"')[1]  # read-only (logout lives in the header)


def test_it_shows_field_names_and_values_in_japanese(
    login: Login, alice: AbstractBaseUser, city: Municipality, grow_city: Callable[[int], None]
) -> None:
    grow_city(2)  # two projects in one pillar and policy, so one can move up
    with scope(municipality=city):
        projects = list(Project.objects.select_related("plan").order_by("position", "pk"))
    seen: set[tuple[int, int | None]] = set()
    second = None
    for p in projects:  # the second project of the first group that has two
        if (p.pillar_id, p.policy_id) in seen:
            second = p
            break
        seen.add((p.pillar_id, p.policy_id))
    assert second is not None
    project_move(project=second, direction="up", by=alice)
    with scope(municipality=city):
        audit_record(municipality=city, by=alice, action="year.reopened", obj=second,
                     before={"state": "published"},
                     after={"state": "open", "reopened_report": {"id": 28, "project": "行政手続のオンライン化"},
                            "comment": "数値の誤り"})
    html = login(alice).get(f"/{city.pk}/audit/").content.decode()
    for raw in ("direction", "neighbour", "position：", "reopened_report", "：up", "：down", "28"):
        assert raw not in html.split('id="h-entries"')[1], raw
    assert "移動：上げる" in html and "入れ替えた相手：" in html and "順位：" in html
    assert "再開した報告：行政手続のオンライン化" in html and "年度の状態：公表済み" in html and "年度の状態：進行管理中" in html


def test_it_shows_times_in_japan_time_with_the_era(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    _entries(city, dt.datetime(2026, 12, 2, 5, 5, tzinfo=dt.UTC), 1)
    html = login(alice).get(f"/{city.pk}/audit/").content.decode()
    assert "令和8年12月2日 14:05" in html and "2026-12-02T05:05" not in html


def test_it_pages_back_in_time(login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    _entries(city, timezone.now() - dt.timedelta(days=1), 60)
    client = login(alice)
    first = client.get(f"/{city.pk}/audit/").content.decode()
    assert "事業00" in first and "事業59" not in first and "さらに古い履歴" in first
    next_href = first.split('class="pagination"')[1].split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/{city.pk}/audit/?{next_href}").content.decode()
    assert "事業59" in second and "事業00" not in second
    filtered = client.get(f"/{city.pk}/audit/?kind=year.").content.decode()
    assert "進行管理を開始" in filtered and "事業00" not in filtered


def test_it_filters_by_period_in_era_or_western_form(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    _entries(city, dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC), 1, object_id=1)  # 12:00 JST
    with scope(municipality=city):
        AuditEntry.objects.create(municipality=city, at=dt.datetime(2025, 3, 31, 16, 0, tzinfo=dt.UTC),  # 4/1 JST
                                  action="plan.project.updated", object_type="plans.project", object_repr="四月の事業")
    client = login(alice)
    for since, until in (("令和7年3月", "令和7年3月"), ("R7.3", "R7.3"), ("2025-03", "2025-03-31"), ("2025-03-10", "")):
        html = client.get(f"/{city.pk}/audit/", {"since": since, "until": until}).content.decode()
        assert "事業00" in html, since
        assert ("四月の事業" in html) == (until == ""), since
    html = client.get(f"/{city.pk}/audit/", {"since": "令和7年4月"}).content.decode()
    assert "四月の事業" in html and "事業00" not in html
    html = client.get(f"/{city.pk}/audit/", {"since": "あした"}).content.decode()
    assert "日付として読めません" in html


def test_it_filters_by_user_project_and_action(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality,
    project_named: Callable[[str], Project],
) -> None:
    line = project_named("LINEによる情報発信")
    with scope(municipality=city):
        audit_record(municipality=city, by=alice, action="plan.project.updated", obj=line, project=line,
                     before={"name": "旧名称"}, after={"name": "アリスの変更"})
        audit_record(municipality=city, by=dave, action="tenancy.department.created", obj=line,
                     after={"name": "デイブの部署", "email": ""})
    client = login(alice)
    by_dave = client.get(f"/{city.pk}/audit/", {"user": dave.pk}).content.decode()
    assert "デイブの部署" in by_dave and "アリスの変更" not in by_dave
    by_project = client.get(f"/{city.pk}/audit/", {"project": line.pk}).content.decode()
    assert "アリスの変更" in by_project and "デイブの部署" not in by_project
    by_code = client.get(f"/{city.pk}/audit/", {"action": "tenancy.department.created"}).content.decode()
    assert "デイブの部署" in by_code and "アリスの変更" not in by_code
    by_family = client.get(f"/{city.pk}/audit/", {"action": "plan."}).content.decode()
    assert "アリスの変更" in by_family and "デイブの部署" not in by_family
    combined = client.get(f"/{city.pk}/audit/", {"action": "plan.", "user": dave.pk}).content.decode()
    assert "操作履歴はありません" in combined


def test_it_keeps_the_filters_when_paging(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    _entries(city, timezone.now() - dt.timedelta(days=1), 60, action="plan.project.moved")
    _entries(city, timezone.now() - dt.timedelta(days=1), 5, action="plan.tag.created")
    client = login(alice)
    first = client.get(f"/{city.pk}/audit/", {"action": "plan.project.moved"}).content.decode()
    next_href = first.split('class="pagination"')[1].split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    assert "action=plan.project.moved" in next_href
    second = client.get(f"/{city.pk}/audit/?{next_href}").content.decode()
    assert "区分を追加" not in second.split('id="h-entries"')[1] and "事業59" in second


def test_it_costs_a_constant_number_of_queries(
    login: Login, alice: AbstractBaseUser, city: Municipality, django_assert_num_queries: Any
) -> None:
    client = login(alice)
    url = f"/{city.pk}/audit/"
    query = {"since": "令和7年", "action": "plan.", "user": alice.pk}
    _entries(city, dt.datetime(2025, 6, 1, tzinfo=dt.UTC), 5, actor=alice)
    client.get(url, query)
    with django_assert_num_queries(9) as five:
        assert client.get(url, query).status_code == 200
    _entries(city, dt.datetime(2025, 5, 1, tzinfo=dt.UTC), 45, actor=alice)
    with django_assert_num_queries(len(five.captured_queries)):
        assert "事業44" in client.get(url, query).content.decode()


@pytest.mark.parametrize(("user", "status"), [("bob", 403), ("charlie", 404)])
def test_it_refuses_users_who_may_not_read_it(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality
) -> None:
    assert login(request.getfixturevalue(user)).get(f"/{city.pk}/audit/").status_code == status
    assert login(request.getfixturevalue(user)).get(f"/{city.pk}/audit/export.csv").status_code == status


def test_it_never_shows_charlie_the_citys_entries(
    login: Login, charlie: AbstractBaseUser, city: Municipality, other_city: Municipality
) -> None:
    _entries(city, timezone.now(), 3)
    client = login(charlie)
    own = client.get(f"/{other_city.pk}/audit/", {"project": "1", "since": "2000"}).content.decode()
    assert "事業00" not in own
    assert "事業00" not in b"".join(client.get(f"/{other_city.pk}/audit/export.csv").streaming_content).decode()


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality) -> None:
    assert client.get(f"/{city.pk}/audit/").status_code == 302


def test_it_skips_nothing_when_entries_share_a_timestamp(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    same = timezone.now() - dt.timedelta(days=1)
    with scope(municipality=city):
        AuditEntry.objects.bulk_create(
            AuditEntry(municipality=city, at=same, action="plan.tag.created", object_type="plans.tag",
                       object_repr=f"同時{i:02d}") for i in range(55)
        )
    client = login(alice)
    first = client.get(f"/{city.pk}/audit/", {"action": "plan.tag.created"}).content.decode()
    next_href = first.split('class="pagination"')[1].split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/{city.pk}/audit/?{next_href}").content.decode()
    shown = [f"同時{i:02d}" for i in range(55) if f"同時{i:02d}" in first or f"同時{i:02d}" in second]
    assert len(shown) == 55
