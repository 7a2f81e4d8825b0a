"""The plan workbook (計画シート) download: DX staff only; charlie gets nothing."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from openpyxl import load_workbook

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
