from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "shinchoku.public"
    verbose_name = "公開（ポータル・オープンデータ・API）"
