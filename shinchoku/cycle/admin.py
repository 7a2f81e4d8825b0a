"""Admin pages: the cycle's records are read-only here; changes go through the services (and are audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shinchoku.cycle import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows, never changes them: an edit here would bypass the workflow and the audit trail."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "municipality", "actor", "action", "object_repr"]
    list_filter = ["municipality", "action"]
    search_fields = ["object_repr", "action"]
    date_hierarchy = "at"


@admin.register(models.ReportTransition)
class ReportTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "name", "from_state", "to_state", "actor"]


@admin.register(models.ReportingCycle)
class ReportingCycleAdmin(ReadOnlyAdmin):
    list_display = ["plan", "fiscal_year", "due_date", "opened_at", "published_at"]


@admin.register(models.ItemEvaluation)
class ItemEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "indicator", "suggested_grade", "department_grade", "final_grade"]


@admin.register(models.EvaluationThresholds)
class EvaluationThresholdsAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "a_min", "b_min", "c_min"]
