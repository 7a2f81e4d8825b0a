"""Building the interchange document of one municipality's plan and one evaluated fiscal year.

Must be called inside ``scope(municipality=...)``. The same document feeds ``export-json`` and the report
generators, so a report shows exactly what an export would carry.
"""

from __future__ import annotations

from shinchoku.interchange.document import (
    FORMAT,
    Document,
    IndicatorDoc,
    PlanDoc,
    ProjectDoc,
    ResultTableDoc,
    ResultTableRowDoc,
    ScheduleRowDoc,
    TargetHistoryDoc,
)
from shinchoku.plans.models import (
    Indicator,
    Plan,
    Project,
    ProjectReport,
    ReportingYear,
    ResultTableRow,
    ValueKind,
)
from shinchoku.plans.selectors import (
    grade_scale_list,
    plan_for_fiscal_year,
    plan_projects,
    projects_for_report,
    revision_order,
    under_consideration_list,
    values_in_force,
)
from shinchoku.tenancy.models import Municipality


class NothingToExport(LookupError):
    pass


def _month(value: object) -> str | None:
    return None if value is None else f"{value:%Y-%m}"


def _row_doc(row: ResultTableRow) -> ResultTableRowDoc:
    return {"label": row.label, "value": row.quantity.plain(), "unit": row.unit}


def _indicator_doc(indicator: Indicator) -> IndicatorDoc:
    targets: dict[str, str] = {}
    actuals: dict[str, str] = {}
    values = list(indicator.values.all())
    in_force = values_in_force(values)
    for (_, kind, fiscal_year), current in sorted(in_force.items()):
        (targets if kind == ValueKind.TARGET else actuals)[str(fiscal_year)] = current.quantity.plain()
    # Every other target row was superseded by a later revision; oldest first within a year.
    superseded = sorted(
        (v for v in values if v.kind == ValueKind.TARGET and in_force[(v.indicator_id, v.kind, v.fiscal_year)] is not v),
        key=lambda v: (v.fiscal_year, revision_order(v)),
    )
    history: list[TargetHistoryDoc] = [
        {"fiscal_year": v.fiscal_year, "value": v.quantity.plain(), "revision": _month(v.revision.revised_on if v.revision else None)}
        for v in superseded
    ]
    doc: IndicatorDoc = {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,  # type: ignore[typeddict-item]
        "qualifier": indicator.qualifier or None,
        "note": indicator.note or None,
        "targets": targets,
        "actuals": actuals,
    }
    if history:
        doc["target_history"] = history
    return doc


def _project_doc(project: Project, report: ProjectReport | None) -> ProjectDoc:
    schedule: list[ScheduleRowDoc] = [
        {"track": row.track or None, "cells": {str(c.fiscal_year): c.text for c in row.cells.all()}}
        for row in project.schedule_rows.all()
    ]
    tables: list[ResultTableDoc] = []
    if report is not None:
        for table in report.result_tables.all():
            rows = list(table.rows.all())
            table_doc: ResultTableDoc = {
                "after": table.after_item,
                "rows": [_row_doc(r) for r in rows if not r.is_total],
            }
            totals = [r for r in rows if r.is_total]
            if totals:
                table_doc["total"] = _row_doc(totals[0])
            tables.append(table_doc)
    comprehensive = (
        {"area": project.comprehensive_plan_area, "policy": project.comprehensive_plan_policy}
        if project.comprehensive_plan_area or project.comprehensive_plan_policy
        else None
    )
    return {
        "name": project.name,
        "pillar": project.pillar.name,
        "policy": project.policy.name if project.policy else None,
        "tags": [t.name for t in project.tags.all()],
        "departments": [link.department.name for link in project.department_links.all()],
        "overview": project.overview,
        "vision": project.vision,
        "comprehensive_plan": comprehensive,  # type: ignore[typeddict-item]
        "schedule": schedule,
        "indicators": [_indicator_doc(i) for i in project.indicators.all()],
        "grade": report.grade.code if report is not None and report.grade is not None else None,
        "results": list(report.results) if report else [],
        "result_tables": tables,
        "challenges": list(report.challenges) if report else [],
        "next_year": list(report.next_year) if report else [],
        "non_b_summary": list(report.non_b_summary) if report else [],
    }


def _plan_doc(plan: Plan) -> PlanDoc:
    return {
        "name": plan.name,
        "start_fiscal_year": plan.start_fiscal_year,
        "end_fiscal_year": plan.end_fiscal_year,
        "adopted": _month(plan.adopted_on),
        "revisions": [{"date": f"{r.revised_on:%Y-%m}", "description": r.description} for r in plan.revisions.all()],
    }


def plan_document_build(*, municipality: Municipality, plan: Plan) -> Document:
    """The plan parts of a document, whatever the year: every pillar and policy (retired ones too) and every
    project of the plan, without reports; the report part is a placeholder and the policies under
    consideration (a year's) are left to the caller. What the plan workbook holds."""
    return {
        "format": FORMAT,
        "municipality": municipality.name,
        "plan": _plan_doc(plan),
        "report": {"title": ReportingYear.default_title(plan, plan.start_fiscal_year),
                   "fiscal_year": plan.start_fiscal_year, "published": None, "status": "draft", "narrative": []},
        "grade_scale": [
            {"code": g.code, "description": g.description, "as_planned": g.as_planned}
            for g in grade_scale_list(municipality=municipality)
        ],
        "pillars": [{"name": p.name, "policies": [q.name for q in p.policies.all()]}
                    for p in plan.pillars.prefetch_related("policies")],
        "projects": [_project_doc(project, None) for project in plan_projects(plan=plan)],
        "under_consideration": [],
    }


def document_build(*, municipality: Municipality, fiscal_year: int, plan: Plan | None = None) -> Document:
    """The document of ``fiscal_year`` as the live data stands (a published year's official content is its
    publication snapshot, not this)."""
    plan = plan or plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
    if plan is None:
        raise NothingToExport(f"{municipality.name} has no plan covering fiscal year {fiscal_year}")
    progress_report = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
    projects = projects_for_report(plan=plan, fiscal_year=fiscal_year)
    pillars = list(plan.pillars.prefetch_related("policies"))
    return {
        "format": FORMAT,
        "municipality": municipality.name,
        "plan": _plan_doc(plan),
        "report": {
            "title": progress_report.title if progress_report else ReportingYear.default_title(plan, fiscal_year),
            "fiscal_year": fiscal_year,
            "published": _month(progress_report.published_on) if progress_report else None,
            "status": "published" if progress_report is not None and progress_report.is_published else "draft",
            "narrative": list(progress_report.narrative) if progress_report else [],
        },
        "grade_scale": [
            {"code": g.code, "description": g.description, "as_planned": g.as_planned}
            for g in grade_scale_list(municipality=municipality)
        ],
        # A retired pillar or policy (廃止) leaves the reports of the years from its retirement on.
        "pillars": [
            {"name": p.name, "policies": [q.name for q in p.policies.all() if q.is_active_in(fiscal_year)]}
            for p in pillars
            if p.is_active_in(fiscal_year)
        ],
        "projects": [_project_doc(project, report) for project, report in projects],
        "under_consideration": [
            {"pillar": u.pillar.name, "policy": u.policy.name if u.policy else None, "title": u.title, "text": list(u.text)}
            for u in under_consideration_list(plan=plan, fiscal_year=fiscal_year)
        ],
    }
