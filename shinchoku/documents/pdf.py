"""The report's PDF: drawn with ReportLab from the view-model (pdf_reportlab.py).

ReportLab lays the seed's 43 pages out once in ~0.4 s where WeasyPrint needed 2.1–2.3 s for the same
document from the HTML (two layouts for the table of contents' target-counter, then write_pdf). The
WeasyPrint path stays available as :func:`render_pdf_weasyprint` for comparison (bench/bench_reports.py);
it is imported only when called, so serving a PDF does not load WeasyPrint.
"""

from __future__ import annotations

from shinchoku.documents.model import ReportModel
from shinchoku.documents.pdf_reportlab import render_pdf_reportlab


def render_pdf(report: ReportModel, *, draft: bool) -> bytes:
    """A4 PDF of ``report``: table of contents with page numbers, bookmarks, metadata, subset fonts; the same
    bytes for the same report (``draft``: every page marked 案)."""
    return render_pdf_reportlab(report, draft=draft)


def render_pdf_weasyprint(report: ReportModel, *, draft: bool = False) -> bytes:
    """The same report printed from the HTML page by WeasyPrint (slower; for comparison)."""
    from shinchoku.documents.pdf_weasyprint import render_pdf_weasyprint as render

    return render(report, draft=draft)
