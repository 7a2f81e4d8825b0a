"""Database checks behind the input boundary: a write that bypasses the services fails on SQLite and PostgreSQL.

Each case starts from a valid row of the seed and breaks one rule with a plain ORM (or SQL) write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from shinchoku.cycle.models import EvaluationThresholds, ItemEvaluation
from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Plan,
    PolicyUnderConsideration,
    Project,
    ProjectReport,
    Publication,
    ReportingYear,
    ResultTable,
    ResultTableRow,
    ScheduleCell,
)


def _update(model: Any, **values: Any) -> Callable[[], None]:
    # QuerySet.update issues one UPDATE without save(), signals or the services: what a script would do.
    def write() -> None:
        model.objects.filter(pk=model.objects.order_by("pk").values_list("pk", flat=True)[:1]).update(**values)

    return write


BROKEN: dict[str, Callable[[], Callable[[], None]]] = {
    "plan start after end": lambda: _update(Plan, start_fiscal_year=2026),
    "plan year out of range": lambda: _update(Plan, end_fiscal_year=2101),
    "project year out of range": lambda: _update(Project, first_fiscal_year=1900),
    "project first after last": lambda: _update(Project, first_fiscal_year=2025, last_fiscal_year=2024),
    "project end reason unknown": lambda: _update(Project, end_reason="bogus", last_fiscal_year=2024),
    "schedule cell year out of range": lambda: _update(ScheduleCell, fiscal_year=2200),
    "indicator direction unknown": lambda: _update(Indicator, direction="sideways"),
    "value kind unknown": lambda: _update(IndicatorValue, kind="guess"),
    "value year out of range": lambda: _update(IndicatorValue, fiscal_year=1988),
    "value decimals above 6": lambda: _update(IndicatorValue, decimals=7),
    "reporting year out of range": lambda: _update(ReportingYear, fiscal_year=3000),
    "report version 0": lambda: _update(ProjectReport, version=0),
    "report year out of range": lambda: _update(ProjectReport, fiscal_year=1900),
    "report schedule status unknown": lambda: _update(ProjectReport, schedule_status="late-ish"),
    "result table before -1": lambda: _update(ResultTable, after_item=-2),
    "result row decimals above 6": lambda: _update(ResultTableRow, decimals=9),
    "item target decimals above 6": lambda: _update(ItemEvaluation, target_decimals=7),
    "policy under consideration out of range": lambda: _update(PolicyUnderConsideration, fiscal_year=1900),
    "thresholds negative": lambda: _update(EvaluationThresholds, c_min=-1),
    "position negative": lambda: _update(Project, position=-1),
}


@pytest.fixture
def seeded(kashiwazaki: Any) -> Any:
    """The seed plus what it lacks for these cases: a policy under consideration and thresholds."""
    with scopes_disabled():
        year = ReportingYear.objects.get(fiscal_year=2023)
        if not PolicyUnderConsideration.objects.exists():
            PolicyUnderConsideration.objects.create(
                reporting_year=year, plan=year.plan, fiscal_year=2023, pillar=year.plan.pillars.first(), title="検討中"
            )
        EvaluationThresholds.objects.get_or_create(municipality=kashiwazaki)
        assert ResultTable.objects.exists() and ItemEvaluation.objects.exists() and ScheduleCell.objects.exists()
    return kashiwazaki


@pytest.mark.parametrize("case", list(BROKEN))
def test_the_database_refuses_a_write_that_breaks_a_rule(seeded: Any, case: str) -> None:
    write = BROKEN[case]()
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_one_as_planned_grade_per_municipality(seeded: Any) -> None:
    with scopes_disabled():
        assert GradeDefinition.objects.filter(municipality=seeded, as_planned=True).count() == 1
        other = GradeDefinition.objects.filter(municipality=seeded, as_planned=False).first()
        assert other is not None
        with pytest.raises(IntegrityError), transaction.atomic():
            GradeDefinition.objects.filter(pk=other.pk).update(as_planned=True)


def test_a_publication_source_is_a_known_one(seeded: Any) -> None:
    with scopes_disabled():
        publication = Publication.objects.first()
        assert publication is not None
        table = connection.ops.quote_name(Publication._meta.db_table)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            # The model refuses to change a publication at all; SQL is the only way around it.
            cursor.execute(f"UPDATE {table} SET source = %s WHERE id = %s", ["rumour", publication.pk])


@pytest.mark.parametrize("value", ["1e15", "-1e15", "1e40"])
def test_a_value_beyond_the_column_is_refused_by_sqlite_too(seeded: Any, value: str) -> None:
    """PostgreSQL's numeric(20, 6) overflows (DataError); SQLite stores anything, so a CHECK refuses it."""
    with scopes_disabled():
        row = IndicatorValue.objects.first()
        assert row is not None
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = {value} WHERE id = %s", [row.pk])
    with scopes_disabled():
        assert IndicatorValue.objects.get(pk=row.pk).value == row.value
