"""The plan workbook (計画シート) download: DX staff only; charlie gets nothing."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope
from openpyxl import load_workbook

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]


def test_it_lets_dx_staff_download_the_plan_workbook(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    client = login(alice)
    assert f"/{city.pk}/plan-workbook/" in client.get(f"/{city.pk}/2024/projects/").content.decode()
    response = client.get(f"/{city.pk}/plan-workbook/")
    assert response.status_code == 200
    assert "個別事業計画" in load_workbook(BytesIO(response.content)).sheetnames


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "charlie"])
def test_it_refuses_the_plan_workbook_to_others(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, year_2024: Any
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(f"/{city.pk}/plan-workbook/").status_code in (403, 404)


def _edited(content: bytes, sheet: str, cell: str, value: str) -> BytesIO:
    workbook = load_workbook(BytesIO(content))
    workbook[sheet][cell] = value
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "plan.xlsx"
    return out


def test_it_lets_dx_staff_upload_preview_and_confirm_the_plan_workbook(
    login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any
) -> None:
    client = login(alice)
    assert f"/{city.pk}/plan-workbook/upload/" in client.get(f"/{city.pk}/2024/projects/").content.decode()
    content = client.get(f"/{city.pk}/plan-workbook/").content
    upload = f"/{city.pk}/plan-workbook/upload/"
    assert client.get(upload).status_code == 200
    unchanged = BytesIO(content)
    unchanged.name = "plan.xlsx"
    assert client.post(upload, {"workbook": unchanged}).status_code == 302  # no changes: back to the form
    preview = client.post(upload, {"workbook": _edited(content, "個別事業計画", "G2", "新しい概要です。")})
    html = preview.content.decode()
    assert preview.status_code == 200 and "変更の確認" in html and "新しい概要です。" in html
    with scope(municipality=city.pk):
        assert not Project.objects.filter(overview="新しい概要です。").exists()
    encoded = html.split('name="content" value="')[1].split('"')[0]
    done = client.post(upload, {"content": encoded, "file_name": "plan.xlsx", "confirm": "1"})
    assert done.status_code == 302
    with scope(municipality=city.pk):
        assert Project.objects.filter(overview="新しい概要です。").count() == 1
    assert AuditEntry.objects.with_scopes_disabled().filter(action="workbook.plan_imported", municipality=city).exists()


def test_it_shows_cell_precise_errors_in_japanese(login: Login, alice: AbstractBaseUser, city: Municipality, year_2024: Any) -> None:
    client = login(alice)
    content = client.get(f"/{city.pk}/plan-workbook/").content
    response = client.post(f"/{city.pk}/plan-workbook/upload/", {"workbook": _edited(content, "目標値・実績", "E2", "約100")})
    assert response.status_code == 400
    assert "シート「目標値・実績」セル E2：「約100」は数値ではありません。" in response.content.decode()


def test_it_offers_the_template(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).get(f"/{city.pk}/plan-workbook/template/")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content))["個別事業計画"]["A2"].value == "example"


def test_it_refuses_charlies_workbook_for_another_city(
    login: Login, alice: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality, other_city: Municipality,
    year_2024: Any,
) -> None:
    content = login(alice).get(f"/{city.pk}/plan-workbook/").content
    client = login(charlie)
    other = other_city
    response = client.post(f"/{other.pk}/plan-workbook/upload/", {"workbook": _edited(content, "個別事業計画", "G2", "x")})
    assert response.status_code == 400 and "のものではありません" in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "charlie"])
def test_it_refuses_the_upload_and_template_to_others(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, year_2024: Any
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(f"/{city.pk}/plan-workbook/upload/").status_code in (403, 404)
    assert client.get(f"/{city.pk}/plan-workbook/template/").status_code in (403, 404)
    assert client.post(f"/{city.pk}/plan-workbook/upload/", {"content": "eA==", "confirm": "1"}).status_code in (403, 404)
