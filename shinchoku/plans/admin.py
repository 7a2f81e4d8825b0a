"""Admin pages for plan data. The reporting year and everything it owns are read-only here: their changes go
through the services (the transition table, the audit trail, the publication snapshot)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shinchoku.plans import models


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows rows, never changes them: an edit here would bypass the workflow and the audit trail."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = models.PlanRevision
    extra = 0


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "start_fiscal_year", "end_fiscal_year", "adopted_on"]
    inlines = [RevisionInline]


class PolicyInline(admin.TabularInline):
    model = models.Policy
    extra = 0


@admin.register(models.Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "position"]
    inlines = [PolicyInline]


class DepartmentLinkInline(admin.TabularInline):
    model = models.ProjectDepartment
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = models.Indicator
    extra = 0
    show_change_link = True


class ScheduleRowInline(admin.TabularInline):
    model = models.ScheduleRow
    extra = 0
    show_change_link = True


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "pillar", "policy", "position"]
    list_filter = ["plan", "pillar"]
    search_fields = ["name"]
    inlines = [DepartmentLinkInline, ScheduleRowInline, IndicatorInline]


class IndicatorValueInline(admin.TabularInline):
    model = models.IndicatorValue
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "unit", "qualifier", "direction"]
    inlines = [IndicatorValueInline]


class ScheduleCellInline(admin.TabularInline):
    model = models.ScheduleCell
    extra = 0


@admin.register(models.ScheduleRow)
class ScheduleRowAdmin(admin.ModelAdmin):
    inlines = [ScheduleCellInline]


@admin.register(models.ProjectReport)
class ProjectReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "fiscal_year", "state", "grade"]
    list_filter = ["fiscal_year", "state", "grade"]


@admin.register(models.ReportingYear)
class ReportingYearAdmin(ReadOnlyAdmin):
    list_display = ["plan", "fiscal_year", "state", "due_date", "published_on"]


@admin.register(models.Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["reporting_year", "version", "published_at", "published_by_name", "source", "content_hash"]
    exclude = ["document"]


@admin.register(models.PolicyUnderConsideration)
class PolicyUnderConsiderationAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "fiscal_year", "pillar"]


admin.site.register(models.GradeDefinition)
admin.site.register(models.ProjectTag)
admin.site.site_header = "進捗 Shinchoku 管理"
