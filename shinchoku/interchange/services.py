"""Imports from files: a published report in text form, or an interchange JSON document.

Both end in the import service ``year_import`` (one transaction, the year's rules, the audit trail with the
file's name and SHA-256), so a file either loads whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from shinchoku.cycle.errors import CycleError, NotPermitted
from shinchoku.cycle.services.imports import ImportRefused, year_import
from shinchoku.importing.report_text import ReportFormatError, parse_report
from shinchoku.inputs import InputRejected
from shinchoku.interchange.document import Document
from shinchoku.interchange.load import LoadResult
from shinchoku.interchange.validation import DocumentError


class ImportFileError(ValueError):
    """A file could not be imported; the message says where and what was expected (English, for the CLI)."""


# A document is at most 8 levels deep; much deeper nesting is an attack on the reader (RecursionError).
MAX_JSON_DEPTH = 32
# Python refuses to turn more digits than this into an int (CVE-2020-10735); no fiscal year needs more.
_INT_DIGITS = 4000
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_file(path: Path) -> tuple[str, str]:
    """The file's text and the SHA-256 of its bytes (recorded in the audit trail and the publication)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read file ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8-sig"), hashlib.sha256(raw).hexdigest()
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: expected UTF-8 text, found an undecodable byte at offset {exc.start}") from exc


def read_text_file(path: Path) -> str:
    return read_file(path)[0]


def _import(document: Document, *, path: Path, sha256: str, by: Any, replace: bool, kind: str) -> LoadResult:
    try:
        return year_import(
            document=document, by=by, replace=replace, source_file=path.name, source_sha256=sha256, kind=kind
        )
    except NotPermitted as exc:
        raise ImportFileError(f"{path}: not permitted: {exc.message}") from exc
    except ImportRefused as exc:
        raise ImportFileError(f"{path}: {exc.english}") from exc
    except CycleError as exc:
        raise ImportFileError(f"{path}: refused: {exc.message}") from exc
    except InputRejected as exc:  # str(): English, with the JSON path
        raise ImportFileError(f"{path}: {exc}") from exc


def report_text_import(
    *, path: Path, by: Any = None, replace: bool = False, warn: Callable[[str], None] | None = None
) -> LoadResult:
    """``warn`` receives ``FILE:LINE: …`` for each text the parser kept as written but could not read."""
    text, sha256 = read_file(path)
    try:
        parsed = parse_report(text, source=str(path))
    except ReportFormatError as exc:
        raise ImportFileError(str(exc)) from exc
    for warning in parsed.warnings:
        if warn is not None:
            warn(str(warning))
    document = parsed.document
    try:
        return _import(document, path=path, sha256=sha256, by=by, replace=replace, kind="report_text")
    except DocumentError as exc:
        # Found in the document the text became (a duplicate, a limit, a stored plan): named at the line that
        # part was read from, with the document's path for the detail.
        line = parsed.line_of(exc.where)
        raise ImportFileError(f"{path}:{line if line is not None else '?'}: {exc.where}: {exc.message}") from exc


def _too_deep(text: str) -> int | None:
    """The offset of the first bracket nested deeper than MAX_JSON_DEPTH (strings skipped), if any."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return m.start()
        elif token in "]}":
            depth -= 1
    return None


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _int(digits: str) -> int | Decimal:
    # Too long for int(): kept as a Decimal, which the schema then refuses where an integer belongs, with its path.
    return int(digits) if len(digits) <= _INT_DIGITS else Decimal(digits)


def json_parse(text: str, *, source: str) -> Any:
    """The JSON value of ``text``; ImportFileError with ``FILE:LINE:COL`` when it is not JSON or nests too deep."""
    deep = _too_deep(text)
    if deep is not None:
        raise ImportFileError(f"{source}:{_line_col(text, deep)}: expected JSON nested at most {MAX_JSON_DEPTH} deep")
    try:
        # parse_float=Decimal: a /1 file's 16000.50 keeps its two decimals (a float would make it 16000.5).
        return json.loads(text, parse_float=Decimal, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{source}:{exc.lineno}:{exc.colno}: expected JSON, {exc.msg}") from exc


def document_json_import(*, path: Path, by: Any = None, replace: bool = False) -> LoadResult:
    text, sha256 = read_file(path)
    document: Document = json_parse(text, source=str(path))
    try:
        return _import(document, path=path, sha256=sha256, by=by, replace=replace, kind="json")
    except DocumentError as exc:
        raise ImportFileError(f"{path}: {exc.where}: {exc.message}") from exc
