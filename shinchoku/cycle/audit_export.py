"""The audit log as CSV for auditors and archives: UTF-8 with a BOM (Excel opens it as Japanese), Japanese
headers, then the raw code and the ISO time for machines. Rows stream from ``.iterator()`` so a large log is
written in flat memory; the web view and ``shinchoku export-audit`` share this."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, Protocol

from shinchoku import wareki
from shinchoku.cycle import audit_actions
from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.selectors import NO_FILTER, AuditFilter, audit_entries
from shinchoku.tenancy.models import Municipality

BOM = "\ufeff"
HEADERS = ("日時（JST）", "操作", "操作者", "個別事業計画", "対象", "変更前", "変更後", "操作コード", "日時（ISO 8601, UTC）")
CHUNK = 500


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class _Line:
    """A file-like that hands back what csv.writer wrote, so rows can be yielded one at a time."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def entry_row(entry: AuditEntry) -> list[str]:
    return [
        wareki.format_datetime(entry.at),
        audit_actions.label(entry.action),
        audit_actions.actor_name(entry.actor),
        entry.project.name if entry.project is not None else "",
        entry.object_repr,
        audit_actions.render_payload(entry.action, entry.before, limit=None),
        audit_actions.render_payload(entry.action, entry.after, limit=None),
        entry.action,
        entry.at.isoformat(),
    ]


def csv_lines(*, municipality: Municipality, filters: AuditFilter = NO_FILTER) -> Iterator[str]:
    """The BOM and header line, then one CSV line per entry, newest first (call inside the municipality's scope)."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(HEADERS)
    yield BOM + line.text
    for entry in audit_entries(municipality=municipality, filters=filters).iterator(chunk_size=CHUNK):
        line.text = ""
        writer.writerow(entry_row(entry))
        yield line.text


def write_csv(out: _Writer, *, municipality: Municipality, filters: AuditFilter = NO_FILTER) -> int:
    """Write the CSV to ``out`` (a text file opened with newline=""); returns the number of entries."""
    count = -1
    for text in csv_lines(municipality=municipality, filters=filters):
        out.write(text)
        count += 1
    return count
