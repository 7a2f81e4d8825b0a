"""Times the audit-log CSV export and measures its peak Python memory at two log sizes, to show the export
streams (flat memory) rather than loading the log; prints figures, asserts nothing.

    .venv/bin/python bench/bench_audit_export.py [--sizes 2000 20000]
    SHINCHOKU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shinchoku_bench .venv/bin/python bench/bench_audit_export.py

Uses a throwaway SQLite database (or SHINCHOKU_DATABASE_URL when set — use one of your own).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


class _Sink(io.TextIOBase):
    """Counts what is written and keeps nothing, so the figure is the exporter's memory, not the file's."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scope

    from shinchoku.cycle.audit_export import write_csv
    from shinchoku.cycle.models import AuditEntry
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.plans.models import Project

    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    municipality = year_import(
        by=None, document=parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED))
    ).municipality
    with scope(municipality=municipality):
        project = Project.objects.first()
        have = AuditEntry.objects.filter(municipality=municipality).count()
        for size in sorted(args.sizes):
            AuditEntry.objects.bulk_create(
                (AuditEntry(municipality=municipality, project=project, action="plan.project.moved",
                            object_type="plans.project", object_repr="事業" * 10,
                            before={"position": i, "neighbour": "隣の事業" * 5}, after={"position": i + 1, "direction": "up"})
                 for i in range(size - have)),
                batch_size=1000,
            )
            have = size
            sink = _Sink()
            tracemalloc.start()
            start = time.perf_counter()
            rows = write_csv(sink, municipality=municipality)
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{rows:>7} entries: {elapsed:6.2f} s, {rows / elapsed:8.0f} rows/s, "
                  f"peak Python memory {peak / 1e6:6.2f} MB, {sink.chars / 1e6:6.2f} M characters written")


if __name__ == "__main__":
    main()
