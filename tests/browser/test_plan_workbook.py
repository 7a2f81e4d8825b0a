"""The plan workbook (計画シート) in the browser: Alice (DX staff) opens it from 計画の管理, downloads the plan,
changes a project's overview and renames an indicator as in Excel (openpyxl), uploads, reads the preview
(before → after), confirms, and sees the plan updated. axe-core on every page, CSP and no external request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from shinchoku.plans.models import Indicator, Project
from shinchoku.tenancy.models import Membership, Municipality, Role

from .conftest import SHOTS
from .test_full_cycle import PASSWORD, Checker, login

pytestmark = pytest.mark.browser

LINE = "LINEによる情報発信"
OVERVIEW = "LINE公式アカウントで、市の情報を分野別に配信します。"


def alice(municipality: Municipality) -> None:
    with scopes_disabled():
        user = get_user_model().objects.create_user(username="alice", password=PASSWORD)
        Membership.objects.create(user=user, municipality=municipality, role=Role.DX_STAFF)


def edit(downloaded: Path, out: Path) -> tuple[str, str]:
    """The overview of LINE and the name of its first indicator changed; returns (old, new) indicator name."""
    workbook = load_workbook(downloaded)
    projects = workbook["個別事業計画"]
    row = next(r for r in range(2, projects.max_row + 1) if projects.cell(r, 2).value == LINE)
    projects.cell(row, 7).value = OVERVIEW
    indicators = workbook["目標指標"]
    row = next(r for r in range(2, indicators.max_row + 1) if indicators.cell(r, 2).value == LINE)
    old = indicators.cell(row, 3).value
    indicators.cell(row, 3).value = f"{old}（累計）"
    workbook.save(out)
    return old, f"{old}（累計）"


@pytest.mark.django_db(transaction=True)
def test_dx_staff_edit_the_plan_in_excel(live_server: Any, kashiwazaki: Municipality, browser_page: Any, tmp_path: Path) -> None:
    alice(kashiwazaki)
    try:
        walk(browser_page, live_server.url, kashiwazaki, tmp_path)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-plan-workbook-failure.png"), full_page=True)
        raise


def walk(page: Any, base: str, city: Municipality, tmp_path: Path) -> None:
    checker = Checker(page, base)
    login(page, checker, base, "alice")
    page.goto(f"{base}/{city.pk}/2023/plan/")
    page.get_by_role("link", name="計画シート（Excel）で編集").click()
    page.wait_for_load_state()
    checker.check("plan-workbook-upload")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="いまの計画を計画シート（Excel）に書き出す").click()
    downloaded = tmp_path / "plan.xlsx"
    download_info.value.save_as(downloaded)
    old, new = edit(downloaded, tmp_path / "edited.xlsx")

    page.get_by_label("計画シート（.xlsx）").set_input_files(tmp_path / "edited.xlsx")
    page.get_by_role("button", name="確認する").click()
    page.get_by_role("heading", name="変更の確認：柏崎市DX推進計画（2項目）").wait_for()
    checker.check("plan-workbook-preview")
    rows = {tuple(c.strip() for c in row.get_by_role("cell").all_inner_texts())
            for row in page.get_by_role("table").locator("tbody tr").all()}
    assert {(sheet, label, after) for sheet, _, label, _, _, after in rows} == {
        ("個別事業計画", "概要", OVERVIEW), ("目標指標", "指標名", new)}
    with scope(municipality=city):
        assert not Project.objects.filter(overview=OVERVIEW).exists()  # previewed, not saved

    page.get_by_role("button", name="この内容で取り込む").click()
    page.get_by_text("計画シートを取り込みました（2項目）").wait_for()
    checker.check("plan-workbook-imported")
    with scope(municipality=city):
        project = Project.objects.get(name=LINE)
        assert project.overview == OVERVIEW
        assert Indicator.objects.filter(project=project, name=new).exists()
        assert not Indicator.objects.filter(project=project, name=old).exists()
