from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "shinchoku.documents"
    verbose_name = "報告書の出力"
