"""Importing a department workbook: validate every sheet first, then save every report through
``report_save`` (the service of the web form) in one transaction, so nothing is half-written.

The workbook carries the version each report was exported at: a report changed on the web since is a
conflict (``report_save``'s own check), and submitted, approved or published reports are refused. One audit
row ``workbook.imported`` (file name, SHA-256, the reports changed) records the import itself, next to the
``report.*.updated`` rows of each change.

Asked to (``submit``), the same transaction then submits every report of the workbook through
``report_submit``, the web's transition: a department done with its sheets sends them in one step.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django_scopes import scope, scopes_disabled

from shinchoku.cycle import audit_actions
from shinchoku.cycle.errors import (
    CycleError,
    IncompleteReport,
    InvalidActualValue,
    NotPermitted,
    ReportConflict,
)
from shinchoku.cycle.models import AuditEntry, ItemEvaluation
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.report import FIELD_LABELS, _display, _field_key, check_version, report_save
from shinchoku.cycle.services.transitions import report_submit, report_submit_check
from shinchoku.cycle.workflow import STATE_LABELS, report_is_editable
from shinchoku.permissions import Action, can
from shinchoku.plans.models import (
    GradeDefinition,
    IndicatorValue,
    ProjectReport,
    ReportingYear,
    ReportState,
    ResultTable,
    ValueKind,
)
from shinchoku.tenancy.models import Municipality
from shinchoku.values import NotANumber, Quantity, parse
from shinchoku.workbooks.department import SheetInput, export_workbook, read_workbook
from shinchoku.workbooks.layout import WorkbookInvalid

_TABLE_REFUSAL = re.compile(r"^成果の表(\d+)")

__all__ = ["WorkbookImport", "WorkbookInvalid", "workbook_export", "workbook_import"]


@dataclass(frozen=True)
class Change:
    sheet: str
    label: str  # Japanese field name
    before: Any
    after: Any


@dataclass
class WorkbookImport:
    municipality: Municipality
    fiscal_year: int
    sha256: str
    changes: list[Change] = field(default_factory=list)
    reports_changed: list[int] = field(default_factory=list)
    reports_submitted: list[int] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def workbook_export(
    *, municipality: Municipality, fiscal_year: int, department: str | None = None, by: Any = None
) -> bytes:
    """The department workbook of ``fiscal_year``: the reports of ``department`` (name), or all; ``by``
    (None: the system) sees only the reports it may edit. Raises LookupError (English) when there is none."""
    with scope(municipality=municipality.pk):
        year = (
            ReportingYear.objects.select_related("plan")
            .filter(plan__municipality=municipality, fiscal_year=fiscal_year)
            .first()
        )
        if year is None:
            raise LookupError(f"{municipality.name} has no reporting year {fiscal_year}")
        reports = (
            ProjectReport.objects.filter(reporting_year=year)
            .select_related("project__plan", "department_grade")
            .prefetch_related(
                "project__department_links__department",
                Prefetch("result_tables", queryset=ResultTable.objects.order_by("position").prefetch_related("rows")),
            )
            .order_by("project__position", "project__pk")
        )
        if department:
            reports = reports.filter(project__department_links__department__name=department).distinct()
        chosen = [r for r in reports if by is None or can(by, Action.EDIT_REPORT, r)]
        if not chosen:
            raise LookupError(
                f"no report of fiscal year {fiscal_year}" + (f" for department '{department}'" if department else "")
            )
        grades = list(GradeDefinition.objects.filter(municipality=municipality).order_by("position"))
        return export_workbook(year=year, reports=chosen, grades=grades)


def _refuse(sheet: str, cell: str, english: str, japanese: str) -> tuple[str, str]:
    where = f"sheet '{sheet}'" + (f" cell {cell}" if cell else "")
    return f"{where}: {english}", f"シート「{sheet}」" + (f"セル {cell}" if cell else "") + f"：{japanese}"


def _conflict_error(sheet: SheetInput, exc: ReportConflict) -> tuple[str, str]:
    fields = ", ".join(c.field for c in exc.changes) or "the report"
    labels = "、".join(dict.fromkeys(c.label for c in exc.changes)) or "内容"
    return _refuse(
        sheet.sheet, "",
        f"the report was changed on the web since the export (version {sheet.version} → {exc.current_version}: "
        f"{fields}); export the workbook again",
        f"書き出した後にWebで報告が更新されました（{labels}）。もう一度書き出してください。",
    )


def _check(
    sheets: list[SheetInput], by: Any, *, submit: bool = False
) -> tuple[Municipality, int, dict[str, ProjectReport]]:
    """Everything that can be known before saving: one municipality and year, the reports, their states,
    versions, grades and the permissions (to submit too, with ``submit``). Raises WorkbookInvalid with every
    error found."""
    errors: list[tuple[str, str]] = []
    first = sheets[0]
    with scopes_disabled():
        municipality = Municipality.objects.filter(pk=first.municipality_id).first()
    if municipality is None:
        raise WorkbookInvalid([_refuse("_ids", "E2", "unknown municipality", "自治体が見つかりません。")])
    reports: dict[str, ProjectReport] = {}
    with scope(municipality=municipality.pk):
        codes = set(GradeDefinition.objects.filter(municipality=municipality).values_list("code", flat=True))
        for n, sheet in enumerate(sheets, start=2):
            if (sheet.municipality_id, sheet.fiscal_year) != (first.municipality_id, first.fiscal_year):
                errors.append(_refuse("_ids", f"E{n}", "the sheets are of different municipalities or years",
                                      "別の自治体・年度のシートが混ざっています。"))
                continue
            report = (
                ProjectReport.objects.select_related("project__plan", "reporting_year")
                .filter(pk=sheet.report_id, project_id=sheet.project_id, fiscal_year=sheet.fiscal_year,
                        project__plan__municipality=municipality)
                .first()
            )
            if report is None:
                errors.append(_refuse(
                    "_ids", f"C{n}",
                    f"report {sheet.report_id} (project {sheet.project_id}, fiscal year {sheet.fiscal_year}) "
                    f"is not a report of {municipality.name}",
                    "この自治体・年度の報告ではありません。",
                ))
                continue
            if by is not None and not can(by, Action.EDIT_REPORT, report):
                errors.append(_refuse(sheet.sheet, "", "you may not edit this report", "この報告を編集する権限がありません。"))
            elif submit and by is not None and not can(by, Action.SUBMIT_REPORT, report):
                errors.append(_refuse(sheet.sheet, "", "you may not submit this report", "この報告を提出する権限がありません。"))
            elif report.reporting_year.is_locked or not report_is_editable(report):
                state = "published" if report.reporting_year.is_locked else report.state
                errors.append(_refuse(
                    sheet.sheet, "", f"the report is {state} and cannot be overwritten",
                    f"「{STATE_LABELS.get(report.state, report.state)}」の報告は上書きできません。",
                ))
            else:
                try:
                    check_version(report, sheet.version)
                except ReportConflict as exc:
                    errors.append(_conflict_error(sheet, exc))
            for key, code in [*((f"item:{i}", c) for i, c in sheet.item_grades.items()),
                              ("department", sheet.department_grade)]:
                if code and code not in codes:
                    errors.append(_refuse(
                        sheet.sheet, sheet.grade_cells.get(key, ""),
                        f"'{code}' is not a grade of the scale ({', '.join(sorted(codes))})",
                        f"「{code}」は評価段階にありません（{'、'.join(sorted(codes))}）。",
                    ))
            reports[sheet.sheet] = report
    if errors:
        raise WorkbookInvalid(errors)
    return municipality, first.fiscal_year, reports


def _keep_stored_decimals(sheet: SheetInput, report: ProjectReport, items: dict[int, ItemEvaluation]) -> dict[int, str]:
    """The actuals to save, by indicator. One Excel turned into a number (数値に変換 on its "number stored as
    text" warning) lost the zeros after its point: the same number as stored is the stored value (31.70)."""
    actuals: dict[int, str] = {items[i].indicator_id: text for i, text in sheet.actuals.items()}  # type: ignore[misc]
    numbers = {items[i].indicator_id for i in sheet.actual_numbers if i in items and items[i].indicator_id is not None}
    if not numbers:
        return actuals
    stored = {
        v.indicator_id: v.quantity
        for v in IndicatorValue.objects.filter(indicator_id__in=numbers, kind=ValueKind.ACTUAL,
                                               fiscal_year=report.fiscal_year, revision__isnull=True)
    }
    for indicator_id in numbers:
        assert indicator_id is not None
        quantity = stored.get(indicator_id)
        try:
            typed = parse(actuals[indicator_id]).quantity
        except NotANumber:
            continue  # refused by report_save with its cell
        if quantity is not None and typed is not None and typed.value == quantity.value:
            actuals[indicator_id] = quantity.plain()
    return actuals


def _save(sheet: SheetInput, report: ProjectReport, by: Any, grades: dict[str, GradeDefinition]) -> ProjectReport:
    items = {i.pk: i for i in ItemEvaluation.objects.filter(report=report)}
    unknown = [i for i in [*sheet.actuals, *sheet.item_grades] if i not in items]
    if unknown:
        raise WorkbookInvalid([_refuse(sheet.sheet, sheet.actual_cells.get(unknown[0], ""),
                                       "a row of an indicator that is not in this report", "この報告の目標指標ではありません。")])
    indicator_cells = {items[i].indicator_id: cell for i, cell in sheet.actual_cells.items()}
    actuals = _keep_stored_decimals(sheet, report, items)
    try:
        return report_save(
            report=report, by=by, expected_version=sheet.version,
            results=sheet.texts["results"], challenges=sheet.texts["challenges"], next_year=sheet.texts["next_year"],
            non_b_summary=sheet.texts["non_b_summary"],
            actuals=actuals,  # type: ignore[arg-type]
            schedule_status=sheet.schedule_status,
            department_grade=grades.get(sheet.department_grade),
            item_grades={i: grades.get(code) for i, code in sheet.item_grades.items()},
            comment=sheet.comment,
            result_tables=sheet.result_tables,
        )
    except InvalidActualValue as exc:
        raise WorkbookInvalid([
            _refuse(sheet.sheet, indicator_cells.get(indicator_id, ""), "not a number", message)
            for indicator_id, message in exc.errors.items()
        ]) from exc
    except ReportConflict as exc:
        raise WorkbookInvalid([_conflict_error(sheet, exc)]) from exc
    except CycleError as exc:
        english = getattr(exc, "english", "") or str(exc)
        raise WorkbookInvalid([_refuse(sheet.sheet, _table_cell(sheet, exc), english, str(exc))]) from exc


def _table_cell(sheet: SheetInput, exc: CycleError) -> str:
    """The cell of the table a refusal of the result tables names (成果の表N…), else "" (the sheet)."""
    found = _TABLE_REFUSAL.match(exc.message) if exc.field == "result_tables" else None
    n = int(found.group(1)) if found else 0
    return sheet.table_cells[n - 1] if 0 < n <= len(sheet.table_cells) else ""


def _position(after: Any) -> str:
    return "最初の項目の前" if not isinstance(after, int) or after < 0 else f"「主な取組と成果」{after + 1}項目目の後"


def _row_text(row: Any) -> str | None:
    if not isinstance(row, dict):
        return None
    value = str(row.get("value", ""))
    try:
        value = Quantity.from_plain(value).format()
    except ValueError:
        pass  # shown as stored
    return f"{row.get('label', '')}：{value}{row.get('unit', '')}"


def _table_text(table: Any) -> str | None:
    if not isinstance(table, dict):
        return None
    rows = "、".join(filter(None, map(_row_text, table.get("rows", []))))
    total = _row_text(table.get("total"))
    return f"{rows}" + (f"（{total}）" if total else "") + f"［{_position(table.get('after'))}］"


def _table_changes(sheet: str, before: Any, after: Any) -> list[Change]:
    """The result tables' audit payload (whole tables) as the preview shows it: a row edited is that row, a
    table added, removed or with rows added or removed is the whole table."""
    before, after = (list(v) if isinstance(v, list) else [] for v in (before, after))
    changes: list[Change] = []
    for i in range(max(len(before), len(after))):
        old, new = (v[i] if i < len(v) else None for v in (before, after))
        name = f"{FIELD_LABELS['result_tables']}{i + 1}"
        if old == new:
            continue
        if old is None or new is None or len(old.get("rows", [])) != len(new.get("rows", [])):
            changes.append(Change(sheet, name, _table_text(old), _table_text(new)))
            continue
        if old.get("after") != new.get("after"):
            changes.append(Change(sheet, f"{name}の位置", _position(old.get("after")), _position(new.get("after"))))
        for n, (a, b) in enumerate(zip(old["rows"], new["rows"], strict=True), start=1):
            if a != b:
                changes.append(Change(sheet, f"{name}の{n}行目", _row_text(a), _row_text(b)))
        if old.get("total") != new.get("total"):
            changes.append(Change(sheet, f"{name}の計", _row_text(old.get("total")), _row_text(new.get("total"))))
    return changes


def _changes(sheet: SheetInput, saved: ProjectReport) -> list[Change]:
    """What the save changed, read back from its audit rows (the service's own account of it)."""
    entries = AuditEntry.objects.filter(
        object_type="plans.projectreport", object_id=saved.pk, object_version=saved.version
    ).order_by("pk")
    changes: list[Change] = []
    for entry in entries:
        if entry.action in ("report.suggested_grade.updated",):
            continue  # a consequence of the edits, not an edit
        if entry.action == "report.result_tables.updated":
            changes.extend(_table_changes(sheet.sheet, entry.before, entry.after))
            continue
        _, label = _field_key(entry)
        before, after = _display(entry, entry.before), _display(entry, entry.after)
        if entry.action == "report.schedule_status.updated":
            # The status as the sheet's drop-down says it (計画どおり), not its stored code.
            before, after = (audit_actions.render_payload(entry.action, v) for v in (entry.before, entry.after))
        changes.append(Change(sheet.sheet, FIELD_LABELS.get(label, label), before, after))
    return changes


def _submit_refusal(sheet: SheetInput, report: ProjectReport, exc: Exception) -> tuple[str, str]:
    if isinstance(exc, IncompleteReport):
        return _refuse(sheet.sheet, "", f"the report cannot be submitted, it lacks: {', '.join(exc.missing)}",
                       f"提出できません。不足している項目：{'、'.join(exc.missing)}")
    if isinstance(exc, NotPermitted):
        return _refuse(sheet.sheet, "", "you may not submit this report", "この報告を提出する権限がありません。")
    english = getattr(exc, "english", "") or f"the report cannot be submitted (it is {report.state})"
    return _refuse(sheet.sheet, "", english, getattr(exc, "message", "") or str(exc))


def _submit_all(sheets: list[SheetInput], saved: dict[str, ProjectReport], by: Any, *, dry_run: bool) -> list[Change]:
    """Submit every report of the workbook (all checked first, so a refusal of the last one has notified no
    one of the first); raises WorkbookInvalid listing every report that cannot be submitted."""
    errors: list[tuple[str, str]] = []
    for sheet in sheets:
        try:
            report_submit_check(report=saved[sheet.sheet], by=by)
        except (CycleError, NotPermitted) as exc:
            errors.append(_submit_refusal(sheet, saved[sheet.sheet], exc))
    if errors:
        raise WorkbookInvalid(errors)
    changes: list[Change] = []
    for sheet in sheets:
        report = saved[sheet.sheet]
        before = STATE_LABELS.get(report.state, report.state)
        if not dry_run:  # a preview submits nothing: it would notify the reviewers
            report = report_submit(report=report, by=by)
        changes.append(Change(sheet.sheet, FIELD_LABELS["state"], before, STATE_LABELS[ReportState.SUBMITTED]))
    return changes


def workbook_import(
    *, content: bytes, by: Any, file_name: str = "", dry_run: bool = False, submit: bool = False,
    municipality: Municipality | None = None, fiscal_year: int | None = None,
) -> WorkbookImport:
    """Validate and apply a department workbook; all or nothing. ``dry_run``: the changes, nothing saved.

    ``submit``: then submit every report of the workbook (each is editable, or the import was refused),
    changed or not — a department done with its sheets sends them in one step; a report that cannot be
    submitted (incomplete, or ``by`` may not submit it) refuses the whole import. ``municipality`` /
    ``fiscal_year``: what the workbook must be of (the web page's; a command takes any), checked before
    anything of the database is looked up. Raises WorkbookInvalid: every error with its sheet and cell
    (English and Japanese)."""
    sha256 = hashlib.sha256(content).hexdigest()
    sheets = read_workbook(content)
    for n, sheet in enumerate(sheets, start=2):
        if (municipality is not None and sheet.municipality_id != municipality.pk) or (
            fiscal_year is not None and sheet.fiscal_year != fiscal_year
        ):
            raise WorkbookInvalid([_refuse(
                "_ids", f"E{n}", "the workbook is of another municipality or fiscal year",
                "この自治体・年度の年度報告シートではありません。",
            )])
    municipality, fiscal_year, reports = _check(sheets, by, submit=submit)
    result = WorkbookImport(municipality=municipality, fiscal_year=fiscal_year, sha256=sha256, dry_run=dry_run)
    with scope(municipality=municipality.pk), transaction.atomic():
        grades = {g.code: g for g in GradeDefinition.objects.filter(municipality=municipality)}
        saved: dict[str, ProjectReport] = {}
        for sheet in sheets:
            report = saved[sheet.sheet] = _save(sheet, reports[sheet.sheet], by, grades)
            if report.version == sheet.version:
                continue
            result.reports_changed.append(report.pk)
            result.changes.extend(_changes(sheet, report))
        if submit:
            result.changes.extend(_submit_all(sheets, saved, by, dry_run=dry_run))
            result.reports_submitted = [saved[sheet.sheet].pk for sheet in sheets]
        if result.changed:
            year = reports[sheets[0].sheet].reporting_year
            audit_record(
                municipality=municipality.pk, by=by, action="workbook.imported", obj=year,
                after={"file": file_name, "sha256": sha256, "reports": result.reports_changed,
                       **({"submitted": result.reports_submitted} if submit else {})},
            )
        if dry_run:
            transaction.set_rollback(True)
    return result
