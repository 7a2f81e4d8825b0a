"""The yearly reporting cycle: per-item evaluations, the workflow log and the audit trail.

The reporting year itself (its state, due date and publications) is ``shinchoku.plans.models.ReportingYear``.

Nothing here has behaviour beyond guarding its own invariants: every write is a function in
``shinchoku.cycle.services``; the state machine is ``shinchoku.cycle.workflow``; grades are decided in
``shinchoku.cycle.evaluation``. Every manager is a django-scopes ``ScopedManager``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from shinchoku.plans.models import AppendOnly, GradeDefinition, Indicator, Project, ProjectReport
from shinchoku.plans.models.structure import decimals_in_range, value_in_range
from shinchoku.tenancy.models import Municipality


class ItemKind(models.TextChoices):
    SCHEDULE = "schedule", "スケジュール"
    INDICATOR = "indicator", "目標指標"


class ItemEvaluation(models.Model):
    """One evaluation item (評価項目) of a report: the schedule, or one indicator, graded on its own."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="item_evaluations")
    kind = models.CharField("評価項目", max_length=16, choices=ItemKind.choices)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluations"
    )
    # The target the item was graded against, as it was in force then: a later revision of the plan never
    # changes what a published year was measured by.
    target = models.DecimalField("目標値", max_digits=20, decimal_places=6, null=True, blank=True)
    target_decimals = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    suggested_grade = models.ForeignKey(
        GradeDefinition, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="評価案"
    )
    department_grade = models.ForeignKey(
        GradeDefinition, on_delete=models.RESTRICT, null=True, blank=True, related_name="+",
        verbose_name="担当部署の評価",
    )
    final_grade = models.ForeignKey(
        GradeDefinition, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="最終評価"
    )
    # Percent, one decimal, as shown to users (the grade is decided on this rounded value).
    achievement_rate = models.DecimalField("達成率（％）", max_digits=9, decimal_places=1, null=True, blank=True)
    # The department says there is no actual this year (e.g. 電子請求's "-"): complete, but not graded.
    not_applicable = models.BooleanField("実績なし（該当なし）", default=False)

    objects = ScopedManager(municipality="report__project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "評価項目"
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                condition=models.Q(kind="indicator"),
                name="item_evaluation_unique_indicator",
            ),
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(kind="schedule"), name="item_evaluation_unique_schedule"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="schedule", indicator__isnull=True)
                | models.Q(kind="indicator", indicator__isnull=False),
                name="item_evaluation_indicator_iff_kind",
            ),
            models.CheckConstraint(condition=value_in_range("target", nullable=True), name="item_evaluation_target_in_range"),
            models.CheckConstraint(condition=decimals_in_range("target_decimals"), name="item_evaluation_decimals_range"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_kind_display()} {self.indicator_id or ''}".strip()

    @property
    def effective_grade(self) -> GradeDefinition | None:
        """The grade that counts for the overall suggestion: HQ's, else the department's, else the rule's."""
        return self.final_grade or self.department_grade or self.suggested_grade


class ReportTransition(models.Model):
    """One step of the review workflow, as it happened (the state machine's log)."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField("操作", max_length=16)  # the workflow transition: submit, return, approve, ...
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True, default="")

    objects = ScopedManager(municipality="report__project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "報告の状態遷移"
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state}→{self.to_state}"


class AuditEntry(models.Model):
    """Who changed what, when, from what to what. Append-only: there is no update or delete path.

    ``action`` is a namespaced code (``report.submitted``, ``report.actual.updated``, ``cycle.opened``,
    ``plan.indicator.target.updated``); ``before``/``after`` hold the changed values as JSON.
    ``object_version`` is the object's version after the change (reports), which is how a save conflict
    finds what others changed since the form was loaded.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)  # app_label.model
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(max_length=300, blank=True, default="")
    object_version = models.PositiveIntegerField(null=True, blank=True)
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "操作履歴"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "-at"], name="audit_municipality_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not a side effect: history that can be rewritten is not history.
        if not self._state.adding:
            raise AppendOnly("操作履歴は変更できません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("操作履歴は削除できません")


DEFAULT_A_MIN = Decimal("115")
DEFAULT_B_MIN = Decimal("80")
DEFAULT_C_MIN = Decimal("50")


class EvaluationThresholds(models.Model):
    """Achievement-rate bands of one municipality (percent): A ≥ a_min, B ≥ b_min, C ≥ c_min, D below."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="evaluation_thresholds"
    )
    a_min = models.DecimalField("A の下限（％）", max_digits=6, decimal_places=1, default=DEFAULT_A_MIN)
    b_min = models.DecimalField("B の下限（％）", max_digits=6, decimal_places=1, default=DEFAULT_B_MIN)
    c_min = models.DecimalField("C の下限（％）", max_digits=6, decimal_places=1, default=DEFAULT_C_MIN)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "達成率による評価基準"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(a_min__gt=models.F("b_min")) & models.Q(b_min__gt=models.F("c_min")),
                name="thresholds_descending",
            ),
            models.CheckConstraint(condition=models.Q(c_min__gte=0), name="thresholds_non_negative"),
        ]

    def __str__(self) -> str:
        return f"A≥{self.a_min}% B≥{self.b_min}% C≥{self.c_min}%"


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "提出"
    WITHDRAWN = "withdrawn", "取り下げ"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認"
    REOPENED = "reopened", "再開"
    YEAR_REOPENED = "year_reopened", "年度の再開"
    PUBLISHED = "published", "公表"


class Notification(models.Model):
    """One in-app notice to one user of one municipality, written by the transition that caused it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("種類", max_length=16, choices=NotificationKind.choices)
    subject = models.CharField("件名", max_length=300)
    # The return's comment or the reopening's reason, shown as it was written.
    comment = models.TextField("コメント", blank=True, default="")
    # A path inside the app; the e-mail makes it absolute with settings.SITE_URL.
    link = models.CharField("リンク", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("通知日時", default=timezone.now)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """Whether a user wants notifications by e-mail in a municipality; no row means yes (the in-app list stays)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    email = models.BooleanField("通知をメールでも受け取る", default=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "通知の設定"
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="notification_preference_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.municipality_id}: {'メール' if self.email else 'メールなし'}"
