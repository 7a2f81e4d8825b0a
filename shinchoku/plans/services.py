"""Writes of plan data shared by the importer and the reporting cycle (callers hold the transaction and scope)."""

from __future__ import annotations

from collections.abc import Iterable

from shinchoku import inputs
from shinchoku.plans.models import ProjectReport, ResultTable, ResultTableRow
from shinchoku.values import Quantity

# (label, value with its decimals as written, unit, is_total)
ResultRowSpec = tuple[str, Quantity, str, bool]
# (index of the result item the table follows, rows)
ResultTableSpec = tuple[int, list[ResultRowSpec]]


def result_table_specs(tables: Iterable[ResultTable]) -> list[ResultTableSpec]:
    """What stored tables hold, in the shape callers compare against (rows must be prefetched)."""
    return [
        (t.after_item, [(r.label, r.quantity, r.unit, r.is_total) for r in t.rows.all()]) for t in tables
    ]


def result_tables_clean(tables: list[ResultTableSpec]) -> list[ResultTableSpec]:
    """``tables`` through the input boundary: labels and units as stored, at most RESULT_TABLES_MAX tables of
    RESULT_ROWS_MAX rows; values are Quantities, checked when they were made. Raises InputRejected."""
    inputs.check_count(tables, field="result_tables", label="成果の表", english="result tables",
                       maximum=inputs.RESULT_TABLES_MAX)
    cleaned: list[ResultTableSpec] = []
    for index, (after_item, rows) in enumerate(tables):
        if isinstance(after_item, bool) or not isinstance(after_item, int) or after_item < -1:
            raise inputs.InputRejected(
                "result_tables", "成果の表の位置が正しくありません。",
                f"result table {index + 1}: after must be an item index or -1, found {after_item!r}",
            )
        inputs.check_count(rows, field="result_tables", label=f"成果の表{index + 1}の行",
                           english=f"rows of result table {index + 1}", maximum=inputs.RESULT_ROWS_MAX)
        cleaned.append((after_item, [
            (inputs.clean_line(label, field="result_table.label"), quantity,
             inputs.clean_line(unit, field="result_table.unit"), total)
            for label, quantity, unit, total in rows
        ]))
    return cleaned


def result_tables_replace(*, report: ProjectReport, wanted: list[ResultTableSpec], current: list[ResultTableSpec]) -> bool:
    """Make the report's result tables equal ``wanted``; writes nothing (and returns False) when they already are.

    Tables are small and positional, so a change rewrites them whole rather than diffing rows. ``wanted`` goes
    through :func:`result_tables_clean` first (InputRejected: nothing is written).
    """
    wanted = result_tables_clean(wanted)
    if current == wanted:
        return False
    ResultTable.objects.filter(report=report).delete()
    for position, (after_item, rows) in enumerate(wanted):
        table = ResultTable.objects.create(report=report, position=position, after_item=after_item)
        ResultTableRow.objects.bulk_create(
            ResultTableRow(
                table=table, position=i, label=label, value=quantity.value, decimals=quantity.decimals, unit=unit,
                is_total=total,
            )
            for i, (label, quantity, unit, total) in enumerate(rows)
        )
    return True
