"""The plan workbook (計画シート): the seed's whole plan as sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from openpyxl import load_workbook


def test_it_writes_the_seed_plan_as_sheets(kashiwazaki: Any, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    call_command("export-plan-workbook", municipality="柏崎市", out=out)
    workbook = load_workbook(out)
    assert workbook.sheetnames[:2] == ["説明", "自治体"] and "目標値・実績" in workbook.sheetnames
    assert workbook["_ids"].sheet_state == "hidden"
    indicators = workbook["目標指標"]
    assert indicators.column_dimensions["A"].hidden and indicators.max_row > 1
    assert all(str(row[0]).startswith("indicator:") for row in indicators.iter_rows(min_row=2, values_only=True))
