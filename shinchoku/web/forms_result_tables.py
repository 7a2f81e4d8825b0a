"""The 「成果の表」 editor of the department form: small tables printed among the results.

Plain dataclasses, like :mod:`shinchoku.web.forms`: what was typed is carried back unchanged when the form is
refused; values are parsed by the service (``report_save(result_tables=...)``), whose Japanese errors are
shown next to the editor. Adding / removing rows and tables are plain submit buttons (``op`` =
``rt:add``, ``rt:remove:T``, ``rt:addrow:T``, ``rt:removerow:T:R``) that re-render the form without saving.

POST fields: ``rt-present`` (the editor was on the page; without it the tables are left as they are),
``rt-count``, and per table T: ``rt-T-after``, the aligned lists ``rt-T-label`` / ``rt-T-value`` /
``rt-T-unit`` (one entry per row), ``rt-T-total-label`` / ``rt-T-total-value`` / ``rt-T-total-unit``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from shinchoku.cycle.errors import InvalidInput
from shinchoku.plans.models import ProjectReport, ResultTable, ResultTableRow

TOTAL_LABEL = "計"
MAX_TABLES = 20
MAX_ROWS = 50
LABEL_MAX = ResultTableRow._meta.get_field("label").max_length or 200
UNIT_MAX = ResultTableRow._meta.get_field("unit").max_length or 20
TABLE_OPS = frozenset({"add", "remove", "addrow", "removerow"})
_SERVICE_ERROR = re.compile(r"^成果の表(\d+)「(.*?)」")


def value_text(row: ResultTableRow) -> str:
    """A stored value as a person would type it: 2,885 / 31.7."""
    return row.quantity.format()


@dataclass
class RowInput:
    label: str = ""
    value: str = ""
    unit: str = ""
    invalid: bool = False  # the service or the form refused this row: aria-invalid + red border

    @property
    def blank(self) -> bool:
        return not self.label.strip() and not self.value.strip()

    def as_service(self) -> dict[str, str]:
        return {"label": self.label.strip(), "value": self.value.strip(), "unit": self.unit.strip()}


@dataclass
class TableInput:
    after: int = -1  # index into the results as displayed; -1 = before the first
    rows: list[RowInput] = field(default_factory=lambda: [RowInput()])
    total: RowInput = field(default_factory=lambda: RowInput(label=TOTAL_LABEL))
    invalid: bool = False


@dataclass
class TableOp:
    op: str  # add / remove / addrow / removerow
    table: int = -1
    row: int = -1

    @classmethod
    def parse(cls, raw: str | None) -> TableOp | None:
        """``rt:removerow:0:2`` → TableOp("removerow", 0, 2); anything else → None."""
        if not raw or not raw.startswith("rt:"):
            return None
        parts = raw.split(":")[1:]
        if not parts or parts[0] not in TABLE_OPS:
            return None
        try:
            numbers = [int(p) for p in parts[1:3]]
        except ValueError:
            return None
        return cls(parts[0], *numbers)


def _to_int(raw: str | None, default: int) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return default


def _follow(after: int, mapping: dict[int, int]) -> int:
    return mapping.get(after, after)


@dataclass
class ResultTablesData:
    tables: list[TableInput] = field(default_factory=list)
    present: bool = True  # False: the post did not carry the editor; leave the stored tables alone
    focus_on: str = ""  # what to focus after an add/remove (autofocus): "label" / "after" / "add"
    focus_table: int = -1
    focus_row: int = -1
    dirty: bool = False
    error: str = ""  # the message shown next to the editor

    # ---- reading -------------------------------------------------------------------------------------------
    @classmethod
    def from_report(cls, report: ProjectReport) -> ResultTablesData:
        last = len(report.results or []) - 1
        stored = ResultTable.objects.filter(report=report).prefetch_related("rows").order_by("position")
        tables = []
        for table in stored:
            rows = [RowInput(r.label, value_text(r), r.unit) for r in table.rows.all() if not r.is_total]
            totals = [r for r in table.rows.all() if r.is_total]
            total = (
                RowInput(totals[0].label, value_text(totals[0]), totals[0].unit)
                if totals
                else RowInput(TOTAL_LABEL, "", rows[0].unit if rows else "")
            )
            # A table placed after an item that no longer exists is printed at the end: show it after the last.
            tables.append(TableInput(min(table.after_item, last) if table.after_item >= 0 else -1, rows or [RowInput()], total))
        return cls(tables)

    @classmethod
    def from_post(cls, post: QueryDict) -> ResultTablesData:
        if not post.get("rt-present"):
            return cls(present=False)
        tables = []
        for t in range(min(_to_int(post.get("rt-count"), 0), MAX_TABLES)):
            labels, values, units = (post.getlist(f"rt-{t}-{name}") for name in ("label", "value", "unit"))
            count = max(len(labels), len(values), len(units))
            cell = lambda column, i: column[i] if i < len(column) else ""  # noqa: E731
            rows = [RowInput(cell(labels, i), cell(values, i), cell(units, i)) for i in range(min(count, MAX_ROWS))]
            total = RowInput(
                post.get(f"rt-{t}-total-label", TOTAL_LABEL),
                post.get(f"rt-{t}-total-value", ""),
                post.get(f"rt-{t}-total-unit", ""),
            )
            tables.append(TableInput(_to_int(post.get(f"rt-{t}-after"), -1), rows, total))
        return cls(tables)

    # ---- add / remove without saving ------------------------------------------------------------------------
    def apply(self, op: TableOp, results_count: int) -> None:
        self.dirty = True
        t, r = op.table, op.row
        if op.op == "add" and len(self.tables) < MAX_TABLES:
            # A new table goes after the last result item (where a count table usually belongs).
            self.tables.append(TableInput(after=results_count - 1))
            self._focus("label", len(self.tables) - 1, 0)
            return
        if not 0 <= t < len(self.tables):
            return
        table = self.tables[t]
        if op.op == "remove":
            del self.tables[t]
            if self.tables:
                self._focus("after", min(t, len(self.tables) - 1))
            else:
                self._focus("add")
        elif op.op == "addrow" and len(table.rows) < MAX_ROWS:
            unit = table.rows[-1].unit if table.rows else ""
            table.rows.append(RowInput(unit=unit))
            self._focus("label", t, len(table.rows) - 1)
        elif op.op == "removerow" and 0 <= r < len(table.rows):
            del table.rows[r]
            if not table.rows:
                table.rows.append(RowInput())
            self._focus("label", t, min(r, len(table.rows) - 1))

    def _focus(self, on: str, table: int = -1, row: int = -1) -> None:
        self.focus_on, self.focus_table, self.focus_row = on, table, row

    def follow_results(self, op_name: str, index: int, count_before: int) -> None:
        """Keep each table after the same result item when the items are moved or removed."""
        mapping: dict[int, int] = {}
        if op_name == "remove" and 0 <= index < count_before:
            mapping = {i: (i if i < index else i - 1) for i in range(count_before)}
            mapping[index] = index - 1
        elif op_name in ("up", "down"):
            other = index - 1 if op_name == "up" else index + 1
            if 0 <= index < count_before and 0 <= other < count_before:
                mapping = {index: other, other: index}
        for table in self.tables:
            table.after = _follow(table.after, mapping)

    # ---- saving ---------------------------------------------------------------------------------------------
    def for_service(self, results_as_typed: list[str]) -> list[dict[str, Any]] | None:
        """The tables as ``report_save(result_tables=...)`` wants them; None = leave them as they are.

        ``after`` is converted from the displayed results (blank items included) to the saved ones (blank
        items dropped). Raises InvalidInput (field="result_tables") for what the service cannot tell: a
        table without rows, a row without a label, a label or unit too long.
        """
        if not self.present:
            return None
        saved_index: list[int] = []  # displayed index → index among the non-blank items (-1 = before all)
        kept = -1
        for text in results_as_typed:
            if text.strip():
                kept += 1
            saved_index.append(kept)
        tables: list[dict[str, Any]] = []
        for t, table in enumerate(self.tables, start=1):
            rows = [row for row in table.rows if not row.blank]
            if not rows:
                table.invalid = True
                raise self._refuse(f"成果の表{t}：行を入力してください（不要な表は「表を削除」で削除できます）。")
            for n, row in enumerate(table.rows, start=1):
                if row.blank:
                    continue
                if not row.label.strip():
                    row.invalid = True
                    raise self._refuse(f"成果の表{t}の{n}行目：項目名を入力してください。")
            for row in [*rows, table.total]:
                if len(row.label.strip()) > LABEL_MAX:
                    row.invalid = True
                    raise self._refuse(f"成果の表{t}「{row.label.strip()[:20]}…」：項目名は{LABEL_MAX}文字以内にしてください。")
                if len(row.unit.strip()) > UNIT_MAX:
                    row.invalid = True
                    raise self._refuse(f"成果の表{t}「{row.label.strip()}」：単位は{UNIT_MAX}文字以内にしてください。")
            after = table.after
            if after >= len(saved_index):
                after = saved_index[-1] if saved_index else -1
            elif after >= 0:
                after = saved_index[after]
            entry: dict[str, Any] = {"after": max(after, -1), "rows": [row.as_service() for row in rows]}
            if table.total.value.strip():
                total = table.total.as_service()
                entry["total"] = {**total, "label": total["label"] or TOTAL_LABEL}
            tables.append(entry)
        return tables

    def _refuse(self, message: str) -> InvalidInput:
        self.error = message
        return InvalidInput(message, field="result_tables")

    def mark(self, message: str) -> None:
        """Show the service's message next to the editor and mark the rows it names (成果の表N「label」)."""
        self.error = message
        found = _SERVICE_ERROR.match(message)
        if not found:
            return
        t, label = int(found.group(1)) - 1, found.group(2)
        if not 0 <= t < len(self.tables):
            return
        table = self.tables[t]
        table.invalid = True
        candidates: Iterable[RowInput] = [*(r for r in table.rows if not r.blank), table.total]
        for row in candidates:
            if row.label.strip() == label or (row is table.total and label == TOTAL_LABEL and not row.label.strip()):
                row.invalid = True
                break
