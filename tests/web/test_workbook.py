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
