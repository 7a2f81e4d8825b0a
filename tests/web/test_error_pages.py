"""Japanese error pages that say what the user can do instead; and the session's idle expiry."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_answers_an_unknown_page_in_japanese(login: Login, alice: AbstractBaseUser) -> None:
    response = login(alice).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in html and 'lang="ja"' in html and "トップページ" in html


def test_it_answers_another_municipalitys_page_with_the_same_404(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    response = login(charlie).get(f"/{city.pk}/2023/")
    assert response.status_code == 404 and "ページが見つかりません" in response.content.decode()


def test_it_explains_a_refusal_in_japanese(login: Login, bob: AbstractBaseUser, city: Municipality) -> None:
    response = login(bob).get(f"/{city.pk}/audit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "この操作を行う権限がありません" in html and "DX担当（企画政策課）" in html


def test_it_names_the_municipality_and_what_to_do_instead_on_a_typed_url(
    login: Login, bob: AbstractBaseUser, city: Municipality
) -> None:
    response = login(bob).get(f"/{city.pk}/2024/cycle/publish/")
    html = response.content.decode()
    assert response.status_code == 403 and "Forbidden" not in html and 'lang="ja"' in html
    assert "柏崎市での" in html and "代わりにできること" in html
    assert 'href="/"' in html and 'href="/login/"' in html and "別のユーザーでログイン" in html
    assert "DX担当（企画政策課）" in html


def test_it_answers_a_failed_csrf_check_in_japanese(bob: AbstractBaseUser, city: Municipality) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post("/notifications/read/", {})
    html = response.content.decode()
    assert response.status_code == 403 and "CSRF verification failed" not in html and "Forbidden" not in html
    assert "送信を受け付けられませんでした" in html and "再読み込み" in html and 'href="/login/"' in html


def test_it_does_not_name_another_municipality_on_a_refusal(
    login: Login, charlie: AbstractBaseUser, city: Municipality
) -> None:
    response = login(charlie).get(f"/{city.pk}/2024/cycle/publish/")
    assert response.status_code == 404 and "柏崎市" not in response.content.decode()


def test_it_renews_an_idle_session_on_activity(login: Login, alice: AbstractBaseUser) -> None:
    import time

    from shinchoku.web.middleware import RENEW_AFTER_SECONDS

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = login(alice)
    first = client.get("/")
    assert first.cookies["sessionid"]["max-age"] == 8 * 60 * 60  # renewed on the first request
    assert "sessionid" not in client.get("/").cookies  # not again within the renewal window
    session = client.session
    session["_shinchoku_renewed_at"] = int(time.time()) - RENEW_AFTER_SECONDS - 1
    session.save()
    assert client.get("/").cookies["sessionid"]["max-age"] == 8 * 60 * 60
