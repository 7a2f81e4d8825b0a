"""Who may do what: the one permission function, ``can(user, action, target)``.

Roles (shinchoku.tenancy.models.Role), always within the municipality the membership belongs to:

- DX staff (dx_staff): everything in their municipality, including its users (MANAGE_USERS) — except reviewing
  reports, which DX staff may do only where the municipality's ``approvers`` setting is ``hq_and_dx``.
- HQ reviewer (hq_reviewer): reads everything, reviews (returns / approves) reports. Nobody approves a report
  they submitted themselves; that depends on the report's history, so report_approve checks it, not ``can``.
- Department editor (department_editor): sees and edits only the projects of their own department(s); sees
  the municipality's landing page, nothing municipality-wide (no dashboard, audit log or whole report).
- Viewer (viewer): reads everything, changes nothing.
- Nobody sees another municipality; anonymous users see nothing. Superusers get nothing here either:
  their tool is Django's admin, not the application.

``can`` answers "may this role ever do this to this target"; whether the target's *state* allows it right
now (a submitted report cannot be edited) is the state machine's question (shinchoku.cycle.workflow).

Memberships are read once per user object and municipality (one query) and cached on it, so a page checking a hundred rows
costs no extra queries; a Project target needs its ``department_links`` (prefetch them in lists) and its
``plan`` (select_related) to avoid a query per row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from shinchoku.tenancy.models import Approvers, Department, Membership, Municipality, Role

if TYPE_CHECKING:
    from shinchoku.plans.models import Plan, Project, ProjectReport, ReportingYear

    Target = Municipality | Plan | Project | ProjectReport | ReportingYear


class Action(enum.Enum):
    VIEW_MUNICIPALITY = "view_municipality"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_CYCLE = "view_cycle"  # the completion overview of a year
    VIEW_PROJECT = "view_project"
    EDIT_REPORT = "edit_report"
    SUBMIT_REPORT = "submit_report"
    REVIEW_REPORT = "review_report"  # return or approve
    REOPEN_REPORT = "reopen_report"
    OPEN_CYCLE = "open_cycle"
    PUBLISH_CYCLE = "publish_cycle"
    EDIT_PLAN = "edit_plan"  # projects, indicators, targets, departments, thresholds
    VIEW_AUDIT = "view_audit"
    REPORT_DOWNLOAD = "report_download"  # the whole 進行管理報告書 (Word/PDF/Excel/JSON)
    EDIT_REPORT_DOCUMENT = "edit_report_document"  # the 進行管理報告書's title, section 1, 検討中の施策 (DX staff)
    HQ_WORKBOOK_DOWNLOAD = "hq_workbook_download"  # the 本部会議資料 with internal fields (DX staff, HQ)
    IMPORT = "import"  # load a report or an interchange document into a reporting year (DX staff)
    VIEW_REVIEW_QUEUE = "view_review_queue"  # the reports waiting for review (HQ; DX staff follow the cycle)
    MANAGE_USERS = "manage_users"  # invite, change, deactivate users of the municipality, reset passwords (DX staff)


# Role → actions, for targets anywhere in the municipality. Department editors are handled separately because
# their rights depend on the project's departments.
_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.DX_STAFF: frozenset(Action) - {Action.REVIEW_REPORT},
    Role.HQ_REVIEWER: frozenset(
        {
            Action.VIEW_MUNICIPALITY,
            Action.VIEW_DASHBOARD,
            Action.VIEW_CYCLE,
            Action.VIEW_PROJECT,
            Action.REVIEW_REPORT,
            Action.VIEW_REVIEW_QUEUE,
            Action.VIEW_AUDIT,
            Action.REPORT_DOWNLOAD,
            Action.HQ_WORKBOOK_DOWNLOAD,
        }
    ),
    Role.VIEWER: frozenset(
        {
            Action.VIEW_MUNICIPALITY,
            Action.VIEW_DASHBOARD,
            Action.VIEW_CYCLE,
            Action.VIEW_PROJECT,
            Action.VIEW_AUDIT,
            Action.REPORT_DOWNLOAD,
        }
    ),
}
# What a department editor may do to a project (or its report) of one of their departments.
_DEPARTMENT_PROJECT_ACTIONS = frozenset({Action.VIEW_PROJECT, Action.EDIT_REPORT, Action.SUBMIT_REPORT, Action.VIEW_AUDIT})
# ... and to municipality-wide targets.
_DEPARTMENT_MUNICIPALITY_ACTIONS = frozenset({Action.VIEW_MUNICIPALITY})
# ... and to a published year: the published report is the municipality's official record, theirs to read too.
_DEPARTMENT_PUBLISHED_YEAR_ACTIONS = frozenset({Action.REPORT_DOWNLOAD})

_CACHE_ATTRIBUTE = "_shinchoku_grants"


@dataclass(frozen=True)
class Grant:
    """One membership, reduced to what permission checks need."""

    role: str
    department_ids: frozenset[int]
    # The municipality's setting, read with the membership: DX staff review only where it says so.
    dx_reviews: bool = False


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def grants_in(user: Any, municipality_id: int) -> list[Grant]:
    """The user's grants in one municipality; cached on the user object (i.e. per request).

    Per municipality, not all at once: a prefecture's staff may hold a role in every one of the 1,741
    municipalities, and a page of one of them must not load (or bind) the other 1,740.
    """
    if not _signed_in(user):
        return []
    cache: dict[int, list[Grant]] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTRIBUTE, cache)
    if municipality_id not in cache:
        # Crossing the tenancy boundary on purpose: the user's roles are what decides the scope.
        memberships = Membership.objects.with_scopes_disabled().filter(
            user=user, municipality_id=municipality_id
        ).select_related("municipality").prefetch_related(
            Prefetch("departments", queryset=Department.objects.with_scopes_disabled().only("pk"))
        )
        cache[municipality_id] = [
            Grant(
                role=m.role,
                department_ids=frozenset(d.pk for d in m.departments.all()),
                dx_reviews=m.municipality.approvers == Approvers.HQ_AND_DX,
            )
            for m in memberships
        ]
    return cache[municipality_id]


def forget_grants(user: Any) -> None:
    """Drop the cached memberships (after changing them within the same request or test)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _resolve(target: Any) -> tuple[int, frozenset[int] | None]:
    """(municipality id, the project's department ids — or None when the target is not a project)."""
    from shinchoku.plans.models import Plan, Project, ProjectReport, ReportingYear

    if isinstance(target, Municipality):
        return target.pk, None
    if isinstance(target, ReportingYear):
        return target.plan.municipality_id, None
    if isinstance(target, Plan):
        return target.municipality_id, None
    if isinstance(target, ProjectReport):
        target = target.project
    if isinstance(target, Project):
        departments = frozenset(link.department_id for link in target.department_links.all())
        return target.plan.municipality_id, departments
    raise TypeError(f"can(): unsupported target {type(target).__name__}")


def _is_published_year(target: Any) -> bool:
    from shinchoku.plans.models import ReportingYear

    return isinstance(target, ReportingYear) and target.is_published


def department_reads_published(user: Any, municipality_id: int) -> bool:
    """True for a department editor of ``municipality_id``: they may read its published years' reports."""
    return any(g.role == Role.DEPARTMENT_EDITOR for g in grants_in(user, municipality_id))


def can(user: Any, action: Action, target: Target) -> bool:
    """True when ``user`` may do ``action`` to ``target`` (a Municipality, Plan, Project, ProjectReport or
    ReportingYear). Never raises for a user without rights; raises TypeError for an unknown target type."""
    if not _signed_in(user):
        return False
    municipality_id, project_departments = _resolve(target)
    for grant in grants_in(user, municipality_id):
        if action in _ROLE_ACTIONS.get(grant.role, frozenset()):
            return True
        if grant.role == Role.DX_STAFF and action is Action.REVIEW_REPORT and grant.dx_reviews:
            return True
        if grant.role == Role.DEPARTMENT_EDITOR:
            if project_departments is None:
                if action in _DEPARTMENT_MUNICIPALITY_ACTIONS:
                    return True
                if action in _DEPARTMENT_PUBLISHED_YEAR_ACTIONS and _is_published_year(target):
                    return True
            elif action in _DEPARTMENT_PROJECT_ACTIONS and project_departments & grant.department_ids:
                return True
    return False


def sees_all_projects(user: Any, municipality_id: int) -> bool:
    """True for roles that see every project of the municipality (used by projects_visible_to)."""
    return any(
        Action.VIEW_PROJECT in _ROLE_ACTIONS.get(g.role, frozenset()) for g in grants_in(user, municipality_id)
    )


def editable_department_ids(user: Any, municipality_id: int) -> frozenset[int]:
    """The departments whose projects a department editor of ``municipality_id`` may see and edit."""
    ids: set[int] = set()
    for grant in grants_in(user, municipality_id):
        if grant.role == Role.DEPARTMENT_EDITOR:
            ids |= grant.department_ids
    return frozenset(ids)
