"""Times the official record: publishing a year and drawing a published report; prints figures, asserts nothing.

    .venv/bin/python bench/bench_record.py [--runs 5]

- publish: the seed's FY2023 reported through the workflow (every report approved), then
  ``reporting_year_publish`` (the snapshot) and the four formats drawn from it once (what a download then
  serves as stored). Target ≤ 3 s.
- draw: the published PDF drawn again from its snapshot (what the stored file is checked against), and a
  download served from storage.

Uses a throwaway SQLite database (or SHINCHOKU_DATABASE_URL when set, to measure PostgreSQL).
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
    parser.add_argument("--runs", type=int, default=5)
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

    from shinchoku.cycle.services import (
        report_approve,
        report_save,
        report_submit,
        reporting_year_open,
        reporting_year_publish,
    )
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.cycle.services.publication import publication_file, report_file
    from shinchoku.documents.render import FORMATS, render_document
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.plans.models import GradeDefinition, Plan, ProjectReport

    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    text = SEED.read_text(encoding="utf-8")

    publish_times, files_times, redraw_times, serve_times = [], [], [], []
    for run in range(args.runs):
        document = parse_report_text(text, source=str(SEED))
        document["municipality"] = f"柏崎市{run}"
        document["report"]["fiscal_year"] = 2024  # a year the cycle runs and publishes
        document["report"]["status"] = "draft"
        document["report"]["published"] = None
        municipality = year_import(document=document, by=None).municipality
        with scope(municipality=municipality):
            plan = Plan.objects.get(municipality=municipality)
            b = GradeDefinition.objects.get(municipality=municipality, code="B")
        year = reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)
        with scope(municipality=municipality):
            reports = list(ProjectReport.objects.filter(reporting_year=year).select_related("project__plan"))
            indicators = {r.pk: list(r.project.indicators.values_list("pk", flat=True)) for r in reports}
        for report in reports:
            report = report_save(
                report=report, by=None, expected_version=report.version, results=["成果"], challenges=["課題"],
                next_year=["次年度"], schedule_status="on_schedule", department_grade=b,
                actuals={i: "該当なし" for i in indicators[report.pk]},
            )
            report = report_submit(report=report, by=None)
            report_approve(report=report, by=None, final_grade=b, rationale="総合的に判断しました。")
        start = time.perf_counter()
        publication = reporting_year_publish(year=year, by=None)
        published = time.perf_counter()
        with scope(municipality=municipality):
            for format in FORMATS:
                publication_file(publication=publication, format=format)
        drawn = time.perf_counter()
        render_document(publication.document, "pdf", draft=False)  # type: ignore[arg-type]
        redrawn = time.perf_counter()
        report_file(municipality=municipality, fiscal_year=2024, format="pdf")
        served = time.perf_counter()
        publish_times.append(drawn - start)
        files_times.append(drawn - published)
        redraw_times.append(redrawn - drawn)
        serve_times.append(served - redrawn)

    backend = "postgresql" if os.environ.get("SHINCHOKU_DATABASE_URL") else "sqlite"

    def row(name: str, values: list[float], target: float | None) -> None:
        median = statistics.median(values)
        verdict = "" if target is None else ("  ok" if median <= target else "  OVER TARGET")
        goal = "" if target is None else f"(target ≤ {target:.2f} s)"
        print(f"{name:<44} median {median * 1000:8.1f} ms  min {min(values) * 1000:8.1f} ms  {goal}{verdict}")

    print(f"seed: {SEED.name} as an open FY2024 with {len(reports)} approved reports, {args.runs} runs, database: {backend}")
    row("publish (snapshot + 4 formats drawn)", publish_times, 3.0)
    row("  of which drawing the 4 formats", files_times, None)
    row("draw the published PDF from its snapshot", redraw_times, None)
    row("download the published PDF (from storage)", serve_times, None)


if __name__ == "__main__":
    main()
