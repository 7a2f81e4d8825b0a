from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shinchoku.web"
    label = "web"
    verbose_name = "画面"
