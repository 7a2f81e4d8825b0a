"""取り下げ: a department takes its submitted report back to draft until HQ acts; HQ is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.errors import NotPermitted, TransitionNotAllowed
from shinchoku.cycle.models import AuditEntry, Notification, NotificationKind
from shinchoku.cycle.services import report_return, report_withdraw
from shinchoku.plans.models import ProjectReport, ReportState
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]

KOTSU = "新交通システムの構築"  # 企画政策課 (Bob)


@pytest.fixture
def submitted(city: Municipality, dave: AbstractBaseUser, year_2024: Any, report_of: ReportOf) -> ProjectReport:
    from shinchoku.cycle.models import ItemEvaluation, ItemKind
    from shinchoku.cycle.services import report_save, report_submit
    from shinchoku.plans.models import GradeDefinition

    report = report_of(KOTSU)
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
        b = GradeDefinition.objects.get(municipality=city, code="B")
    report = report_save(
        report=report, by=None, expected_version=report.version, results=["実施しました。"], challenges=["課題です。"],
        next_year=["継続します。"], actuals={i.indicator_id: "1" for i in items if i.kind == ItemKind.INDICATOR},
        schedule_status="on_schedule", department_grade=b, item_grades={i.pk: b for i in items},
    )
    report_submit(report=report, by=None)
    return report_of(KOTSU)


def url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/2024/projects/{report.project_id}/withdraw/"


def test_it_lets_bob_withdraw_his_submission_and_tells_hq(
    login: Login, bob: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality, submitted: ProjectReport,
    report_of: ReportOf,
) -> None:
    client = login(bob)
    page = client.get(f"/{city.pk}/2024/projects/{submitted.project_id}/report/").content.decode()
    assert "提出を取り下げる" in page and f'action="{url(city, submitted)}"' in page
    response = client.post(url(city, submitted), follow=True)
    assert "提出を取り下げました" in response.content.decode()
    assert report_of(KOTSU).state == ReportState.DRAFT
    with scope(municipality=city):
        assert AuditEntry.objects.filter(action="report.withdrawn", actor=bob).count() == 1
        assert Notification.objects.filter(kind=NotificationKind.WITHDRAWN, user=dave).exists()


def test_it_refuses_a_withdrawal_after_hq_acted(
    city: Municipality, bob: AbstractBaseUser, dave: AbstractBaseUser, submitted: ProjectReport
) -> None:
    returned = report_return(report=submitted, by=dave, comment="数値を確認してください。")
    with pytest.raises(TransitionNotAllowed):
        report_withdraw(report=returned, by=bob)


@pytest.mark.parametrize("who", ["frank", "dave", "erin"])
def test_it_refuses_others_the_withdrawal(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, submitted: ProjectReport,
    report_of: ReportOf,
) -> None:
    user = request.getfixturevalue(who)
    assert login(user).post(url(city, submitted)).status_code == 403
    with pytest.raises(NotPermitted):
        report_withdraw(report=submitted, by=user)
    assert report_of(KOTSU).state == ReportState.SUBMITTED


def test_it_gives_charlie_nothing(
    login: Login, charlie: AbstractBaseUser, city: Municipality, submitted: ProjectReport, report_of: ReportOf
) -> None:
    assert login(charlie).post(url(city, submitted)).status_code == 404
    assert report_of(KOTSU).state == ReportState.SUBMITTED

