from django.contrib import admin

from shinchoku.tenancy.models import Department, Membership, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "email"]
    list_filter = ["municipality"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["municipality", "role"]
    filter_horizontal = ["departments"]
