"""Times the progress report in every format (median of several runs); prints figures, asserts nothing.

    .venv/bin/python bench/bench_reports.py [--runs 5]

Targets (2-core machine): PDF ≤ 0.6 s (ReportLab; it was ≤ 2 s with WeasyPrint), DOCX ≤ 0.5 s, XLSX ≤ 0.3 s,
HTML ≤ 0.2 s, PDF peak memory ≤ 300 MB. Each figure is the whole ``render_report`` call (database → document
→ file), as the view and the command run it. ``pdf-wp`` is the same document printed from the HTML by
WeasyPrint (``render_pdf_weasyprint``, kept for comparison; informational). Then the same for a synthetic
plan four times the seed (96 projects), and LibreOffice's DOCX → PDF conversion when ``soffice`` is on PATH.

Memory: the peak resident set size of a fresh child process that sets Django up and renders the PDF once,
read from ``VmHWM`` in /proc/self/status (not ``getrusage().ru_maxrss``: Linux carries that over ``execve``,
so a child would report the parent's peak); printed with the child's peak before rendering, so the
rendering's own share is visible.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"
FORMATS = ("pdf", "pdf-wp", "docx", "xlsx", "html")
TARGETS = {"pdf": 0.6, "pdf-wp": 2.0, "docx": 0.5, "xlsx": 0.3, "html": 0.2}
SYNTHETIC = "ベンチ市"


def setup_django() -> None:
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    sys.path.insert(0, str(REPO))
    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def synthetic_document(document: Any, factor: int = 4) -> Any:
    """The seed's plan with every project copied ``factor - 1`` times under new names, in another city."""
    big = copy.deepcopy(document)
    big["municipality"] = SYNTHETIC
    projects = []
    for project in document["projects"]:
        projects.append(copy.deepcopy(project))
        for k in range(2, factor + 1):
            twin = copy.deepcopy(project)
            twin["name"] = f"{project['name']}（その{k}）"
            projects.append(twin)
    big["projects"] = projects
    return big


def child_peak_rss(municipality: str) -> None:
    """Runs in a child process: peak RSS before and after rendering one PDF, as JSON on stdout."""

    def peak_kb() -> int:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))

    setup_django()
    from shinchoku.documents.render import render_report
    from shinchoku.tenancy.selectors import municipality_get

    found = municipality_get(name=municipality)
    assert found is not None
    import shinchoku.documents.pdf_reportlab  # noqa: F401  (imported before the baseline: it includes the library)

    before = peak_kb()
    start = time.perf_counter()
    data, _, _ = render_report(municipality=found, fiscal_year=2023, format="pdf")
    elapsed = time.perf_counter() - start
    peak = peak_kb()
    print(json.dumps({"before_kb": before, "peak_kb": peak, "bytes": len(data), "seconds": elapsed}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child-peak-rss", metavar="MUNICIPALITY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_peak_rss:
        child_peak_rss(args.child_peak_rss)
        return

    setup_django()
    from django.core.management import call_command

    from shinchoku.documents.model import build_report
    from shinchoku.documents.pdf import render_pdf_weasyprint
    from shinchoku.documents.render import render_report, report_document
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.interchange.load import document_load

    call_command("migrate", verbosity=0)
    seed = parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED))
    cities = {
        "seed (24 projects)": document_load(document=copy.deepcopy(seed)).municipality,
        "4x seed (96 projects)": document_load(document=synthetic_document(seed)).municipality,
    }
    out_dir = Path(tempfile.mkdtemp(prefix="shinchoku-bench-out-"))
    print(f"{args.runs} runs per figure, database: sqlite, cpus: {os.cpu_count()}")
    print(f"{'plan':<24}{'format':<8}{'median':>10}{'min':>10}{'size':>12}  target")
    outputs: dict[tuple[str, str], Path] = {}
    for label, city in cities.items():
        for fmt in FORMATS:
            times: list[float] = []
            data = b""
            for _ in range(args.runs):
                start = time.perf_counter()
                if fmt == "pdf-wp":
                    data = render_pdf_weasyprint(
                        build_report(report_document(municipality=city, fiscal_year=2023))
                    )
                else:
                    data, _, _ = render_report(municipality=city, fiscal_year=2023, format=fmt)
                times.append(time.perf_counter() - start)
            suffix = "-weasyprint.pdf" if fmt == "pdf-wp" else f".{fmt}"
            path = out_dir / f"{'seed' if city.name != SYNTHETIC else 'x4'}{suffix}"
            path.write_bytes(data)
            outputs[(label, fmt)] = path
            median = statistics.median(times)
            target = TARGETS[fmt]
            verdict = ("ok" if median <= target else "OVER") if label.startswith("seed") else "(info)"
            if fmt == "pdf-wp":
                verdict = "(comparison: the former PDF renderer)"
            print(
                f"{label:<24}{fmt:<8}{median * 1000:>8.0f}ms{min(times) * 1000:>8.0f}ms{len(data) / 1024:>10.0f}KB"
                f"  ≤ {target:.1f} s {verdict}"
            )

    for label, city in cities.items():
        child = subprocess.run(
            [sys.executable, __file__, "--child-peak-rss", city.name],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        peak_mb, before_mb = figures["peak_kb"] / 1024, figures["before_kb"] / 1024
        verdict = ("ok" if peak_mb <= 300 else "OVER") if label.startswith("seed") else "(info)"
        print(
            f"{label:<24}PDF peak RSS {peak_mb:.0f} MB (process peak before rendering {before_mb:.0f} MB, "
            f"rendering adds {peak_mb - before_mb:.0f} MB; VmHWM of a child)  ≤ 300 MB {verdict}"
        )

    for pdf in (outputs[(label, fmt)] for label in cities for fmt in ("pdf", "pdf-wp")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(f"{pdf.name}: {pages} pages")

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice (soffice) not on PATH: DOCX → PDF conversion not timed")
        return
    for label in cities:
        docx = outputs[(label, "docx")]
        start = time.perf_counter()
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir / "lo"), str(docx)],
            check=True,
            capture_output=True,
        )
        print(
            f"{label:<24}LibreOffice DOCX → PDF {time.perf_counter() - start:.2f} s (one run, includes start-up)"
        )


if __name__ == "__main__":
    main()
