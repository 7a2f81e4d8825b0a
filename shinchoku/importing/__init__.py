"""Importers of published documents into the ``shinchoku-report/2`` interchange document (no Django here)."""

from shinchoku.importing.errors import ReportFormatError, ReportWarning
from shinchoku.importing.report_text import ParseResult, parse_report, parse_report_text

__all__ = ["ParseResult", "ReportFormatError", "ReportWarning", "parse_report", "parse_report_text"]
