from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "shinchoku.backup"
    verbose_name = "バックアップ"
