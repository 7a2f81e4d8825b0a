"""The department workbook (年度報告シート) in the browser: Bob of 企画政策課 downloads it from his home page, fills
it in as Excel would (openpyxl: a full-width number typed as text, a number cell, a new line of results), is
refused a text in a number cell with the cell named, then uploads, reads the preview (before → after), confirms,
and sees the report updated. axe-core on every page, CSP and no external request.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import reporting_year_open
from shinchoku.plans.models import Plan, ProjectReport
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

from .conftest import SHOTS
from .test_full_cycle import PASSWORD, Checker, login

pytestmark = pytest.mark.browser

ONLINE = "行政手続のオンライン化"
RATE = "手続総件数に対するオンライン化率"
USE = "オンライン化した手続のオンライン利用率"
RESULT = "子育て関連の申請10件をオンライン化しました。"
KEY_COLUMN = 8  # H: the hidden row keys the import reads


def bob(municipality: Municipality) -> None:
    with scopes_disabled():
        user = get_user_model().objects.create_user(username="bob", password=PASSWORD)
        membership = Membership.objects.create(user=user, municipality=municipality, role=Role.DEPARTMENT_EDITOR)
        membership.departments.set(Department.objects.filter(municipality=municipality, name="企画政策課"))


def online_report(municipality: Municipality) -> ProjectReport:
    with scope(municipality=municipality):
        return ProjectReport.objects.select_related("project").get(project__name=ONLINE, fiscal_year=2024)


def imports(municipality: Municipality) -> list[AuditEntry]:
    with scope(municipality=municipality):
        return list(AuditEntry.objects.filter(action="workbook.imported").select_related("actor"))


def key_row(sheet: Any, key: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, KEY_COLUMN).value == key)


def fill(downloaded: Path, out: Path, *, rate: Any, use: Any) -> Path:
    """The workbook as a person fills it: two actuals and one more line of results; returns ``out``."""
    workbook = load_workbook(downloaded)
    sheet = workbook[ONLINE]
    indicators = key_row(sheet, "section:indicators")
    assert sheet.cell(indicators + 1, 2).value == RATE and sheet.cell(indicators + 2, 2).value == USE
    sheet.cell(indicators + 1, 4).value = rate
    sheet.cell(indicators + 2, 4).value = use
    results = key_row(sheet, "section:results")
    free = next(r for r in range(results + 1, sheet.max_row + 1) if not sheet.cell(r, 2).value)
    assert sheet.cell(free, KEY_COLUMN).value is None  # still inside the results, not the next section
    sheet.cell(free, 2).value = RESULT
    sheet.cell(next(r for r in range(1, sheet.max_row + 1)
                    if str(sheet.cell(r, KEY_COLUMN).value or "").startswith("schedule:")), 4).value = "計画どおり"
    sheet.cell(key_row(sheet, "department_grade"), 4).value = "B"
    workbook.save(out)
    return out


@pytest.mark.django_db(transaction=True)
def test_a_department_does_its_report_in_excel_and_sees_it_updated(
    live_server: Any, kashiwazaki: Municipality, browser_page: Any, tmp_path: Path
) -> None:
    bob(kashiwazaki)
    with scope(municipality=kashiwazaki):
        plan = Plan.objects.get(municipality=kashiwazaki)
    reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date.today() + dt.timedelta(days=30), by=None)
    try:
        walk(browser_page, live_server.url, kashiwazaki, tmp_path)
    except Exception:
        browser_page.screenshot(path=str(SHOTS / "zz-workbook-failure.png"), full_page=True)
        raise


def walk(page: Any, base: str, city: Municipality, tmp_path: Path) -> None:
    checker = Checker(page, base)
    before = online_report(city)
    assert before.version == 1 and RESULT not in before.results

    # --- Bob downloads his department's workbook from his home page --------------------------------------------
    login(page, checker, base, "bob")
    assert page.url == f"{base}/{city.pk}/"
    checker.check("workbook-home-bob")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="年度報告シート（Excel）を書き出す").click()
    download = download_info.value
    assert download.suggested_filename == "年度報告シート_2024_柏崎市.xlsx"
    downloaded = tmp_path / "downloaded.xlsx"
    download.save_as(downloaded)
    assert ONLINE in load_workbook(downloaded, read_only=True).sheetnames

    # --- a text in a number cell: refused with its cell, nothing saved ---------------------------------------------
    wrong = fill(downloaded, tmp_path / "wrong.xlsx", rate="約100", use=9.4)
    row = key_row(load_workbook(wrong)[ONLINE], "section:indicators") + 1
    page.get_by_role("link", name="記入した年度報告シートを取り込む").click()
    page.wait_for_load_state()
    checker.check("workbook-upload")
    page.get_by_label("年度報告シート").set_input_files(wrong)
    page.get_by_role("button", name="確認する").click()
    page.get_by_role("alert").wait_for()
    alert = page.get_by_role("alert").inner_text()
    assert "取り込めませんでした（何も保存していません）" in alert
    assert f"シート「{ONLINE}」セル D{row}：「約100」は数値ではありません。" in alert
    checker.check("workbook-refused")
    refused = online_report(city)
    assert (refused.version, refused.results, refused.updated_at) == (before.version, before.results, before.updated_at)
    assert not imports(city)

    # --- the filled workbook: preview before → after, then confirm ------------------------------------------------
    filled = fill(downloaded, tmp_path / "filled.xlsx", rate="３５．５", use=9.4)  # full-width, as typed in Excel
    page.get_by_label("年度報告シート").set_input_files(filled)
    page.get_by_role("button", name="確認する").click()
    page.get_by_role("heading", name="変更の確認（1件の報告）").wait_for()
    checker.check("workbook-preview")
    rows = {
        tuple(c.strip() for c in row.get_by_role("cell").all_inner_texts())
        for row in page.get_by_role("table").locator("tbody tr").all()
    }
    # Every field the workbook changed, nothing else; the before of an empty field reads "—", lists read as items.
    assert {(label, was, now) for sheet, label, was, now in rows if sheet == ONLINE} >= {
        ("主な取組と成果", "—", RESULT),
        ("担当部署の評価", "—", "B"),
        (f"実績（{RATE}）", "—", "35.5"),
        (f"実績（{USE}）", "—", "9.4"),
    }
    assert len(rows) == 5 and any(label == "スケジュールの進捗" and now == "計画どおり" for _, label, _, now in rows)
    assert online_report(city).version == before.version  # previewed, not saved
    page.get_by_role("button", name="この内容で取り込む").click()
    page.get_by_text("年度報告シートを取り込みました（1件の報告）").wait_for()
    checker.check("workbook-imported")
    after = online_report(city)
    assert after.version == before.version + 1 and RESULT in after.results
    assert [entry.actor.username for entry in imports(city)] == ["bob"]

    # --- the report page shows the new values --------------------------------------------------------------------
    page.goto(f"{base}/{city.pk}/2024/projects/{after.project_id}/")
    report = page.locator("section[aria-labelledby=h-report]")
    report.get_by_text(RESULT).wait_for()
    indicators = page.locator("table[aria-labelledby=h-indicators]")
    headers = [h.strip() for h in indicators.locator("thead th").all_inner_texts()]
    fy2024 = next(i for i, text in enumerate(headers) if re.search(r"R6|2024", text))
    for name, shown in ((RATE, "35.5%"), (USE, "9.4%")):
        actual_row = indicators.locator("tbody tr").filter(has_text=name).locator("xpath=following-sibling::tr[1]")
        cells = [c.strip() for c in actual_row.locator("td").all_inner_texts()]
        assert cells[fy2024 - 2] == shown, (name, headers, cells)  # the year columns follow 指標 and 区分
    checker.check("workbook-report")
