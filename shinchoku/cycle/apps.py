from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "shinchoku.cycle"
    verbose_name = "進行管理"
