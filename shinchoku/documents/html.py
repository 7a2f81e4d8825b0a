"""The whole progress report as ONE self-contained, accessible HTML page (also the source of the PDF)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

from shinchoku.documents.model import ReportModel
from shinchoku.documents.safety import DRAFT_MARK, DRAFT_NOTICE, draft_title

PACKAGE_DIR = Path(__file__).resolve().parent
CSS_PATH = PACKAGE_DIR / "static" / "documents" / "report.css"


@cache
def report_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def render_html(report: ReportModel, *, draft: bool) -> str:
    """The report page: ``lang="ja"``, h1–h4 in order, real tables, inline CSS and SVG charts, no external URL.

    ``draft``: a 案 banner above the cover (a mark on every printed page) and a ``<title>`` starting 「（案）」.
    """
    context = {
        "r": report,
        "css": report_css(),
        "draft": draft,
        "title": draft_title(report.full_title, draft),
        "draft_mark": DRAFT_MARK,
        "draft_notice": DRAFT_NOTICE,
    }
    return render_to_string("documents/report.html", context)
