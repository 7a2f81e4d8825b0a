"""The department workbook in the web: download per department, upload, preview (before → after), confirm."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope
from openpyxl import load_workbook

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Department, Municipality

Login = Callable[[AbstractBaseUser], Client]
LINE = "LINEによる情報発信"


def _indicator_row(sheet: Any) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 8).value == "section:indicators") + 1


def _filled(content: bytes, actual: str) -> BytesIO:
    workbook = load_workbook(BytesIO(content))
    workbook[LINE].cell(_indicator_row(workbook[LINE]), 4).value = actual
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "line.xlsx"
    return out


def test_it_lets_a_department_download_fills_previews_and_confirms(
    login: Login, gina: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: Callable[..., Any]
) -> None:
    client = login(gina)
    assert f"/{city.pk}/2024/workbook/upload/" in client.get(f"/{city.pk}/2024/projects/").content.decode()
    response = client.get(f"/{city.pk}/2024/workbook/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert load_workbook(BytesIO(content)).sheetnames == ["説明", LINE, "_ids"]  # her own project only

    preview = client.post(f"/{city.pk}/2024/workbook/upload/", {"workbook": _filled(content, "１７,０００")})
    html = preview.content.decode()
    assert preview.status_code == 200 and "変更の確認（1件の報告）" in html
    assert "実績（公式アカウント追加ユーザー数（累計））" in html and "17000" in html
    assert report_of(LINE).version == 1  # previewed, not saved
    encoded = html.split('name="content" value="')[1].split('"')[0]

    done = client.post(f"/{city.pk}/2024/workbook/upload/",
                       {"content": encoded, "file_name": "line.xlsx", "confirm": "1"}, follow=True)
    assert done.status_code == 200 and done.redirect_chain[-1][0] == f"/{city.pk}/2024/projects/"
    assert "年度報告シートを取り込みました（1件の報告）" in done.content.decode()
    assert report_of(LINE).version == 2
    with scope(municipality=city):
        assert AuditEntry.objects.get(action="workbook.imported").actor == gina

def test_it_lists_the_import_in_the_audit_log(
    login: Login, gina: AbstractBaseUser, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    client = login(gina)
    content = client.get(f"/{city.pk}/2024/workbook/").content
    preview = client.post(f"/{city.pk}/2024/workbook/upload/", {"workbook": _filled(content, "1")}).content.decode()
    encoded = preview.split('name="content" value="')[1].split('"')[0]
    client.post(f"/{city.pk}/2024/workbook/upload/", {"content": encoded, "file_name": "line.xlsx", "confirm": "1"})
    html = login(alice).get(f"/{city.pk}/audit/?kind=workbook.").content.decode()
    assert "年度報告シートを取込み" in html


def test_it_shows_cell_precise_errors_in_japanese(
    login: Login, gina: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: Callable[..., Any]
) -> None:
    client = login(gina)
    content = client.get(f"/{city.pk}/2024/workbook/").content
    row = _indicator_row(load_workbook(BytesIO(content))[LINE])
    response = client.post(f"/{city.pk}/2024/workbook/upload/", {"workbook": _filled(content, "約100")})
    assert response.status_code == 400
    assert f"シート「{LINE}」セル D{row}：「約100」は数値ではありません。" in response.content.decode()
    assert report_of(LINE).version == 1


def test_it_refuses_a_workbook_of_projects_the_user_may_not_edit(
    login: Login, gina: AbstractBaseUser, frank: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    content = login(gina).get(f"/{city.pk}/2024/workbook/").content
    response = login(frank).post(f"/{city.pk}/2024/workbook/upload/", {"workbook": _filled(content, "1")})
    assert response.status_code == 400
    assert f"シート「{LINE}」：この報告を編集する権限がありません。" in response.content.decode()


def test_it_offers_dx_staff_one_workbook_per_department(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    client = login(alice)
    with scope(municipality=city):
        somu = Department.objects.get(name="総務課")
    assert f"/{city.pk}/2024/workbook/?department={somu.pk}" in client.get(f"/{city.pk}/2024/cycle/").content.decode()
    content = client.get(f"/{city.pk}/2024/workbook/?department={somu.pk}").content
    assert load_workbook(BytesIO(content)).sheetnames == ["説明", "電子文書管理・電子決裁システム導入", "電子契約システム導入", "_ids"]


def test_it_gives_a_viewer_nothing_to_download(login: Login, erin: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    response = login(erin).get(f"/{city.pk}/2024/workbook/", follow=True)
    assert "書き出せる（編集できる）報告がありません。" in response.content.decode()


def test_it_hides_everything_from_charlie(login: Login, charlie: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    client = login(charlie)
    assert client.get(f"/{city.pk}/2024/workbook/").status_code == 404
    assert client.get(f"/{city.pk}/2024/workbook/upload/").status_code == 404


def test_it_refuses_a_workbook_of_another_year_on_this_page(
    login: Login, gina: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: Callable[..., Any]
) -> None:
    client = login(gina)
    content = client.get(f"/{city.pk}/2024/workbook/").content
    response = client.post(f"/{city.pk}/2023/workbook/upload/", {"workbook": _filled(content, "1")})
    assert response.status_code == 400
    assert "シート「_ids」セル E2：この自治体・年度の年度報告シートではありません。" in response.content.decode()
    assert report_of(LINE).version == 1


SHIN_KOTSU = "新交通システムの構築"


def _completed(content: bytes) -> BytesIO:
    """Bob's sheets filled in with all that submission needs, as a department does it in Excel."""
    workbook = load_workbook(BytesIO(content))
    for sheet in workbook.worksheets[1:-1]:  # between 説明 and _ids
        key = {sheet.cell(r, 8).value: r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 8).value}
        for section in ("results", "challenges", "next_year"):
            sheet.cell(key[f"section:{section}"] + 1, 2).value = "取組を進めました。"
        for r in range(1, sheet.max_row + 1):
            if str(sheet.cell(r, 8).value or "").startswith("indicator:"):
                sheet.cell(r, 4).value = "該当なし"
        sheet.cell(next(r for k, r in key.items() if k.startswith("schedule:")), 4).value = "計画どおり"
        sheet.cell(key["department_grade"], 4).value = "B"
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "shin_kotsu.xlsx"
    return out


def test_it_submits_after_importing_when_asked_kept_through_the_confirm_step(
    login: Login, bob: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: Callable[..., Any]
) -> None:
    client = login(bob)
    form = client.get(f"/{city.pk}/2024/workbook/upload/").content.decode()
    assert 'name="also_submit"' in form and "取り込んだ後、提出もする" in form
    content = client.get(f"/{city.pk}/2024/workbook/").content
    sheets = load_workbook(BytesIO(content)).sheetnames[1:-1]
    assert SHIN_KOTSU in sheets
    preview = client.post(f"/{city.pk}/2024/workbook/upload/", {"workbook": _completed(content), "also_submit": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200 and f"変更の確認（{len(sheets)}件の報告、{len(sheets)}件の報告を提出）" in html
    assert "<td>状態</td><td>作成中</td><td>提出済み</td>" in html
    assert 'name="also_submit" value="1"' in html and "この内容で取り込んで提出する" in html
    assert report_of(SHIN_KOTSU).state == "draft"  # previewed, nothing saved or submitted
    encoded = html.split('name="content" value="')[1].split('"')[0]

    done = client.post(f"/{city.pk}/2024/workbook/upload/",
                       {"content": encoded, "file_name": "shin_kotsu.xlsx", "confirm": "1", "also_submit": "1"},
                       follow=True)
    n = len(sheets)
    assert f"年度報告シートを取り込みました（{n}件の報告、{n}件の報告を提出しました）" in done.content.decode()
    reports = [report_of(name) for name in sheets]
    assert {r.state for r in reports} == {"submitted"} and reports[0].results == ["取組を進めました。"]
    with scope(municipality=city):
        assert {(e.object_id, e.actor) for e in AuditEntry.objects.filter(action="report.submitted")} == {
            (r.pk, bob) for r in reports
        }
        assert sorted(AuditEntry.objects.get(action="workbook.imported").after["submitted"]) == sorted(
            r.pk for r in reports
        )


def test_it_refuses_to_submit_an_incomplete_sheet_and_saves_nothing(
    login: Login, bob: AbstractBaseUser, city: Municipality, year_2024: Any, report_of: Callable[..., Any]
) -> None:
    client = login(bob)
    content = client.get(f"/{city.pk}/2024/workbook/").content
    workbook = load_workbook(BytesIO(content))
    sheet = workbook[SHIN_KOTSU]
    sheet.cell(next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 8).value == "comment"), 2).value = "途中です"
    upload = BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "shin_kotsu.xlsx"
    response = client.post(f"/{city.pk}/2024/workbook/upload/", {"workbook": upload, "also_submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"シート「{SHIN_KOTSU}」：提出できません。不足している項目：主な取組と成果" in html
    assert 'name="also_submit" value="1" aria-describedby="submit-hint" checked' in html  # still asked
    report = report_of(SHIN_KOTSU)
    assert (report.state, report.version, report.department_comment) == ("draft", 1, "")


def test_it_gives_charlie_nothing_to_submit(
    login: Login, bob: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality, year_2024: Any,
    report_of: Callable[..., Any],
) -> None:
    content = login(bob).get(f"/{city.pk}/2024/workbook/").content
    response = login(charlie).post(f"/{city.pk}/2024/workbook/upload/",
                                   {"workbook": _completed(content), "also_submit": "1", "confirm": "1"})
    assert response.status_code == 404
    report = report_of(SHIN_KOTSU)
    assert (report.state, report.version) == ("draft", 1)
    with scope(municipality=city):
        assert not AuditEntry.objects.filter(action__in=["workbook.imported", "report.submitted"]).exists()
