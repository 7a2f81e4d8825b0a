"""Times the department workbook (年度報告シート) and the plan workbook (計画シート): export, and import of an
unchanged and of an edited file (median of several runs); prints figures, asserts nothing.

    .venv/bin/python bench/bench_workbook.py [--runs 5]

Targets (issue 10, 2-core machine): one department's workbook ≤ 0.3 s each way; the whole seed (24
projects) ≤ 1 s. The edited import runs as ``--dry-run`` does (everything, then rolled back), so every run
saves the same changes: each indicator's actual and one new challenge per sheet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def setup_django() -> None:
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def timed(run: Any, runs: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def edited(content: bytes) -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content))
    for sheet in workbook.worksheets[1:-1]:
        keys = {sheet.cell(r, 8).value: r for r in range(1, sheet.max_row + 1)}
        sheet.cell(keys["section:challenges"] + 1, 2).value = "ベンチマークの課題"
        for key, row in keys.items():
            if str(key).startswith("indicator:"):
                sheet.cell(row, 4).value = "１２３"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django_scopes import scope

    from shinchoku.cycle.services import reporting_year_open
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.plans.models import Plan
    from shinchoku.workbooks.services import workbook_export, workbook_import

    call_command("migrate", verbosity=0)
    city = year_import(by=None, document=parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED))).municipality
    with scope(municipality=city.pk):
        plan = Plan.objects.get(municipality=city)
    reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)
    print(f"{args.runs} runs per figure, database: sqlite, cpus: {os.cpu_count()}")
    print(f"{'workbook':<28}{'step':<18}{'median':>10}{'cpu':>10}{'size':>10}  target")
    for label, department, target in (("企画政策課 (one department)", "企画政策課", 0.3), ("seed (all projects)", None, 1.0)):
        wall, cpu, content = timed(lambda d=department: workbook_export(municipality=city, fiscal_year=2024, department=d), args.runs)
        print(f"{label:<28}{'export':<18}{wall:>9.3f}s{cpu:>9.3f}s{len(content):>10,}  ≤ {target} s")
        wall, cpu, result = timed(lambda c=content: workbook_import(content=c, by=None), args.runs)
        assert not result.changed
        print(f"{label:<28}{'import unchanged':<18}{wall:>9.3f}s{cpu:>9.3f}s{'':>10}  ≤ {target} s")
        changed = edited(content)
        wall, cpu, result = timed(lambda c=changed: workbook_import(content=c, by=None, dry_run=True), args.runs)
        print(f"{label:<28}{'import edited':<18}{wall:>9.3f}s{cpu:>9.3f}s{'':>10}  ≤ {target} s"
              f"  ({len(result.reports_changed)} reports, {len(result.changes)} changes)")
    # The plan workbook (計画シート): the whole seed plan out, back in unchanged, edited, and into an empty
    # municipality (every row created), each import rolled back as --dry-run does.
    from shinchoku.workbooks.plan import plan_workbook_export
    from shinchoku.workbooks.plan_services import plan_workbook_import

    label = "plan workbook (whole plan)"
    wall, cpu, content = timed(lambda: plan_workbook_export(municipality=city), args.runs)
    print(f"{label:<28}{'export':<18}{wall:>9.3f}s{cpu:>9.3f}s{len(content):>10,}  ≤ 1.0 s")
    wall, cpu, result = timed(lambda: plan_workbook_import(content=content, by=None, dry_run=True), args.runs)
    assert not result.changed
    print(f"{label:<28}{'import unchanged':<18}{wall:>9.3f}s{cpu:>9.3f}s{'':>10}  ≤ 1.0 s")
    changed = edited_plan(content)
    wall, cpu, result = timed(lambda: plan_workbook_import(content=changed, by=None, dry_run=True), args.runs)
    print(f"{label:<28}{'import edited':<18}{wall:>9.3f}s{cpu:>9.3f}s{'':>10}  ≤ 1.0 s  ({len(result.changes)} changes)")
    fresh = renamed_city(content)
    wall, cpu, result = timed(lambda: plan_workbook_import(content=fresh, by=None, dry_run=True), args.runs)
    print(f"{label:<28}{'import new city':<18}{wall:>9.3f}s{cpu:>9.3f}s{'':>10}  ≤ 1.0 s"
          f"  ({sum(result.created.values())} rows created)")


def edited_plan(content: bytes) -> bytes:
    """Every project's overview and every actual of fiscal year 2024 changed."""
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content))
    projects = workbook["個別事業計画"]
    for row in range(2, projects.max_row + 1):
        projects.cell(row, 7).value = f"ベンチマークの概要{row}"
    values = workbook["目標値・実績"]
    for row in range(2, values.max_row + 1):
        if str(values.cell(row, 4).value) == "2024" and not values.cell(row, 7).value:
            values.cell(row, 6).value = "１２３"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def renamed_city(content: bytes) -> bytes:
    """The same plan as another municipality's (no code): every row is new."""
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content))
    workbook["自治体"]["B2"], workbook["自治体"]["C2"] = "ベンチ市", ""
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main()
