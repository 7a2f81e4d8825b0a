"""督促 from the completion page: every overdue department, or one; through the remind command's service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import reporting_year_due_date_set
from shinchoku.plans.models import ProjectReport
from shinchoku.tenancy.models import Department, Municipality

from ._queue_helpers import KEIYAKU, SHINKOTSU, submit

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]


def url(city: Municipality) -> str:
    return f"/{city.pk}/2024/cycle/remind/"


def test_alice_reminds_every_overdue_department(
    login: Login, city: Municipality, alice: AbstractBaseUser, bob: AbstractBaseUser, frank: AbstractBaseUser,
    gina: AbstractBaseUser, year_2024: Any, report_of: ReportOf,
) -> None:
    submit(city, report_of(SHINKOTSU), bob)
    submit(city, report_of(KEIYAKU), bob)  # 企画政策課 owes nothing now
    mail.outbox.clear()
    response = login(alice).post(url(city), follow=True)
    html = response.content.decode()
    assert "2部署に督促メールを送りました（元気発信課、総務課）。" in html
    assert sorted(m.to[0] for m in mail.outbox) == ["frank@example.org", "gina@example.org"]
    frank_mail = next(m for m in mail.outbox if m.to == ["frank@example.org"])
    assert "を過ぎています" in frank_mail.subject and "令和7（2025）年5月31日" in frank_mail.subject
    assert "・電子文書管理・電子決裁システム導入（未着手）" in frank_mail.body
    with scope(municipality=city):
        entry = AuditEntry.objects.get(action="reminder.sent")
    assert entry.actor == alice and entry.after["departments"] == ["元気発信課", "総務課"]


def test_alice_reminds_one_department(
    login: Login, city: Municipality, alice: AbstractBaseUser, bob: AbstractBaseUser, frank: AbstractBaseUser,
    year_2024: Any,
) -> None:
    with scope(municipality=city):
        somu = Department.objects.get(municipality=city, name="総務課")
    mail.outbox.clear()
    html = login(alice).post(url(city), {"department": somu.pk}, follow=True).content.decode()
    assert "1部署に督促メールを送りました（総務課）。" in html
    assert [m.to for m in mail.outbox] == [["frank@example.org"]]


def test_before_the_due_date_only_the_per_department_button_sends(
    login: Login, city: Municipality, alice: AbstractBaseUser, frank: AbstractBaseUser, year_2024: Any,
) -> None:
    reporting_year_due_date_set(year=year_2024, due_date=dt.date.today() + dt.timedelta(days=30), by=alice)
    mail.outbox.clear()
    html = login(alice).post(url(city), follow=True).content.decode()
    assert "提出期限を過ぎていないため、督促しませんでした。" in html and not mail.outbox
    page = login(alice).get(f"/{city.pk}/2024/cycle/").content.decode()
    assert "期限切れの全部署に督促" in page and 'aria-label="総務課に督促"' in page


def test_it_names_departments_nobody_can_be_told_of(
    login: Login, city: Municipality, alice: AbstractBaseUser, year_2024: Any,
) -> None:
    mail.outbox.clear()
    html = login(alice).post(url(city), follow=True).content.decode()
    assert "督促する部署はありませんでした（0部署に送信）。" in html
    assert "メールアドレスがないため督促できなかった部署があります：" in html and not mail.outbox


def test_only_dx_staff_remind(
    login: Login, city: Municipality, dave: AbstractBaseUser, bob: AbstractBaseUser, erin: AbstractBaseUser,
    charlie: AbstractBaseUser, frank: AbstractBaseUser, year_2024: Any,
) -> None:
    mail.outbox.clear()
    assert login(dave).post(url(city)).status_code == 403
    assert login(bob).post(url(city)).status_code == 403
    assert login(erin).post(url(city)).status_code == 403
    assert login(charlie).post(url(city)).status_code == 404
    assert login(dave).get(url(city)).status_code in (403, 405)
    assert not mail.outbox
