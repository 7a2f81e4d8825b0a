from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shinchoku.plans"
    verbose_name = "DX推進計画"
