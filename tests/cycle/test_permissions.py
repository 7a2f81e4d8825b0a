"""The permission matrix: who may do what to which target (shinchoku.permissions.can)."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.selectors import projects_visible_to
from shinchoku.permissions import Action, can, forget_grants
from shinchoku.plans.models import Plan, ReportingYear, YearState
from shinchoku.tenancy.models import Membership, Municipality, Role

from .conftest import DENSHI_KESSAI, ONLINE, project

A = Action
EVERYONE = ["alice", "bob", "frank", "dave", "erin", "charlie", "anonymous"]

# (action, target kind) → who may; target kinds: "municipality", "own" (企画政策課's 行政手続のオンライン化),
# "other" (総務課's 電子決裁), "report" (行政手続のオンライン化's FY2023 report).
MATRIX: list[tuple[Action, str, set[str]]] = [
    (A.VIEW_MUNICIPALITY, "municipality", {"alice", "bob", "frank", "dave", "erin"}),
    (A.VIEW_DASHBOARD, "municipality", {"alice", "dave", "erin"}),
    (A.VIEW_CYCLE, "municipality", {"alice", "dave", "erin"}),
    (A.VIEW_AUDIT, "municipality", {"alice", "dave", "erin"}),
    (A.REPORT_DOWNLOAD, "municipality", {"alice", "dave", "erin"}),
    # Departments read the published report of their municipality, never a draft (案) of an open year.
    (A.REPORT_DOWNLOAD, "published_year", {"alice", "bob", "frank", "dave", "erin"}),
    (A.REPORT_DOWNLOAD, "open_year", {"alice", "dave", "erin"}),
    (A.PUBLISH_CYCLE, "published_year", {"alice"}),
    (A.HQ_WORKBOOK_DOWNLOAD, "municipality", {"alice", "dave"}),
    (A.OPEN_CYCLE, "municipality", {"alice"}),
    (A.PUBLISH_CYCLE, "municipality", {"alice"}),
    (A.EDIT_PLAN, "municipality", {"alice"}),
    (A.VIEW_PROJECT, "own", {"alice", "bob", "dave", "erin"}),
    (A.VIEW_PROJECT, "other", {"alice", "frank", "dave", "erin"}),
    (A.EDIT_REPORT, "own", {"alice", "bob"}),
    (A.EDIT_REPORT, "other", {"alice", "frank"}),
    (A.SUBMIT_REPORT, "report", {"alice", "bob"}),
    (A.EDIT_REPORT, "report", {"alice", "bob"}),
    (A.REVIEW_REPORT, "report", {"dave"}),  # DX staff only where approvers = hq_and_dx
    (A.MANAGE_USERS, "municipality", {"alice"}),
    (A.VIEW_REVIEW_QUEUE, "municipality", {"alice", "dave"}),
    (A.REOPEN_REPORT, "report", {"alice"}),
    (A.VIEW_AUDIT, "own", {"alice", "bob", "dave", "erin"}),
    (A.EDIT_PLAN, "own", {"alice"}),
]


@pytest.fixture
def users(alice: Any, bob: Any, frank: Any, dave: Any, erin: Any, charlie: Any, anonymous: Any) -> dict[str, Any]:
    return {"alice": alice, "bob": bob, "frank": frank, "dave": dave, "erin": erin, "charlie": charlie, "anonymous": anonymous}


@pytest.mark.parametrize(("action", "kind", "allowed"), MATRIX, ids=[f"{a.name}-{k}" for a, k, _ in MATRIX])
def test_it_allows_exactly_the_matrix(
    users: dict[str, Any], kashiwazaki: Municipality, action: Action, kind: str, allowed: set[str]
) -> None:
    with scope(municipality=kashiwazaki):
        targets = {
            "municipality": kashiwazaki,
            "own": project(ONLINE),
            "other": project(DENSHI_KESSAI),
            "report": project(ONLINE).reports.get(fiscal_year=2023),
            "published_year": ReportingYear.objects.select_related("plan").get(fiscal_year=2023),
            # Not saved: only its state and plan matter to can().
            "open_year": ReportingYear(plan=Plan.objects.get(municipality=kashiwazaki), fiscal_year=2024,
                                       state=YearState.OPEN),
        }
        assert targets["published_year"].is_published
        who = {name for name in EVERYONE if can(users[name], action, targets[kind])}
    assert who == allowed


def test_it_never_lets_charlie_see_another_municipality(charlie: Any, kashiwazaki: Municipality, kariwa: Municipality) -> None:
    with scope(municipality=kashiwazaki):
        targets = [kashiwazaki, project(ONLINE), project(ONLINE).reports.get(fiscal_year=2023), Plan.objects.get()]
        assert not any(can(charlie, action, target) for action in Action for target in targets)
    assert can(charlie, Action.OPEN_CYCLE, kariwa)


def test_it_lets_anonymous_do_nothing(anonymous: Any, kashiwazaki: Municipality) -> None:
    assert not any(can(anonymous, action, kashiwazaki) for action in Action)


def test_it_caches_memberships_on_the_user(bob: Any, kashiwazaki: Municipality, django_assert_num_queries: Any) -> None:
    with scope(municipality=kashiwazaki):
        projects = list(
            Plan.objects.get().projects.select_related("plan").prefetch_related("department_links")
        )
        can(bob, Action.VIEW_MUNICIPALITY, kashiwazaki)  # loads the memberships
        with django_assert_num_queries(0):
            visible = [p.name for p in projects if can(bob, Action.VIEW_PROJECT, p)]
    assert ONLINE in visible and DENSHI_KESSAI not in visible


def test_it_sees_a_new_role_after_forgetting_the_cache(bob: Any, kashiwazaki: Municipality) -> None:
    assert not can(bob, Action.OPEN_CYCLE, kashiwazaki)
    with scope(municipality=kashiwazaki):
        Membership.objects.create(user=bob, municipality=kashiwazaki, role=Role.DX_STAFF)
    assert not can(bob, Action.OPEN_CYCLE, kashiwazaki)  # cached for the request
    forget_grants(bob)
    assert can(bob, Action.OPEN_CYCLE, kashiwazaki)


def test_it_lists_the_projects_each_user_may_see(
    users: dict[str, Any], kashiwazaki: Municipality, plan: Plan
) -> None:
    with scope(municipality=kashiwazaki):
        total = plan.projects.count()
        counts = {name: projects_visible_to(user=user, plan=plan).count() for name, user in users.items()}
        bobs = set(projects_visible_to(user=users["bob"], plan=plan).values_list("name", flat=True))
        franks = set(projects_visible_to(user=users["frank"], plan=plan).values_list("name", flat=True))
    assert counts["alice"] == counts["dave"] == counts["erin"] == total
    assert counts["charlie"] == counts["anonymous"] == 0
    assert ONLINE in bobs and DENSHI_KESSAI not in bobs
    assert franks == {DENSHI_KESSAI}


def test_it_refuses_an_unknown_target(alice: Any) -> None:
    with pytest.raises(TypeError):
        can(alice, Action.VIEW_PROJECT, object())  # type: ignore[arg-type]
