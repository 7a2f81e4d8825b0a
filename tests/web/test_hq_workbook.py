"""The HQ meeting workbook (本部会議資料): DX staff and HQ download it from the cycle page; nobody else."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.hq_meeting import HEADER

Login = Callable[[AbstractBaseUser], Client]


def _content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_it_lets_dx_and_hq_download_the_meeting_workbook(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, year_2024: Any
) -> None:
    client = login(request.getfixturevalue(who))
    assert f"/{city.pk}/2024/hq-workbook/" in client.get(f"/{city.pk}/2024/cycle/").content.decode()
    response = client.get(f"/{city.pk}/2024/hq-workbook/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(BytesIO(_content(response)))["本部会議資料"]
    assert sheet["A1"].value.startswith("令和6（2024）年度 本部会議資料")
    assert [c.value for c in sheet[3]] == HEADER
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:J")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows and all(row[2] and row[9] for row in rows)  # every project named, with its state label


@pytest.mark.parametrize("who", ["bob", "erin", "charlie"])
def test_it_refuses_the_meeting_workbook_to_others(
    who: str, request: pytest.FixtureRequest, login: Login, city: Municipality, year_2024: Any
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(f"/{city.pk}/2024/hq-workbook/").status_code in (403, 404)
    assert "hq-workbook" not in client.get(f"/{city.pk}/2024/cycle/").content.decode()


def test_it_writes_the_meeting_workbook_on_the_cli(city: Municipality, year_2024: Any, tmp_path: Path) -> None:
    out = tmp_path / "hq.xlsx"
    call_command("export-hq-workbook", municipality=city.name, fiscal_year=2024, out=out)
    sheet = load_workbook(out)["本部会議資料"]
    assert sheet.max_row > 3 and sheet["J4"].value


def test_it_refuses_a_year_that_does_not_exist_on_the_cli(city: Municipality, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("export-hq-workbook", municipality=city.name, fiscal_year=2031, out=tmp_path / "x.xlsx")
    assert exc.value.code == 2 and not (tmp_path / "x.xlsx").exists()
