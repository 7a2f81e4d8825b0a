"""Writes of plan data shared by the importer and the reporting cycle (callers hold the transaction and scope)."""

from __future__ import annotations

from collections.abc import Iterable

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


def result_tables_replace(*, report: ProjectReport, wanted: list[ResultTableSpec], current: list[ResultTableSpec]) -> bool:
    """Make the report's result tables equal ``wanted``; writes nothing (and returns False) when they already are.

    Tables are small and positional, so a change rewrites them whole rather than diffing rows.
    """
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
