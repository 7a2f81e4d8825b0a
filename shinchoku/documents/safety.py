"""What every renderer does to stored text before it is written, and the draft mark they all print.

Stored text is whatever a department typed or pasted (a report form, a workbook, an imported file): it can
hold characters XML 1.0 forbids (NUL, C0 controls, U+FFFE/U+FFFF, lone surrogates from a JSON ``\\ud800``).
lxml (python-docx), openpyxl and the UTF-8 encoding of the HTML page refuse them, so one function removes
them for all four formats: :func:`clean_text` on one string, :func:`clean_document` on a whole interchange
document (what :func:`~shinchoku.documents.render.render_document` does first).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

# XML 1.0 Char minus what may stay: \t \n \r and everything from U+0020 except surrogates, U+FFFE, U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

DRAFT_MARK = "案"
DRAFT_TITLE_PREFIX = "（案）"
DRAFT_NOTICE = "この報告書は公表前の案です。内容は変更されることがあります。"

T = TypeVar("T")


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (the common case, clean text, is returned as is)."""
    if _ILLEGAL_XML.search(text) is None:
        return text
    return _ILLEGAL_XML.sub("", text)


def clean_document(value: T) -> T:
    """A copy of a JSON-like value (dicts, lists, strings, numbers) with every string :func:`clean_text`-ed."""
    return _clean(value)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def draft_title(title: str, draft: bool) -> str:
    """The document title as metadata and ``<title>`` show it: a draft's starts with 「（案）」."""
    return f"{DRAFT_TITLE_PREFIX}{title}" if draft else title


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked (a format's hard limit, e.g. 255)."""
    return text if len(text) <= limit else text[: limit - len(ellipsis)] + ellipsis
