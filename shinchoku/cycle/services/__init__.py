"""Every write of the reporting cycle: one named, keyword-only function per operation, one transaction each.

The web UI imports from here; the errors are re-exported so one import line serves a view.
"""

from shinchoku.cycle.errors import (
    CycleAlreadyOpen,
    CycleError,
    FieldChange,
    IncompleteReport,
    InvalidActualValue,
    InvalidInput,
    NotPermitted,
    ReportConflict,
    ReportLocked,
    TransitionNotAllowed,
    YearLocked,
)
from shinchoku.cycle.services.notifications import notification_email_set, notifications_mark_read
from shinchoku.cycle.services.plan import (
    department_create,
    department_update,
    indicator_create,
    indicator_update,
    plan_indicator_target_set,
    plan_revision_create,
    project_classification_set,
    project_create,
    project_departments_set,
    project_discontinue,
    project_first_fiscal_year_default,
    project_move,
    project_schedule_set,
    project_tag_create,
    project_update,
    revision_first_fiscal_year,
    thresholds_set,
)
from shinchoku.cycle.services.progress_report import (
    NarrativeSection,
    progress_report_update,
    under_consideration_create,
    under_consideration_delete,
    under_consideration_move,
    under_consideration_update,
)
from shinchoku.cycle.services.publication import publication_file
from shinchoku.cycle.services.report import report_save
from shinchoku.cycle.services.transitions import (
    report_approve,
    report_reopen,
    report_return,
    report_submit,
)
from shinchoku.cycle.services.year import (
    reporting_year_due_date_set,
    reporting_year_open,
    reporting_year_publish,
    reporting_year_reopen,
)

__all__ = [
    "CycleAlreadyOpen",
    "CycleError",
    "FieldChange",
    "IncompleteReport",
    "InvalidActualValue",
    "InvalidInput",
    "NarrativeSection",
    "NotPermitted",
    "ReportConflict",
    "ReportLocked",
    "TransitionNotAllowed",
    "YearLocked",
    "department_create",
    "department_update",
    "indicator_create",
    "indicator_update",
    "notification_email_set",
    "notifications_mark_read",
    "plan_indicator_target_set",
    "plan_revision_create",
    "progress_report_update",
    "project_classification_set",
    "project_create",
    "project_departments_set",
    "project_discontinue",
    "project_first_fiscal_year_default",
    "project_move",
    "project_schedule_set",
    "project_tag_create",
    "project_update",
    "publication_file",
    "report_approve",
    "report_reopen",
    "report_return",
    "report_save",
    "report_submit",
    "reporting_year_due_date_set",
    "reporting_year_open",
    "reporting_year_publish",
    "reporting_year_reopen",
    "revision_first_fiscal_year",
    "thresholds_set",
    "under_consideration_create",
    "under_consideration_delete",
    "under_consideration_move",
    "under_consideration_update",
]
