"""The single entry point of report generation, used by the ``report`` command and the download view."""

from __future__ import annotations

from typing import Literal, get_args

from django_scopes import scope

from shinchoku.documents.model import ReportModel, build_report
from shinchoku.documents.safety import clean_document
from shinchoku.interchange.document import Document
from shinchoku.interchange.export import NothingToExport, document_build
from shinchoku.plans.models import ReportingYear
from shinchoku.plans.selectors import plan_for_fiscal_year
from shinchoku.tenancy.models import Municipality

Format = Literal["pdf", "docx", "xlsx", "html"]
FORMATS: tuple[str, ...] = get_args(Format)

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
LABELS: dict[str, str] = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "html": "HTML"}


class NoReportData(LookupError):
    """Nothing to report: no plan covers the year, or the year has neither reports nor a progress report."""


def report_filename(report: ReportModel, format: str) -> str:
    """``柏崎市DX推進計画_進行管理報告書_2023年度実績.pdf``."""
    return f"{report.plan_name}_進行管理報告書_{report.fiscal_year}年度実績.{format}"


def render_document(document: Document, format: str, *, draft: bool) -> tuple[bytes, str, str]:
    """Render an interchange document (already built) in ``format``: (bytes, content type, file name).

    ``draft``: every page says 案 (the year is not published yet); a published document carries no mark.
    Stored text is cleaned of characters XML forbids first, so no field can make a format fail.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    report = build_report(clean_document(document))
    data: bytes
    if format == "html":
        from shinchoku.documents.html import render_html

        data = render_html(report, draft=draft).encode("utf-8")
    elif format == "pdf":
        from shinchoku.documents.pdf import render_pdf

        data = render_pdf(report, draft=draft)
    elif format == "docx":
        from shinchoku.documents.docx import render_docx

        data = render_docx(report, draft=draft)
    else:
        from shinchoku.documents.xlsx import render_xlsx

        data = render_xlsx(report, draft=draft)
    return data, CONTENT_TYPES[format], report_filename(report, format)


def year_is_draft(*, municipality: Municipality, fiscal_year: int) -> bool:
    """True unless the reporting year is published: anything not yet published is 案."""
    with scope(municipality=municipality):
        plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
        year = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first() if plan else None
        return year is None or not year.is_published


def report_document(*, municipality: Municipality, fiscal_year: int) -> Document:
    """The interchange document of the report; raises :class:`NoReportData` when there is nothing to report."""
    with scope(municipality=municipality):
        try:
            document = document_build(municipality=municipality, fiscal_year=fiscal_year)
        except NothingToExport as exc:
            raise NoReportData(str(exc)) from exc
    reported = any(
        p["grade"] or p["results"] or p["challenges"] or p["next_year"] or p["non_b_summary"]
        for p in document["projects"]
    )
    if not (reported or document["report"]["narrative"]) and year_is_draft(municipality=municipality, fiscal_year=fiscal_year):
        with scope(municipality=municipality):
            exists = ReportingYear.objects.filter(plan__municipality=municipality, fiscal_year=fiscal_year).exists()
        if not exists:
            raise NoReportData(f"{municipality.name} has no report data for fiscal year {fiscal_year}")
    return document


def render_report(
    *, municipality: Municipality, fiscal_year: int, format: str, draft: bool | None = None
) -> tuple[bytes, str, str]:
    """The annual progress report of ``municipality`` for ``fiscal_year`` as (bytes, content type, file name).

    Drawn from the live data: what a published year officially says is its publication snapshot
    (``cycle.services.publication.report_file``), which the views and the command serve.

    ``draft``: mark every page 案; ``None`` lets the year decide, so no document of an unpublished year
    leaves without the mark (:func:`year_is_draft`).
    """
    document = report_document(municipality=municipality, fiscal_year=fiscal_year)
    if draft is None:
        draft = year_is_draft(municipality=municipality, fiscal_year=fiscal_year)
    return render_document(document, format, draft=draft)
