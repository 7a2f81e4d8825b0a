"""Importing a plan workbook (計画シート): read, validate, compare, then load the plan in one transaction.

The workbook's content goes through the interchange's own checks (``validate_document``, ``document_clean``:
the same rules as a JSON import and the forms) and its loader (``DocumentLoader.load_plan_parts``: upserts by
name, renames by the rows' keys, never a duplicate, never a deletion of a project, indicator or value). The
years a published report holds are refused any change (their targets, actuals and policies under
consideration), cell by cell. A blank template's municipality is created when the command line (the system)
loads it; on the web the workbook must be the page's municipality's.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django_scopes import scope, scopes_disabled

from shinchoku import wareki
from shinchoku.cycle.audit_actions import RECORD_LABELS
from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.evaluate import evaluate_reports
from shinchoku.cycle.services.municipality_code import municipality_code_set
from shinchoku.cycle.services.plan import thresholds_set
from shinchoku.cycle.services.year import year_create
from shinchoku.cycle.workflow import EDITABLE_STATES, YEAR_IMPORT
from shinchoku.inputs import InputRejected
from shinchoku.interchange.cleaning import document_clean
from shinchoku.interchange.document import Document, UnderConsiderationDoc
from shinchoku.interchange.load import DocumentLoader, LoadResult, Renames
from shinchoku.interchange.validation import DocumentError, validate_document
from shinchoku.permissions import Action, can
from shinchoku.plans.models import Plan, ProjectReport, ReportingYear, ReportState, YearState
from shinchoku.plans.selectors import locked_fiscal_years
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.layout import WorkbookInvalid
from shinchoku.workbooks.plan import (
    CONSIDERATION,
    VALUES,
    PlanContent,
    plan_content,
    plan_ids,
    thresholds_of,
)
from shinchoku.workbooks.plan_diff import PlanChange, flatten, plan_changes, renamed
from shinchoku.workbooks.plan_read import PlanWorkbookInput, read_plan_workbook

__all__ = ["PlanChange", "PlanWorkbookImport", "WorkbookInvalid", "plan_workbook_import"]


@dataclass
class PlanWorkbookImport:
    municipality: Municipality
    plan: str
    sha256: str
    changes: list[PlanChange] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # Japanese: rows left out of the workbook that stay
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    municipality_created: bool = False
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.created or self.updated)


def _error(read: PlanWorkbookInput, where: str, english: str, japanese: str) -> WorkbookInvalid:
    sheet, cell = read.cell_of(where)
    at_en = f"sheet '{sheet}'" + (f" cell {cell}" if cell else "")
    at_ja = f"シート「{sheet}」" + (f"セル {cell}" if cell else "")
    return WorkbookInvalid([(f"{at_en}: {english}", f"{at_ja}：{japanese}")])


def _japanese(exc: DocumentError) -> str:
    """The reader says the usual faults in Japanese first; what reaches the document checks (a text over its
    length, a value out of range) is said with the English detail."""
    return f"入力できない値です（{exc.message}）。"


def _checked(read: PlanWorkbookInput, document: Any) -> Document:
    """The document through the interchange's schema, references and input boundary; faults at their cell."""
    try:
        document = validate_document(document)
        cleaned = document_clean(document)
        return validate_document(cleaned) if cleaned != document else document
    except DocumentError as exc:
        raise _error(read, exc.where, exc.message, _japanese(exc)) from exc
    except InputRejected as exc:
        raise _error(read, exc.where, exc.english, exc.message) from exc


def _checked_considerations(read: PlanWorkbookInput, document: Document) -> dict[int, list[UnderConsiderationDoc]]:
    """Each year's policies under consideration, checked against the plan's pillars as a document of that
    year would be (their titles are unique within a year, not across years)."""
    checked: dict[int, list[UnderConsiderationDoc]] = {}
    for year, items in read.content.under_consideration.items():
        probe: dict[str, Any] = {**copy.deepcopy(document), "projects": [], "under_consideration": items}
        try:
            validated = validate_document(probe)
            cleaned = document_clean(validated)
            checked[year] = cleaned["under_consideration"]
        except DocumentError as exc:
            raise _error(read, exc.where.replace("under_consideration", f"under_consideration:{year}", 1),
                         exc.message, _japanese(exc)) from exc
        except InputRejected as exc:
            raise _error(read, exc.where.replace("under_consideration", f"under_consideration:{year}", 1),
                         exc.english, exc.message) from exc
    return checked


def _municipality(read: PlanWorkbookInput, name: str, expected: Municipality | None, by: Any) -> tuple[Municipality, bool]:
    if expected is not None:
        if name != expected.name:
            raise _error(read, "municipality", f"the workbook is of '{name}', not of {expected.name}",
                         f"このブックは「{name}」の計画シートです（{expected.name}のものではありません）。")
        return expected, False
    code = read.content.code
    with scopes_disabled():
        # The code is the one unique key: two cities may share a name (府中市 of 東京都 and 広島県).
        by_code = Municipality.objects.filter(code=code).first() if code else None
        by_name = list(Municipality.objects.filter(name=name)[:2])
    if by_code is not None:
        if by_code.name != name:
            raise _error(read, "municipality.code", f"code {code} is {by_code.name}'s, not '{name}''s",
                         f"全国地方公共団体コード「{code}」は{by_code.name}のものです（このブックは「{name}」）。")
        return by_code, False
    if len(by_name) > 1:
        raise _error(read, "municipality.code", f"more than one municipality is named '{name}': give its code",
                     f"「{name}」という自治体が複数あります。全国地方公共団体コードを入力してください。")
    if by_name:
        return by_name[0], False
    if by is not None:
        raise _error(read, "municipality", f"no municipality '{name}': only the system (the command line without --as) "
                     "creates one", f"自治体「{name}」は登録されていません。")
    return Municipality.objects.create(name=name), True


def _project_of_value(read: PlanWorkbookInput, change: PlanChange) -> tuple[str, str]:
    """(project, indicator) of a value's subject "project / indicator": a name may itself hold " / ", so the
    longest project of the workbook that begins the subject is the one."""
    names = [p["name"] for p in read.content.document["projects"] if change.subject.startswith(f"{p['name']} / ")]
    project = max(names, key=len) if names else change.subject.split(" / ", 1)[0]
    return project, change.subject[len(project) + 3:]


def _cell_of_change(read: PlanWorkbookInput, change: PlanChange) -> tuple[str, str]:
    if change.sheet == VALUES:
        project, indicator = _project_of_value(read, change)
        return read.value_cells.get((project, indicator, change.fiscal_year), (VALUES, ""))
    if change.sheet == CONSIDERATION:
        pillar, title = change.subject.split(" / ", 1)
        return read.consideration_cells.get((change.fiscal_year, pillar, title), (CONSIDERATION, ""))
    return change.sheet, ""


def _refused_changes(
    read: PlanWorkbookInput, changes: list[PlanChange], locked: dict[int, str], reviewed: dict[tuple[str, int], str],
) -> list[tuple[str, str]]:
    """Changes the record forbids, at their cells: anything of a locked year (published or imported: its
    reports were graded, its publication keeps them), and the actual of a report that was submitted or
    approved (HQ reviewed that value; the department changes it through its report once it is returned)."""
    errors: list[tuple[str, str]] = []
    for change in changes:
        year = change.fiscal_year
        state = locked.get(year)
        report_state = reviewed.get((_project_of_value(read, change)[0], year)) if change.label == "実績値" else None
        if state is None and report_state is None:
            continue
        sheet, cell = _cell_of_change(read, change)
        at_en = f"sheet '{sheet}'" + (f" cell {cell}" if cell else "")
        at_ja = f"シート「{sheet}」" + (f"セル {cell}" if cell else "")
        values_en = f"({change.before or 'empty'} → {change.after or 'empty'})"
        values_ja = f"（{change.before or '空欄'} → {change.after or '空欄'}）"
        if state is not None:
            errors.append((
                f"{at_en}: fiscal year {year} is {state}: {change.subject} {change.label} cannot change {values_en}",
                f"{at_ja}：{wareki.format_fiscal_year(year)}は{YearState(state).label}のため、{change.subject}の"
                f"{change.label}は変更できません{values_ja}。",
            ))
        elif report_state is not None:
            errors.append((
                f"{at_en}: the report of fiscal year {year} is {report_state}: its actual cannot change {values_en}",
                f"{at_ja}：{wareki.format_fiscal_year(year)}の報告は{ReportState(report_state).label}のため、"
                f"{change.subject}の実績値は変更できません{values_ja}。差し戻されてから報告で入力してください。",
            ))
    return errors


def _refused_history(
    read: PlanWorkbookInput, changes: list[PlanChange], stored: PlanContent | None, renames: Renames,
) -> list[tuple[str, str]]:
    """An old target (a row with 改定（旧目標値）) is loaded only where no target is stored for its year: the
    loader keeps a stored value of that revision as it is, and one of the newest revision becomes the
    year's target. The history of a stored target follows from changing the target itself."""
    history = [c for c in changes if c.sheet == VALUES and c.label.startswith("旧目標値")]
    if stored is None or not history:
        return []
    old = flatten(renamed(stored, renames))
    errors: list[tuple[str, str]] = []
    for change in history:
        if not change.before and (VALUES, change.subject, "目標値", change.fiscal_year) not in old:
            continue
        sheet, cell = _cell_of_change(read, change)
        at_en = f"sheet '{sheet}'" + (f" cell {cell}" if cell else "")
        at_ja = f"シート「{sheet}」" + (f"セル {cell}" if cell else "")
        errors.append((
            f"{at_en}: {change.subject} {change.label} of fiscal year {change.fiscal_year} cannot be added or changed "
            "where a target is stored (change the target: the old one is kept as the revision's history)",
            f"{at_ja}：{change.subject}の{wareki.format_fiscal_year(change.fiscal_year)}の{change.label}は、目標値が"
            "登録済みのため追加・変更できません（目標値の列で変更してください）。",
        ))
    return errors


def _protected(plan: Plan | None, renames: Renames) -> tuple[dict[int, str], dict[tuple[str, int], str]]:
    """The plan's locked years (fiscal year → state) and its reports under review or approved in an open
    year ((project name as the workbook calls it, fiscal year) → state)."""
    if plan is None:
        return {}, {}
    # An imported year without reports or publications (policies under consideration given to a year not
    # reported yet, ``_load_considerations``) is not locked: see ``plans.selectors.locked_fiscal_years``.
    fiscal_years = locked_fiscal_years(plan=plan)
    locked = {y.fiscal_year: str(y.state) for y in ReportingYear.objects.filter(plan=plan, fiscal_year__in=fiscal_years)}
    reviewed = {
        (renames.projects.get(r.project.name, r.project.name), r.fiscal_year): str(r.state)
        for r in ProjectReport.objects.filter(project__plan=plan, reporting_year__state=YearState.OPEN)
        .exclude(state__in=EDITABLE_STATES).select_related("project")
    }
    return locked, reviewed


def _load_considerations(
    loader: DocumentLoader, plan: Plan, wanted: dict[int, list[UnderConsiderationDoc]],
    stored: dict[int, list[UnderConsiderationDoc]], locked: Collection[int], by: Any,
) -> None:
    for fiscal_year in sorted(set(wanted) | set(stored)):
        items = wanted.get(fiscal_year, [])
        if fiscal_year in locked or items == stored.get(fiscal_year, []):
            continue  # unchanged (a locked year's change was refused before)
        year = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
        if year is None:
            # A year not reported yet holds its policies under consideration as an imported year does, until
            # it is opened (which keeps them).
            year = year_create(plan=plan, fiscal_year=fiscal_year, transition=YEAR_IMPORT, by=by)
            loader.result.count("reporting_year", created=True)
        loader.load_under_consideration(year=year, items=items)


def _reevaluate(plan: Plan, municipality_id: int) -> None:
    """Open years' reports read targets and actuals: their suggested grades follow the new values."""
    reports = list(ProjectReport.objects.filter(
        project__plan=plan, reporting_year__state=YearState.OPEN, state__in=[*EDITABLE_STATES, ReportState.SUBMITTED],
    ).select_related("project__plan", "reporting_year"))
    changes = evaluate_reports(reports, municipality_id=municipality_id)
    ProjectReport.objects.bulk_update([r for r in reports if changes.get(r.pk)], ["suggested_grade"])


def plan_workbook_import(
    *, content: bytes, by: Any, file_name: str = "", dry_run: bool = False, municipality: Municipality | None = None,
) -> PlanWorkbookImport:
    """Validate and load a plan workbook; all or nothing. ``dry_run``: the changes, nothing saved.

    ``municipality``: the one the workbook must be of (the web page's); the command line passes None and
    the workbook's own is used, created when new and ``by`` is None (the system). Raises WorkbookInvalid,
    every fault with its sheet and cell (English and Japanese)."""
    sha256 = hashlib.sha256(content).hexdigest()
    read = read_plan_workbook(content)
    document = _checked(read, read.content.document)
    considerations = _checked_considerations(read, document)
    name = document["municipality"]
    with transaction.atomic():
        target, created_municipality = _municipality(read, name, municipality, by)
        with scope(municipality=target.pk):
            if by is not None and not can(by, Action.EDIT_PLAN, target):
                raise WorkbookInvalid([("you may not edit the plan", "計画を編集する権限がありません。")])
            result = _load(read, document, considerations, target, by=by, file_name=file_name, sha256=sha256)
            result.municipality_created, result.dry_run = created_municipality, dry_run
            if dry_run:
                transaction.set_rollback(True)
    return result


def _put(renames: dict[Any, str], key: Any, stored: str, new: str) -> None:
    """The row whose id names ``stored`` is now called ``new``: that replaces what the names in its key
    guessed for the same row."""
    parent = key[0] if isinstance(key, tuple) else None  # a policy's pillar, an indicator's project
    for guessed in [k for k, v in renames.items() if v == new and (k[0] if isinstance(k, tuple) else None) == parent]:
        del renames[guessed]
    if stored != new:
        renames[key] = new


def _renames_by_id(read: PlanWorkbookInput, municipality: Municipality) -> Renames:
    """The renames, with the rows' database ids preferred to the names in their keys: a name changed on the
    web since the export then still finds its row. Ids count only in a workbook of this municipality."""
    renames = copy.deepcopy(read.renames)
    if read.municipality_id != municipality.pk:
        return renames
    plan = None
    for pk, (name,) in read.row_ids.get("plan", {}).items():
        plan = Plan.objects.filter(municipality=municipality, pk=pk).first()
        if plan is not None:
            _put(renames.plan, plan.name, plan.name, name)
    if plan is None:
        return renames
    stored: dict[str, dict[int, tuple[str, ...]]] = {}
    for (kind, *names), pk in plan_ids(plan=plan).items():
        stored.setdefault(kind, {})[pk] = tuple(names)
    for pk, (name,) in read.row_ids.get("pillar", {}).items():
        if pk in stored.get("pillar", {}):
            _put(renames.pillars, stored["pillar"][pk][0], stored["pillar"][pk][0], name)
    for pk, (pillar, name) in read.row_ids.get("policy", {}).items():
        if pk in stored.get("policy", {}):
            _put(renames.policies, (pillar, stored["policy"][pk][1]), stored["policy"][pk][1], name)
    for pk, (name,) in read.row_ids.get("project", {}).items():
        if pk in stored.get("project", {}):
            _put(renames.projects, stored["project"][pk][0], stored["project"][pk][0], name)
    for pk, (project, name) in read.row_ids.get("indicator", {}).items():
        if pk in stored.get("indicator", {}):
            _put(renames.indicators, (project, stored["indicator"][pk][1]), stored["indicator"][pk][1], name)
    return renames


def _keep_stored_decimals(document: Document, stored: PlanContent, number_cells: set[tuple[str, str, int, str]]) -> None:
    """A value Excel turned into a number (数値に変換 on its "number stored as text" warning) lost the zeros
    after its point: when it is still the stored number, it is the stored value (31.70, not 31.7)."""
    if not number_cells:
        return
    stored_values = {
        (project["name"], indicator["name"], int(fy), kind): value
        for project in stored.document["projects"] for indicator in project["indicators"]
        for kind in ("targets", "actuals") for fy, value in indicator[kind].items()  # type: ignore[literal-required]
    }
    for project in document["projects"]:
        for indicator in project["indicators"]:
            for kind in ("targets", "actuals"):
                series: dict[str, str] = indicator[kind]  # type: ignore[literal-required]
                for fy, value in series.items():
                    key = (project["name"], indicator["name"], int(fy), kind)
                    old = stored_values.get(key)
                    if key in number_cells and old is not None and old != value and Decimal(old) == Decimal(value):
                        series[fy] = old


def _check_period(read: PlanWorkbookInput, plan: Plan, document: Document) -> None:
    """The loader only widens a plan's period (its reporting years, targets and schedules stay inside it):
    a shorter one is refused here rather than previewed and never applied."""
    period = document["plan"]
    for field_name, shorter, stored, english, japanese in (
        ("start_fiscal_year", period["start_fiscal_year"] > plan.start_fiscal_year, plan.start_fiscal_year,
         "start", "開始"),
        ("end_fiscal_year", period["end_fiscal_year"] < plan.end_fiscal_year, plan.end_fiscal_year, "end", "終了"),
    ):
        where = f"plan.{field_name}"  # a JSON path of the document (not an audit code)
        if shorter:
            raise _error(read, where, f"the plan's period cannot be shortened here (its {english} is {stored})",
                         f"計画期間はこのブックでは短くできません（{japanese}年度は{wareki.format_fiscal_year(stored)}です）。")


def _load(
    read: PlanWorkbookInput, document: Document, considerations: dict[int, list[UnderConsiderationDoc]],
    municipality: Municipality, *, by: Any, file_name: str, sha256: str,
) -> PlanWorkbookImport:
    plan_name = document["plan"]["name"]
    renames = _renames_by_id(read, municipality)
    old_name = next((old for old, new in renames.plan.items() if new == plan_name), plan_name)
    stored_plan = (Plan.objects.filter(municipality=municipality, name=plan_name).first()
                   or Plan.objects.filter(municipality=municipality, name=old_name).first())
    stored = plan_content(municipality=municipality, plan=stored_plan) if stored_plan else None
    wanted = PlanContent(
        municipality=municipality.name, code=read.content.code or municipality.code or "", document=document,
        thresholds={**(stored.thresholds if stored else thresholds_of(municipality)), **read.content.thresholds},
        under_consideration=considerations,
    )
    if stored_plan is not None:
        _check_period(read, stored_plan, document)
    if stored is not None:
        _keep_stored_decimals(document, renamed(stored, renames), read.number_cells)
    changes, kept = plan_changes(stored, wanted, renames)
    locked, reviewed = _protected(stored_plan, renames)
    errors = _refused_changes(read, changes, locked, reviewed) + _refused_history(read, changes, stored, renames)
    if errors:
        raise WorkbookInvalid(errors)
    result = PlanWorkbookImport(municipality=municipality, plan=plan_name, sha256=sha256, changes=changes, kept=kept)
    if read.content.code and read.content.code != (municipality.code or ""):
        try:
            municipality_code_set(municipality=municipality, code=read.content.code, by=by)
        except CycleError as exc:
            raise _error(read, "municipality.code", getattr(exc, "english", "") or exc.message, exc.message) from exc
    loader = DocumentLoader(municipality, document, renames=renames)
    try:
        plan = loader.load_plan()
        loaded: LoadResult = loader.load_plan_parts()
        _load_considerations(loader, plan, considerations, stored.under_consideration if stored else {}, locked, by)
    except DocumentError as exc:
        raise _error(read, exc.where, exc.message, _japanese(exc)) from exc
    except CycleError as exc:
        raise WorkbookInvalid([(getattr(exc, "english", "") or exc.message, exc.message)]) from exc
    thresholds = {g: Decimal(v) for g, v in wanted.thresholds.items()}
    if stored is None or wanted.thresholds != stored.thresholds:
        if wanted.thresholds != thresholds_of(municipality):
            try:
                thresholds_set(municipality=municipality, a_min=thresholds["A"], b_min=thresholds["B"],
                               c_min=thresholds["C"], by=by)
            except (CycleError, InputRejected) as exc:
                message = getattr(exc, "message", str(exc))
                raise WorkbookInvalid([(f"sheet '達成率の基準': {getattr(exc, 'english', '') or message}",
                                        f"シート「達成率の基準」：{message}")]) from exc
    result.created, result.updated = loaded.created, loaded.updated
    if not changes and (loaded.created or loaded.updated):
        # What no cell shows (the order of rows: pillars, policies, projects, tags) still changed: said as one
        # line, so the preview never offers to import "nothing".
        counts = {**loaded.created, **loaded.updated}
        result.changes.append(PlanChange(
            "（全体）", "", "並び順など", 0, "",
            "、".join(f"{RECORD_LABELS.get(kind, kind)} {n}件" for kind, n in sorted(counts.items())),
        ))
    if result.changed:
        _reevaluate(plan, municipality.pk)
        audit_record(
            municipality=municipality.pk, by=by, action="workbook.plan_imported", obj=plan,
            after={"file": file_name, "sha256": sha256, "plan": plan.name, "changes": len(changes),
                   "created": loaded.created, "updated": loaded.updated},
        )
    return result
