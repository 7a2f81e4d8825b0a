"""Drafts (案) of the progress report drawn in the background, kept so that the same content is drawn once.

A published year's files are :class:`~shinchoku.plans.models.PublicationFile` rows, drawn once from the
publication. A year that is not published has no fixed content, so a draft is drawn from the snapshot of the
year taken when it was asked for, by a background task (``shinchoku.cycle.tasks.draft_render``), never in a
web request: a long PDF must not hold a web worker. A request for the same content in the same format
(same ``content_hash``) gets the row that exists instead of another drawing.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from shinchoku.plans.models import ReportingYear


class DraftStatus(models.TextChoices):
    PENDING = "pending", "順番待ち"
    RUNNING = "running", "作成中"
    READY = "ready", "作成済み"
    FAILED = "failed", "失敗"


class DraftFile(models.Model):
    """One format of a year's draft, drawn from ``document`` (the year's snapshot when it was requested)."""

    # A draft is a copy that can be drawn again at any time, so it goes with its year (unlike the report data,
    # which is PROTECTed).
    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.CASCADE, related_name="draft_files")
    format = models.CharField("形式", max_length=8)  # pdf, docx, xlsx, html
    content_hash = models.CharField("内容のハッシュ（SHA-256）", max_length=64)
    document = models.JSONField("作成に使う内容（依頼時の年度の内容）")
    status = models.CharField("状態", max_length=8, choices=DraftStatus.choices, default=DraftStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("依頼日時", default=timezone.now)
    started_at = models.DateTimeField("作成開始", null=True, blank=True)
    finished_at = models.DateTimeField("作成終了", null=True, blank=True)
    # What the person who asked is told (Japanese); the traceback is in the task's result and the log.
    error = models.TextField("エラー", blank=True, default="")
    task_id = models.CharField("タスクID", max_length=64, blank=True, default="")
    filename = models.CharField("ファイル名", max_length=300, blank=True, default="")
    content = models.BinaryField("内容", null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size = models.PositiveIntegerField(default=0)

    objects = ScopedManager(municipality="reporting_year__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "報告書（案）のファイル"
        ordering = ["reporting_year", "format", "-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["reporting_year", "format", "content_hash"], name="draft_file_unique"),
            models.CheckConstraint(condition=models.Q(status__in=DraftStatus.values), name="draft_file_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.reporting_year} {self.format}（案） {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (DraftStatus.READY, DraftStatus.FAILED)

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
