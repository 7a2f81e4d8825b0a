"""The plan's structure, valid across years: Plan → Pillar → Policy → Project, with schedule rows and cells,
indicators and their per-fiscal-year targets/actuals (the reporting year is in ``year.py``).

Indicator values are effective-dated by plan revision: raising a target at a revision adds a row instead of
overwriting, so the value the plan was adopted with stays in history.
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from shinchoku.inputs import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, MAX_DECIMALS, VALUE_LIMIT
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.values import Quantity


# Database checks backing the input boundary (shinchoku.inputs): the services refuse first, with a message;
# these make a write that bypasses them (a script, the shell, a future importer) fail the same way on SQLite
# and PostgreSQL instead of storing what no page can show.
def fiscal_year_in_range(field: str, *, nullable: bool = False) -> models.Q:
    in_range = models.Q(**{f"{field}__gte": FISCAL_YEAR_MIN, f"{field}__lte": FISCAL_YEAR_MAX})
    return models.Q(**{f"{field}__isnull": True}) | in_range if nullable else in_range


def value_in_range(field: str, *, nullable: bool = False) -> models.Q:
    """|value| < 10^14, what DecimalField(max_digits=20, decimal_places=6) holds (SQLite would store more)."""
    in_range = models.Q(**{f"{field}__gt": -VALUE_LIMIT, f"{field}__lt": VALUE_LIMIT})
    return models.Q(**{f"{field}__isnull": True}) | in_range if nullable else in_range


def decimals_in_range(field: str) -> models.Q:
    return models.Q(**{f"{field}__lte": MAX_DECIMALS})


class GradeDefinition(models.Model):
    """One step of a municipality's grade scale (進捗状況): A–D by default, S/A/B/C or 評価不能 elsewhere."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="grades")
    code = models.CharField("記号", max_length=16)
    description = models.CharField("意味", max_length=200)
    position = models.PositiveSmallIntegerField("並び順", default=0)
    # The grade that means "roughly as planned": every project graded otherwise needs a non-B summary.
    as_planned = models.BooleanField("計画どおりを表す", default=False)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "進捗状況の評価段階"
        ordering = ["municipality", "position"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="grade_unique_code"),
            # The non-B summary is required for every grade but this one: two would make it ambiguous.
            models.UniqueConstraint(
                fields=["municipality"], condition=models.Q(as_planned=True), name="grade_one_as_planned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}：{self.description}"


class ProjectTag(models.Model):
    """国重点, 市重点 and whatever a municipality adds."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="project_tags")
    name = models.CharField("名称", max_length=50)
    position = models.PositiveSmallIntegerField("並び順", default=0)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "事業の区分"
        ordering = ["municipality", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField("計画名", max_length=200)
    start_fiscal_year = models.PositiveSmallIntegerField("計画期間（開始年度）")
    end_fiscal_year = models.PositiveSmallIntegerField("計画期間（終了年度）")
    # Month precision: the documents say 令和3（2021）年3月; the day is always stored as 1.
    adopted_on = models.DateField("策定年月", null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "DX推進計画"
        ordering = ["municipality", "-start_fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="plan_unique_name"),
            models.CheckConstraint(
                condition=fiscal_year_in_range("start_fiscal_year")
                & fiscal_year_in_range("end_fiscal_year")
                & models.Q(start_fiscal_year__lte=models.F("end_fiscal_year")),
                name="plan_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)


class PlanRevision(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revisions")
    revised_on = models.DateField("改定年月")  # month precision, day 1
    description = models.TextField("改定内容")

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "計画の改定"
        ordering = ["plan", "revised_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "revised_on"], name="revision_unique_month")]

    def __str__(self) -> str:
        return f"{self.revised_on:%Y-%m} {self.description[:30]}"


class Pillar(models.Model):
    """暮らしのDX / 行政のDX / 産業のDX / 共通施策."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="pillars")
    name = models.CharField("名称", max_length=100)
    position = models.PositiveSmallIntegerField("並び順", default=0)
    # 廃止: from this fiscal year on the pillar is not in the plan's reports; earlier years keep it.
    retired_from_fiscal_year = models.PositiveSmallIntegerField("廃止した年度", null=True, blank=True)

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "柱"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="pillar_unique_name")]

    def __str__(self) -> str:
        return self.name

    def is_active_in(self, fiscal_year: int) -> bool:
        return self.retired_from_fiscal_year is None or fiscal_year < self.retired_from_fiscal_year


class Policy(models.Model):
    """施策."""

    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="policies")
    name = models.CharField("名称", max_length=200)
    position = models.PositiveSmallIntegerField("並び順", default=0)
    retired_from_fiscal_year = models.PositiveSmallIntegerField("廃止した年度", null=True, blank=True)

    objects = ScopedManager(municipality="pillar__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "施策"
        ordering = ["pillar", "position"]
        constraints = [models.UniqueConstraint(fields=["pillar", "name"], name="policy_unique_name")]

    def __str__(self) -> str:
        return self.name

    def is_active_in(self, fiscal_year: int) -> bool:
        return self.retired_from_fiscal_year is None or fiscal_year < self.retired_from_fiscal_year


class ProjectEnd(models.TextChoices):
    DISCONTINUED = "discontinued", "廃止"
    COMPLETED = "completed", "終了"


class Project(models.Model):
    """個別事業計画: the unit that is managed and evaluated every year."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="projects")
    pillar = models.ForeignKey(Pillar, on_delete=models.RESTRICT, related_name="projects")
    # Null for pillars whose projects have no policy (産業のDX in the seed).
    policy = models.ForeignKey(
        Policy, on_delete=models.RESTRICT, null=True, blank=True, related_name="projects"
    )
    name = models.CharField("個別事業計画名", max_length=200)
    position = models.PositiveSmallIntegerField("並び順", default=0)  # document order within the plan
    tags = models.ManyToManyField(ProjectTag, blank=True, related_name="projects", verbose_name="区分")
    departments: models.ManyToManyField[Department, ProjectDepartment] = models.ManyToManyField(
        Department, through="ProjectDepartment", related_name="projects", verbose_name="担当部署"
    )
    overview = models.TextField("事業概要", blank=True, default="")
    vision = models.TextField("目指す姿", blank=True, default="")
    comprehensive_plan_area = models.CharField("総合計画の分野", max_length=200, blank=True, default="")
    comprehensive_plan_policy = models.CharField("総合計画の施策", max_length=200, blank=True, default="")
    added_in_revision = models.ForeignKey(
        PlanRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="added_projects"
    )
    # The project's lifetime in fiscal years; null = from the plan's start / to the plan's end. A project added
    # at a revision starts later and is never pushed into an earlier year; a discontinued or completed one
    # ends, stays in history and leaves later cycles.
    first_fiscal_year = models.PositiveSmallIntegerField("開始年度", null=True, blank=True)
    last_fiscal_year = models.PositiveSmallIntegerField("最終年度", null=True, blank=True)
    end_reason = models.CharField(
        "終了の理由", max_length=16, choices=ProjectEnd.choices, blank=True, default=""
    )
    # The same project in the previous plan, when it was carried over into this one (次期計画へ継続): history
    # across plan periods follows this link, never the name, which a new plan may change.
    continued_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continued_in",
        verbose_name="前計画の個別事業計画",
    )

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "個別事業計画"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="project_unique_name"),
            models.CheckConstraint(
                condition=models.Q(first_fiscal_year__isnull=True)
                | models.Q(last_fiscal_year__isnull=True)
                | models.Q(first_fiscal_year__lte=models.F("last_fiscal_year")),
                name="project_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(end_reason="") | models.Q(last_fiscal_year__isnull=False),
                name="project_end_has_year",
            ),
            models.CheckConstraint(
                condition=fiscal_year_in_range("first_fiscal_year", nullable=True)
                & fiscal_year_in_range("last_fiscal_year", nullable=True),
                name="project_years_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(end_reason__in=["", *ProjectEnd.values]), name="project_end_reason_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_in(self, fiscal_year: int) -> bool:
        """True when the project is reported on in ``fiscal_year`` (within its own lifetime)."""
        return (self.first_fiscal_year is None or self.first_fiscal_year <= fiscal_year) and (
            self.last_fiscal_year is None or fiscal_year <= self.last_fiscal_year
        )


class ProjectDepartment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="department_links")
    department = models.ForeignKey(Department, on_delete=models.RESTRICT, related_name="project_links")
    position = models.PositiveSmallIntegerField(default=0)  # the order the sheet lists them in

    objects = ScopedManager(municipality="project__plan__municipality")

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "department"], name="project_department_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}→{self.department_id}"


class ScheduleRow(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="schedule_rows")
    position = models.PositiveSmallIntegerField(default=0)
    track = models.CharField("系列", max_length=8, blank=True, default="")  # "①" or "" when not one track

    objects = ScopedManager(municipality="project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "スケジュール行"
        ordering = ["project", "position"]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.position} {self.track}"


class ScheduleCell(models.Model):
    row = models.ForeignKey(ScheduleRow, on_delete=models.CASCADE, related_name="cells")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    text = models.CharField("内容", max_length=500)  # as written, "→" included

    objects = ScopedManager(municipality="row__project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "スケジュール"
        ordering = ["row", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["row", "fiscal_year"], name="schedule_cell_unique_year"),
            models.CheckConstraint(condition=fiscal_year_in_range("fiscal_year"), name="schedule_cell_year_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.text}"


class Direction(models.TextChoices):
    HIGHER = "higher", "高いほど良い"
    LOWER = "lower", "低いほど良い"


class Indicator(models.Model):
    """目標指標 (KPI)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("指標名", max_length=300)
    unit = models.CharField("単位", max_length=20, blank=True, default="")
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    qualifier = models.CharField("付記", max_length=20, blank=True, default="")  # 以上 / 以下 / 約
    note = models.TextField("注記", blank=True, default="")
    continued_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continued_in",
        verbose_name="前計画の目標指標",
    )

    objects = ScopedManager(municipality="project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "目標指標"
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="indicator_direction_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ValueKind(models.TextChoices):
    TARGET = "target", "目標"
    ACTUAL = "actual", "実績"


class IndicatorValue(models.Model):
    """A target or actual of one indicator for one fiscal year, effective from a plan revision.

    ``revision`` null means "as adopted"; the current value is the one of the latest revision.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    kind = models.CharField(max_length=8, choices=ValueKind.choices)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("値", max_digits=20, decimal_places=6)
    # Digits after the decimal point as written (3.0点 has 1): the documents print values the way they were given.
    decimals = models.PositiveSmallIntegerField(default=0)
    revision = models.ForeignKey(
        PlanRevision, on_delete=models.RESTRICT, null=True, blank=True, related_name="indicator_values"
    )

    objects = ScopedManager(municipality="indicator__project__plan__municipality")

    class Meta:
        verbose_name = verbose_name_plural = "目標・実績"
        ordering = ["indicator", "kind", "fiscal_year", "revision__revised_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kind", "fiscal_year", "revision"], name="indicator_value_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "kind", "fiscal_year"],
                condition=models.Q(revision__isnull=True),
                name="indicator_value_unique_original",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ValueKind.values), name="indicator_value_kind_known"),
            models.CheckConstraint(condition=fiscal_year_in_range("fiscal_year"), name="indicator_value_year_in_range"),
            models.CheckConstraint(condition=value_in_range("value"), name="indicator_value_in_range"),
            models.CheckConstraint(condition=decimals_in_range("decimals"), name="indicator_value_decimals_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}: {self.value}"

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.decimals)
