"""Times the seed import and the JSON export (median of several runs); prints figures, asserts nothing.

    .venv/bin/python bench/bench_import_export.py [--runs 7]

Targets (issue 2, 2-core machine): import ≤ 0.5 s, export ≤ 0.2 s. The import includes the year's rules,
re-evaluation, the audit rows and freezing publication version 1 (the snapshot). Uses a throwaway SQLite database
(or SHINCHOKU_DATABASE_URL when set, to measure PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
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
    from django.core.management import call_command
    from django_scopes import scope

    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.interchange.export import document_build

    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    text = SEED.read_text(encoding="utf-8")

    parse_times, first_import_times, reimport_times, export_times = [], [], [], []
    for run in range(args.runs):
        # Each run imports into a municipality of its own: published years are protected, never deleted.
        name = f"柏崎市{run}"
        start = time.perf_counter()
        document = parse_report_text(text, source=str(SEED))
        document["municipality"] = name
        parsed = time.perf_counter()
        result = year_import(document=document, by=None)
        loaded = time.perf_counter()
        again = parse_report_text(text, source=str(SEED))
        again["municipality"] = name
        year_import(document=again, by=None)
        reloaded = time.perf_counter()
        with scope(municipality=result.municipality):
            exported = document_build(municipality=result.municipality, fiscal_year=2023)
            json.dumps(exported, ensure_ascii=False, indent=2)
        done = time.perf_counter()
        parse_times.append(parsed - start)
        first_import_times.append(loaded - start)
        reimport_times.append(reloaded - loaded)
        export_times.append(done - reloaded)

    backend = "postgresql" if os.environ.get("SHINCHOKU_DATABASE_URL") else "sqlite"

    def row(name: str, values: list[float], target: float | None) -> None:
        median = statistics.median(values)
        verdict = "" if target is None else ("  ok" if median <= target else "  OVER TARGET")
        goal = "" if target is None else f"(target ≤ {target:.2f} s)"
        print(f"{name:<34} median {median * 1000:8.1f} ms  min {min(values) * 1000:8.1f} ms  {goal}{verdict}")

    print(f"seed: {SEED.name}, {args.runs} runs, database: {backend}")
    row("parse text", parse_times, None)
    row("import (parse + load, empty db)", first_import_times, 0.5)
    row("re-import (unchanged)", reimport_times, 0.5)
    row("export-json (build + serialise)", export_times, 0.2)


if __name__ == "__main__":
    main()
