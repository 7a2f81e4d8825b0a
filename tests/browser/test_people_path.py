"""The people around the cycle, end to end in Chromium (axe-core on every page, CSP and no external request):

DX staff invite a department user → they set their password from the mail → they fill in and submit → HQ finds
the report in its queue → HQ returns it → the department gets the mail and sees 差戻し on its home page → it
resubmits → HQ approves → DX staff preview the 案 and publish through the checklist.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.services import reporting_year_open
from shinchoku.cycle.services.imports import year_import
from shinchoku.plans.models import Plan, ProjectReport
from shinchoku.tenancy.models import Department, Membership, Role
from tests.web.conftest import KASHIWAZAKI
from tests.web.test_publish import approve

from .conftest import SHOTS
from .test_full_cycle import PASSWORD, Checker, htmx_settled, login, logout

pytestmark = pytest.mark.browser
LINE = "LINEによる情報発信"
NEW_PASSWORD = "ken-sets-this-password-2026"


@pytest.mark.django_db(transaction=True)
def test_a_new_user_goes_from_invitation_to_a_published_report(live_server: Any, browser_page: Any) -> None:
    city = year_import(by=None, document=copy.deepcopy(KASHIWAZAKI)).municipality
    user_model = get_user_model()
    with scopes_disabled():
        people = {}
        for username, role in (("alice", Role.DX_STAFF), ("dave", Role.HQ_REVIEWER)):
            people[username] = user_model.objects.create_user(username=username, password=PASSWORD)
            Membership.objects.create(user=people[username], municipality=city, role=role)
        genki = Department.objects.get(municipality=city, name="元気発信課")
    with scope(municipality=city):
        plan = Plan.objects.get(municipality=city)
    year = reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date.today() + dt.timedelta(days=30),
                               by=people["alice"])
    with scope(municipality=city):
        others = list(ProjectReport.objects.filter(reporting_year=year).exclude(project__name=LINE))
    for report in others:
        approve(city, report, people["dave"])
    mail.outbox.clear()
    try:
        walk(browser_page, live_server.url, city.pk, genki.pk)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-people-failure.png"), full_page=True)
        raise


def last_mail_to(address: str) -> Any:
    found = [m for m in mail.outbox if address in m.to]
    assert found, f"no mail to {address}: {[(m.to, m.subject) for m in mail.outbox]}"
    return found[-1]


def walk(page: Any, base: str, mid: int, department_id: int) -> None:
    checker = Checker(page, base)

    # --- DX staff invite 元気 健 of 元気発信課 ------------------------------------------------------------------
    login(page, checker, base, "alice")
    page.goto(f"{base}/{mid}/users/new/")
    checker.check("people-invite")
    page.get_by_label("ログインID").fill("ken")
    page.get_by_label(re.compile("氏名")).fill("元気 健")
    page.get_by_label("メールアドレス").fill("ken@example.jp")
    page.locator("input[name=roles][value=department_editor]").check()
    page.locator(f"input[name=departments][value='{department_id}']").check()
    page.get_by_role("button", name="登録して招待のメールを送る").click()
    page.wait_for_load_state()
    checker.check("people-invited")
    logout(page)

    # --- ken sets a password from the mail and logs in ----------------------------------------------------------
    invitation = last_mail_to("ken@example.jp")
    link = re.search(r"(/password/set/[^/\s]+/[^/\s]+/)", invitation.body)
    assert link, invitation.body
    page.goto(base + link.group(1))
    page.wait_for_load_state()
    checker.check("people-set-password")
    page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを設定する").click()
    page.wait_for_load_state()
    checker.check("people-password-set")
    page.goto(f"{base}/login/")
    page.get_by_label("ユーザー名").fill("ken")
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    checker.check("people-home-ken")
    assert LINE in page.content()

    # --- ken fills in and submits ----------------------------------------------------------------------------
    page.get_by_role("link", name="入力する").first.click()
    page.wait_for_load_state()
    checker.check("people-form")
    page.get_by_role("button", name="今年度の取組に写す").click()
    page.get_by_text("項目を変更しました。まだ保存されていません。").first.wait_for()
    page.get_by_label(re.compile("実績")).fill("18,000")
    for name, text in (("challenges", "高齢者への周知が課題です。"), ("next_year", "通報機能を追加します。")):
        editor = page.locator(f"#items-{name}")
        if editor.locator("textarea").count() == 0:
            editor.get_by_role("button", name=re.compile("項目を追加")).click()
            page.locator(f"#{name}-0").wait_for()
            htmx_settled(page)
        if not page.locator(f"#{name}-0").input_value():
            page.locator(f"#{name}-0").fill(text)
    page.get_by_label("計画どおり", exact=True).check()
    page.get_by_label("担当部署の評価（総合）").select_option(label="A：計画より早い、想定以上の効果を得た")
    page.get_by_role("button", name="提出", exact=True).click()
    page.get_by_text("の報告を提出しました").wait_for()
    logout(page)

    # --- HQ finds it in the queue and returns it ----------------------------------------------------------------
    login(page, checker, base, "dave")
    checker.check("people-home-dave")
    page.get_by_role("link", name="審査待ち 1件").click()
    page.wait_for_load_state()
    checker.check("people-review-queue")
    page.get_by_role("link", name=LINE, exact=True).click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("担当部署へのコメント")).fill("成果に登録者数の増加数を書いてください。")
    page.get_by_role("button", name="差し戻す").click()
    page.get_by_text("差し戻しました").wait_for()
    logout(page)

    # --- ken gets the mail, sees 差戻し on home, resubmits ----------------------------------------------------------
    returned = last_mail_to("ken@example.jp")
    assert "差し戻" in returned.subject and "成果に登録者数の増加数を書いてください。" in returned.body
    page.goto(f"{base}/login/")
    page.get_by_label("ユーザー名").fill("ken")
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    checker.check("people-home-returned")
    page.get_by_role("link", name="差戻しを確認して修正").click()
    page.get_by_role("note").get_by_text("成果に登録者数の増加数を書いてください。").wait_for()
    results = page.locator("#items-results")
    count = results.locator("textarea").count()
    results.get_by_role("button", name=re.compile("項目を追加")).click()
    page.locator(f"#results-{count}").wait_for()
    htmx_settled(page)
    page.locator(f"#results-{count}").fill("ユーザー数は年間で1,392人増加しました。")
    page.get_by_role("button", name="提出", exact=True).click()
    page.get_by_text("の報告を提出しました").wait_for()
    logout(page)

    # --- HQ approves -------------------------------------------------------------------------------------------
    login(page, checker, base, "dave")
    page.get_by_role("link", name="審査待ち 1件").click()
    page.get_by_role("link", name=LINE, exact=True).click()
    page.get_by_label("最終評価（総合）").select_option(label="A：計画より早い、想定以上の効果を得た")
    page.get_by_label(re.compile("以外の概要")).fill("目標指標を大きく上回るユーザー登録数になりました。")
    page.get_by_role("button", name="承認する").click()
    page.get_by_text("承認しました").wait_for()
    logout(page)

    # --- DX staff preview the 案 and publish through the checklist ---------------------------------------------------
    login(page, checker, base, "alice")
    page.goto(f"{base}/{mid}/2024/cycle/")
    page.get_by_role("link", name=re.compile("公表前の確認へ進む")).click()
    page.wait_for_load_state()
    checker.check("people-publish-checklist")
    assert "すべての報告が承認されている" in page.content()
    assert page.get_by_role("link", name=re.compile("案")).count() > 0
    page.get_by_label(re.compile("内容を確認しました")).check()
    page.get_by_role("button", name=re.compile("の報告書を公表する")).click()
    page.get_by_text(re.compile("を公表しました（第1版）")).wait_for()
    checker.check("people-published")
    assert any("公表されました" in m.subject for m in mail.outbox if "ken@example.jp" in m.to)
