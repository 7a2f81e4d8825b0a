"""The plan and its reporting years: every fact of a 進行管理報告書, across years, revisions and publications.

``structure`` holds what is valid across years (plan, pillars, policies, projects, schedules, indicators and
their effective-dated values); ``year`` holds one evaluated fiscal year as an aggregate (state, document
fields, project reports, result tables, policies under consideration, publications).
"""

from shinchoku.plans.models.structure import (
    Direction,
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Pillar,
    Plan,
    PlanRevision,
    Policy,
    Project,
    ProjectDepartment,
    ProjectEnd,
    ProjectTag,
    ScheduleCell,
    ScheduleRow,
    ValueKind,
)
from shinchoku.plans.models.year import (
    AppendOnly,
    PolicyUnderConsideration,
    ProjectReport,
    Publication,
    PublicationFile,
    PublicationSource,
    ReportingYear,
    ReportState,
    ResultTable,
    ResultTableRow,
    ScheduleStatus,
    StateProtected,
    YearState,
)

__all__ = [
    "AppendOnly",
    "Direction",
    "GradeDefinition",
    "Indicator",
    "IndicatorValue",
    "Pillar",
    "Plan",
    "PlanRevision",
    "Policy",
    "PolicyUnderConsideration",
    "Project",
    "ProjectDepartment",
    "ProjectEnd",
    "ProjectReport",
    "ProjectTag",
    "Publication",
    "PublicationFile",
    "PublicationSource",
    "ReportState",
    "ReportingYear",
    "ResultTable",
    "ResultTableRow",
    "ScheduleCell",
    "ScheduleRow",
    "ScheduleStatus",
    "StateProtected",
    "ValueKind",
    "YearState",
]
