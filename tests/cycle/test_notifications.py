"""Who is told of each transition, in the app and by e-mail (queued; the tests run the queue in the caller)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from shinchoku import wareki
from shinchoku.cycle.models import AuditEntry, Notification, NotificationKind
from shinchoku.cycle.selectors import audit_label
from shinchoku.cycle.services import (
    IncompleteReport,
    report_approve,
    report_reopen,
    report_return,
    report_submit,
    reporting_year_publish,
    reporting_year_reopen,
)
from shinchoku.cycle.services.notifications import notification_email_set
from shinchoku.plans.models import ProjectReport, ReportingYear
from shinchoku.tenancy.models import Municipality

from .conftest import DENSHI_KESSAI, ONLINE, complete, grade, report_of


def told(kind: str | None = None) -> dict[str, list[Notification]]:
    """username → their notifications (every municipality: Charlie must not appear)."""
    with scopes_disabled():
        rows = Notification.objects.select_related("user").order_by("pk")
        if kind is not None:
            rows = rows.filter(kind=kind)
        by_user: dict[str, list[Notification]] = {}
        for n in rows:
            by_user.setdefault(n.user.username, []).append(n)
    return by_user


def mailed_to() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


@pytest.fixture
def everyone(alice: Any, bob: Any, frank: Any, dave: Any, erin: Any, charlie: Any) -> None:
    """All the named users exist (so each test shows who is NOT told)."""


@pytest.fixture
def online(year_2023: ReportingYear, everyone: None) -> ProjectReport:
    with scope(municipality=year_2023.municipality_id):
        return report_of(ONLINE, 2023)


@pytest.fixture
def submitted(online: ProjectReport, bob: Any) -> ProjectReport:
    report = report_submit(report=complete(online, bob), by=bob)
    mail.outbox.clear()
    return report


@pytest.fixture
def approved(submitted: ProjectReport, dave: Any) -> ProjectReport:
    with scope(municipality=submitted.project.plan.municipality_id):
        c = grade("C")
    report = report_approve(report=submitted, by=dave, final_grade=c, non_b_summary="遅れています。",
                            rationale="総合的に判断しました。")
    mail.outbox.clear()
    return report


def test_it_tells_hq_of_a_submission(online: ProjectReport, bob: Any, kashiwazaki: Municipality) -> None:
    report_submit(report=complete(online, bob), by=bob)
    assert list(told()) == ["dave"]
    (notification,) = told()["dave"]
    assert notification.kind == NotificationKind.SUBMITTED and notification.is_unread
    assert notification.subject == f"{ONLINE}の報告が提出されました（令和5（2023）年度）"
    assert notification.link == f"/{kashiwazaki.pk}/2023/projects/{online.project_id}/review/"
    (message,) = mail.outbox
    assert message.to == ["dave@example.org"] and message.subject == "【進捗】" + notification.subject
    assert f"{settings.SITE_URL.rstrip('/')}/{kashiwazaki.pk}/2023/projects/{online.project_id}/review/" in message.body
    assert f"日付：{wareki.format_date(timezone.localdate())}" in message.body
    assert "柏崎市の令和5（2023）年度の進行管理で" in message.body and "操作した人：bob" in message.body


def test_it_tells_the_department_of_a_return_with_the_comment(submitted: ProjectReport, dave: Any) -> None:
    report_return(report=submitted, by=dave, comment="実績値の根拠を追記してください。")
    assert list(told(NotificationKind.RETURNED)) == ["bob"]  # not Frank (総務課), not HQ, not Charlie
    (notification,) = told(NotificationKind.RETURNED)["bob"]
    assert notification.comment == "実績値の根拠を追記してください。"
    assert notification.link.endswith(f"/2023/projects/{submitted.project_id}/report/")
    (message,) = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "差戻しの理由：\n実績値の根拠を追記してください。" in message.body


def test_it_tells_the_department_of_an_approval(approved: ProjectReport) -> None:
    assert list(told(NotificationKind.APPROVED)) == ["bob"]
    assert told(NotificationKind.APPROVED)["bob"][0].subject == f"{ONLINE}の報告が承認されました（令和5（2023）年度）"


def test_it_tells_the_department_of_a_reopening_with_the_reason(approved: ProjectReport, alice: Any) -> None:
    report_reopen(report=approved, by=alice, comment="数値の誤りが見つかったため再開します。")
    (notification,) = told(NotificationKind.REOPENED)["bob"]
    assert list(told(NotificationKind.REOPENED)) == ["bob"]
    assert notification.comment == "数値の誤りが見つかったため再開します。"
    (message,) = mail.outbox
    assert "再開の理由：\n数値の誤りが見つかったため再開します。" in message.body


def approve_all(year: ReportingYear, by: Any, reviewer: Any) -> None:
    """``by`` submits, ``reviewer`` (HQ) approves: nobody approves their own submission."""
    with scope(municipality=year.municipality_id):
        reports = list(ProjectReport.objects.filter(reporting_year=year).select_related("project__plan"))
        b = grade("B")
    for report in reports:
        report = report_submit(report=complete(report, by), by=by)
        report_approve(report=report, by=reviewer, final_grade=b, rationale="総合的に判断しました。")


@pytest.fixture
def published(year_2023: ReportingYear, everyone: None, alice: Any, dave: Any) -> ReportingYear:
    approve_all(year_2023, alice, dave)
    Notification.objects.with_scopes_disabled().all().delete()
    mail.outbox.clear()
    reporting_year_publish(year=year_2023, by=alice)
    return year_2023


def test_it_tells_everyone_of_the_municipality_of_a_publication(published: ReportingYear) -> None:
    # Everyone but Alice, who published; never Charlie of 刈羽村.
    assert sorted(told(NotificationKind.PUBLISHED)) == ["bob", "dave", "erin", "frank"]
    assert mailed_to() == ["bob@example.org", "dave@example.org", "erin@example.org", "frank@example.org"]
    assert mail.outbox[0].subject == "【進捗】令和5（2023）年度の進行管理報告書が公表されました"
    with scope(municipality=published.municipality_id):
        (entry,) = [e for e in AuditEntry.objects.filter(action="notification.sent") if e.after["kind"] == "published"]
    assert audit_label(entry.action) == "通知を送信"
    assert entry.after == {"kind": "published", "recipients": ["bob", "frank", "dave", "erin"],
                           "mailed": ["bob", "frank", "dave", "erin"]}


def test_it_tells_the_departments_of_a_year_reopening(published: ReportingYear, alice: Any) -> None:
    mail.outbox.clear()
    reporting_year_reopen(year=published, by=alice, comment="誤字の訂正のため再開します。")
    assert sorted(told(NotificationKind.YEAR_REOPENED)) == ["bob", "frank"]
    assert {n.comment for ns in told(NotificationKind.YEAR_REOPENED).values() for n in ns} == {"誤字の訂正のため再開します。"}
    assert mailed_to() == ["bob@example.org", "frank@example.org"]


def test_it_tells_a_reopened_published_report_once(published: ReportingYear, alice: Any) -> None:
    with scope(municipality=published.municipality_id):
        report = report_of(DENSHI_KESSAI, 2023)
    report_reopen(report=report, by=alice, comment="電子化率の再計算")
    assert told(NotificationKind.YEAR_REOPENED) == {}
    assert list(told(NotificationKind.REOPENED)) == ["frank"]  # 総務課's project


def test_it_sends_no_mail_to_who_turned_it_off_but_keeps_the_notification(
    online: ProjectReport, bob: Any, dave: Any, kashiwazaki: Municipality
) -> None:
    notification_email_set(user=dave, municipality=kashiwazaki, email=False)
    report_submit(report=complete(online, bob), by=bob)
    assert list(told()) == ["dave"] and mail.outbox == []
    with scope(municipality=kashiwazaki):
        entry = AuditEntry.objects.get(action="notification.preference.updated")
    assert (entry.before, entry.after) == ({"email": True}, {"email": False})


def test_it_tells_nobody_of_a_refused_transition(year_2024: ReportingYear, everyone: None, bob: Any) -> None:
    with scope(municipality=year_2024.municipality_id):
        report = report_of(ONLINE, 2024)
    with pytest.raises(IncompleteReport):
        report_submit(report=report, by=bob)
    assert told() == {} and mail.outbox == []


def test_it_refuses_a_preference_in_another_municipality(charlie: Any, kashiwazaki: Municipality) -> None:
    from shinchoku.cycle.services import NotPermitted

    with pytest.raises(NotPermitted):
        notification_email_set(user=charlie, municipality=kashiwazaki, email=False)
