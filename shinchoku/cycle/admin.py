"""Admin pages: the cycle's records are read-only here; changes go through the services (and are audited)."""

from __future__ import annotations

from django.contrib import admin

from shinchoku.cycle import models
from shinchoku.plans.admin import ReadOnlyAdmin


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "municipality", "actor", "action", "object_repr"]
    list_filter = ["municipality", "action"]
    search_fields = ["object_repr", "action"]
    date_hierarchy = "at"


@admin.register(models.ReportTransition)
class ReportTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "name", "from_state", "to_state", "actor"]


@admin.register(models.ItemEvaluation)
class ItemEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "indicator", "suggested_grade", "department_grade", "final_grade"]


@admin.register(models.EvaluationThresholds)
class EvaluationThresholdsAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "a_min", "b_min", "c_min"]
