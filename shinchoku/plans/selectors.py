"""Reads of plan data that matter (exports, documents, pages); call inside ``scope(municipality=...)``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q

from shinchoku.plans.models import (
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Plan,
    PolicyUnderConsideration,
    Project,
    ProjectDepartment,
    ProjectReport,
    Publication,
    ReportingYear,
    ResultTable,
    ScheduleRow,
    YearState,
)
from shinchoku.tenancy.models import Municipality

ValueKey = tuple[int, str, int]  # (indicator id, kind, fiscal year)


def revision_order(value: IndicatorValue) -> tuple[bool, dt.date | None, int]:
    """Sorts the rows of one indicator, kind and year: as adopted first, then by revision month."""
    return (value.revision_id is not None, value.revision.revised_on if value.revision else None, value.pk or 0)


def values_in_force(values: Iterable[IndicatorValue]) -> dict[ValueKey, IndicatorValue]:
    """(indicator id, kind, fiscal year) → the value in force: the latest revision's row, else the adopted one.

    The one definition of "the current target/actual": pages, documents, exports and imports all use it, so
    they cannot disagree about which revision counts. Works on prefetched rows (no query).
    """
    best: dict[ValueKey, IndicatorValue] = {}
    for value in values:
        key = (value.indicator_id, value.kind, value.fiscal_year)
        if key not in best or revision_order(value) > revision_order(best[key]):
            best[key] = value
    return best


def plan_for_fiscal_year(*, municipality: Municipality, fiscal_year: int) -> Plan | None:
    """The plan whose period covers ``fiscal_year`` (latest-starting first when periods overlap)."""
    return (
        Plan.objects.filter(municipality=municipality, start_fiscal_year__lte=fiscal_year)
        .filter(Q(end_fiscal_year__gte=fiscal_year) | Q(reporting_years__fiscal_year=fiscal_year))
        .order_by("-start_fiscal_year")
        .first()
    )


def grade_scale_list(*, municipality: Municipality) -> list[GradeDefinition]:
    return list(GradeDefinition.objects.filter(municipality=municipality).order_by("position"))


def projects_for_report(*, plan: Plan, fiscal_year: int) -> list[tuple[Project, ProjectReport | None]]:
    """Projects in plan order with their report of ``fiscal_year``, everything prefetched (constant queries).

    A year with reports lists the projects reported on; a year without any (nothing opened yet) lists the
    projects whose lifetime covers it.
    """
    reports = (
        ProjectReport.objects.filter(project__plan=plan, fiscal_year=fiscal_year)
        .select_related("grade")
        .prefetch_related(Prefetch("result_tables", queryset=ResultTable.objects.prefetch_related("rows")))
    )
    by_project = {r.project_id: r for r in reports}
    projects = plan_projects(plan=plan)
    if by_project:
        return [(p, by_project[p.pk]) for p in projects if p.pk in by_project]
    return [(p, None) for p in projects if p.is_active_in(fiscal_year)]


def plan_projects(*, plan: Plan) -> list[Project]:
    """Every project of the plan in plan order (whatever years it runs), with its pillar, policy, tags,
    departments, schedule and indicators with their values prefetched (constant queries)."""
    return list(
        Project.objects.filter(plan=plan)
        .select_related("pillar", "policy")
        .prefetch_related(
            "tags",
            Prefetch("department_links", queryset=ProjectDepartment.objects.select_related("department")),
            Prefetch("schedule_rows", queryset=ScheduleRow.objects.prefetch_related("cells")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.select_related("revision"))
                ),
            ),
        )
        .order_by("position")
    )


def _locked_years(plan_id: int, fiscal_years: Iterable[int] | None = None) -> list[ReportingYear]:
    """The plan's years that are locked (ReportingYear.is_locked) and hold a record.

    An imported year with neither reports nor publications holds only the policies under consideration a
    plan workbook gave a year not reported yet: nothing of it was graded or published, so its targets,
    actuals and policies stay editable until it is opened like any year not reported yet.
    """
    years = ReportingYear.objects.filter(plan_id=plan_id).annotate(
        has_reports=Exists(ProjectReport.objects.filter(reporting_year=OuterRef("pk"))),
        has_publications=Exists(Publication.objects.filter(reporting_year=OuterRef("pk"))),
    )
    if fiscal_years is not None:
        years = years.filter(fiscal_year__in=list(fiscal_years))
    return [
        y for y in years
        if y.is_locked and (y.state != YearState.IMPORTED or y.has_reports or y.has_publications)
    ]


def locked_year(*, plan_id: int, fiscal_year: int) -> ReportingYear | None:
    """The year when it is locked and holds a record (see ``_locked_years``); a year not reported yet is not."""
    return next(iter(_locked_years(plan_id, [fiscal_year])), None)


def locked_fiscal_years(*, plan: Plan) -> set[int]:
    """The plan's fiscal years that are locked and hold a record (see ``_locked_years``), in one query."""
    return {year.fiscal_year for year in _locked_years(plan.pk)}


def under_consideration_list(*, plan: Plan, fiscal_year: int) -> list[PolicyUnderConsideration]:
    return list(
        PolicyUnderConsideration.objects.filter(plan=plan, fiscal_year=fiscal_year)
        .select_related("pillar", "policy")
        .order_by("position")
    )


def publications_of(*, year: ReportingYear) -> list[Publication]:
    """The year's publication versions, newest first, without their (large) snapshots."""
    return list(
        Publication.objects.filter(reporting_year=year).defer("document").select_related("published_by").order_by("-version")
    )


def publication_get(*, year: ReportingYear, version: int | None = None) -> Publication | None:
    """One version of the year's publication (the latest when ``version`` is None)."""
    publications = Publication.objects.filter(reporting_year=year)
    if version is not None:
        return publications.filter(version=version).first()
    return publications.order_by("-version").first()
