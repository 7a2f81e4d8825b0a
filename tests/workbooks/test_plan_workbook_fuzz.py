"""No plan workbook breaks the import: random damage to an exported one is either loaded or refused with
cells, and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import random
from io import BytesIO
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope
from openpyxl import load_workbook

from shinchoku.plans.models import Indicator, IndicatorValue, Pillar, Project
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.plan import plan_workbook_export
from shinchoku.workbooks.plan_services import WorkbookInvalid, plan_workbook_import

NASTY: list[Any] = [
    "", " ", "約100", "１２３", "-1", "1e400", "9" * 30, "0.1234567", "=SUM(A1:A3)", "令和100年度", "R5", "2023-13",
    "\u202e逆", "→", "あ" * 5000, "A", "○", "×", "高いほどよい", "低いほど", 2.5, -3, 10**20, True,
    dt.datetime(2024, 3, 1), dt.date(1800, 1, 1), None,
]
SHEETS = ["自治体", "計画", "改定", "評価基準", "達成率の基準", "柱・施策", "個別事業計画", "スケジュール", "目標指標",
          "目標値・実績", "検討中の施策"]


def _damage(content: bytes, rng: random.Random) -> bytes:
    workbook = load_workbook(BytesIO(content))
    for _ in range(rng.randint(1, 4)):
        sheet = workbook[rng.choice(SHEETS)]
        action = rng.random()
        if action < 0.75:
            row, column = rng.randint(1, max(sheet.max_row, 2) + 1), rng.randint(1, sheet.max_column + 1)
            sheet.cell(row, column).value = rng.choice(NASTY)
        elif action < 0.85 and sheet.max_row > 1:
            sheet.delete_rows(rng.randint(2, sheet.max_row))
        elif action < 0.92:
            sheet.insert_rows(rng.randint(2, sheet.max_row + 1))
        elif action < 0.97:
            sheet.delete_cols(rng.randint(1, sheet.max_column))
        else:
            del workbook[sheet.title]
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _counts(municipality: Municipality) -> tuple[int, ...]:
    with scope(municipality=municipality.pk):
        return tuple(m.objects.count() for m in (Pillar, Project, Indicator, IndicatorValue))


@pytest.mark.parametrize("seed", range(12))
def test_it_loads_or_refuses_damaged_workbooks_and_a_refusal_writes_nothing(seed: int, kashiwazaki: Municipality) -> None:
    rng = random.Random(seed)
    exported = plan_workbook_export(municipality=kashiwazaki)
    for _ in range(4):
        damaged = _damage(exported, rng)
        before = _counts(kashiwazaki)
        try:
            plan_workbook_import(content=damaged, by=None)
        except WorkbookInvalid as exc:
            assert exc.errors and all(english and japanese for english, japanese in exc.errors)
            assert all(e.startswith(("sheet '", "not a readable", "you may")) for e, _ in exc.errors), exc.errors
            assert _counts(kashiwazaki) == before
        call_command("check", verbosity=0)
