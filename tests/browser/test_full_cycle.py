"""The whole year in a real browser (Debian's Chromium through Playwright), axe-core on every page.

DX staff opens FY2024; 元気発信課 fills in and submits LINEによる情報発信; HQ returns it with a comment; the
department fixes and resubmits; HQ approves with a final grade; the report downloads; DX staff then looks after
the plan (計画の管理, a project, an indicator, the schedule editor). Every page visited is
checked with axe-core (no serious or critical violation) and photographed to /tmp/shots/ at 1366×768.

Run: ``.venv/bin/pytest -m browser tests/browser``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from shinchoku.tenancy.models import Department, Membership, Municipality, Role

from .conftest import AXE, SHOTS

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password-1"
LINE = "LINEによる情報発信"


def users(municipality: Municipality) -> None:
    user_model = get_user_model()
    with scopes_disabled():
        for username, role, departments in (
            ("alice", Role.DX_STAFF, ()),
            ("dave", Role.HQ_REVIEWER, ()),
            ("genki", Role.DEPARTMENT_EDITOR, ("元気発信課",)),
        ):
            user = user_model.objects.create_user(username=username, password=PASSWORD)
            membership = Membership.objects.create(user=user, municipality=municipality, role=role)
            membership.departments.set(Department.objects.filter(municipality=municipality, name__in=departments))


class Checker:
    """axe-core on every page; a full-page screenshot of each, numbered in visiting order."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.count = 0
        self.external_requests: list[str] = []
        self.policy_violations: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        # Chromium reports every blocked inline script or style on the console: the pages must cause none.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.policy_violations.append(f"{self.page.url} {message.location}: {message.text}")

    def _on_request(self, request: Any) -> None:
        if not request.url.startswith(self.base_url) and not request.url.startswith(("data:", "blob:")):
            self.external_requests.append(request.url)

    def check(self, name: str) -> None:
        self.count += 1
        self.page.wait_for_load_state("networkidle")
        # Through the DevTools protocol, not as a <script> tag: the page's CSP rightly refuses inline scripts.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        self.page.screenshot(path=str(SHOTS / f"{self.count:02d}-{name}.png"), full_page=False)
        self.page.screenshot(path=str(SHOTS / f"{self.count:02d}-{name}-full.png"), full_page=True)
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        if serious:
            for violation in serious:
                print(f"[{name}] {violation['impact']} {violation['id']}: {violation['help']} {violation['nodes']}")
        assert not serious, f"axe-core: serious/critical violations on {name}: {serious}"
        assert not self.external_requests, f"external requests: {self.external_requests}"
        assert not self.policy_violations, f"Content-Security-Policy violations: {self.policy_violations}"


def login(page: Any, checker: Checker, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    checker.check(f"login-{username}")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def htmx_settled(page: Any) -> None:
    """Wait until htmx has swapped and settled (it moves focus to the ``autofocus`` element when settling)."""
    # A function, not an expression string: Playwright evals strings in the page, which the CSP forbids.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
    page.wait_for_timeout(100)


def logout(page: Any) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/login/"))


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_whole_year_in_the_browser(
    live_server: Any, kashiwazaki: Municipality, browser_page: Any
) -> None:
    users(kashiwazaki)
    try:
        run_year(browser_page, live_server.url, kashiwazaki.pk)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-failure.png"), full_page=True)
        raise


def run_year(page: Any, base: str, mid: int) -> None:
    checker = Checker(page, base)

    # --- DX staff opens FY2024 -------------------------------------------------------------------------------
    login(page, checker, base, "alice")
    assert page.url == f"{base}/{mid}/"  # one municipality: straight to it
    checker.check("municipality")
    page.get_by_role("link", name=re.compile("令和5（2023）年度")).click()
    checker.check("dashboard-2023")
    page.goto(f"{base}/{mid}/2024/cycle/")
    checker.check("cycle-not-open")
    due = dt.date.today() + dt.timedelta(days=30)
    page.get_by_label("担当部署の提出期限").fill(due.isoformat())
    page.get_by_role("button", name=re.compile("進行管理を開始する")).click()
    page.get_by_text("進行管理を開始しました").wait_for()
    checker.check("cycle-open")
    page.get_by_role("link", name="個別事業計画", exact=True).click()
    checker.check("project-list-dx")
    page.get_by_role("link", name=LINE, exact=True).click()
    checker.check("project-line-dx")
    page.goto(f"{base}/{mid}/audit/")
    checker.check("audit")
    logout(page)

    # --- 元気発信課 fills in and submits --------------------------------------------------------------------
    login(page, checker, base, "genki")
    page.get_by_role("link", name=re.compile("令和6（2024）年度")).click()
    checker.check("project-list-genki")
    page.get_by_role("link", name=re.compile("報告を入力")).click()
    checker.check("form-empty")
    # an attempt with the wrong kind of number: the service's message shows next to the field
    page.get_by_label(re.compile("実績")).fill("約18000")
    page.get_by_role("button", name="下書き保存").click()
    page.get_by_text("は数値ではありません").first.wait_for()
    checker.check("form-invalid-actual")
    results = page.locator("#items-results")
    # The draft starts with one empty item: last year's plans are a reference, not pre-filled. Copy them in
    # on purpose (「今年度の取組に写す」, a plain form post), so there is something to reorder.
    page.get_by_role("button", name="今年度の取組に写す").click()
    page.get_by_text("項目を変更しました。まだ保存されていません。").first.wait_for()
    before = len([t for t in results.locator("textarea").all() if t.input_value().strip()])
    results.get_by_role("button", name=re.compile("項目を追加")).click()
    page.locator(f"#results-{before}").wait_for()  # swapped in by htmx, without a page load
    htmx_settled(page)
    assert page.evaluate("document.activeElement.id") == f"results-{before}"  # focus on the new item
    page.locator(f"#results-{before}").fill("スマホ教室で登録促進チラシを配布しました。")
    first_text = page.locator("#results-0").input_value()
    # reorder with htmx: the new item moves up one place
    results.get_by_role("button", name=re.compile(f"{before + 1}件目を上へ")).click()
    page.wait_for_function(
        f"() => document.querySelector('#results-{before - 1}').value.startsWith('スマホ教室')" if before else "() => true"
    )
    htmx_settled(page)
    assert page.locator("#results-0").input_value() == (
        first_text if before > 1 else "スマホ教室で登録促進チラシを配布しました。"
    )
    page.get_by_label(re.compile("実績")).fill("１８，０００")
    page.get_by_role("button", name="提出", exact=True).click()
    page.get_by_text("提出できませんでした").wait_for()
    checker.check("form-missing")
    for name in ("challenges", "next_year"):
        editor = page.locator(f"#items-{name}")
        if editor.locator("textarea").count() == 0:
            editor.get_by_role("button", name=re.compile("項目を追加")).click()
            page.locator(f"#{name}-0").wait_for()
            htmx_settled(page)
    if not page.locator("#challenges-0").input_value():
        page.locator("#challenges-0").fill("高齢者への周知が課題です。")
    if not page.locator("#next_year-0").input_value():
        page.locator("#next_year-0").fill("通報機能を追加します。")
    page.get_by_label("計画どおり", exact=True).check()
    page.get_by_label("担当部署の評価（総合）").select_option(label="A：計画より早い、想定以上の効果を得た")
    page.get_by_role("button", name="提出", exact=True).click()
    page.get_by_text("の報告を提出しました").wait_for()
    checker.check("project-line-submitted")
    logout(page)

    # --- HQ returns it with a comment ------------------------------------------------------------------------
    login(page, checker, base, "dave")
    page.goto(f"{base}/{mid}/2024/projects/")
    page.get_by_role("link", name=re.compile(f"審査.*{LINE}")).click()
    checker.check("review-submitted")
    page.get_by_role("button", name="差し戻す").click()
    page.get_by_text("差し戻せませんでした").wait_for()  # the comment is required
    checker.check("review-return-refused")
    page.get_by_label(re.compile("担当部署へのコメント")).fill("成果に登録者数の増加数を書いてください。")
    page.get_by_role("button", name="差し戻す").click()
    page.get_by_text("差し戻しました").wait_for()
    logout(page)

    # --- the department fixes and resubmits -------------------------------------------------------------------
    login(page, checker, base, "genki")
    page.goto(f"{base}/{mid}/2024/projects/")
    checker.check("project-list-returned")
    page.get_by_role("link", name=re.compile("報告を入力")).click()
    page.get_by_role("note").get_by_text("成果に登録者数の増加数を書いてください。").wait_for()
    checker.check("form-returned")
    results = page.locator("#items-results")
    count = results.locator("textarea").count()
    results.get_by_role("button", name=re.compile("項目を追加")).click()
    page.locator(f"#results-{count}").wait_for()
    htmx_settled(page)
    page.locator(f"#results-{count}").fill("ユーザー数は年間で1,392人増加しました。")
    page.get_by_role("button", name="提出", exact=True).click()
    page.get_by_text("の報告を提出しました").wait_for()
    logout(page)

    # --- HQ approves with a final grade ----------------------------------------------------------------------
    login(page, checker, base, "dave")
    page.goto(f"{base}/{mid}/2024/projects/")
    page.get_by_role("link", name=re.compile(f"審査.*{LINE}")).click()
    page.get_by_label("最終評価（総合）").select_option(label="A：計画より早い、想定以上の効果を得た")
    page.get_by_role("button", name="承認する").click()
    page.get_by_text("承認できませんでした").wait_for()  # an A needs the non-B summary
    checker.check("review-approve-refused")
    page.get_by_label(re.compile("以外の概要")).fill("目標指標を大きく上回るユーザー登録数になりました。")
    page.get_by_role("button", name="承認する").click()
    page.get_by_text("承認しました").wait_for()
    checker.check("project-line-approved")
    assert "承認済み" in page.content()
    page.goto(f"{base}/{mid}/2024/")
    checker.check("dashboard-2024")

    # --- the report downloads ----------------------------------------------------------------------------------
    page.get_by_role("link", name="報告書").click()
    checker.check("reports")
    # FY2024 is not published: the link asks for the draft (案) and shows its status page, which offers the
    # file once drawn (at once here: tests run tasks in the caller).
    page.locator("a[href$='/html'], a[href$='/xlsx']").first.click()
    page.get_by_text("作成しました。").wait_for()
    checker.check("draft-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("（案）をダウンロード")).click()
    download = download_info.value
    assert download.suggested_filename.endswith((".html", ".xlsx"))
    assert Path(download.path()).stat().st_size > 1000
    logout(page)

    # --- DX staff looks after the plan: 計画の管理, a project, an indicator, the schedule -----------------------
    login(page, checker, base, "alice")
    page.goto(f"{base}/{mid}/2024/plan/")
    checker.check("plan-admin")
    page.get_by_role("link", name=LINE, exact=True).click()
    page.get_by_label("施策", exact=True).wait_for()
    checker.check("project-edit-line")
    project_url = page.url
    page.locator("section[aria-labelledby=h-indicators] tbody a").first.click()
    page.get_by_label("指標名", exact=True).wait_for()
    checker.check("indicator-edit-line")
    page.goto(project_url)
    page.get_by_role("link", name="スケジュールを編集").click()
    checker.check("schedule-edit-line")
    rows = page.locator("tbody tr").count()
    page.get_by_role("button", name="行を追加").click()
    page.get_by_label(f"{rows + 1}行目の系列").wait_for()  # added by a plain form post, nothing saved yet
    checker.check("schedule-row-added")
    page.get_by_label(f"{rows + 1}行目の系列").fill("②")
    page.get_by_label(f"{rows + 1}行目のR6(2024)年度").fill("通報機能の追加")
    page.get_by_role("button", name="保存する").first.click()
    page.get_by_text("スケジュールを保存しました").wait_for()
    assert page.get_by_label(f"{rows + 1}行目のR6(2024)年度").input_value() == "通報機能の追加"
    logout(page)
