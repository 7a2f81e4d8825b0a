"""The audit log in the browser: filter by period (era input) and action, then download the CSV; axe-core on the
page, no CSP violation, no external request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shinchoku.tenancy.models import Municipality

from .conftest import SHOTS
from .test_full_cycle import Checker, login, users

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_it_filters_and_exports_the_audit_log_in_the_browser(
    live_server: Any, kashiwazaki: Municipality, browser_page: Any
) -> None:
    users(kashiwazaki)
    page, base = browser_page, live_server.url
    checker = Checker(page, base)
    login(page, checker, base, "dave")
    page.goto(f"{base}/{kashiwazaki.pk}/audit/")
    checker.check("audit-log")
    page.get_by_label("期間（から）").fill("令和5年")
    page.get_by_label("操作", exact=True).select_option("import.")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url("**since=*")
    assert "取込み" in page.content() and "日付として読めません" not in page.content()
    checker.check("audit-log-filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="この条件でCSVを出力").click()
    saved = Path(download.value.path())
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf\xe6\x97\xa5\xe6\x99\x82")  # BOM, then 日時
    page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=True)
