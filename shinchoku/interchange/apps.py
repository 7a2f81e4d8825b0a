from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "shinchoku.interchange"
    verbose_name = "取込・書出し"
