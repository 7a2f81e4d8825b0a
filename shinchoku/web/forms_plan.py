"""Reading the plan-editing forms (DX staff) from a request.

Like ``forms.py``: plain dataclasses that carry what was typed, so a refused form comes back exactly as the
user left it. The services validate (their Japanese messages are shown next to the field they name); these
only turn text into the types the services take (ids → objects, "2023-12" → a date, "115" → a Decimal) and
report, in Japanese, what cannot be turned.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict

from shinchoku import wareki
from shinchoku.plans.models import (
    Direction,
    Indicator,
    IndicatorValue,
    Pillar,
    PlanRevision,
    Policy,
    Project,
    ProjectTag,
    ScheduleCell,
    ScheduleRow,
)
from shinchoku.tenancy.models import Department
from shinchoku.values import NotANumber, Quantity, parse

EXTRA_DEPARTMENT_SLOTS = 2  # empty selects offered after the project's departments
MIN_DEPARTMENT_SLOTS = 3


class FormInvalid(Exception):
    """Some fields could not be read; ``errors`` maps the field name → Japanese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _text(post: QueryDict, name: str) -> str:
    return post.get(name, "").replace("\r\n", "\n")


def parse_year_month(raw: str) -> dt.date | None:
    """A month as typed (``令和5年12月``, ``R5.12``, ``2023-12``, full-width too) → its first day; else None."""
    try:
        return wareki.parse_month_input(raw or "")
    except ValueError:
        return None


def parse_date(raw: str) -> dt.date | None:
    """A day as typed (``令和7年6月30日``, ``R7.6.30``, ``2025-06-30``, full-width too); else None."""
    try:
        return wareki.parse_date_input(raw or "")
    except ValueError:
        return None


def parse_percent(raw: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", raw or "").strip().removesuffix("%").strip()
    if not re.fullmatch(r"\d{1,4}(\.\d)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def by_pk(objects: Iterable[object], raw: str) -> object | None:
    for obj in objects:
        if str(getattr(obj, "pk", "")) == raw:
            return obj
    return None


# -- plan revisions and departments ------------------------------------------------------------------------------


@dataclass
class RevisionFormData:
    revised_on: str = ""
    description: str = ""

    @classmethod
    def from_post(cls, post: QueryDict) -> RevisionFormData:
        return cls(revised_on=post.get("revised_on", "").strip(), description=_text(post, "description"))

    def revised_on_date(self) -> dt.date:
        date = parse_year_month(self.revised_on)
        if date is None:
            raise FormInvalid({"revised_on": "改定年月を「令和5年12月」「R5.12」「2023-12」のように年と月で入力してください。"})
        return date


@dataclass
class DepartmentFormData:
    name: str = ""
    email: str = ""

    @classmethod
    def from_post(cls, post: QueryDict) -> DepartmentFormData:
        return cls(name=post.get("name", ""), email=post.get("email", ""))

    def check_email(self) -> None:
        email = self.email.strip()
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise FormInvalid({"email": "メールアドレスの形式が正しくありません（例：kikaku@city.example.lg.jp）。"})


@dataclass
class TagFormData:
    name: str = ""

    @classmethod
    def from_post(cls, post: QueryDict) -> TagFormData:
        return cls(name=post.get("name", ""))


# -- thresholds --------------------------------------------------------------------------------------------------


THRESHOLD_FIELDS: dict[str, str] = {"a_min": "A", "b_min": "B", "c_min": "C"}


@dataclass
class ThresholdsFormData:
    a_min: str = ""
    b_min: str = ""
    c_min: str = ""

    @classmethod
    def from_thresholds(cls, thresholds: object) -> ThresholdsFormData:
        return cls(**{name: _plain_decimal(getattr(thresholds, name)) for name in THRESHOLD_FIELDS})

    @classmethod
    def from_post(cls, post: QueryDict) -> ThresholdsFormData:
        return cls(**{name: post.get(name, "").strip() for name in THRESHOLD_FIELDS})

    def values(self) -> dict[str, Decimal]:
        errors: dict[str, str] = {}
        values: dict[str, Decimal] = {}
        for name, code in THRESHOLD_FIELDS.items():
            value = parse_percent(getattr(self, name))
            if value is None:
                errors[name] = f"{code}の下限を0以上の数値（小数第1位まで）で入力してください（例：80）。"
            else:
                values[name] = value
        if errors:
            raise FormInvalid(errors)
        return values


def _plain_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


# -- projects ----------------------------------------------------------------------------------------------------


@dataclass
class ProjectFormData:
    name: str = ""
    pillar: str = ""  # Pillar pk as typed
    policy: str = ""  # Policy pk as typed, "" = directly under the pillar
    tags: list[str] = field(default_factory=list)  # ProjectTag pks as typed
    overview: str = ""
    vision: str = ""
    comprehensive_plan_area: str = ""
    comprehensive_plan_policy: str = ""
    departments: list[str] = field(default_factory=list)  # department pks as typed, in order ("" = empty slot)
    added_in_revision: str = ""
    first_fiscal_year: str = ""  # as typed; "" = let the service choose (only asked when a project is added)

    TEXT_FIELDS = ("name", "overview", "vision", "comprehensive_plan_area", "comprehensive_plan_policy")

    @classmethod
    def from_project(cls, project: Project) -> ProjectFormData:
        return cls(
            name=project.name,
            pillar=str(project.pillar_id),
            policy=str(project.policy_id or ""),
            tags=[str(tag.pk) for tag in project.tags.all()],
            overview=project.overview,
            vision=project.vision,
            comprehensive_plan_area=project.comprehensive_plan_area,
            comprehensive_plan_policy=project.comprehensive_plan_policy,
            departments=[str(link.department_id) for link in project.department_links.all()],
            added_in_revision=str(project.added_in_revision_id or ""),
        )

    @classmethod
    def from_post(cls, post: QueryDict) -> ProjectFormData:
        return cls(
            **{name: _text(post, name) for name in cls.TEXT_FIELDS},
            pillar=post.get("pillar", "").strip(),
            policy=post.get("policy", "").strip(),
            tags=[raw.strip() for raw in post.getlist("tags") if raw.strip()],
            departments=[raw.strip() for raw in post.getlist("departments")],
            added_in_revision=post.get("added_in_revision", ""),
            first_fiscal_year=post.get("first_fiscal_year", "").strip(),
        )

    def department_slots(self) -> list[str]:
        """One select per department, then empty ones to add more (no JavaScript needed)."""
        chosen = [d for d in self.departments if d]
        return chosen + [""] * max(EXTRA_DEPARTMENT_SLOTS, MIN_DEPARTMENT_SLOTS - len(chosen))

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.TEXT_FIELDS}

    def chosen_departments(self, departments: Sequence[Department]) -> list[Department]:
        chosen: list[Department] = []
        for raw in self.departments:
            if not raw:
                continue
            department = by_pk(departments, raw)
            if department is None:
                raise FormInvalid({"departments": "選べない担当部署が指定されました。一覧から選んでください。"})
            if department not in chosen:
                chosen.append(department)  # type: ignore[arg-type]
        return chosen

    def chosen_tags(self, tags: Sequence[ProjectTag]) -> list[ProjectTag]:
        chosen: list[ProjectTag] = []
        for raw in self.tags:
            tag = by_pk(tags, raw)
            if not isinstance(tag, ProjectTag):
                raise FormInvalid({"tags": "選べない区分が指定されました。一覧から選んでください。"})
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    def pillar_and_policy(self, pillars: Sequence[Pillar]) -> tuple[Pillar, Policy | None]:
        """The chosen pillar and policy; without JavaScript any policy can be picked with any pillar, so a
        policy of another pillar is refused here with a message that names both."""
        pillar = by_pk(pillars, self.pillar)
        if not isinstance(pillar, Pillar):
            raise FormInvalid({"pillar": "柱を選んでください。"})
        if not self.policy:
            return pillar, None
        policy = by_pk(pillar.policies.all(), self.policy)
        if isinstance(policy, Policy):
            return pillar, policy
        elsewhere = by_pk((p for other in pillars for p in other.policies.all()), self.policy)
        if isinstance(elsewhere, Policy):
            raise FormInvalid({
                "policy": f"施策「{elsewhere.name}」は柱「{pillar.name}」の施策ではありません。"
                          "柱と施策の組合せを選び直してください。"
            })
        raise FormInvalid({"policy": "施策を一覧から選んでください。"})

    def revision(self, revisions: Sequence[PlanRevision]) -> PlanRevision | None:
        if not self.added_in_revision:
            return None
        revision = by_pk(revisions, self.added_in_revision)
        if not isinstance(revision, PlanRevision):
            raise FormInvalid({"added_in_revision": "改定を一覧から選んでください。"})
        return revision

    def chosen_first_fiscal_year(self) -> int | None:
        """The first fiscal year as a number (None = the service's default); whether the year may be chosen
        is the service's to say."""
        return _fiscal_year(self.first_fiscal_year, "first_fiscal_year", "開始年度を一覧から選んでください。", optional=True)


def _fiscal_year(raw: str, name: str, message: str, *, optional: bool = False) -> int | None:
    """A Western fiscal year as posted by a select ("2025"); anything else is refused with ``message``."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text and optional:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise FormInvalid({name: message})
    return int(text)


@dataclass
class DiscontinueFormData:
    """「事業の終了・廃止」: the reason (ProjectEnd value as posted) and the first fiscal year the project is
    no longer reported on."""

    reason: str = ""
    from_fiscal_year: str = ""

    @classmethod
    def from_post(cls, post: QueryDict) -> DiscontinueFormData:
        return cls(reason=post.get("reason", "").strip(), from_fiscal_year=post.get("from_fiscal_year", "").strip())

    def chosen_from_fiscal_year(self) -> int:
        year = _fiscal_year(self.from_fiscal_year, "from_fiscal_year", "報告の対象から外す最初の年度を選んでください。")
        assert year is not None  # not optional: an empty value is refused above
        return year


# -- indicators and targets --------------------------------------------------------------------------------------


@dataclass
class IndicatorFormData:
    name: str = ""
    unit: str = ""
    direction: str = Direction.HIGHER
    qualifier: str = ""
    note: str = ""

    FIELDS = ("name", "unit", "direction", "qualifier", "note")

    @classmethod
    def from_indicator(cls, indicator: Indicator) -> IndicatorFormData:
        return cls(**{name: getattr(indicator, name) for name in cls.FIELDS})

    @classmethod
    def from_post(cls, post: QueryDict) -> IndicatorFormData:
        return cls(**{name: _text(post, name) for name in cls.FIELDS})

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS}


def target_text(value: IndicatorValue | None) -> str:
    return "" if value is None else value.quantity.plain()


@dataclass
class TargetsFormData:
    revision: str = ""  # PlanRevision pk, "" = as adopted (策定時)
    values: dict[int, str] = field(default_factory=dict)  # fiscal year → text as typed

    @classmethod
    def from_current(
        cls, years: Iterable[int], current: dict[int, IndicatorValue], revisions: Sequence[PlanRevision]
    ) -> TargetsFormData:
        latest = revisions[-1] if revisions else None
        return cls(
            revision=str(latest.pk) if latest else "",
            values={fy: target_text(current.get(fy)) for fy in years},
        )

    @classmethod
    def from_post(cls, post: QueryDict, years: Iterable[int]) -> TargetsFormData:
        return cls(revision=post.get("revision", ""), values={fy: post.get(f"target-{fy}", "").strip() for fy in years})

    def chosen_revision(self, revisions: Sequence[PlanRevision]) -> PlanRevision | None:
        if not self.revision:
            return None
        revision = by_pk(revisions, self.revision)
        if not isinstance(revision, PlanRevision):
            raise FormInvalid({"revision": "改定を一覧から選んでください。"})
        return revision

    def changed(self, current: dict[int, IndicatorValue], unit: str = "") -> dict[int, str]:
        """The years whose typed value differs from the target in force: an untouched empty year, or "14,000"
        typed over 14000, is no change (so no revision row repeats the value in force)."""
        changed: dict[int, str] = {}
        for fy, text in self.values.items():
            in_force = current.get(fy)
            if text == target_text(in_force):
                continue
            if in_force is not None:
                try:
                    parsed: Quantity | None = parse(text, unit=unit, allow_not_applicable=False).quantity
                except NotANumber:
                    parsed = None
                if parsed == in_force.quantity:
                    continue
            changed[fy] = text
        return changed


# -- schedule ----------------------------------------------------------------------------------------------------

MAX_SCHEDULE_ROWS = 12


@dataclass
class ScheduleRowData:
    track: str = ""
    cells: dict[int, str] = field(default_factory=dict)  # fiscal year → text as typed


@dataclass
class ScheduleFormData:
    """The schedule editor: rows × the plan's fiscal years. Rows are added and removed by submit buttons
    (``action=add`` / ``action=remove-<index>``), so the editor works without JavaScript."""

    years: list[int]
    rows: list[ScheduleRowData] = field(default_factory=list)

    @classmethod
    def from_rows(cls, years: Iterable[int], rows: Iterable[ScheduleRow]) -> ScheduleFormData:
        years = list(years)
        data = cls(
            years=years,
            rows=[
                ScheduleRowData(row.track, {fy: "" for fy in years} | {c.fiscal_year: c.text for c in row.cells.all()})
                for row in rows
            ],
        )
        if not data.rows:
            data.add_row()
        return data

    @classmethod
    def from_post(cls, post: QueryDict, years: Iterable[int]) -> ScheduleFormData:
        years = list(years)
        try:
            count = min(int(post.get("row_count", "0")), MAX_SCHEDULE_ROWS)
        except ValueError:
            count = 0
        rows = [
            ScheduleRowData(
                post.get(f"row-{i}-track", "").strip(),
                {fy: _text(post, f"row-{i}-{fy}") for fy in years},
            )
            for i in range(max(count, 0))
        ]
        return cls(years=years, rows=rows)

    @property
    def table(self) -> list[dict[str, Any]]:
        """The rows as the template shows them: field names ready (``row-0-track``, ``row-0-2023``)."""
        return [
            {
                "index": i,
                "number": i + 1,
                "track": row.track,
                "track_name": f"row-{i}-track",
                "cells": [(fy, f"row-{i}-{fy}", row.cells.get(fy, "")) for fy in self.years],
            }
            for i, row in enumerate(self.rows)
        ]

    @property
    def can_add(self) -> bool:
        return len(self.rows) < MAX_SCHEDULE_ROWS

    def add_row(self) -> None:
        if self.can_add:
            self.rows.append(ScheduleRowData("", {fy: "" for fy in self.years}))

    def remove_row(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            del self.rows[index]
        if not self.rows:
            self.add_row()

    def values(self) -> list[tuple[str, dict[int, str]]]:
        """What the service takes; lengths are checked here so the message sits next to the cell."""
        errors: dict[str, str] = {}
        track_max = ScheduleRow._meta.get_field("track").max_length or 8
        text_max = ScheduleCell._meta.get_field("text").max_length or 500
        for i, row in enumerate(self.rows):
            if len(row.track) > track_max:
                errors[f"row-{i}-track"] = f"系列は{track_max}文字以内で入力してください（例：①）。"
            for fy, text in row.cells.items():
                if len(text.strip()) > text_max:
                    errors[f"row-{i}-{fy}"] = f"{text_max}文字以内で入力してください。"
        if errors:
            raise FormInvalid(errors)
        return [(row.track, dict(row.cells)) for row in self.rows]
