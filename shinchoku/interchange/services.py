"""Imports from files: a published report in text form, or an interchange JSON document.

Both end in ``document_load`` (one transaction), so a file either loads whole or not at all.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from shinchoku.importing.report_text import ReportFormatError, parse_report_text
from shinchoku.interchange.document import Document
from shinchoku.interchange.load import LoadResult, document_load
from shinchoku.interchange.validation import DocumentError


class ImportFileError(ValueError):
    """A file could not be imported; the message says where and what was expected (English, for the CLI)."""


def read_text_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read file ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: expected UTF-8 text, found an undecodable byte at offset {exc.start}") from exc


def report_text_import(*, path: Path) -> LoadResult:
    text = read_text_file(path)
    try:
        document = parse_report_text(text, source=str(path))
    except ReportFormatError as exc:
        raise ImportFileError(str(exc)) from exc
    try:
        return document_load(document=document)
    except DocumentError as exc:
        raise ImportFileError(f"{path}: the report parsed into an inconsistent document: {exc}") from exc


def document_json_import(*, path: Path) -> LoadResult:
    text = read_text_file(path)
    try:
        # parse_float=Decimal: a /1 file's 16000.50 keeps its two decimals (a float would make it 16000.5).
        document: Document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}:{exc.lineno}:{exc.colno}: expected JSON, {exc.msg}") from exc
    try:
        return document_load(document=document)
    except DocumentError as exc:
        raise ImportFileError(f"{path}: {exc.where}: {exc.message}") from exc
