"""Writing a project report: saving the department's input (the transitions are in ``transitions.py``).

Every function is one transaction, runs in the report's municipality scope (callers need not open one),
checks ``shinchoku.permissions.can`` (``by=None`` means the system, e.g. a management command), locks the
report row (SELECT … FOR UPDATE) so two saves cannot interleave, and writes audit rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django_scopes import scope

from shinchoku import inputs
from shinchoku.cycle.errors import (
    FieldChange,
    InvalidActualValue,
    InvalidInput,
    NotPermitted,
    ReportConflict,
    ReportLocked,
    input_refusals,
)
from shinchoku.cycle.models import AuditEntry, ItemEvaluation
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.evaluate import ensure_items, evaluate_report
from shinchoku.cycle.workflow import (
    STATE_LABELS,
    report_is_editable,
)
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    GradeDefinition,
    IndicatorValue,
    ProjectReport,
    ReportState,
    ResultTable,
    ScheduleStatus,
    ValueKind,
)
from shinchoku.plans.services import ResultRowSpec, result_table_specs, result_tables_replace
from shinchoku.values import NotANumber, ParsedValue, parse, plain_or_none

# Japanese names of the report's fields, for conflict screens and error messages.
FIELD_LABELS: dict[str, str] = {
    "results": "主な取組と成果",
    "challenges": "「目指す姿」に向けた課題と今後の展開",
    "next_year": "次年度の主な取組",
    "non_b_summary": "進捗状況B以外の概要",
    "result_tables": "成果の表",
    "schedule_status": "スケジュールの進捗",
    "department_grade": "担当部署の評価",
    "department_comment": "担当部署のコメント",
    "suggested_grade": "評価案",
    "state": "状態",
    "grade": "最終評価",
}


# -- helpers ---------------------------------------------------------------------------------------------------


@contextmanager
def report_scope(report: ProjectReport) -> Iterator[int]:
    """Enter the report's municipality scope (FK traversal uses the unscoped base manager) and a transaction;
    the input boundary's refusals come out as InvalidInput."""
    municipality_id = report.project.plan.municipality_id
    with scope(municipality=municipality_id), transaction.atomic(), input_refusals():
        yield municipality_id


def lock_report(report: ProjectReport) -> ProjectReport:
    return ProjectReport.objects.select_for_update().select_related("project__plan", "reporting_year").get(pk=report.pk)


def clean_items(value: Sequence[str] | str | None, *, field: str) -> list[str] | None:
    """Text items as a list: a textarea's lines (bullets "・" dropped, blanks skipped) or a list as given,
    each through the input boundary (``report.item``); ``field`` is the report field, named in refusals."""
    if value is None:
        return None
    lines = value.splitlines() if isinstance(value, str) else list(value)
    try:
        items = inputs.clean_items(lines, field="report.item", label=FIELD_LABELS[field])
    except inputs.InputRejected as exc:
        raise InvalidInput(exc.message, field=field, english=str(exc.at(field))) from exc
    return [text for text in (item.lstrip("・･").strip() for item in items) if text]


def grade_code(grade: GradeDefinition | None) -> str | None:
    return grade.code if grade is not None else None


def check_grade(grade: GradeDefinition | None, municipality_id: int, what: str) -> None:
    if grade is not None and grade.municipality_id != municipality_id:
        raise InvalidInput(f"{what}がこの自治体の評価段階ではありません。", field=what)


def bump_version(report: ProjectReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*dict.fromkeys([*fields, "version", "updated_at"])])


def _field_key(entry: AuditEntry) -> tuple[str, str]:
    """(field key, Japanese label) of an audit row about a report, for conflicts."""
    parts = entry.action.split(".")
    if entry.action == "report.actual.updated":
        data = entry.after or entry.before or {}
        return f"actual:{data.get('indicator_id')}", f"実績（{data.get('indicator', '')}）"
    if entry.action == "report.item_grade.updated":
        data = entry.after or entry.before or {}
        return f"item_grade:{data.get('item_id')}", f"評価項目の評価（{data.get('item', '')}）"
    if len(parts) == 3 and parts[2] == "updated":
        return parts[1], FIELD_LABELS.get(parts[1], parts[1])
    return "state", FIELD_LABELS["state"]  # a workflow step


def _display(entry: AuditEntry, data: Any) -> Any:
    if entry.action == "report.actual.updated" and isinstance(data, dict):
        return "該当なし" if data.get("not_applicable") else data.get("value")
    if entry.action == "report.item_grade.updated" and isinstance(data, dict):
        return data.get("grade")
    if isinstance(data, dict) and "state" in data:
        return STATE_LABELS.get(data["state"], data["state"])
    return data


def _conflict(report: ProjectReport, expected_version: int) -> ReportConflict:
    entries = (
        AuditEntry.objects.filter(
            object_type="plans.projectreport", object_id=report.pk, object_version__gt=expected_version
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    changes: dict[str, FieldChange] = {}
    for entry in entries:
        key, label = _field_key(entry)
        actor = str(entry.actor) if entry.actor else ""
        first = changes.get(key)
        changes[key] = FieldChange(
            field=key,
            label=label,
            before=first.before if first else _display(entry, entry.before),
            after=_display(entry, entry.after),
            actor=actor,
        )
    return ReportConflict(list(changes.values()), current_version=report.version)


def check_version(report: ProjectReport, expected_version: int | None) -> None:
    """Refuse with ReportConflict when the (locked) report moved on since the page showing it was loaded.

    A review decided on the page of version 7 must not approve version 9, resubmitted in between with other
    actuals. ``None``: no page (a command, an import), nothing to compare.
    """
    if expected_version is not None and expected_version != report.version:
        raise _conflict(report, expected_version)


# -- saving ----------------------------------------------------------------------------------------------------


def _parse_actuals(
    report: ProjectReport, actuals: Mapping[int, str | None], items_by_indicator: dict[int, ItemEvaluation]
) -> dict[int, ParsedValue]:
    parsed: dict[int, ParsedValue] = {}
    errors: dict[int, str] = {}
    for indicator_id, text in actuals.items():
        item = items_by_indicator.get(int(indicator_id))
        if item is None:
            errors[int(indicator_id)] = "この報告の目標指標ではありません。"
            continue
        try:
            parsed[int(indicator_id)] = parse(text, unit=item.indicator.unit)  # type: ignore[union-attr]
        except NotANumber as exc:
            errors[int(indicator_id)] = str(exc)
    if errors:
        raise InvalidActualValue(errors)
    return parsed


def _save_result_tables(report: ProjectReport, tables: Sequence[Mapping[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Replace the result tables when they differ; returns (before, after) as plain data ((x, x) if same).

    A table is ``{"after": index into results (-1 = before the first), "rows": [{"label", "value", "unit"}],
    "total": {...} (optional)}``; values may be typed text ("1,234") or numbers.
    """
    stored = list(ResultTable.objects.filter(report=report).prefetch_related("rows").order_by("position"))

    def plain_rows(table: ResultTable) -> dict[str, Any]:
        rows = [{"label": r.label, "value": r.quantity.plain(), "unit": r.unit} for r in table.rows.all() if not r.is_total]
        totals = [{"label": r.label, "value": r.quantity.plain(), "unit": r.unit} for r in table.rows.all() if r.is_total]
        return {"after": table.after_item, "rows": rows, **({"total": totals[0]} if totals else {})}

    before = [plain_rows(t) for t in stored]
    wanted: list[tuple[int, list[ResultRowSpec]]] = []
    inputs.check_count(
        tables, field="result_tables", label="成果の表", english="result tables", maximum=inputs.RESULT_TABLES_MAX
    )
    for index, table in enumerate(tables):
        rows: list[ResultRowSpec] = []
        inputs.check_count(
            table.get("rows", []), field="result_tables", label=f"成果の表{index + 1}の行",
            english=f"rows of result table {index + 1}", maximum=inputs.RESULT_ROWS_MAX,
        )
        specs = [(r, False) for r in table.get("rows", [])] + ([(table["total"], True)] if table.get("total") else [])
        for row, is_total in specs:
            try:
                label = inputs.clean_line(row["label"], field="result_table.label")
                unit = inputs.clean_line(row.get("unit", ""), field="result_table.unit")
            except inputs.InputRejected as exc:
                raise InvalidInput(f"成果の表{index + 1}：{exc.message}", field="result_tables", english=str(exc)) from exc
            try:
                number = parse(str(row["value"]), unit=unit, allow_not_applicable=False).quantity
            except NotANumber as exc:
                raise InvalidInput(f"成果の表{index + 1}「{label}」：{exc}", field="result_tables") from exc
            if number is None:
                raise InvalidInput(f"成果の表{index + 1}「{label}」の値を入力してください。", field="result_tables")
            rows.append((label, number, unit, is_total))
        wanted.append((int(table.get("after", -1)), rows))
    if not result_tables_replace(report=report, wanted=wanted, current=result_table_specs(stored)):
        return before, before
    after = [plain_rows(t) for t in ResultTable.objects.filter(report=report).prefetch_related("rows").order_by("position")]
    return before, after


def report_save(
    *,
    report: ProjectReport,
    by: Any,
    expected_version: int,
    results: Sequence[str] | str | None = None,
    challenges: Sequence[str] | str | None = None,
    next_year: Sequence[str] | str | None = None,
    non_b_summary: Sequence[str] | str | None = None,
    result_tables: Sequence[Mapping[str, Any]] | None = None,
    actuals: Mapping[int, str | None] | None = None,
    schedule_status: str | None = None,
    department_grade: GradeDefinition | None = None,
    item_grades: Mapping[int, GradeDefinition | None] | None = None,
    comment: str | None = None,
) -> ProjectReport:
    """Save the department's input; ``None`` leaves a field as it is. Returns the saved report.

    ``actuals`` maps indicator id → the text typed ("16,608", "３１．７", "" = no value, "該当なし" = n/a).
    ``item_grades`` maps ItemEvaluation id → the department's grade of that item. Text fields accept a list
    of items or one text (one item per line). Raises NotPermitted, ReportLocked (approved/published),
    ReportConflict (``expected_version`` is stale — nothing saved, ``changes`` says what others changed),
    InvalidActualValue (per indicator), InvalidInput. The version is bumped only when something changed.
    """
    with report_scope(report) as municipality_id:
        current = lock_report(report)
        if by is not None and not can(by, Action.EDIT_REPORT, current):
            raise NotPermitted("この報告を編集する権限がありません。")
        if current.reporting_year.is_locked:
            raise ReportLocked(
                f"{current.reporting_year.get_state_display()}の年度の報告は編集できません。"
                "変更が必要な場合は企画政策課に再開を依頼してください。"
            )
        if not report_is_editable(current):
            raise ReportLocked(
                f"「{STATE_LABELS[current.state]}」の報告は編集できません。"
                + ("変更が必要な場合は企画政策課に再開を依頼してください。" if current.state != ReportState.SUBMITTED else "情報化推進本部の確認をお待ちください。")
            )
        if expected_version != current.version:
            raise _conflict(current, expected_version)

        items = ensure_items([current])[0][current.pk]
        items_by_indicator = {i.indicator_id: i for i in items if i.indicator_id}
        parsed_actuals = _parse_actuals(current, actuals or {}, items_by_indicator)
        if schedule_status is not None and schedule_status not in {"", *ScheduleStatus.values}:
            raise InvalidInput("スケジュールの進捗の値が正しくありません。", field="schedule_status")
        check_grade(department_grade, municipality_id, "担当部署の評価")
        items_by_id = {i.pk: i for i in items}
        for item_id, grade in (item_grades or {}).items():
            if int(item_id) not in items_by_id:
                raise InvalidInput("この報告の評価項目ではありません。", field="item_grades")
            check_grade(grade, municipality_id, "評価項目の評価")

        changes: list[tuple[str, Any, Any]] = []  # (field, before, after) of the report itself
        extra: list[tuple[str, Any, Any]] = []  # (action, before, after) of actuals and items
        if comment is not None:
            comment = inputs.clean_text(comment, field="report.department_comment")
        for name, value in (
            ("results", clean_items(results, field="results")),
            ("challenges", clean_items(challenges, field="challenges")),
            ("next_year", clean_items(next_year, field="next_year")),
            ("non_b_summary", clean_items(non_b_summary, field="non_b_summary")),
        ):
            if value is not None and value != getattr(current, name):
                changes.append((name, getattr(current, name), value))
                setattr(current, name, value)
        if schedule_status is not None and schedule_status != current.schedule_status:
            changes.append(("schedule_status", current.schedule_status, schedule_status))
            current.schedule_status = schedule_status
        if department_grade is not None and department_grade.pk != current.department_grade_id:
            changes.append(("department_grade", grade_code(current.department_grade), department_grade.code))
            current.department_grade = department_grade
        if comment is not None and comment != current.department_comment:
            changes.append(("department_comment", current.department_comment, comment))
            current.department_comment = comment
        if result_tables is not None:
            before_tables, after_tables = _save_result_tables(current, result_tables)
            if before_tables != after_tables:
                changes.append(("result_tables", before_tables, after_tables))

        extra.extend(_save_actuals(current, parsed_actuals, items_by_indicator))
        for item_id, grade in (item_grades or {}).items():
            item = items_by_id[int(item_id)]
            if (grade.pk if grade else None) != item.department_grade_id:
                label = item.indicator.name if item.indicator else "スケジュール"
                extra.append(
                    (
                        "report.item_grade.updated",
                        {"item_id": item.pk, "item": label, "grade": grade_code(item.department_grade)},
                        {"item_id": item.pk, "item": label, "grade": grade_code(grade)},
                    )
                )
                item.department_grade = grade
                item.save(update_fields=["department_grade"])

        if not changes and not extra:
            return current
        changes.extend(evaluate_report(current, municipality_id=municipality_id))
        bump_version(current, [name for name, _, _ in changes if name != "result_tables"])
        for name, before, after in changes:
            audit_record(
                municipality=municipality_id, by=by, action=f"report.{name}.updated", obj=current,
                project=current.project_id, before=before, after=after, object_version=current.version,
            )
        for action, before, after in extra:
            audit_record(
                municipality=municipality_id, by=by, action=action, obj=current,
                project=current.project_id, before=before, after=after, object_version=current.version,
            )
        return current


def _save_actuals(
    report: ProjectReport, parsed: Mapping[int, ParsedValue], items_by_indicator: dict[int, ItemEvaluation]
) -> list[tuple[str, Any, Any]]:
    """Write actual values (revision-less IndicatorValue rows of the report's year); returns audit data."""
    if not parsed:
        return []
    stored = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator_id__in=list(parsed), kind=ValueKind.ACTUAL, fiscal_year=report.fiscal_year, revision__isnull=True
        )
    }
    audit: list[tuple[str, Any, Any]] = []
    for indicator_id, number in parsed.items():
        item = items_by_indicator[indicator_id]
        row = stored.get(indicator_id)
        before = {
            "indicator_id": indicator_id,
            "indicator": item.indicator.name,  # type: ignore[union-attr]
            "value": plain_or_none(row.quantity if row else None),
            "not_applicable": item.not_applicable,
        }
        quantity = number.quantity
        after = {**before, "value": plain_or_none(quantity), "not_applicable": number.not_applicable}
        if before == after:  # the plain form carries the decimals, so 31.7 → 31.70 is a change
            continue
        if quantity is None:
            if row is not None:
                row.delete()
        elif row is None:
            IndicatorValue.objects.create(
                indicator_id=indicator_id, kind=ValueKind.ACTUAL, fiscal_year=report.fiscal_year,
                value=quantity.value, decimals=quantity.decimals,
            )
        else:
            row.value, row.decimals = quantity.value, quantity.decimals
            row.save(update_fields=["value", "decimals"])
        if item.not_applicable != number.not_applicable:
            item.not_applicable = number.not_applicable
            item.save(update_fields=["not_applicable"])
        if before != after:
            audit.append(("report.actual.updated", before, after))
    return audit
