"""The municipality home page's work queues, per role (selectors in cycle/selectors_queues.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.selectors import cycle_completion
from shinchoku.cycle.selectors_queues import department_queue, review_queue
from shinchoku.cycle.services import report_return
from shinchoku.permissions import forget_grants
from shinchoku.plans.models import ProjectReport
from shinchoku.tenancy.models import Municipality

from ._queue_helpers import DENSHI, KEIYAKU, LINE, SHINKOTSU, fill, submit

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]


def home(city: Municipality) -> str:
    return f"/{city.pk}/"


def test_it_shows_bob_his_reports_returned_first_with_the_due_date(
    login: Login, city: Municipality, bob: AbstractBaseUser, dave: AbstractBaseUser, year_2024: Any,
    report_of: ReportOf,
) -> None:
    submit(city, report_of(KEIYAKU), bob)
    report_return(report=report_of(KEIYAKU), by=dave, comment="実績を確認してください。")
    html = login(bob).get(home(city)).content.decode()
    assert "担当部署の報告" in html and "令和7（2025）年5月31日" in html
    # 差戻し first, then the untouched 新交通システム; nothing of other departments.
    assert html.index(KEIYAKU) < html.index(SHINKOTSU)
    assert "差戻しを確認して修正" in html and LINE not in html and DENSHI not in html
    assert "審査待ちの報告" not in html and "提出状況" not in html


def test_it_warns_bob_when_the_due_date_has_passed(
    login: Login, city: Municipality, bob: AbstractBaseUser, year_2024: Any, django_assert_num_queries: Any,
) -> None:
    import datetime as dt

    from shinchoku.cycle.services import reporting_year_due_date_set

    reporting_year_due_date_set(year=year_2024, due_date=dt.date(2024, 4, 1), by=None)
    html = login(bob).get(home(city)).content.decode()
    assert "提出期限（令和6（2024）年4月1日）を過ぎた未提出の報告が2件あります。" in html
    assert "期限超過" in html


def test_it_offers_bob_the_workbook_while_he_has_reports_to_write(
    login: Login, city: Municipality, bob: AbstractBaseUser, year_2024: Any, report_of: ReportOf,
) -> None:
    download = f'href="/{city.pk}/2024/workbook/">年度報告シート（Excel）を書き出す</a>'
    upload = f'href="/{city.pk}/2024/workbook/upload/">記入した年度報告シートを取り込む</a>'
    html = login(bob).get(home(city)).content.decode()
    assert download in html and upload in html
    submit(city, report_of(SHINKOTSU), bob)
    assert download in login(bob).get(home(city)).content.decode()  # one left to write
    submit(city, report_of(KEIYAKU), bob)
    html = login(bob).get(home(city)).content.decode()
    assert download not in html and upload not in html  # nothing left that a workbook could change


def test_it_shows_dave_the_review_queue_counts_as_links(
    login: Login, city: Municipality, bob: AbstractBaseUser, gina: AbstractBaseUser, dave: AbstractBaseUser,
    year_2024: Any, report_of: ReportOf,
) -> None:
    submit(city, report_of(SHINKOTSU), bob)
    submit(city, report_of(LINE), gina, actual="60000")  # 400 %: flagged
    html = login(dave).get(home(city)).content.decode()
    assert f'href="/{city.pk}/2024/review-queue/">審査待ち 2件</a>' in html
    assert "確認が必要な値のある報告" in html
    assert "担当部署の報告" not in html


def test_it_tells_alice_untouched_from_being_written(
    login: Login, city: Municipality, alice: AbstractBaseUser, bob: AbstractBaseUser, year_2024: Any,
    report_of: ReportOf,
) -> None:
    fill(city, report_of(SHINKOTSU), bob)  # saved: 作成中
    with scope(municipality=city):
        completion = cycle_completion(year=year_2024)
    assert completion.counts["not_started"] == 3 and completion.counts["draft"] == 1
    html = login(alice).get(home(city)).content.decode()
    assert f'href="/{city.pk}/2024/cycle/?state=not_started#h-projects"' in html
    assert f'href="/{city.pk}/2024/cycle/?state=draft#h-projects"' in html
    # The linked list is filtered.
    page = login(alice).get(f"/{city.pk}/2024/cycle/?state=draft").content.decode()
    assert "個別事業計画ごとの状況：作成中（1件）" in page
    assert SHINKOTSU in page.split('id="h-projects"')[1] and LINE not in page.split('id="h-projects"')[1]
    page = login(alice).get(f"/{city.pk}/2024/cycle/?state=not_started").content.decode()
    assert "個別事業計画ごとの状況：未着手（3件）" in page


def test_charlie_sees_nothing_of_the_city(login: Login, city: Municipality, charlie: AbstractBaseUser,
                                         year_2024: Any) -> None:
    assert login(charlie).get(home(city)).status_code == 404
    assert login(charlie).get(f"/{city.pk}/2024/review-queue/").status_code == 404


def test_erin_gets_no_queue(login: Login, city: Municipality, erin: AbstractBaseUser, year_2024: Any) -> None:
    html = login(erin).get(home(city)).content.decode()
    assert "あなたの作業" in html and "担当部署の報告" not in html and "審査待ち" not in html


def test_the_queues_cost_constant_queries(
    city: Municipality, bob: AbstractBaseUser, gina: AbstractBaseUser, frank: AbstractBaseUser, year_2024: Any,
    report_of: ReportOf, django_assert_num_queries: Any,
) -> None:
    submit(city, report_of(SHINKOTSU), bob)
    submit(city, report_of(LINE), gina, actual="17000")
    submit(city, report_of(DENSHI), frank, actual="70")
    with scope(municipality=city):
        forget_grants(bob)
        with django_assert_num_queries(3):  # the grants (two), the reports
            queue = department_queue(user=bob, year=year_2024)
        with django_assert_num_queries(5):  # reports (+ departments prefetch), items, values, as-planned grade
            rows = review_queue(year=year_2024)
    assert [r.state for r in queue.rows] == ["not_started", "submitted"]
    assert {r.report.project.name for r in rows} == {SHINKOTSU, LINE, DENSHI}
    assert all(r.waiting_since is not None for r in rows)


def test_the_home_page_costs_the_same_with_more_reports(
    login: Login, city: Municipality, dave: AbstractBaseUser, bob: AbstractBaseUser, gina: AbstractBaseUser,
    year_2024: Any, report_of: ReportOf,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(dave)
    submit(city, report_of(SHINKOTSU), bob)
    client.get(home(city))  # the session's first request costs more
    with CaptureQueriesContext(connection) as one:
        client.get(home(city))
    submit(city, report_of(LINE), gina, actual="17000")
    submit(city, report_of(KEIYAKU), bob)
    client.get(home(city))
    with CaptureQueriesContext(connection) as three:
        client.get(home(city))
    # The header's unread-notifications badge is not part of the queues (it is cached per session).
    def queue_queries(ctx: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in ctx.captured_queries if "cycle_notification" not in q["sql"]]

    assert len(queue_queries(three)) == len(queue_queries(one))
