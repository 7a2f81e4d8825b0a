from django.contrib import admin

from shinchoku.plans import models


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
class ProjectReportAdmin(admin.ModelAdmin):
    list_display = ["project", "fiscal_year", "state", "grade"]
    list_filter = ["fiscal_year", "state", "grade"]


admin.site.register(models.GradeDefinition)
admin.site.register(models.ProjectTag)
admin.site.register(models.ProgressReport)
admin.site.register(models.PolicyUnderConsideration)
admin.site.site_header = "進捗 Shinchoku 管理"
