"""審査の設定と自己承認の禁止: HQ reviews by default; with hq_and_dx DX staff too; nobody approves their own submission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.errors import TransitionNotAllowed
from shinchoku.cycle.models import AuditEntry, ItemEvaluation
from shinchoku.cycle.services import report_approve, report_save, report_submit
from shinchoku.permissions import forget_grants
from shinchoku.plans.models import GradeDefinition, ProjectReport, ReportState
from shinchoku.tenancy.models import Approvers, Municipality

Login = Callable[[AbstractBaseUser], Client]
KEIYAKU = "電子契約システム導入"  # no indicators: complete once the texts and the grade are in


def submitted_by(user: Any, report_of: Callable[..., ProjectReport], city: Municipality) -> ProjectReport:
    report = report_of(KEIYAKU)
    with scope(municipality=city):
        b = GradeDefinition.objects.get(municipality=city, code="B")
        items = list(ItemEvaluation.objects.filter(report=report))
    report = report_save(report=report, by=user, expected_version=report.version, results=["導入しました。"],
                         challenges=["周知が必要です。"], next_year=["周知します。"], department_grade=b,
                         schedule_status="on_schedule", item_grades={i.pk: b for i in items})
    return report_submit(report=report, by=user)


def approve_post(city: Municipality, report: ProjectReport) -> dict[str, Any]:
    with scope(municipality=city):
        b = GradeDefinition.objects.get(municipality=city, code="B")
    return {"decision": "approve", "final_grade": str(b.pk), "version": str(report.version)}


def review_url(city: Municipality, report: ProjectReport) -> str:
    return f"/{city.pk}/2024/projects/{report.project_id}/review/"


def settings_set(login: Login, alice: AbstractBaseUser, city: Municipality, value: str) -> None:
    assert login(alice).post(f"/{city.pk}/settings/", {"approvers": value}).status_code == 302


def test_it_lets_only_hq_approve_by_default(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality, year_2024: Any,
    report_of: Callable[..., ProjectReport],
) -> None:
    report = submitted_by(alice, report_of, city)
    assert login(alice).post(review_url(city, report), approve_post(city, report)).status_code in (400, 403)
    assert report_of(KEIYAKU).state == ReportState.SUBMITTED
    assert login(dave).post(review_url(city, report), approve_post(city, report)).status_code == 302
    assert report_of(KEIYAKU).state == ReportState.APPROVED


def test_it_lets_alice_approve_others_reports_with_hq_and_dx_but_not_her_own(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality, year_2024: Any,
    report_of: Callable[..., ProjectReport],
) -> None:
    settings_set(login, alice, city, Approvers.HQ_AND_DX)
    own = submitted_by(alice, report_of, city)
    page = login(alice).get(review_url(city, own)).content.decode()
    assert "ご自身が提出したため承認できません" in page and 'value="approve"' not in page
    response = login(alice).post(review_url(city, own), approve_post(city, own))
    assert response.status_code == 400 and "ご自身が提出した報告は承認できません" in response.content.decode()
    assert report_of(KEIYAKU).state == ReportState.SUBMITTED
    forget_grants(alice)  # the object cached her grants before the setting changed
    with pytest.raises(TransitionNotAllowed, match="ご自身が提出した報告は承認できません"):
        report_approve(report=report_of(KEIYAKU), by=alice, final_grade=None)
    # Bob's submission of another report: Alice may approve it.
    line = report_of(KEIYAKU)
    with scope(municipality=city):
        from shinchoku.cycle.models import ReportTransition

        ReportTransition.objects.filter(report=line, name="submit").update(actor=bob)
    assert login(alice).post(review_url(city, line), approve_post(city, line)).status_code == 302
    assert report_of(KEIYAKU).state == ReportState.APPROVED


def test_it_records_the_setting_in_the_audit_log(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    settings_set(login, alice, city, Approvers.HQ_AND_DX)
    with scope(municipality=city.pk):
        entry = AuditEntry.objects.get(action="tenancy.municipality.updated")
        assert Municipality.objects.get(pk=city.pk).approvers == "hq_and_dx"
    assert entry.after == {"approvers": "hq_and_dx"}


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_the_setting_to_everyone_but_dx_staff(login: Login, city: Municipality, name: str, request: Any) -> None:
    client = login(request.getfixturevalue(name))
    assert client.post(f"/{city.pk}/settings/", {"approvers": "hq_and_dx"}).status_code == 403
    with scope(municipality=city.pk):
        assert Municipality.objects.get(pk=city.pk).approvers == "hq"


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).post(f"/{city.pk}/settings/", {"approvers": "hq_and_dx"}).status_code == 404
