"""Fixtures of the web tests: a small 柏崎市 (four projects, FY2023 published) and the named users.

Named users:
- Alice — DX staff of 柏崎市 (opens cycles, publishes, sees everything).
- Bob — department editor of 企画政策課 (edits 新交通システムの構築).
- Dave — HQ reviewer of 柏崎市 (returns, approves).
- Erin — viewer of 柏崎市 (reads; edits nothing).
- Frank — department editor of 総務課 (may NOT edit 企画政策課's projects).
- Gina — department editor of 元気発信課 (LINEによる情報発信).
- Charlie — DX staff of another municipality (刈羽村): every 柏崎市 URL is a 404 for him.

The document is built by hand (not parsed from the seed) so the web tests are fast and independent of the
parser; the numbers are the seed's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.services.imports import year_import
from shinchoku.interchange.document import Document, ProjectDoc
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

PASSWORD = "correct-horse-battery-staple"

GRADES = [
    {"code": "A", "description": "計画より早い、想定以上の効果を得た", "as_planned": False},
    {"code": "B", "description": "概ね計画どおり", "as_planned": True},
    {"code": "C", "description": "計画より遅れている", "as_planned": False},
    {"code": "D", "description": "再検討が必要", "as_planned": False},
]


def _project(**kwargs: Any) -> ProjectDoc:
    base: dict[str, Any] = {
        "tags": [],
        "overview": "",
        "vision": "",
        "comprehensive_plan": None,
        "schedule": [],
        "indicators": [],
        "grade": "B",
        "results": [],
        "result_tables": [],
        "challenges": [],
        "next_year": [],
        "non_b_summary": [],
    }
    base.update(kwargs)
    return base  # type: ignore[return-value]


KASHIWAZAKI: Document = {
    "format": "shinchoku-report/2",
    "municipality": "柏崎市",
    "plan": {
        "name": "柏崎市DX推進計画",
        "start_fiscal_year": 2021,
        "end_fiscal_year": 2025,
        "adopted": "2021-03",
        "revisions": [{"date": "2023-12", "description": "4つの新規個別事業計画を追加"}],
    },
    "report": {
        "title": "令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）",
        "fiscal_year": 2023,
        "published": "2024-08",
        "narrative": [],
    },
    "grade_scale": GRADES,  # type: ignore[typeddict-item]
    "pillars": [
        {"name": "暮らしのDX", "policies": ["市民生活のDX", "行政サービスのオンライン化"]},
        {"name": "行政のDX", "policies": ["電子文書管理・電子決裁", "その他"]},
    ],
    "projects": [
        _project(
            name="新交通システムの構築",
            pillar="暮らしのDX",
            policy="市民生活のDX",
            tags=["市重点"],
            departments=["企画政策課"],
            overview="AIオンデマンドシステムを活用した新しい交通システムを構築します。",
            vision="持続可能でやさしい公共交通ネットワークを構築していきます。",
            comprehensive_plan={"area": "① 防災・生活・環境", "policy": "2-1 持続可能な公共交通ネットワークを構築する"},
            schedule=[{"track": None, "cells": {"2021": "計画策定", "2022": "検討", "2023": "運用開始"}}],
            grade="A",
            results=["11月24日からAI新交通あいくるの運行を開始しました。"],
            challenges=["更なる運行の効率化が求められています。"],
            next_year=["利用状況等をデータで分析し、改善・見直しを図ります。"],
            non_b_summary=["利用者数は想定数を上回りました。"],
        ),
        _project(
            name="LINEによる情報発信",
            pillar="暮らしのDX",
            policy="行政サービスのオンライン化",
            departments=["元気発信課"],
            overview="LINE公式アカウントで市政情報を配信しています。",
            vision="多様なメディアを駆使した戦略的な情報発信を目指します。",
            schedule=[{"track": None, "cells": {"2021": "導入", "2022": "拡充", "2023": "新機能検討"}}],
            indicators=[
                {
                    "name": "公式アカウント追加ユーザー数（累計）",
                    "unit": "人",
                    "direction": "higher",
                    "qualifier": None,
                    "note": None,
                    "targets": {"2022": "7000", "2023": "14000", "2024": "15000"},
                    "actuals": {"2022": "11768", "2023": "16608"},
                }
            ],
            grade="A",
            results=["ユーザー数は年間で4,840人増加し16,608人になりました。"],
            challenges=["新機能検討に努めます。"],
            next_year=["イベント情報の発信を開始します。"],
            non_b_summary=["目標指標を大きく超えたユーザー登録数になりました。"],
        ),
        _project(
            name="電子文書管理・電子決裁システム導入",
            pillar="行政のDX",
            policy="電子文書管理・電子決裁",
            departments=["総務課"],
            overview="電子文書管理・電子決裁システムを導入します。",
            schedule=[{"track": None, "cells": {"2022": "構築", "2023": "運用開始", "2024": "→"}}],
            indicators=[
                {
                    "name": "決裁文書の電子化率",
                    "unit": "%",
                    "direction": "higher",
                    "qualifier": None,
                    "note": None,
                    "targets": {"2023": "60", "2024": "80", "2025": "90"},
                    "actuals": {"2023": "31.7"},
                }
            ],
            grade="C",
            results=["令和5（2023）年10月から運用を開始しました。"],
            challenges=["電子化率の向上が必要です。"],
            next_year=["所属へのヒアリングを行います。"],
            non_b_summary=["電子化率は31.7％にとどまりました。"],
        ),
        _project(
            name="電子契約システム導入",
            pillar="行政のDX",
            policy="その他",
            departments=["総務課", "企画政策課"],
            overview="電子契約システムを導入します。",
            schedule=[{"track": None, "cells": {"2023": "導入", "2024": "運用"}}],
            grade="B",
            results=["電子契約システムを導入しました。"],
            challenges=["利用事業者を増やす必要があります。"],
            next_year=["事業者への周知を行います。"],
        ),
    ],
    "under_consideration": [],
}

KARIWA: Document = {
    "format": "shinchoku-report/2",
    "municipality": "刈羽村",
    "plan": {
        "name": "刈羽村DX推進計画",
        "start_fiscal_year": 2022,
        "end_fiscal_year": 2026,
        "adopted": None,
        "revisions": [],
    },
    "report": {"title": "刈羽村DX推進計画 進行管理報告書", "fiscal_year": 2023, "published": None, "narrative": []},
    "grade_scale": GRADES,  # type: ignore[typeddict-item]
    "pillars": [{"name": "行政のDX", "policies": []}],
    "projects": [
        _project(name="村役場のペーパーレス化", pillar="行政のDX", policy=None, departments=["総務課"], grade="B"),
    ],
    "under_consideration": [],
}


@pytest.fixture
def city(db: None) -> Municipality:
    """柏崎市 with its FY2023 report loaded (state 公表済み)."""
    return year_import(by=None, document=copy.deepcopy(KASHIWAZAKI)).municipality


@pytest.fixture
def other_city(db: None) -> Municipality:
    return year_import(by=None, document=copy.deepcopy(KARIWA)).municipality


MakeUser = Callable[..., AbstractBaseUser]


@pytest.fixture
def make_user(db: None) -> MakeUser:
    def make(
        username: str,
        municipality: Municipality,
        role: Role,
        departments: tuple[str, ...] = (),
        full_name: str = "",
    ) -> AbstractBaseUser:
        user_model = get_user_model()
        with scopes_disabled():
            user = user_model.objects.filter(username=username).first()
            if user is None:
                last, _, first = full_name.partition(" ")
                user = user_model.objects.create_user(
                    username=username, password=PASSWORD, last_name=last, first_name=first,
                    email=f"{username}@example.org",
                )
            membership = Membership.objects.create(user=user, municipality=municipality, role=role)
            if departments:
                membership.departments.set(
                    Department.objects.filter(municipality=municipality, name__in=departments)
                )
        return user

    return make


@pytest.fixture
def alice(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("alice", city, Role.DX_STAFF, full_name="DX担当 アリス")


@pytest.fixture
def bob(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("bob", city, Role.DEPARTMENT_EDITOR, ("企画政策課",))


@pytest.fixture
def dave(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("dave", city, Role.HQ_REVIEWER)


@pytest.fixture
def erin(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("erin", city, Role.VIEWER)


@pytest.fixture
def frank(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("frank", city, Role.DEPARTMENT_EDITOR, ("総務課",))


@pytest.fixture
def gina(city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("gina", city, Role.DEPARTMENT_EDITOR, ("元気発信課",))


@pytest.fixture
def charlie(other_city: Municipality, make_user: MakeUser) -> AbstractBaseUser:
    return make_user("charlie", other_city, Role.DX_STAFF)


@pytest.fixture
def login(client: Client) -> Callable[[AbstractBaseUser], Client]:
    def do(user: AbstractBaseUser) -> Client:
        client.force_login(user)
        return client

    return do


@pytest.fixture
def in_city(city: Municipality) -> Iterator[None]:
    """Run the test body inside the city's scope (for looking objects up in assertions)."""
    with scope(municipality=city):
        yield


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def project_named(city: Municipality) -> Callable[[str], Project]:
    def get(name: str) -> Project:
        with scope(municipality=city):
            return Project.objects.select_related("plan").get(plan__municipality=city, name=name)

    return get


@pytest.fixture
def year_2024(city: Municipality, alice: AbstractBaseUser) -> Any:
    """FY2024 opened by Alice, due 2025-05-31: one draft report per project."""
    import datetime as dt

    from shinchoku.cycle.services import reporting_year_open
    from shinchoku.plans.models import Plan

    with scope(municipality=city):
        plan = Plan.objects.get(municipality=city)
    return reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=alice)


@pytest.fixture
def report_of(city: Municipality) -> Callable[[str, int], Any]:
    """The report of a project (by name) for a fiscal year, fresh from the database."""
    from shinchoku.plans.models import ProjectReport

    def get(name: str, fiscal_year: int = 2024) -> ProjectReport:
        with scope(municipality=city):
            return ProjectReport.objects.select_related("project__plan", "grade").get(
                project__name=name, fiscal_year=fiscal_year
            )

    return get


@pytest.fixture
def grow_city(city: Municipality) -> Callable[[int], None]:
    """Add ``n`` more projects (each with a department, an indicator and a published FY2023 report)."""

    def grow(n: int) -> None:
        document = copy.deepcopy(KASHIWAZAKI)
        for i in range(n):
            document["projects"].append(
                _project(
                    name=f"追加事業{i}",
                    pillar="行政のDX",
                    policy="その他",
                    departments=[f"追加課{i}"],
                    schedule=[{"track": None, "cells": {"2023": "実施"}}],
                    indicators=[
                        {
                            "name": f"追加指標{i}",
                            "unit": "件",
                            "direction": "higher",
                            "qualifier": None,
                            "note": None,
                            "targets": {"2023": "10"},
                            "actuals": {"2023": str(5 + i)},
                        }
                    ],
                    grade="C",
                    results=["実施しました。"],
                    challenges=["課題があります。"],
                    next_year=["継続します。"],
                    non_b_summary=["遅れています。"],
                )
            )
        # The city's FY2023 is published: a grown report is a new publication version of it.
        year_import(by=None, document=document, replace=True)

    return grow

