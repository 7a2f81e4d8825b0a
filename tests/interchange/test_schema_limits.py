"""The interchange schema's limits are the database's: a string the schema accepts fits its column on SQLite and
PostgreSQL alike (SQLite would store a longer one, PostgreSQL refuses it), so an import is refused at the
boundary with a JSON path instead of by the database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import models

from shinchoku.interchange.validation import schema
from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    Pillar,
    Plan,
    Policy,
    PolicyUnderConsideration,
    Project,
    ProjectTag,
    ReportingYear,
    ResultTableRow,
    ScheduleCell,
    ScheduleRow,
)
from shinchoku.tenancy.models import Department, Municipality

PROJECT = ("$defs", "project", "properties")
INDICATOR = ("$defs", "indicator", "properties")
RESULT_TABLE = (*PROJECT, "result_tables", "items", "properties")

COLUMNS: list[tuple[tuple[str, ...], type[models.Model], str]] = [
    (("properties", "municipality"), Municipality, "name"),
    (("properties", "plan", "properties", "name"), Plan, "name"),
    (("properties", "report", "properties", "title"), ReportingYear, "title"),
    (("properties", "grade_scale", "items", "properties", "code"), GradeDefinition, "code"),
    (("properties", "grade_scale", "items", "properties", "description"), GradeDefinition, "description"),
    (("properties", "pillars", "items", "properties", "name"), Pillar, "name"),
    (("properties", "pillars", "items", "properties", "policies", "items"), Policy, "name"),
    (("properties", "under_consideration", "items", "properties", "title"), PolicyUnderConsideration, "title"),
    ((*PROJECT, "name"), Project, "name"),
    ((*PROJECT, "tags", "items"), ProjectTag, "name"),
    ((*PROJECT, "departments", "items"), Department, "name"),
    ((*PROJECT, "comprehensive_plan", "anyOf", 1, "properties", "area"), Project, "comprehensive_plan_area"),
    ((*PROJECT, "comprehensive_plan", "anyOf", 1, "properties", "policy"), Project, "comprehensive_plan_policy"),
    ((*PROJECT, "schedule", "items", "properties", "track"), ScheduleRow, "track"),
    ((*PROJECT, "schedule", "items", "properties", "cells", "additionalProperties"), ScheduleCell, "text"),
    ((*INDICATOR, "name"), Indicator, "name"),
    ((*INDICATOR, "unit"), Indicator, "unit"),
    ((*INDICATOR, "qualifier"), Indicator, "qualifier"),
    ((*RESULT_TABLE, "rows", "items", "properties", "label"), ResultTableRow, "label"),
    ((*RESULT_TABLE, "rows", "items", "properties", "unit"), ResultTableRow, "unit"),
    ((*RESULT_TABLE, "total", "properties", "label"), ResultTableRow, "label"),
    ((*RESULT_TABLE, "total", "properties", "unit"), ResultTableRow, "unit"),
]


def _node(path: tuple[Any, ...]) -> dict[str, Any]:
    node: Any = schema()
    for part in path:
        node = node[part]
    return node  # type: ignore[no-any-return]


@pytest.mark.parametrize(("path", "model", "field"), COLUMNS, ids=[f"{m.__name__}.{f}" for _, m, f in COLUMNS])
def test_it_limits_each_string_to_its_column(path: tuple[str, ...], model: type[models.Model], field: str) -> None:
    assert _node(path)["maxLength"] == model._meta.get_field(field).max_length


def test_it_limits_every_string_that_has_a_column() -> None:
    """Every CharField a document fills is in COLUMNS: a new one cannot be forgotten here."""
    covered = {(m, f) for _, m, f in COLUMNS}
    filled = {
        (model, f.name)
        for model in {m for _, m, _ in COLUMNS}
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField) and not f.choices and f.name not in _NOT_FROM_DOCUMENTS.get(model, ())
    }
    assert filled - covered == set()


# Columns of these models that no document fills (set by the application, or from choices the schema enumerates).
_NOT_FROM_DOCUMENTS: dict[type[models.Model], tuple[str, ...]] = {Municipality: ("code",), Department: ("email",)}


def test_it_bounds_fiscal_year_keys_like_fiscal_year_values() -> None:
    pattern = _node((*INDICATOR, "targets"))["propertyNames"]["pattern"]
    assert [y for y in ("1899", "1900", "2023", "2200", "2201", "0000", "9999") if re.fullmatch(pattern, y)] == [
        "1900", "2023", "2200",
    ]
