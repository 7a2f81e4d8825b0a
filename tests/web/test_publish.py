"""公表: the checklist, the 案 preview, the confirmation, and the service's own re-check of the blocking items."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.errors import TransitionNotAllowed
from shinchoku.cycle.models import ItemEvaluation, ItemKind, Notification, NotificationKind
from shinchoku.cycle.selectors_publish import publish_checklist
from shinchoku.cycle.services import report_approve, report_save, report_submit, reporting_year_publish
from shinchoku.plans.models import GradeDefinition, ProjectReport, Publication, ReportingYear
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]

LINE = "LINEによる情報発信"


def approve(city: Municipality, report: ProjectReport, dave: AbstractBaseUser, grade: str = "B",
            summary: list[str] | None = None) -> None:
    """Fill in, submit and approve ``report`` (by the system for the department, by Dave for HQ)."""
    with scope(municipality=city):
        items = list(ItemEvaluation.objects.filter(report=report))
        b = GradeDefinition.objects.get(municipality=city, code="B")
        final = GradeDefinition.objects.get(municipality=city, code=grade)
    report = report_save(
        report=report, by=None, expected_version=report.version, results=["実施しました。"],
        challenges=["課題です。"], next_year=["継続します。"],
        actuals={i.indicator_id: "1" for i in items if i.kind == ItemKind.INDICATOR},
        schedule_status="on_schedule", department_grade=b, item_grades={i.pk: b for i in items},
    )
    report = report_submit(report=report, by=None)
    report_approve(report=report, by=dave, final_grade=final, non_b_summary=summary, rationale="確認のうえ決定しました。")


@pytest.fixture
def all_approved(city: Municipality, dave: AbstractBaseUser, year_2024: ReportingYear) -> ReportingYear:
    with scope(municipality=city):
        reports = list(ProjectReport.objects.filter(reporting_year=year_2024))
    for report in reports:
        approve(city, report, dave)
    return year_2024


def url(city: Municipality) -> str:
    return f"/{city.pk}/2024/cycle/publish/"


def test_it_walks_alice_from_the_checklist_to_a_published_version_1(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality, all_approved: ReportingYear
) -> None:
    client = login(alice)
    cycle = client.get(f"/{city.pk}/2024/cycle/").content.decode()
    assert f'href="{url(city)}"' in cycle and "公表前の確認へ進む" in cycle
    html = client.get(url(city)).content.decode()
    assert "すべての報告が承認されている" in html and "✓" in html
    assert "報告書（案）をHTMLで見る" in html and f"/{city.pk}/reports/2024/html" in html
    assert "作成される版：第1版" in html and "報告：4件" in html and "年度の再開が必要" in html
    assert 'name="confirmed"' in html and "内容を確認しました" in html
    mail.outbox.clear()
    refused = client.post(url(city), {})
    assert refused.status_code == 400 and "「内容を確認しました」にチェックしてください" in refused.content.decode()
    response = client.post(url(city), {"confirmed": "on"}, follow=True)
    assert "を公表しました（第1版）" in response.content.decode()
    with scope(municipality=city):
        assert ReportingYear.objects.get(pk=all_approved.pk).is_published
        assert list(Publication.objects.filter(reporting_year=all_approved).values_list("version", flat=True)) == [1]
        assert Notification.objects.filter(kind=NotificationKind.PUBLISHED, user=bob).exists()
    assert any("公表されました" in m.subject for m in mail.outbox)


def test_it_blocks_publishing_while_a_report_is_not_approved(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: ReportingYear, report_of: ReportOf
) -> None:
    client = login(alice)
    html = client.get(url(city)).content.decode()
    line = report_of(LINE)
    assert "未承認の報告が4件あります" in html
    assert f'href="/{city.pk}/2024/projects/{line.project_id}/"' in html and "作成中" in html
    assert 'name="confirmed"' not in html and "公表できません" in html
    response = client.post(url(city), {"confirmed": "on"})
    assert response.status_code == 400 and "すべての報告が承認されるまで公表できません" in response.content.decode()
    with scope(municipality=city):
        assert not ReportingYear.objects.get(pk=year_2024.pk).is_published


def test_it_flags_section_1_and_policies_identical_to_last_years(
    login: Login, alice: AbstractBaseUser, city: Municipality, all_approved: ReportingYear
) -> None:
    narrative = [{"heading": "進行管理の方法", "paragraphs": ["毎年度、進捗を確認します。"]}]
    with scope(municipality=city):
        ReportingYear.objects.filter(plan__municipality=city, fiscal_year__in=[2023, 2024]).update(narrative=narrative)
    html = login(alice).get(url(city)).content.decode()
    assert "本文が令和5（2023）年度と同じです" in html and "本文を編集する" in html
    assert f'href="/{city.pk}/2024/document/"' in html
    with scope(municipality=city):
        checklist = publish_checklist(year=all_approved)
    assert {w.key for w in checklist.warnings} >= {"narrative_edited"} and not checklist.blockers


def test_the_service_refuses_unconfirmed_warnings_and_open_blockers(
    city: Municipality, alice: AbstractBaseUser, dave: AbstractBaseUser, year_2024: ReportingYear, report_of: ReportOf
) -> None:
    with pytest.raises(TransitionNotAllowed, match="すべての報告が承認されるまで"):
        reporting_year_publish(year=year_2024, by=alice)
    with scope(municipality=city):
        reports = list(ProjectReport.objects.filter(reporting_year=year_2024))
    for report in reports:
        approve(city, report, dave)
    with pytest.raises(TransitionNotAllowed, match="確認が必要な項目があります"):
        reporting_year_publish(year=year_2024, by=alice, warnings_confirmed=False)
    # A non-B grade without its summary (written around the approval form's own check) blocks in the service.
    with scope(municipality=city):
        ProjectReport.objects.filter(pk=report_of(LINE).pk).update(
            grade=GradeDefinition.objects.get(municipality=city, code="A"), non_b_summary=[]
        )
    with pytest.raises(TransitionNotAllowed, match="概要のない事業があります"):
        reporting_year_publish(year=year_2024, by=alice)
    with scope(municipality=city):
        assert not ReportingYear.objects.get(pk=year_2024.pk).is_published


def test_the_command_prints_the_checklist_and_refuses_blockers_and_unconfirmed_warnings(
    city: Municipality, alice: AbstractBaseUser, dave: AbstractBaseUser, year_2024: ReportingYear
) -> None:
    args = ["publish", "--municipality", city.name, "--fiscal-year", "2024", "--as", "alice"]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(*args, stdout=out, stderr=err)
    assert exit_.value.code == 2 and "[FAIL] reports not approved" in err.getvalue()
    with scope(municipality=city):
        reports = list(ProjectReport.objects.filter(reporting_year=year_2024))
    for report in reports:
        approve(city, report, dave)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(*args, stdout=out, stderr=err)
    assert exit_.value.code == 2 and "--yes" in err.getvalue() and "[WARN] section 1 is empty or identical" in out.getvalue()
    out = io.StringIO()
    call_command(*args, "--yes", stdout=out, stderr=io.StringIO())
    assert "published as version 1" in out.getvalue()


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "frank"])
def test_it_refuses_everyone_but_dx_staff(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, all_approved: ReportingYear
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(url(city)).status_code == 403
    assert client.post(url(city), {"confirmed": "on"}).status_code == 403
    with scope(municipality=city):
        assert not ReportingYear.objects.get(pk=all_approved.pk).is_published


def test_it_gives_charlie_nothing(
    login: Login, charlie: AbstractBaseUser, city: Municipality, all_approved: ReportingYear
) -> None:
    client = login(charlie)
    assert client.get(url(city)).status_code == 404
    assert client.post(url(city), {"confirmed": "on"}).status_code == 404
    with scope(municipality=city):
        assert not ReportingYear.objects.get(pk=all_approved.pk).is_published


def test_it_reads_the_checklist_in_a_constant_number_of_queries(
    login: Login, alice: AbstractBaseUser, city: Municipality, all_approved: ReportingYear,
    grow_city: Callable[[int], None], django_assert_num_queries: Any,
) -> None:
    with scope(municipality=city), django_assert_num_queries(6):
        publish_checklist(year=all_approved)
    client = login(alice)
    client.get(url(city))
    grow_city(5)
    with scope(municipality=city):
        year = ReportingYear.objects.get(pk=all_approved.pk)
        with django_assert_num_queries(6):
            checklist = publish_checklist(year=year)
    assert checklist.report_count == 4
