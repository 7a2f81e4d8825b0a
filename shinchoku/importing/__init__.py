"""Importers of published documents into the ``shinchoku-report/2`` interchange document (no Django here)."""

from shinchoku.importing.errors import ReportFormatError
from shinchoku.importing.report_text import parse_report_text

__all__ = ["ReportFormatError", "parse_report_text"]
