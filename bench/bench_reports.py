"""Times the progress report in every format (median of several runs); prints figures, asserts nothing.

    .venv/bin/python bench/bench_reports.py [--runs 5]

Targets (2-core machine): PDF ≤ 0.6 s (ReportLab; it was ≤ 2 s with WeasyPrint), DOCX ≤ 0.5 s, XLSX ≤ 0.3 s,
HTML ≤ 0.2 s, PDF peak memory ≤ 300 MB. Each figure is the whole ``render_report`` call (database → document
→ file), as the view and the command run it. ``pdf-wp`` is the same document printed from the HTML by
WeasyPrint (``render_pdf_weasyprint``, kept for comparison; informational). Then the same for a synthetic
plans four and ten times the seed (96 and 240 projects), and LibreOffice's DOCX → PDF conversion when
``soffice`` is on PATH. Last, stress documents rendered from the interchange document (no database): every
long text field at its maximum (every text of one project at the limits of shinchoku/inputs.py), and 60 projects under one
policy (the overview table's policy cell spans 60 rows).

``--formats pdf,docx`` times only some formats; ``--plans seed,x4,x10,stress`` only some plans. Each line
shows wall-clock and CPU time; on a machine shared with other work compare the CPU column.

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
PLANS = ("seed", "x4", "x10", "stress")


def setup_django() -> None:
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    # A throwaway process: a key of its own, as production settings require one.
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    sys.path.insert(0, str(REPO))
    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def synthetic_document(document: Any, factor: int = 4) -> Any:
    """The seed's plan with every project copied ``factor - 1`` times under new names, in another city."""
    big = copy.deepcopy(document)
    big["municipality"] = f"{SYNTHETIC}{factor}"
    projects = []
    for project in document["projects"]:
        projects.append(copy.deepcopy(project))
        for k in range(2, factor + 1):
            twin = copy.deepcopy(project)
            twin["name"] = f"{project['name']}（その{k}）"
            projects.append(twin)
    big["projects"] = projects
    return big


def long_text(length: int) -> str:
    """A text of exactly ``length`` characters in lines of ~16 (the worst case for line breaking)."""
    line = "長い記述の行です。同じ長さで続きます。\n"
    return (line * (length // len(line) + 1))[:length].rstrip("\n").ljust(length, "。")


def max_length_document(document: Any) -> Any:
    """The seed with one project's every text at the limits of shinchoku/inputs.py: results, challenges,
    next-year plans and the non-B summary each ITEMS_MAX items of the longest item, and the longest overview,
    vision and name (150,000+ characters in one project sheet)."""
    from shinchoku import inputs

    item = inputs.text_rule("report.item").max_length
    big = copy.deepcopy(document)
    project = big["projects"][0]
    for field in ("results", "challenges", "next_year", "non_b_summary"):
        project[field] = [long_text(item) for _ in range(inputs.ITEMS_MAX)]
    project["overview"] = long_text(inputs.text_rule("project.overview").max_length)
    project["vision"] = long_text(inputs.text_rule("project.vision").max_length)
    project["name"] = project["name"] + "＿" * (inputs.text_rule("project.name").max_length - len(project["name"]))
    return big


def one_policy_document(document: Any, projects: int = 60) -> Any:
    """The seed with ``projects`` projects under the first policy of the first pillar (a 60-row policy cell)."""
    big = copy.deepcopy(document)
    template = next(p for p in big["projects"] if p["policy"])
    twins = []
    for k in range(1, projects + 1):
        twin = copy.deepcopy(template)
        twin["name"] = f"{template['name']}（その{k}）"
        twins.append(twin)
    big["projects"] = twins + [p for p in big["projects"] if p["pillar"] != template["pillar"]]
    return big


def time_render(render: Any, runs: int) -> tuple[list[float], list[float], bytes]:
    """Wall-clock and CPU seconds of each run (CPU time is what to compare on a machine shared with
    other work: the wall clock there includes waiting for a core), and the last run's bytes."""
    times: list[float] = []
    cpu: list[float] = []
    data = b""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = render()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, data


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
    parser.add_argument("--formats", default=",".join(FORMATS), help="subset of " + ",".join(FORMATS))
    parser.add_argument("--plans", default=",".join(PLANS), help="subset of " + ",".join(PLANS))
    parser.add_argument("--child-peak-rss", metavar="MUNICIPALITY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_peak_rss:
        child_peak_rss(args.child_peak_rss)
        return

    setup_django()
    from django.core.management import call_command

    from shinchoku.cycle.services.imports import year_import
    from shinchoku.documents.model import build_report
    from shinchoku.documents.pdf import render_pdf_weasyprint
    from shinchoku.documents.render import render_document, render_report, report_document
    from shinchoku.importing.report_text import parse_report_text

    call_command("migrate", verbosity=0)
    seed = parse_report_text(SEED.read_text(encoding="utf-8"), source=str(SEED))
    formats = [f for f in args.formats.split(",") if f]
    plans = set(args.plans.split(","))
    cities: dict[str, Any] = {}
    if "seed" in plans:
        cities["seed (24 projects)"] = year_import(by=None, document=copy.deepcopy(seed)).municipality
    for factor in (4, 10):
        if f"x{factor}" in plans:
            city = synthetic_document(seed, factor)
            cities[f"{factor}x seed ({24 * factor} projects)"] = year_import(by=None, document=city).municipality
    out_dir = Path(tempfile.mkdtemp(prefix="shinchoku-bench-out-"))
    print(f"{args.runs} runs per figure, database: sqlite, cpus: {os.cpu_count()}")
    print(f"{'plan':<26}{'format':<8}{'median':>10}{'min':>10}{'cpu':>10}{'size':>12}  target")
    outputs: dict[tuple[str, str], Path] = {}
    seed_medians: dict[str, float] = {}
    for label, city in cities.items():
        for fmt in formats:

            def render(city: Any = city, fmt: str = fmt) -> bytes:
                if fmt == "pdf-wp":
                    return render_pdf_weasyprint(
                        build_report(report_document(municipality=city, fiscal_year=2023))
                    )
                return render_report(municipality=city, fiscal_year=2023, format=fmt)[0]

            try:
                times, cpu, data = time_render(render, args.runs)
            except Exception as exc:  # a figure, never a traceback: the breakage is the finding
                print(f"{label:<26}{fmt:<8}  failed: {type(exc).__name__}: {str(exc)[:80]}")
                continue
            suffix = "-weasyprint.pdf" if fmt == "pdf-wp" else f".{fmt}"
            path = out_dir / f"{city.name}{suffix}"
            path.write_bytes(data)
            outputs[(label, fmt)] = path
            median = statistics.median(times)
            target = TARGETS[fmt]
            if label.startswith("seed"):
                seed_medians[fmt] = statistics.median(cpu)
                verdict = "ok" if median <= target else "OVER"
            elif fmt in seed_medians:
                verdict = f"(info: {statistics.median(cpu) / seed_medians[fmt]:.1f}x the seed's CPU time)"
            else:
                verdict = "(info)"
            if fmt == "pdf-wp":
                verdict = "(comparison: the former PDF renderer)"
            print(
                f"{label:<26}{fmt:<8}{median * 1000:>8.0f}ms{min(times) * 1000:>8.0f}ms"
                f"{statistics.median(cpu) * 1000:>8.0f}ms{len(data) / 1024:>10.0f}KB"
                f"  ≤ {target:.1f} s {verdict}"
            )

    if "stress" in plans:
        stress = {
            "every field at maximum": max_length_document(seed),
            "60 projects, one policy": one_policy_document(seed),
        }
        for label, document in stress.items():
            for fmt in (f for f in formats if f != "pdf-wp"):
                try:
                    times, cpu, data = time_render(
                        lambda d=document, f=fmt: render_document(d, f, draft=False)[0], 1
                    )
                except Exception as exc:  # a figure, never a traceback: the breakage is the finding
                    print(f"{label:<26}{fmt:<8}  failed: {type(exc).__name__}: {str(exc)[:80]}")
                    continue
                print(
                    f"{label:<26}{fmt:<8}{times[0] * 1000:>8.0f}ms{'':>10}{cpu[0] * 1000:>8.0f}ms"
                    f"{len(data) / 1024:>10.0f}KB  (one run)"
                )

    for label, city in cities.items():
        if "pdf" not in formats:
            break
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
            f"{label:<26}PDF peak RSS {peak_mb:.0f} MB (process peak before rendering {before_mb:.0f} MB, "
            f"rendering adds {peak_mb - before_mb:.0f} MB; VmHWM of a child)  ≤ 300 MB {verdict}"
        )

    for pdf in (outputs[key] for key in outputs if key[1] in ("pdf", "pdf-wp")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(f"{pdf.name}: {pages} pages")

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice (soffice) not on PATH: DOCX → PDF conversion not timed")
        return
    for label in cities:
        if (label, "docx") not in outputs:
            continue
        docx = outputs[(label, "docx")]
        start = time.perf_counter()
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir / "lo"), str(docx)],
            check=True,
            capture_output=True,
        )
        if not (out_dir / "lo" / f"{docx.stem}.pdf").is_file():
            # soffice exits 0 even when it cannot load the file: Calc alone (scripts/setup) has no DOCX filter.
            print(f"{label:<26}LibreOffice DOCX → PDF: no PDF (is libreoffice-writer-nogui installed?)")
            continue
        print(
            f"{label:<26}LibreOffice DOCX → PDF {time.perf_counter() - start:.2f} s (one run, includes start-up)"
        )


if __name__ == "__main__":
    main()
