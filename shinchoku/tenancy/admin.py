from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

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


class MembershipInline(admin.TabularInline):
    """A user's roles on the user's own page: one form per person instead of two."""

    model = Membership
    extra = 1
    filter_horizontal = ["departments"]
    verbose_name = "役割"
    verbose_name_plural = "自治体での役割（DX担当は各自治体の「利用者の管理」画面でも設定できます）"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ShinchokuUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "last_name", "first_name", "email", "is_active", "last_login"]
