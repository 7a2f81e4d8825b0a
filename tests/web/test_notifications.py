"""``/notifications/``: the user's own notifications, marking them read, the header's count and the e-mail setting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.test import Client
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.models import Notification, NotificationKind, NotificationPreference
from shinchoku.cycle.services.notifications import notify
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


@pytest.fixture
def told(
    city: Municipality, other_city: Municipality, year_2024: Any, report_of: Callable[..., Any],
    alice: AbstractBaseUser, bob: AbstractBaseUser, dave: AbstractBaseUser, charlie: AbstractBaseUser,
) -> None:
    """Dave is told of two submissions (Bob's, then a return of the other is not his); Charlie of his own city's."""
    with scope(municipality=city):
        notify(kind=NotificationKind.SUBMITTED, municipality_id=city.pk, fiscal_year=2024, by=bob,
               report=report_of("新交通システムの構築"))
        notify(kind=NotificationKind.SUBMITTED, municipality_id=city.pk, fiscal_year=2024, by=bob,
               report=report_of("電子契約システム導入"))
    with scope(municipality=other_city):
        notify(kind=NotificationKind.PUBLISHED, municipality_id=other_city.pk, fiscal_year=2023, by=None,
               year=other_city_year(other_city))
    mail.outbox.clear()


def other_city_year(other_city: Municipality) -> Any:
    from shinchoku.plans.models import ReportingYear

    return ReportingYear.objects.get(plan__municipality=other_city, fiscal_year=2023)


def test_it_lists_the_users_notifications_newest_first(login: Login, dave: AbstractBaseUser, told: None) -> None:
    html = login(dave).get("/notifications/").content.decode()
    newer = html.index("電子契約システム導入の報告が提出されました")
    older = html.index("新交通システムの構築の報告が提出されました")
    assert newer < older
    assert html.count(">未読</span>") == 2 and "未読は2件です" in html
    assert "刈羽村" not in html and "村役場" not in html  # Charlie's city's notice is not Dave's
    assert 'href="/notifications/">通知 <span class="site-user__count">2<span class="visually-hidden">件の未読' in html


def test_it_marks_all_read(login: Login, dave: AbstractBaseUser, told: None) -> None:
    client = login(dave)
    response = client.post("/notifications/read/", follow=True)
    html = response.content.decode()
    assert "2件の通知を既読にしました。" in html
    assert ">未読</span>" not in html and "site-user__count" not in html
    with scopes_disabled():
        assert not Notification.objects.filter(user=dave, read_at__isnull=True).exists()
        assert Notification.objects.filter(user__username="charlie", read_at__isnull=True).count() == 1


def test_it_marks_read_only_by_post(login: Login, dave: AbstractBaseUser, told: None) -> None:
    assert login(dave).get("/notifications/read/").status_code == 405


def test_it_shows_charlie_only_his_own(login: Login, charlie: AbstractBaseUser, told: None) -> None:
    html = login(charlie).get("/notifications/").content.decode()
    assert "令和5（2023）年度の進行管理報告書が公表されました" in html
    assert "新交通システム" not in html and "電子契約" not in html


def test_it_shows_nothing_to_someone_not_told(login: Login, erin: AbstractBaseUser, told: None) -> None:
    html = login(erin).get("/notifications/").content.decode()
    assert "通知はありません。" in html and "site-user__count" not in html


def test_it_counts_unread_in_the_header_of_a_municipality_page(
    login: Login, dave: AbstractBaseUser, city: Municipality, told: None
) -> None:
    html = login(dave).get(f"/{city.pk}/").content.decode()
    assert '<span class="site-user__count">2<span class="visually-hidden">件の未読</span></span>' in html


def test_it_turns_email_off_and_on(login: Login, dave: AbstractBaseUser, city: Municipality) -> None:
    client = login(dave)
    html = client.get("/notifications/settings/").content.decode()
    assert f'name="email_{city.pk}" checked' in html and "送信先：dave@example.org" in html
    html = client.post("/notifications/settings/", {}, follow=True).content.decode()
    assert "通知の設定を保存しました。" in html and f'name="email_{city.pk}" checked' not in html
    with scope(municipality=city):
        assert NotificationPreference.objects.get(user=dave).email is False
    client.post("/notifications/settings/", {f"email_{city.pk}": "on"})
    with scope(municipality=city):
        assert NotificationPreference.objects.get(user=dave).email is True


def test_it_mails_only_who_wants_mail(
    login: Login, city: Municipality, year_2024: Any, report_of: Callable[..., Any],
    bob: AbstractBaseUser, dave: AbstractBaseUser,
) -> None:
    login(dave).post("/notifications/settings/", {})
    with scope(municipality=city):
        notify(kind=NotificationKind.SUBMITTED, municipality_id=city.pk, fiscal_year=2024, by=bob,
               report=report_of("新交通システムの構築"))
    assert mail.outbox == []
    assert "新交通システムの構築の報告が提出されました" in login(dave).get("/notifications/").content.decode()


def test_it_never_lets_charlie_set_another_citys_mail(
    login: Login, charlie: AbstractBaseUser, city: Municipality, other_city: Municipality
) -> None:
    html = login(charlie).get("/notifications/settings/").content.decode()
    assert "刈羽村" in html and "柏崎市" not in html
    login(charlie).post("/notifications/settings/", {f"email_{other_city.pk}": "on"})
    with scopes_disabled():
        assert not NotificationPreference.objects.filter(municipality=city).exists()


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/settings/"])
def test_it_sends_anonymous_to_login(client: Client, path: str, db: None) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/login/")
