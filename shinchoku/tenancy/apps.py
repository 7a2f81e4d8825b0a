from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "shinchoku.tenancy"
    verbose_name = "自治体"
