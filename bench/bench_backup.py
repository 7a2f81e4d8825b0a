"""Times backup and restore of the seed database with one open cycle (median of several runs); prints figures,
asserts nothing.

    .venv/bin/python bench/bench_backup.py [--runs 7]
    SHINCHOKU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shinchoku_bench .venv/bin/python bench/bench_backup.py

Targets (2-core machine): backup ≤ 2 s, restore ≤ 2 s. Uses a throwaway SQLite database (or
SHINCHOKU_DATABASE_URL when set, to measure PostgreSQL — that database is emptied, use one of your own). The
restore goes into the same database after every backed-up table is emptied, which is what a freshly migrated
database looks like to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    # A throwaway process: a key of its own, as production settings require one.
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope, scopes_disabled

    from shinchoku.backup.coverage import backed_up_models
    from shinchoku.backup.services import backup_restore, backup_write
    from shinchoku.cycle.services import reporting_year_open
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.plans.models import Plan
    from shinchoku.tenancy.models import Membership, Role

    data_dir = Path(os.environ["SHINCHOKU_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)

    def empty() -> None:
        # One transaction: the foreign keys are deferred, so the order of the deletes does not matter.
        with transaction.atomic(), connection.cursor() as cursor:
            for model in reversed(backed_up_models()):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    empty()
    municipality = year_import(by=None, document=parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED))).municipality
    with scope(municipality=municipality):
        plan = Plan.objects.get(municipality=municipality)
    for name, role in (("dx", Role.DX_STAFF), ("hq", Role.HQ_REVIEWER), ("viewer", Role.VIEWER)):
        user = get_user_model().objects.create_user(username=name, password="shinchoku-demo")
        with scopes_disabled():
            Membership.objects.create(user=user, municipality=municipality, role=role)
    reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)

    out = data_dir / "bench.json.gz"
    backup_times, restore_times = [], []
    summary = None
    for _ in range(args.runs):
        start = time.perf_counter()
        summary = backup_write(out=out)
        backup_times.append(time.perf_counter() - start)
        empty()
        start = time.perf_counter()
        backup_restore(path=out)
        restore_times.append(time.perf_counter() - start)

    def row(name: str, values: list[float], target: float) -> None:
        median = statistics.median(values)
        verdict = "  ok" if median <= target else "  OVER TARGET"
        print(f"{name:<34} median {median * 1000:8.1f} ms  min {min(values) * 1000:8.1f} ms  (target ≤ {target:.2f} s){verdict}")

    backend = connection.vendor
    assert summary is not None
    print(f"seed + FY2024 open: {summary.rows} rows in {len(summary.counts)} tables, file {summary.size:,} bytes; "
          f"{args.runs} runs, database: {backend}")
    row("backup (snapshot + write file)", backup_times, 2.0)
    row("restore (check + load + sequences)", restore_times, 2.0)


if __name__ == "__main__":
    main()
