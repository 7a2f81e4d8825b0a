"""Shaping plan objects for templates (no queries here: everything works on prefetched data)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from shinchoku.plans.models import Indicator, IndicatorValue, Project, ValueKind
from shinchoku.plans.selectors import values_in_force
from shinchoku.web.charts import KpiPoint, kpi_svg


def format_value(value: IndicatorValue | None, unit: str = "") -> str:
    return "—" if value is None else value.quantity.format(unit)


@dataclass
class IndicatorCell:
    fiscal_year: int
    target: str
    actual: str


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[IndicatorCell]
    chart: SafeString
    actual_for_year: IndicatorValue | None = None
    target_for_year: IndicatorValue | None = None
    extra: dict[str, object] = field(default_factory=dict)


def indicator_rows(project: Project, years: Iterable[int], fiscal_year: int | None = None) -> list[IndicatorRow]:
    """One row per indicator: target/actual per year as printed, and the KPI chart (uses prefetched values)."""
    years = list(years)
    rows = []
    for indicator in project.indicators.all():
        values = {(kind, fy): v for (_, kind, fy), v in values_in_force(indicator.values.all()).items()}
        cells = [
            IndicatorCell(
                fy,
                format_value(values.get((ValueKind.TARGET, fy)), indicator.unit),
                format_value(values.get((ValueKind.ACTUAL, fy)), indicator.unit),
            )
            for fy in years
        ]
        points = [
            KpiPoint(
                fy,
                values[(ValueKind.TARGET, fy)].quantity if (ValueKind.TARGET, fy) in values else None,
                values[(ValueKind.ACTUAL, fy)].quantity if (ValueKind.ACTUAL, fy) in values else None,
            )
            for fy in years
        ]
        unit = f"（{indicator.unit}）" if indicator.unit else ""
        rows.append(
            IndicatorRow(
                indicator=indicator,
                cells=cells,
                chart=kpi_svg(title=f"{indicator.name}{unit}の目標と実績", unit=indicator.unit, points=points),
                actual_for_year=values.get((ValueKind.ACTUAL, fiscal_year)) if fiscal_year else None,
                target_for_year=values.get((ValueKind.TARGET, fiscal_year)) if fiscal_year else None,
            )
        )
    return rows


@dataclass
class ScheduleTable:
    years: list[int]
    rows: list[tuple[str, list[str]]]


def schedule_table(project: Project, years: Iterable[int]) -> ScheduleTable:
    years = list(years)
    rows = []
    for row in project.schedule_rows.all():
        by_year = {cell.fiscal_year: cell.text for cell in row.cells.all()}
        rows.append((row.track, [by_year.get(fy, "") for fy in years]))
    return ScheduleTable(years=years, rows=rows)
