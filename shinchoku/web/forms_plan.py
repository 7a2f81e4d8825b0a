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

from django.http import QueryDict

from shinchoku.cycle.parsing import NotANumber, format_value, parse_number
from shinchoku.plans.models import Direction, Indicator, IndicatorValue, Pillar, PlanRevision, Policy, Project
from shinchoku.tenancy.models import Department

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
    """``2023-12`` / ``2023/12`` / ``2023年12月`` (full-width digits too) → 2023-12-01; anything else → None."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?(?:[-/]\d{1,2})?", text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1)


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(unicodedata.normalize("NFKC", raw or "").strip())
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
            raise FormInvalid({"revised_on": "改定年月を「2023-12」のように年と月で入力してください。"})
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


def classification_value(pillar_id: int, policy_id: int | None) -> str:
    """The value of one option of the 柱・施策 select: ``<pillar>:<policy>`` (policy empty = directly under)."""
    return f"{pillar_id}:{policy_id or ''}"


@dataclass
class ProjectFormData:
    name: str = ""
    classification: str = ""  # classification_value()
    overview: str = ""
    vision: str = ""
    comprehensive_plan_area: str = ""
    comprehensive_plan_policy: str = ""
    departments: list[str] = field(default_factory=list)  # department pks as typed, in order ("" = empty slot)
    added_in_revision: str = ""

    TEXT_FIELDS = ("name", "overview", "vision", "comprehensive_plan_area", "comprehensive_plan_policy")

    @classmethod
    def from_project(cls, project: Project) -> ProjectFormData:
        return cls(
            name=project.name,
            classification=classification_value(project.pillar_id, project.policy_id),
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
            classification=post.get("classification", ""),
            departments=[raw.strip() for raw in post.getlist("departments")],
            added_in_revision=post.get("added_in_revision", ""),
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

    def pillar_and_policy(self, pillars: Sequence[Pillar]) -> tuple[Pillar, Policy | None]:
        pillar_raw, _, policy_raw = self.classification.partition(":")
        pillar = by_pk(pillars, pillar_raw)
        if not isinstance(pillar, Pillar):
            raise FormInvalid({"classification": "柱・施策を選んでください。"})
        if not policy_raw:
            return pillar, None
        policy = by_pk(pillar.policies.all(), policy_raw)
        if not isinstance(policy, Policy):
            raise FormInvalid({"classification": "柱・施策の組合せが正しくありません。"})
        return pillar, policy

    def revision(self, revisions: Sequence[PlanRevision]) -> PlanRevision | None:
        if not self.added_in_revision:
            return None
        revision = by_pk(revisions, self.added_in_revision)
        if not isinstance(revision, PlanRevision):
            raise FormInvalid({"added_in_revision": "改定を一覧から選んでください。"})
        return revision


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
    if value is None:
        return ""
    return format_value(value.value, value.decimals) or ""


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
                    parsed = parse_number(text, unit=unit, allow_not_applicable=False)
                except NotANumber:
                    parsed = None
                if parsed is not None and parsed.value == in_force.value and parsed.decimals == in_force.decimals:
                    continue
            changed[fy] = text
        return changed
