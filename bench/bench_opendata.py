"""Streams the national data package (/p/datapackage.json) with 1,741 published municipalities; prints the time,
the size and the peak traced memory at several municipality counts (flat memory = constant in the count).
Asserts nothing.

    .venv/bin/python bench/bench_opendata.py [--municipalities 1741]
    SHINCHOKU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shinchoku_bench .venv/bin/python bench/bench_opendata.py

Uses a throwaway SQLite database (or SHINCHOKU_DATABASE_URL, which is then filled: use one of your own). The
synthetic municipalities are bulk_create copies of the seed's plan, year and publication (its frozen snapshot).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", type=int, default=1741)
    args = parser.parse_args()
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    os.environ.setdefault("SHINCHOKU_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_scopes import scopes_disabled

    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.plans.models import Plan, Publication, ReportingYear
    from shinchoku.tenancy.models import Municipality

    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    seed = year_import(by=None, document=parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED)))
    with scopes_disabled():
        Municipality.objects.filter(pk=seed.municipality.pk).update(code="100000")
        plan = Plan.objects.get(municipality=seed.municipality)
        year = ReportingYear.objects.get(plan=plan)
        publication = Publication.objects.get(reporting_year=year)

    def add(count: int, start: int) -> None:
        with scopes_disabled():
            municipalities = Municipality.objects.bulk_create(
                [Municipality(name=f"合成市{n:04d}", code=f"{100000 + n:06d}") for n in range(start, start + count)]
            )
            plans = []
            for municipality in municipalities:
                p = copy.copy(plan)
                p.pk, p.id, p.municipality_id = None, None, municipality.pk
                plans.append(p)
            plans = Plan.objects.bulk_create(plans)
            years = []
            for p in plans:
                y = copy.copy(year)
                y.pk, y.id, y.plan_id = None, None, p.pk
                years.append(y)
            years = ReportingYear.objects.bulk_create(years)
            publications = []
            for y in years:
                v = copy.copy(publication)
                v.pk, v.id, v.reporting_year_id = None, None, y.pk
                publications.append(v)
            Publication.objects.bulk_create(publications, batch_size=200)

    def stream() -> tuple[float, int, int]:
        tracemalloc.start()
        started = time.perf_counter()
        response = Client().get("/p/datapackage.json")
        size = sum(len(chunk) for chunk in response.streaming_content)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return elapsed, size, peak

    total = 1
    print(f"{'municipalities':>14} {'seconds':>8} {'MB out':>8} {'peak MiB':>9}")
    for target in sorted({10, 100, 500, args.municipalities}):
        if target > total:
            add(target - total, total)
            total = target
        elapsed, size, peak = stream()
        print(f"{total:>14} {elapsed:>8.2f} {size / 1e6:>8.1f} {peak / 2**20:>9.1f}")


if __name__ == "__main__":
    main()
