"""Pillar/policy, tags, schedule and order of projects: the plan services DX staff use (audited as ``plan.*``)."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import (
    InvalidInput,
    NotPermitted,
    project_classification_set,
    project_move,
    project_schedule_set,
    project_tag_create,
)
from shinchoku.plans.models import Pillar, Plan, Policy, Project, ProjectTag, ScheduleRow
from shinchoku.tenancy.models import Municipality

from .conftest import DENSHI_KESSAI, SHIN_KOTSU, project

JOSETSU = "除雪作業効率化"
ONLINE_SHINRYO = "国保診療所におけるICTを活用したオンライン診療の導入"
KEIYAKU = "電子契約システム導入"
SUIDO = "水道スマートメーターの導入検討"
SEIKYU = "電子請求"


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def pillar(name: str) -> Pillar:
    return Pillar.objects.get(name=name)


def policy(pillar_name: str, name: str) -> Policy:
    return Policy.objects.get(pillar__name=pillar_name, name=name)


def tag(name: str) -> ProjectTag:
    return ProjectTag.objects.get(name=name)


def schedule(name: str) -> list[tuple[str, dict[int, str]]]:
    rows = ScheduleRow.objects.filter(project__name=name).order_by("position").prefetch_related("cells")
    return [(r.track, {c.fiscal_year: c.text for c in r.cells.all()}) for r in rows]


# -- classification --------------------------------------------------------------------------------------------


def test_it_moves_a_project_to_another_pillar_and_policy_and_sets_tags(
    alice: Any, in_kashiwazaki: Municipality
) -> None:
    target = project(DENSHI_KESSAI)
    project_classification_set(
        project=target, pillar=pillar("行政のDX"), policy=policy("行政のDX", "その他"),
        tags=[tag("市重点"), tag("国重点")], by=alice,
    )
    saved = Project.objects.select_related("pillar", "policy").get(pk=target.pk)
    assert (saved.pillar.name, saved.policy.name) == ("行政のDX", "その他")
    assert [t.name for t in saved.tags.all()] == sorted(["国重点", "市重点"], key=lambda n: tag(n).position)
    [entry] = audit("plan.project.classified")
    assert entry.before == {"policy": "電子文書管理・電子決裁", "tags": []}
    assert entry.after["policy"] == "その他" and set(entry.after["tags"]) == {"国重点", "市重点"}
    assert entry.actor == alice and entry.project_id == target.pk


def test_it_puts_a_project_directly_under_a_pillar_and_writes_nothing_when_unchanged(
    alice: Any, in_kashiwazaki: Municipality
) -> None:
    target = project(SHIN_KOTSU)
    project_classification_set(project=target, pillar=pillar("産業のDX"), policy=None, tags=[tag("市重点")], by=alice)
    saved = Project.objects.get(pk=target.pk)
    assert saved.policy_id is None and saved.pillar.name == "産業のDX"
    [entry] = audit("plan.project.classified")
    assert entry.before == {"pillar": "暮らしのDX", "policy": "市民生活のDX"}
    assert entry.after == {"pillar": "産業のDX", "policy": None}
    project_classification_set(project=saved, pillar=pillar("産業のDX"), policy=None, tags=[tag("市重点")], by=alice)
    assert len(audit("plan.project.classified")) == 1


def test_it_refuses_a_policy_of_another_pillar(alice: Any, in_kashiwazaki: Municipality) -> None:
    target = project(SHIN_KOTSU)
    with pytest.raises(InvalidInput, match="施策「その他」は柱「暮らしのDX」の施策ではありません") as caught:
        project_classification_set(
            project=target, pillar=pillar("暮らしのDX"), policy=policy("行政のDX", "その他"), tags=[], by=alice
        )
    assert caught.value.field == "policy"
    assert Project.objects.get(pk=target.pk).policy.name == "市民生活のDX"
    assert audit("plan.project.classified") == []


def test_it_refuses_a_pillar_of_another_plan_and_tags_of_another_municipality(
    alice: Any, kashiwazaki: Municipality, kariwa: Municipality
) -> None:
    with scope(municipality=kariwa):
        plan = Plan.objects.create(municipality=kariwa, name="刈羽村DX推進計画", start_fiscal_year=2022, end_fiscal_year=2026)
        their_pillar = Pillar.objects.create(plan=plan, name="行政のDX")
        their_tag = ProjectTag.objects.create(municipality=kariwa, name="村重点")
    with scope(municipality=kashiwazaki):
        target = project(SHIN_KOTSU)
        with pytest.raises(InvalidInput) as caught:
            project_classification_set(project=target, pillar=their_pillar, policy=None, tags=[], by=alice)
        assert caught.value.field == "pillar"
        with pytest.raises(InvalidInput, match="他の自治体の区分") as caught:
            project_classification_set(
                project=target, pillar=target.pillar, policy=target.policy, tags=[their_tag], by=alice
            )
        assert caught.value.field == "tags"
        assert [t.name for t in Project.objects.get(pk=target.pk).tags.all()] == ["市重点"]


@pytest.mark.parametrize("who", ["bob", "frank", "dave", "erin", "charlie", "anonymous"])
def test_only_dx_staff_change_classification_tags_schedule_and_order(
    who: str, request: pytest.FixtureRequest, kashiwazaki: Municipality
) -> None:
    user = request.getfixturevalue(who)
    with scope(municipality=kashiwazaki):
        target = project(DENSHI_KESSAI)
        with pytest.raises(NotPermitted):
            project_classification_set(project=target, pillar=target.pillar, policy=None, tags=[], by=user)
        with pytest.raises(NotPermitted):
            project_tag_create(municipality=kashiwazaki, name="県重点", by=user)
        with pytest.raises(NotPermitted):
            project_schedule_set(project=target, rows=[("", {2024: "運用"})], by=user)
        with pytest.raises(NotPermitted):
            project_move(project=project(KEIYAKU), direction="up", by=user)
        assert not AuditEntry.objects.filter(action__startswith="plan.").exists()


# -- tags ------------------------------------------------------------------------------------------------------


def test_it_adds_a_tag_after_the_others_and_refuses_a_duplicate(alice: Any, kashiwazaki: Municipality) -> None:
    created = project_tag_create(municipality=kashiwazaki, name="  県重点 ", by=alice)
    with scope(municipality=kashiwazaki):
        names = list(ProjectTag.objects.filter(municipality=kashiwazaki).values_list("name", flat=True))
        [entry] = audit("plan.tag.created")
    assert created.name == "県重点" and names[-1] == "県重点" and {"国重点", "市重点"} <= set(names)
    assert entry.after == {"name": "県重点"} and entry.actor == alice
    with pytest.raises(InvalidInput, match="区分「市重点」は既にあります") as caught:
        project_tag_create(municipality=kashiwazaki, name="市重点", by=alice)
    assert caught.value.field == "name"
    with pytest.raises(InvalidInput, match="区分の名称を入力してください"):
        project_tag_create(municipality=kashiwazaki, name="  ", by=alice)
    with pytest.raises(InvalidInput, match="50文字以内"):
        project_tag_create(municipality=kashiwazaki, name="重" * 51, by=alice)


# -- schedule --------------------------------------------------------------------------------------------------


def test_it_replaces_the_schedule_keeping_text_as_written(alice: Any, in_kashiwazaki: Municipality) -> None:
    target = project(SHIN_KOTSU)
    before = schedule(SHIN_KOTSU)
    project_schedule_set(
        project=target,
        rows=[
            ("①", {2021: "計画策定", 2022: "検討", 2023: " 運用開始 ", 2024: "→", 2025: ""}),
            ("", {2024: "", 2025: ""}),  # an empty row is dropped
            ("②", {2024: "AIオンデマンド 拡充（郊外）", 2025: "→"}),
        ],
        by=alice,
    )
    assert schedule(SHIN_KOTSU) == [
        ("①", {2021: "計画策定", 2022: "検討", 2023: "運用開始", 2024: "→"}),
        ("②", {2024: "AIオンデマンド 拡充（郊外）", 2025: "→"}),
    ]
    [entry] = audit("plan.schedule.updated")
    assert entry.before == [{"track": track, "cells": {str(fy): text for fy, text in cells.items()}} for track, cells in before]
    assert entry.after == [
        {"track": "①", "cells": {"2021": "計画策定", "2022": "検討", "2023": "運用開始", "2024": "→"}},
        {"track": "②", "cells": {"2024": "AIオンデマンド 拡充（郊外）", "2025": "→"}},
    ]
    assert entry.project_id == target.pk and entry.actor == alice


def test_it_writes_nothing_when_the_schedule_is_unchanged(alice: Any, in_kashiwazaki: Municipality) -> None:
    target = project(JOSETSU)
    rows_before = list(ScheduleRow.objects.filter(project=target).values_list("pk", flat=True))
    project_schedule_set(project=target, rows=[(track, dict(cells)) for track, cells in schedule(JOSETSU)], by=alice)
    assert audit("plan.schedule.updated") == []
    assert list(ScheduleRow.objects.filter(project=target).values_list("pk", flat=True)) == rows_before


@pytest.mark.parametrize("year", [2020, 2026])
def test_it_refuses_a_year_outside_the_plan_period(year: int, alice: Any, in_kashiwazaki: Municipality) -> None:
    target = project(SHIN_KOTSU)
    before = schedule(SHIN_KOTSU)
    with pytest.raises(InvalidInput, match=r"年度は計画期間（令和3（2021）年度〜令和7（2025）年度）の外です"):
        project_schedule_set(project=target, rows=[("", {2024: "運用", year: "拡大"})], by=alice)
    assert schedule(SHIN_KOTSU) == before
    assert audit("plan.schedule.updated") == []


def test_it_refuses_a_track_that_is_too_long(alice: Any, in_kashiwazaki: Municipality) -> None:
    with pytest.raises(InvalidInput, match="1行目：スケジュールの系列は8文字以内"):
        project_schedule_set(project=project(SHIN_KOTSU), rows=[("①②③④⑤⑥⑦⑧⑨", {2024: "運用"})], by=alice)


def test_it_clears_the_schedule(alice: Any, in_kashiwazaki: Municipality) -> None:
    project_schedule_set(project=project(SHIN_KOTSU), rows=[("", {2024: " "})], by=alice)
    assert schedule(SHIN_KOTSU) == []
    assert audit("plan.schedule.updated")[0].after == []


# -- order -----------------------------------------------------------------------------------------------------


def order_in(policy_name: str) -> list[str]:
    return list(
        Project.objects.filter(pillar__name="行政のDX", policy__name=policy_name)
        .order_by("position").values_list("name", flat=True)
    )


def test_it_moves_a_project_up_and_down_within_its_policy(alice: Any, in_kashiwazaki: Municipality) -> None:
    assert order_in("その他") == [SUIDO, KEIYAKU, SEIKYU]
    others = {p.pk: p.position for p in Project.objects.exclude(policy__name="その他")}
    project_move(project=project(KEIYAKU), direction="up", by=alice)
    assert order_in("その他") == [KEIYAKU, SUIDO, SEIKYU]
    project_move(project=project(SUIDO), direction="down", by=alice)
    assert order_in("その他") == [KEIYAKU, SEIKYU, SUIDO]
    assert {p.pk: p.position for p in Project.objects.exclude(policy__name="その他")} == others
    entries = audit("plan.project.moved")
    assert [e.after["direction"] for e in entries] == ["up", "down"]
    assert entries[0].before["neighbour"] == SUIDO and entries[0].project_id == project(KEIYAKU).pk


def test_it_refuses_to_move_past_the_ends_of_the_group(alice: Any, in_kashiwazaki: Municipality) -> None:
    with pytest.raises(InvalidInput, match="これより上へは移動できません"):
        project_move(project=project(SUIDO), direction="up", by=alice)
    with pytest.raises(InvalidInput, match="これより下へは移動できません"):
        project_move(project=project(SEIKYU), direction="down", by=alice)
    with pytest.raises(InvalidInput, match="移動の向き"):
        project_move(project=project(SEIKYU), direction="left", by=alice)  # type: ignore[arg-type]
    assert audit("plan.project.moved") == []


def test_it_renumbers_positions_that_were_not_distinct(alice: Any, in_kashiwazaki: Municipality) -> None:
    Project.objects.filter(policy__name="その他").update(position=0)
    others = Project.objects.filter(policy__name="その他").order_by("position", "pk")  # ties broken by pk
    ordered = list(others.values_list("name", flat=True))
    project_move(project=project(ordered[2]), direction="up", by=alice)
    positions = list(Project.objects.order_by("position", "pk").values_list("position", flat=True))
    assert len(set(positions)) == len(positions)
    assert order_in("その他") == [ordered[0], ordered[2], ordered[1]]
