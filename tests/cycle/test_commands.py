"""The cycle's management commands: remind, demo-users, open-cycle."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django_scopes import scope

from shinchoku.cycle.services import report_submit
from shinchoku.permissions import Action, can
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Department, Municipality

from .conftest import DENSHI_KESSAI, ONLINE, complete, report_of


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def addresses(kashiwazaki: Municipality) -> None:
    """企画政策課 has its own address; 総務課 has none, so its editor (Frank) is mailed."""
    with scope(municipality=kashiwazaki):
        Department.objects.filter(name="企画政策課").update(email="kikaku@city.example")


def test_it_reminds_departments_before_the_due_date(year_2024: ReportingYear, addresses: None, frank: Any) -> None:
    output = run("remind", "--municipality", "柏崎市", "--today", "2025-05-26")
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    kikaku = by_recipient[("kikaku@city.example",)]
    somu = by_recipient[("frank@example.org",)]
    assert kikaku.subject == "【進行管理】令和6（2024）年度実績の報告の提出期限（令和7（2025）年5月31日）のお知らせ"
    assert "提出期限（令和7（2025）年5月31日）まであと5日です。" in kikaku.body
    assert f"・{ONLINE}（未着手）" in kikaku.body
    assert f"・{DENSHI_KESSAI}（未着手）" in somu.body and ONLINE not in somu.body
    assert "queued mail to 企画政策課 <kikaku@city.example>:" in output and "5 days left" in output
    assert "queued mail to 総務課 <frank@example.org>: 1 outstanding report(s)" in output
    assert "has 1 outstanding report(s) but no e-mail address" in output  # e.g. 道路維持課
    assert output.strip().endswith(f"{len(mail.outbox)} reminder(s) queued")


def test_it_stays_quiet_long_before_the_due_date(year_2024: ReportingYear, addresses: None) -> None:
    output = run("remind", "--today", "2025-04-01")
    assert mail.outbox == []
    assert "60 days left, no reminders yet" in output


def test_it_reminds_overdue_departments_of_what_is_left(
    year_2024: ReportingYear, addresses: None, frank: Any
) -> None:
    with scope(municipality=year_2024.municipality_id):
        report = report_of(DENSHI_KESSAI, 2024)
    report_submit(report=complete(report, frank), by=frank)
    output = run("remind", "--municipality", "柏崎市", "--today", "2025-06-03", "--days-before", "3")
    recipients = [m.to for m in mail.outbox]
    assert ["frank@example.org"] not in recipients  # 総務課 has nothing outstanding now
    kikaku = next(m for m in mail.outbox if m.to == ["kikaku@city.example"])
    assert "を過ぎています" in kikaku.subject and "提出期限（令和7（2025）年5月31日）を3日過ぎています。" in kikaku.body
    assert "overdue" in output


def test_it_sends_nothing_in_a_dry_run(year_2024: ReportingYear, addresses: None) -> None:
    output = run("remind", "--today", "2025-05-30", "--dry-run")
    assert mail.outbox == [] and "would mail 企画政策課" in output


def test_it_refuses_an_unknown_municipality(db: Any) -> None:
    with pytest.raises(CommandError, match="unknown municipality"):
        run("remind", "--municipality", "存在しない市")


def test_it_refuses_demo_users_in_production(kashiwazaki: Municipality, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        run("demo-users")


def test_it_applies_the_password_validators_outside_a_demo(kashiwazaki: Municipality, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"password refused: .*too short"):
        run("demo-users", "--allow-production", "--password", "abc")
    run("demo-users", "--allow-production", "--password", "kashiwazaki-kyoudo-2024!")
    assert get_user_model().objects.get(username="dx").check_password("kashiwazaki-kyoudo-2024!")


def test_it_creates_demo_users_idempotently(kashiwazaki: Municipality, settings: Any) -> None:
    settings.DEBUG = True
    first = run("demo-users")
    second = run("demo-users")
    assert first == second and "password for all of them: shinchoku-demo" in first
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {"dx", "hq", "dept-kikaku", "dept-somu", "viewer", "admin"} <= set(users)
    assert users["admin"].is_superuser and users["dx"].check_password("shinchoku-demo")
    with scope(municipality=kashiwazaki):
        online = report_of(ONLINE, 2023)
        somu_project = report_of(DENSHI_KESSAI, 2023)
        assert can(users["dept-kikaku"], Action.EDIT_REPORT, online)
        assert not can(users["dept-somu"], Action.EDIT_REPORT, online)
        assert can(users["dept-somu"], Action.EDIT_REPORT, somu_project)
        assert can(users["hq"], Action.REVIEW_REPORT, online)
        assert not can(users["viewer"], Action.EDIT_REPORT, online)


def test_it_opens_a_cycle_from_the_command_line(kashiwazaki: Municipality) -> None:
    output = run("open-cycle", "--municipality", "柏崎市", "--fiscal-year", "2024", "--due", "2025-05-31")
    assert "fiscal year 2024 opened, due 2025-05-31, 24 projects" in output
    with scope(municipality=kashiwazaki):
        assert ReportingYear.objects.get(fiscal_year=2024).due_date == dt.date(2025, 5, 31)
    with pytest.raises(CommandError, match="既に開始されています"):
        run("open-cycle", "--municipality", "柏崎市", "--fiscal-year", "2024", "--due", "2025-05-31")
