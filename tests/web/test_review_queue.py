"""HQ's review queue: waiting since, filters (pillar, department, divergence), ⚠ flags, bulk approval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.errors import NotPermitted, TransitionNotAllowed
from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import reports_bulk_approve
from shinchoku.plans.models import Pillar, ProjectReport
from shinchoku.tenancy.models import Department, Municipality

from ._queue_helpers import DENSHI, KEIYAKU, LINE, SHINKOTSU, submit

Login = Callable[[AbstractBaseUser], Client]
ReportOf = Callable[..., ProjectReport]


def url(city: Municipality) -> str:
    return f"/{city.pk}/2024/review-queue/"


@pytest.fixture
def queue(city: Municipality, bob: AbstractBaseUser, gina: AbstractBaseUser, frank: AbstractBaseUser,
          year_2024: Any, report_of: ReportOf) -> None:
    """Submitted: 新交通 and 電子契約 (B = suggestion B: eligible), LINE (60,000 人: 400 % → A, department B:
    divergent, flagged), 電子決裁 (1234 %: A, divergent, flagged)."""
    submit(city, report_of(SHINKOTSU), bob)
    submit(city, report_of(KEIYAKU), bob)
    submit(city, report_of(LINE), gina, actual="60000")
    submit(city, report_of(DENSHI), frank, actual="1234")


def body(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_submitted_reports_with_waiting_since_and_flags(
    login: Login, city: Municipality, dave: AbstractBaseUser, queue: None
) -> None:
    html = body(login(dave).get(url(city)))
    assert "審査待ち 4件（提出の古い順）" in html
    assert html.index(SHINKOTSU) < html.index(KEIYAKU) < html.index(LINE) < html.index(DENSHI)
    assert "から</td>" in html and "令和" in html  # waiting since, era date
    assert "⚠ 2件" in html  # LINE: rate above 150 %, more than ×3 last year's 16,608
    assert "⚠ 3件" in html  # 電子決裁: also a share above 100
    assert "割合（％）の実績が1,234％で、100％を超えています。" in html
    assert "前年度の実績（16,608）から3倍を超えて変化しています（今年度 60,000）。" in html
    assert html.count('type="checkbox" name="report"') == 2 and "個別に審査" in html


def test_it_filters_by_pillar_department_and_divergence(
    login: Login, city: Municipality, dave: AbstractBaseUser, queue: None
) -> None:
    with scope(municipality=city):
        gyosei = Pillar.objects.get(plan__municipality=city, name="行政のDX")
        somu = Department.objects.get(municipality=city, name="総務課")
    client = login(dave)
    html = body(client.get(url(city), {"pillar": gyosei.pk}))
    assert "審査待ち 2件" in html and KEIYAKU in html and DENSHI in html and LINE not in html
    html = body(client.get(url(city), {"department": somu.pk}))
    assert "審査待ち 2件" in html and SHINKOTSU not in html
    html = body(client.get(url(city), {"divergent": "1"}))
    assert "審査待ち 2件" in html and LINE in html and DENSHI in html and KEIYAKU not in html
    html = body(client.get(url(city), {"divergent": "0", "pillar": gyosei.pk}))
    assert "審査待ち 1件" in html and KEIYAKU in html
    assert "審査待ち 4件" in body(client.get(url(city), {"pillar": "x"}))  # nonsense filters are ignored


def test_dave_approves_the_eligible_reports_in_bulk(
    login: Login, city: Municipality, dave: AbstractBaseUser, queue: None, report_of: ReportOf
) -> None:
    ids = [report_of(SHINKOTSU).pk, report_of(KEIYAKU).pk]
    response = login(dave).post(url(city), {"report": ids, "query": "divergent=0"})
    assert response.status_code == 302 and response["Location"] == url(city) + "?divergent=0"
    assert report_of(SHINKOTSU).state == "approved" and report_of(KEIYAKU).state == "approved"
    assert report_of(SHINKOTSU).grade.code == "B"
    with scope(municipality=city):
        entry = AuditEntry.objects.get(action="report.bulk_approved")
    assert entry.actor == dave and entry.after["count"] == 2
    html = login(dave).get(url(city)).content.decode()
    assert "2件の報告を評価案どおりの評価で承認しました。" in html


def test_nothing_changes_when_one_is_not_eligible(
    login: Login, city: Municipality, dave: AbstractBaseUser, queue: None, report_of: ReportOf
) -> None:
    ids = [report_of(SHINKOTSU).pk, report_of(LINE).pk]
    response = login(dave).post(url(city), {"report": ids}, follow=True)
    html = response.content.decode()
    assert "一括承認できません（何も承認していません）。" in html and "担当部署の評価が評価案と異なります。" in html
    assert report_of(SHINKOTSU).state == "submitted" and report_of(LINE).state == "submitted"
    with scope(municipality=city):
        assert not AuditEntry.objects.filter(action__in=["report.bulk_approved", "report.approved"]).exists()


def test_the_service_rechecks_eligibility(
    city: Municipality, dave: AbstractBaseUser, bob: AbstractBaseUser, queue: None, report_of: ReportOf
) -> None:
    with pytest.raises(TransitionNotAllowed, match="担当部署の評価が評価案と異なります"):
        reports_bulk_approve(reports=[report_of(KEIYAKU), report_of(LINE)], by=dave)
    with pytest.raises(NotPermitted):  # a department editor may not approve
        reports_bulk_approve(reports=[report_of(KEIYAKU)], by=bob)
    assert report_of(KEIYAKU).state == "submitted"


def test_only_reviewers_see_the_queue(
    login: Login, city: Municipality, bob: AbstractBaseUser, erin: AbstractBaseUser, charlie: AbstractBaseUser,
    alice: AbstractBaseUser, queue: None, report_of: ReportOf,
) -> None:
    assert login(bob).get(url(city)).status_code == 403
    assert login(erin).get(url(city)).status_code == 403
    assert login(charlie).get(url(city)).status_code == 404
    assert login(charlie).post(url(city), {"report": [report_of(KEIYAKU).pk]}).status_code == 404
    assert report_of(KEIYAKU).state == "submitted"
    assert login(alice).get(url(city)).status_code == 200


def test_the_queue_page_costs_the_same_with_more_reports(
    login: Login, city: Municipality, dave: AbstractBaseUser, bob: AbstractBaseUser, gina: AbstractBaseUser,
    frank: AbstractBaseUser, year_2024: Any, report_of: ReportOf,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(dave)
    submit(city, report_of(SHINKOTSU), bob)
    client.get(url(city))
    with CaptureQueriesContext(connection) as one:
        client.get(url(city))
    submit(city, report_of(LINE), gina, actual="17000")
    submit(city, report_of(DENSHI), frank, actual="70")
    client.get(url(city))
    with CaptureQueriesContext(connection) as three:
        client.get(url(city))

    def queue_queries(ctx: CaptureQueriesContext) -> list[str]:  # the header's badge is not the queue's
        return [q["sql"] for q in ctx.captured_queries if "cycle_notification" not in q["sql"]]

    assert len(queue_queries(three)) == len(queue_queries(one))


def test_the_cli_lists_the_queue_and_approves_the_eligible(
    city: Municipality, dave: AbstractBaseUser, bob: AbstractBaseUser, queue: None, report_of: ReportOf
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("review-queue", "--municipality", "柏崎市", "--fiscal-year", "2024", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{SHINKOTSU}\t") and lines[0].endswith("\teligible") and "4 report(s) waiting" in lines
    with pytest.raises(SystemExit) as refused:
        call_command("review-queue", "--municipality", "柏崎市", "--fiscal-year", "2024", "--approve-eligible",
                     "--as", "bob", stdout=StringIO(), stderr=StringIO())
    assert refused.value.code == 2 and report_of(SHINKOTSU).state == "submitted"
    out = StringIO()
    call_command("review-queue", "--municipality", "柏崎市", "--fiscal-year", "2024", "--approve-eligible",
                 "--as", "dave", stdout=out)
    assert "2 report(s) approved" in out.getvalue()
    assert report_of(SHINKOTSU).state == "approved" and report_of(LINE).state == "submitted"


def test_dx_staff_read_the_queue_but_approve_only_where_the_municipality_lets_them(
    login: Login, city: Municipality, alice: AbstractBaseUser, queue: None, report_of: ReportOf,
) -> None:
    assert login(alice).post(url(city), {"report": [report_of(KEIYAKU).pk]}).status_code == 403
    assert report_of(KEIYAKU).state == "submitted"
