"""Reading the report form (department) and the review form (HQ) from a request, and writing them back.

Plain dataclasses rather than Django forms: the services validate (their Japanese errors are shown as they
are), these only carry what was typed so a refused form comes back exactly as the user left it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict

from shinchoku.cycle.selectors import ItemRow
from shinchoku.plans.models import GradeDefinition, IndicatorValue, ProjectReport
from shinchoku.web.forms_result_tables import ResultTablesData

LIST_FIELDS: dict[str, str] = {
    "results": "主な取組と成果",
    "challenges": "「目指す姿」に向けた課題と今後の展開",
    "next_year": "次年度 主な取組",
}
OPS = frozenset({"add", "up", "down", "remove"})


def actual_text(value: IndicatorValue | None, not_applicable: bool) -> str:
    """A stored actual as the department would type it: 16608, 31.7, 該当なし."""
    if not_applicable:
        return "該当なし"
    if value is None:
        return ""
    return value.quantity.plain()


@dataclass
class ListOp:
    name: str  # results / challenges / next_year
    op: str  # add / up / down / remove
    index: int

    @classmethod
    def parse(cls, raw: str | None) -> ListOp | None:
        """``results:up:2`` → ListOp("results", "up", 2); anything else → None."""
        if not raw:
            return None
        parts = raw.split(":")
        if len(parts) < 2 or parts[0] not in LIST_FIELDS or parts[1] not in OPS:
            return None
        try:
            index = int(parts[2]) if len(parts) > 2 else -1
        except ValueError:
            return None
        return cls(parts[0], parts[1], index)

    def apply(self, items: list[str]) -> tuple[list[str], int]:
        """The list after the operation and the index to focus."""
        items = list(items)
        i = self.index
        if self.op == "add":
            items.append("")
            return items, len(items) - 1
        if not 0 <= i < len(items):
            return items, -1
        if self.op == "remove":
            del items[i]
            return items, min(i, len(items) - 1)
        j = i - 1 if self.op == "up" else i + 1
        if 0 <= j < len(items):
            items[i], items[j] = items[j], items[i]
            return items, j
        return items, i


@dataclass
class ReportFormData:
    version: int
    lists: dict[str, list[str]]
    actuals: dict[int, str]  # indicator id → text as typed
    schedule_status: str
    item_grades: dict[int, str]  # item id → grade pk ("" = none)
    department_grade: str  # grade pk or ""
    comment: str
    focus: tuple[str, int] | None = None
    dirty: bool = False  # a list operation changed the form; nothing saved yet
    tables: ResultTablesData = field(default_factory=lambda: ResultTablesData(present=False))  # 成果の表

    @classmethod
    def from_report(cls, report: ProjectReport, items: list[ItemRow]) -> ReportFormData:
        return cls(
            version=report.version,
            lists={name: list(getattr(report, name) or []) for name in LIST_FIELDS},
            actuals={
                row.indicator.pk: actual_text(row.actual, row.item.not_applicable) for row in items if row.indicator
            },
            schedule_status=report.schedule_status,
            item_grades={row.item.pk: str(row.item.department_grade_id or "") for row in items},
            department_grade=str(report.department_grade_id or ""),
            comment=report.department_comment,
            tables=ResultTablesData.from_report(report),
        )

    @classmethod
    def from_post(cls, post: QueryDict, items: list[ItemRow], fallback_version: int) -> ReportFormData:
        try:
            version = int(post.get("version", ""))
        except ValueError:
            version = fallback_version
        return cls(
            version=version,
            lists={name: [text.replace("\r\n", "\n") for text in post.getlist(name)] for name in LIST_FIELDS},
            actuals={row.indicator.pk: post.get(f"actual-{row.indicator.pk}", "") for row in items if row.indicator},
            schedule_status=post.get("schedule_status", ""),
            item_grades={row.item.pk: post.get(f"item_grade-{row.item.pk}", "") for row in items},
            department_grade=post.get("department_grade", ""),
            comment=post.get("comment", ""),
            tables=ResultTablesData.from_post(post),
        )

    def apply(self, op: ListOp) -> None:
        before = len(self.lists[op.name])
        self.lists[op.name], index = op.apply(self.lists[op.name])
        if op.name == "results":  # the tables stay after the same result item
            self.tables.follow_results(op.op, op.index, before)
        self.focus = (op.name, index) if index >= 0 else None
        self.dirty = True

    def cleaned_lists(self) -> dict[str, list[str]]:
        return {name: [t.strip() for t in items if t.strip()] for name, items in self.lists.items()}

    def result_positions(self) -> list[tuple[int, str]]:
        """The choices of 「どの成果の後に置くか」: (-1, 先頭) and each result item by number + its first 20 characters."""
        choices = [(-1, "先頭（1件目の前）")]
        for index, text in enumerate(self.lists["results"]):
            line = " ".join(text.split())
            short = line[:20] + ("…" if len(line) > 20 else "")
            choices.append((index, f"{index + 1}件目の後：{short or '（未入力）'}"))
        return choices


def grade_by_pk(grades: list[GradeDefinition], raw: str) -> GradeDefinition | None:
    for grade in grades:
        if str(grade.pk) == raw:
            return grade
    return None


@dataclass
class ReviewFormData:
    final_grade: str = ""
    rationale: str = ""
    non_b_summary: str = ""
    comment: str = ""
    item_final_grades: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_report(cls, report: ProjectReport, items: list[ItemRow]) -> ReviewFormData:
        return cls(
            final_grade=str(report.grade_id or report.department_grade_id or report.suggested_grade_id or ""),
            rationale=report.rationale,
            non_b_summary="\n".join(report.non_b_summary or []),
            comment="",
            item_final_grades={
                row.item.pk: str(
                    row.item.final_grade_id or row.item.department_grade_id or row.item.suggested_grade_id or ""
                )
                for row in items
            },
        )

    @classmethod
    def from_post(cls, post: QueryDict, items: list[ItemRow]) -> ReviewFormData:
        return cls(
            final_grade=post.get("final_grade", ""),
            rationale=post.get("rationale", ""),
            non_b_summary=post.get("non_b_summary", ""),
            comment=post.get("comment", ""),
            item_final_grades={row.item.pk: post.get(f"item_final_grade-{row.item.pk}", "") for row in items},
        )
