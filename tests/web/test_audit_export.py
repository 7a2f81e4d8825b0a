"""The audit log's CSV export from the log page: UTF-8 with BOM, Japanese headers, the page's filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services._audit import audit_record
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
HEADERS = ["日時（JST）", "操作", "操作者", "個別事業計画", "対象", "変更前", "変更後", "操作コード", "日時（ISO 8601, UTC）"]


def _download(client: Client, city: Municipality, **query: Any) -> tuple[bytes, list[list[str]]]:
    response = client.get(f"/{city.pk}/audit/export.csv", query)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def moved(city: Municipality, alice: AbstractBaseUser, project_named: Callable[[str], Project]) -> Project:
    line = project_named("LINEによる情報発信")
    with scope(municipality=city):
        entry = audit_record(municipality=city, by=alice, action="plan.project.moved", obj=line, project=line,
                             before={"position": 2, "neighbour": "隣の事業"}, after={"position": 1, "direction": "up"})
        AuditEntry.objects.filter(pk=entry.pk).update(at=dt.datetime(2025, 3, 10, 5, 5, tzinfo=dt.UTC))
    return line


@pytest.mark.parametrize("user", ["alice", "dave", "erin"])
def test_it_exports_with_a_bom_and_japanese_headers(
    user: str, request: pytest.FixtureRequest, login: Login, city: Municipality, moved: Project
) -> None:
    body, rows = _download(login(request.getfixturevalue(user)), city)
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADERS
    row = next(r for r in rows[1:] if r[7] == "plan.project.moved")
    assert row == ["令和7年3月10日 14:05", "並び順を変更", "DX担当 アリス", "LINEによる情報発信", "LINEによる情報発信",
                   "順位：2／入れ替えた相手：隣の事業", "順位：1／移動：上げる", "plan.project.moved",
                   "2025-03-10T05:05:00+00:00"]


def test_it_applies_the_pages_filters(login: Login, alice: AbstractBaseUser, city: Municipality, moved: Project) -> None:
    client = login(alice)
    page = client.get(f"/{city.pk}/audit/", {"since": "R7.3", "until": "令和7年3月"}).content.decode()
    assert "/audit/export.csv?since=R7.3&amp;until=" in page
    _, rows = _download(client, city, since="R7.3", until="令和7年3月")
    assert [r[7] for r in rows[1:]] == ["plan.project.moved"]
    _, rows = _download(client, city, since="2025-03-11")
    assert "plan.project.moved" not in [r[7] for r in rows[1:]] and len(rows) > 1  # the fixture's import rows
    _, rows = _download(client, city, action="year.")
    assert rows[1:] and all(r[7].startswith("year.") for r in rows[1:])
    _, rows = _download(client, city, project=str(moved.pk))
    assert rows[1:] and all(r[3] == "LINEによる情報発信" for r in rows[1:])


def test_it_costs_the_same_queries_for_a_longer_log(
    login: Login, alice: AbstractBaseUser, city: Municipality, moved: Project, django_assert_num_queries: Any
) -> None:
    client = login(alice)
    _download(client, city)
    with django_assert_num_queries(6) as few:  # session, user, memberships, … and one for the rows
        _download(client, city)
    with scope(municipality=city):
        AuditEntry.objects.bulk_create(
            AuditEntry(municipality=city, actor=alice, project=moved, action="plan.project.updated",
                       object_type="plans.project", object_repr=f"事業{i}") for i in range(300)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        _, rows = _download(client, city)
    assert len(rows) > 300
