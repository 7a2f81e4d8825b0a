"""Re-evaluating reports: the one orchestration of ``cycle.evaluation`` (the rules decide, this applies them).

Opening a year, saving a report, changing a target or the thresholds, and importing all end here, so a
report's item suggestions and overall suggestion are computed one way. Callers hold the transaction and the
municipality scope. Constant queries for any number of reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from shinchoku.cycle.evaluation import (
    GradeScale,
    Thresholds,
    achievement_rate,
    schedule_item_grade,
    suggest_item_grade,
    suggest_overall_grade,
)
from shinchoku.cycle.models import EvaluationThresholds, ItemEvaluation, ItemKind
from shinchoku.cycle.selectors import indicator_values_current
from shinchoku.inputs import ACHIEVEMENT_RATE_LIMIT
from shinchoku.plans.models import GradeDefinition, Indicator, IndicatorValue, ProjectReport, ValueKind

# (field, before, after) of a report's own fields, for the audit trail.
Change = tuple[str, Any, Any]


def storable_rate(rate: Decimal | None) -> Decimal | None:
    """The rate as the column can hold it: an actual far beyond a tiny target (10^13 against 0.000001) gives a
    rate of 10^21 %, which is graded the same as the bound (every threshold is far below it)."""
    if rate is None:
        return None
    return max(-ACHIEVEMENT_RATE_LIMIT, min(ACHIEVEMENT_RATE_LIMIT, rate))


def grade_scale_for(municipality_id: int) -> GradeScale:
    return GradeScale(GradeDefinition.objects.filter(municipality_id=municipality_id))


def thresholds_for(municipality_id: int) -> Thresholds:
    return Thresholds.of(EvaluationThresholds.objects.filter(municipality_id=municipality_id).first())


def _code(grade: GradeDefinition | None) -> str | None:
    return grade.code if grade is not None else None


def ensure_items(
    reports: Sequence[ProjectReport],
) -> tuple[dict[int, list[ItemEvaluation]], dict[tuple[int, str, int], IndicatorValue]]:
    """Each report's evaluation items, creating missing ones: the schedule, and each indicator with a target
    in force for the report's year. Returns items per report id and the indicators' values in force."""
    report_ids = [r.pk for r in reports]
    items: dict[int, list[ItemEvaluation]] = {pk: [] for pk in report_ids}
    for item in ItemEvaluation.objects.filter(report_id__in=report_ids).select_related("indicator").order_by(
        "report_id", "position", "pk"
    ):
        items[item.report_id].append(item)
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(project_id__in={r.project_id for r in reports}).order_by("position"):
        indicators.setdefault(indicator.project_id, []).append(indicator)
    values = indicator_values_current(indicator_ids=[i.pk for group in indicators.values() for i in group])
    missing: list[ItemEvaluation] = []
    for report in reports:
        mine = items[report.pk]
        if not any(i.kind == ItemKind.SCHEDULE for i in mine):
            missing.append(ItemEvaluation(report=report, kind=ItemKind.SCHEDULE, position=0))
        known = {i.indicator_id for i in mine}
        position = max((i.position for i in mine), default=0)
        for indicator in indicators.get(report.project_id, []):
            if indicator.pk not in known and (indicator.pk, ValueKind.TARGET, report.fiscal_year) in values:
                position += 1
                missing.append(
                    ItemEvaluation(report=report, kind=ItemKind.INDICATOR, indicator=indicator, position=position)
                )
    for item in ItemEvaluation.objects.bulk_create(missing):
        items[item.report_id].append(item)
    for mine in items.values():
        mine.sort(key=lambda i: (i.position, i.kind != ItemKind.SCHEDULE))
    return items, values


def evaluate_reports(reports: Sequence[ProjectReport], *, municipality_id: int) -> dict[int, list[Change]]:
    """Recompute every item suggestion (with the target it is measured against) and each report's overall
    suggestion; returns per report id what changed of the report itself (its ``suggested_grade``, assigned
    but not saved: the caller saves it with its own fields and version).

    The overall suggestion combines the items' *rule* grades, not people's overrides, so it stays an
    objective anchor: a final grade that differs from it needs a written rationale.
    """
    if not reports:
        return {}
    scale = grade_scale_for(municipality_id)
    thresholds = thresholds_for(municipality_id)
    items, values = ensure_items(reports)
    changed_items: list[ItemEvaluation] = []
    changes: dict[int, list[Change]] = {}
    for report in reports:
        indicator_grades: list[GradeDefinition | None] = []
        for item in items[report.pk]:
            target_value = None
            target_decimals = 0
            if item.kind == ItemKind.SCHEDULE:
                rate = None
                suggested = schedule_item_grade(schedule_status=report.schedule_status, scale=scale)
            else:
                indicator_id = item.indicator_id or 0  # indicator items always have one
                target = values.get((indicator_id, ValueKind.TARGET, report.fiscal_year))
                actual = values.get((indicator_id, ValueKind.ACTUAL, report.fiscal_year))
                if target is not None:
                    target_value, target_decimals = target.value, target.decimals
                rate = None if item.not_applicable else storable_rate(achievement_rate(
                    actual=actual.value if actual else None,
                    target=target.value if target else None,
                    direction=item.indicator.direction,  # type: ignore[union-attr]
                ))
                suggested = suggest_item_grade(rate=rate, scale=scale, thresholds=thresholds)
                indicator_grades.append(suggested)
            new = (rate, suggested.pk if suggested else None, target_value, target_decimals)
            if (item.achievement_rate, item.suggested_grade_id, item.target, item.target_decimals) != new:
                item.achievement_rate, item.suggested_grade = rate, suggested
                item.target, item.target_decimals = target_value, target_decimals
                changed_items.append(item)
        overall = suggest_overall_grade(
            schedule_status=report.schedule_status, indicator_grades=indicator_grades, scale=scale
        )
        mine: list[Change] = []
        if report.suggested_grade_id != (overall.pk if overall else None):
            before = _code(report.suggested_grade) if report.suggested_grade_id else None
            report.suggested_grade = overall
            mine.append(("suggested_grade", before, _code(overall)))
        changes[report.pk] = mine
    ItemEvaluation.objects.bulk_update(
        changed_items, ["achievement_rate", "suggested_grade", "target", "target_decimals"]
    )
    return changes


def evaluate_report(report: ProjectReport, *, municipality_id: int) -> list[Change]:
    """``evaluate_reports`` for one report."""
    return evaluate_reports([report], municipality_id=municipality_id)[report.pk]
