"""A draft's progress in the browser: the download of a year not published shows the status page, htmx polls
it while the worker has not drawn the draft, and the file is offered without a reload — under a
Content-Security-Policy that allows script from the app's origin only (no inline script anywhere)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.services import reporting_year_open
from shinchoku.plans.models import Plan
from shinchoku.tenancy.models import Municipality
from tests.cycle.test_task_queue import DATABASE_TASKS, run_worker

from .conftest import SHOTS
from .test_full_cycle import Checker, login, users

pytestmark = pytest.mark.browser

CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'"


def follow(page: Any, base: str, mid: int) -> None:
    checker = Checker(page, base)
    login(page, checker, base, "alice")
    page.goto(f"{base}/{mid}/reports/2024/")
    page.get_by_role("link", name="HTMLをダウンロード").click()
    page.get_by_text("作成の順番を待っています").wait_for()
    status_url = page.url
    assert "/drafts/" in status_url
    checker.check("draft-waiting")  # axe-core is injected inline: before the policy below

    # From here the app's pages carry the policy the settings will send, so a blocked script would show.
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.route(re.compile(re.escape(base) + ".*"), lambda route: route.fulfill(
        response=(r := route.fetch()), headers={**r.headers, "content-security-policy": CSP}))
    with page.expect_response(lambda r: r.url == status_url and r.request.headers.get("hx-request") == "true"):
        page.reload()  # then wait for one poll to come back, and let the worker draw the draft before the next
    run_worker()
    page.get_by_text("作成しました。").wait_for()
    assert page.url == status_url  # swapped in by htmx, not reloaded
    with page.expect_download() as download_info:
        page.get_by_role("link", name="HTML（案）をダウンロード").click()
    assert download_info.value.suggested_filename.endswith("（案）.html")
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_it_follows_a_draft_until_it_is_drawn(
    live_server: Any, kashiwazaki: Municipality, browser_page: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    users(kashiwazaki)
    with scope(municipality=kashiwazaki):
        plan = Plan.objects.get(municipality=kashiwazaki)
    reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)
    try:
        follow(browser_page, live_server.url, kashiwazaki.pk)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-draft-failure.png"), full_page=True)
        raise
