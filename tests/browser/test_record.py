"""The official record in the browser: DX staff reopen a published year, publish it again as version 2,
and read the versions with their corrections list; axe-core on every page, no external request."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shinchoku.tenancy.models import Municipality

from .conftest import SHOTS
from .test_full_cycle import Checker, login, users

pytestmark = pytest.mark.browser


def walk(page: Any, base: str, mid: int) -> None:
    checker = Checker(page, base)
    login(page, checker, base, "alice")
    page.goto(f"{base}/{mid}/2023/cycle/")
    assert "公表した版" in page.content() and "第1版" in page.content()
    page.get_by_text("この年度を再開する（訂正）").click()
    checker.check("year-published")
    page.get_by_label("再開の理由").fill("実績値の誤りを訂正するため")
    page.get_by_role("button", name=re.compile("を再開する$")).click()
    page.get_by_text("公表済みの版はそのまま残ります").first.wait_for()
    checker.check("year-reopened")
    # Publishing again goes through the checklist and an explicit confirmation, like the first time.
    page.get_by_role("link", name=re.compile("公表前の確認へ進む")).click()
    page.wait_for_load_state()
    checker.check("year-publish-checklist")
    assert "作成される版：第2版" in page.content()
    page.get_by_label(re.compile("内容を確認しました")).check()
    page.get_by_role("button", name=re.compile("の報告書を公表する")).click()
    page.get_by_text("公表しました（第2版）").wait_for()
    checker.check("year-republished")
    page.get_by_role("link", name="版の一覧と正誤表").click()
    page.get_by_role("heading", name=re.compile("第2版")).wait_for()
    assert "前の版と内容の違いはありません。" in page.content()
    checker.check("versions")
    page.goto(f"{base}/{mid}/reports/2023/")
    assert "?version=1" in page.content() and "?version=2" in page.content()
    checker.check("downloads-published")


@pytest.mark.django_db(transaction=True)
def test_it_reopens_and_republishes_a_year_in_the_browser(
    live_server: Any, kashiwazaki: Municipality, browser_page: Any
) -> None:
    users(kashiwazaki)
    try:
        walk(browser_page, live_server.url, kashiwazaki.pk)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-record-failure.png"), full_page=True)
        raise
