"""Municipalities (tenants), their departments and who works for which one.

Every other model is reachable from a municipality, and every model's default manager is a django-scopes
``ScopedManager``: a query made outside ``scope(municipality=...)`` raises instead of leaking another city's data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class Approvers(models.TextChoices):
    """Who may return and approve submitted reports (審査), a municipality setting."""

    HQ = "hq", "情報化推進本部のみ"
    HQ_AND_DX = "hq_and_dx", "情報化推進本部とDX担当"


class Municipality(models.Model):
    name = models.CharField("自治体名", max_length=100, unique=True)
    # 全国地方公共団体コード (6 digits with check digit); optional because a city is often set up before anyone looks it up.
    code = models.CharField("団体コード", max_length=6, blank=True, default="")
    # The README's rule is that HQ reviews; a small city whose DX team also reviews opts in. Either way nobody
    # approves a report they submitted themselves (cycle/services/transitions.py:report_approve).
    approvers = models.CharField(
        "報告を審査（差戻し・承認）できる役割", max_length=16, choices=Approvers.choices, default=Approvers.HQ
    )

    objects = ScopedManager(municipality="pk")

    class Meta:
        verbose_name = verbose_name_plural = "自治体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """担当部署 / 業務主管課: owns projects and reports on them."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("部署名", max_length=100)
    email = models.EmailField("連絡先メール", blank=True, default="")
    # Organisation order (組織順), set by DX staff: lists follow the city's own order, not the character codes.
    position = models.PositiveSmallIntegerField("並び順", default=0)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "担当部署"
        ordering = ["municipality", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    DX_STAFF = "dx_staff", "DX担当（企画政策課）"
    HQ_REVIEWER = "hq_reviewer", "情報化推進本部"
    DEPARTMENT_EDITOR = "department_editor", "担当部署"
    VIEWER = "viewer", "閲覧者"


class Membership(models.Model):
    """One role of one user in one municipality; a user may hold several roles (one row each)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("役割", max_length=32, choices=Role.choices)
    # Only meaningful for department editors: the departments whose projects they may edit.
    departments = models.ManyToManyField(Department, blank=True, related_name="memberships")

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = verbose_name_plural = "利用者の役割"
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.municipality} / {self.get_role_display()}"
