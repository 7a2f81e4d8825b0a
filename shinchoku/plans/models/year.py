"""The reporting year (年度の進行管理): one fiscal year of one plan as a whole, and what it owns.

A ``ReportingYear`` holds its state (imported / open / published), its due date and the document's own fields
(title, publication month, section-1 narrative). It owns the year's project reports (with their item
evaluations and transitions, in ``shinchoku.cycle.models``), result tables, policies under consideration and
publications. "Locked" has one definition, :attr:`ReportingYear.is_locked`.

States change only through the transition tables in ``shinchoku.cycle.workflow``: the state fields are
django-fsm's protected fields, so assigning one anywhere else raises ``AttributeError``, and the managers
refuse ``QuerySet.update(state=...)``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from django_scopes import ScopedManager

from shinchoku.plans.models.structure import (
    GradeDefinition,
    Pillar,
    Plan,
    Policy,
    Project,
    decimals_in_range,
    fiscal_year_in_range,
    value_in_range,
)
from shinchoku.values import Quantity


class StateProtected(Exception):
    """Raised by a bulk write that would change a protected state outside the transition table."""


class _StateGuardQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """``update(state=...)`` and ``bulk_update(..., ["state"])`` would bypass the transition table."""

    def update(self, **kwargs: Any) -> int:
        if "state" in kwargs:
            raise StateProtected("state changes only through the transition table (shinchoku.cycle.workflow)")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if "state" in fields:
            raise StateProtected("state changes only through the transition table (shinchoku.cycle.workflow)")
        return super().bulk_update(objs, fields, batch_size=batch_size)


_StateGuardManager = models.Manager.from_queryset(_StateGuardQuerySet)


class YearState(models.TextChoices):
    """States of a reporting year (the transitions live in shinchoku.cycle.workflow)."""

    IMPORTED = "imported", "取込み済み"
    OPEN = "open", "進行管理中"
    PUBLISHED = "published", "公表済み"


class ReportingYear(FSMModelMixin, models.Model):
    """年度の進行管理: one evaluated fiscal year of one plan, from import or opening to publication.

    Locked (nothing of the year may change) unless it is open: an imported year is history brought in from a
    file, a published one is the official record; both change only by a transition (open, reopen, import
    with --replace), each of which is audited and, when it publishes, frozen as a new :class:`Publication`.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reporting_years")
    fiscal_year = models.PositiveSmallIntegerField("評価対象年度")
    state = FSMField("状態", max_length=16, choices=YearState.choices, protected=True)
    due_date = models.DateField("提出期限", null=True, blank=True)
    opened_at = models.DateTimeField("開始日時", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField("表題", max_length=300)
    published_on = models.DateField("公表年月", null=True, blank=True)  # month precision, day 1
    # Section 1 as [{"heading": str, "paragraphs": [str, ...]}, ...]
    narrative = models.JSONField("本文（1 進行管理）", default=list, blank=True)

    objects = ScopedManager(municipality="plan__municipality", _manager_class=_StateGuardManager)

    class Meta:
        verbose_name = verbose_name_plural = "年度の進行管理"
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="reporting_year_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=YearState.values), name="reporting_year_state_known"
            ),
            models.CheckConstraint(condition=fiscal_year_in_range("fiscal_year"), name="reporting_year_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.fiscal_year}年度"

    @property
    def municipality_id(self) -> int:
        return self.plan.municipality_id

    @property
    def municipality(self) -> Any:
        return self.plan.municipality

    @property
    def is_open(self) -> bool:
        return self.state == YearState.OPEN

    @property
    def is_published(self) -> bool:
        return self.state == YearState.PUBLISHED

    @property
    def is_locked(self) -> bool:
        """The one definition of "locked": only an open year can change."""
        return self.state != YearState.OPEN

    @transition(field=state, source="*", target=RETURN_VALUE(*YearState.values))
    def move_to(self, target: str) -> str:
        """The only way to change ``state``; called by the workflow after it checked the transition table."""
        return target

    @staticmethod
    def default_title(plan: Plan, fiscal_year: int) -> str:
        """The house-style title: 令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）."""
        from shinchoku import wareki

        return (
            f"{wareki.format_fiscal_year(fiscal_year + 1)} {plan.name} 進行管理報告書"
            f"（{wareki.format_fiscal_year(fiscal_year)}実績分）"
        )


class ReportState(models.TextChoices):
    """States of the review workflow (the transitions live in shinchoku.cycle.workflow)."""

    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済み"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み"


class ScheduleStatus(models.TextChoices):
    """The department's reading of the schedule item (評価項目「スケジュール」); mapped to a grade in cycle.evaluation."""

    AHEAD = "ahead", "計画より早い"
    ON_SCHEDULE = "on_schedule", "計画どおり"
    BEHIND = "behind", "計画より遅れ"
    RECONSIDER = "reconsider", "再検討が必要"


class ProjectReport(FSMModelMixin, models.Model):
    """One project's report for one evaluated fiscal year (results, challenges, next-year plans, grade).

    ``grade`` is the final grade (HQ's decision, or the published one of an imported year); the department's
    proposal and the rule-based suggestion sit beside it so a difference is visible and must be explained.
    Writes go through shinchoku.cycle.services only.
    """

    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="project_reports")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    # The year's fiscal year, copied so that the many per-year reads need no join; set once, at creation,
    # by the services (reporting_year never changes), and checked by tests of the aggregate's invariants.
    fiscal_year = models.PositiveSmallIntegerField("評価対象年度")
    state = FSMField("状態", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT, protected=True)
    grade = models.ForeignKey(
        GradeDefinition,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="進捗状況",
    )
    # Ordered text items; lists of strings.
    results = models.JSONField("主な取組と成果", default=list, blank=True)
    challenges = models.JSONField("課題と今後の展開", default=list, blank=True)
    next_year = models.JSONField("次年度 主な取組", default=list, blank=True)
    non_b_summary = models.JSONField("進捗状況B以外の概要", default=list, blank=True)
    schedule_status = models.CharField(
        "スケジュールの進捗", max_length=16, choices=ScheduleStatus.choices, blank=True, default=""
    )
    department_grade = models.ForeignKey(
        GradeDefinition,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当部署の評価",
    )
    # Computed by shinchoku.cycle.evaluation on every save; stored so history shows what HQ was shown.
    suggested_grade = models.ForeignKey(
        GradeDefinition,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="評価案",
    )
    rationale = models.TextField("評価案と異なる評価とした理由", blank=True, default="")
    department_comment = models.TextField("担当部署のコメント", blank=True, default="")
    hq_comment = models.TextField("情報化推進本部のコメント", blank=True, default="")
    # Optimistic locking: every save through the services bumps it; a stale form is a conflict.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(municipality="project__plan__municipality", _manager_class=_StateGuardManager)

    class Meta:
        verbose_name = verbose_name_plural = "個別事業計画の年度報告"
        ordering = ["project__position", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "fiscal_year"], name="project_report_unique_year"),
            models.CheckConstraint(condition=models.Q(state__in=ReportState.values), name="project_report_state_known"),
            models.CheckConstraint(condition=fiscal_year_in_range("fiscal_year"), name="project_report_year_in_range"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="project_report_version_positive"),
            models.CheckConstraint(
                condition=models.Q(schedule_status__in=["", *ScheduleStatus.values]),
                name="project_report_schedule_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.fiscal_year})"

    @transition(field=state, source="*", target=RETURN_VALUE(*ReportState.values))
    def move_to(self, target: str) -> str:
        """The only way to change ``state``; called by the workflow after it checked the transition table."""
        return target


class ResultTable(models.Model):
    """A small table printed among the results (e.g. certificate counts with their total)."""

    report = models.ForeignKey(ProjectReport, on_delete=models.PROTECT, related_name="result_tables")
    position = models.PositiveSmallIntegerField(default=0)
    after_item = models.IntegerField(default=-1)  # index into report.results; -1 = before the first item

    objects = ScopedManager(municipality="report__project__plan__municipality")

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.CheckConstraint(condition=models.Q(after_item__gte=-1), name="result_table_after_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.position}"


class ResultTableRow(models.Model):
    table = models.ForeignKey(ResultTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    decimals = models.PositiveSmallIntegerField(default=0)
    unit = models.CharField(max_length=20, blank=True, default="")
    is_total = models.BooleanField(default=False)

    objects = ScopedManager(municipality="table__report__project__plan__municipality")

    class Meta:
        ordering = ["table", "position"]
        constraints = [
            models.CheckConstraint(condition=value_in_range("value"), name="result_row_value_in_range"),
            models.CheckConstraint(condition=decimals_in_range("decimals"), name="result_row_decimals_range"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}"

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.decimals)


class PolicyUnderConsideration(models.Model):
    """個別事業計画を検討中の施策, as reported for one fiscal year."""

    reporting_year = models.ForeignKey(
        ReportingYear, on_delete=models.PROTECT, related_name="policies_under_consideration"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="policies_under_consideration")
    fiscal_year = models.PositiveSmallIntegerField("評価対象年度")  # the year's, copied (see ProjectReport)
    pillar = models.ForeignKey(Pillar, on_delete=models.RESTRICT, related_name="under_consideration")
    policy = models.ForeignKey(
        Policy, on_delete=models.RESTRICT, null=True, blank=True, related_name="under_consideration"
    )
    title = models.CharField("名称", max_length=200)
    text = models.JSONField("状況", default=list, blank=True)  # ordered text items
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "個別事業計画を検討中の施策"
        ordering = ["plan", "fiscal_year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "pillar", "title"], name="uc_unique_title"
            ),
            models.CheckConstraint(condition=fiscal_year_in_range("fiscal_year"), name="uc_year_in_range"),
        ]

    def __str__(self) -> str:
        return self.title


class AppendOnly(Exception):
    """Raised on any attempt to change or delete a row that is history (publications, audit rows)."""


class PublicationSource(models.TextChoices):
    CYCLE = "cycle", "進行管理で公表"
    IMPORT = "import", "公表済みの報告書を取込み"


class Publication(models.Model):
    """公表 / 第N版: the immutable snapshot of what was published for a reporting year.

    ``document`` is the interchange document the report is drawn from (``shinchoku-report/N``), frozen at
    publication; every format of a published year is drawn from it (and stored in :class:`PublicationFile`),
    so later revisions, later years' actuals, renamed projects or edited thresholds never change it.
    A correction after reopening is a new version; earlier versions stay.
    """

    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveSmallIntegerField("版")
    document = models.JSONField("公表内容")
    content_hash = models.CharField("内容のハッシュ（SHA-256）", max_length=64)
    published_at = models.DateTimeField("公表日時", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept beside the user link: a publication must still say who published it after the account is gone.
    published_by_name = models.CharField("公表者", max_length=150, blank=True, default="")
    source = models.CharField("経緯", max_length=16, choices=PublicationSource.choices)
    reason = models.TextField("理由（再公表・差替え）", blank=True, default="")
    source_file = models.CharField("取込みファイル", max_length=300, blank=True, default="")
    source_sha256 = models.CharField("取込みファイルの SHA-256", max_length=64, blank=True, default="")

    objects = ScopedManager(municipality="reporting_year__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "公表（版）"
        ordering = ["reporting_year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["reporting_year", "version"], name="publication_unique_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="publication_version_positive"),
            models.CheckConstraint(
                condition=models.Q(source__in=PublicationSource.values), name="publication_source_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporting_year} 第{self.version}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not a side effect: an official record that can be rewritten is not one.
        if not self._state.adding:
            raise AppendOnly("公表された版は変更できません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("公表された版は削除できません")


class PublicationFile(models.Model):
    """One format of a publication, drawn once from its snapshot at publication and served as stored."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="files")
    format = models.CharField("形式", max_length=8)  # pdf, docx, xlsx, html
    content = models.BinaryField("内容")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    objects = ScopedManager(municipality="publication__reporting_year__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "公表された報告書ファイル"
        ordering = ["publication", "format"]
        constraints = [models.UniqueConstraint(fields=["publication", "format"], name="publication_file_unique")]

    def __str__(self) -> str:
        return f"{self.publication} {self.format}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("公表されたファイルは変更できません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("公表されたファイルは削除できません")

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
