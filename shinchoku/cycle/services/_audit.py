"""Writing audit rows: the only code that creates AuditEntry (services call it; nothing updates or deletes)."""

from __future__ import annotations

from typing import Any

from django.db import models

from shinchoku.cycle import audit_actions
from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality


def _actor(by: Any) -> Any:
    # Commands act as "the system" (by=None); anonymous users never reach a write.
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def audit_entry(
    *,
    municipality: Municipality | int,
    by: Any,
    action: str,
    obj: models.Model,
    project: Project | int | None = None,
    before: Any = None,
    after: Any = None,
    object_version: int | None = None,
) -> AuditEntry:
    """Build (unsaved) one audit row; ``audit_record`` saves one, bulk writers save many at once.

    ``action`` must be registered in ``shinchoku.cycle.audit_actions``: an unregistered code would be a row
    no reader can label, so it is refused before anything is written."""
    if not audit_actions.is_registered(action):
        raise ValueError(f"audit action {action!r} is not registered in shinchoku.cycle.audit_actions")
    return AuditEntry(
        municipality_id=municipality if isinstance(municipality, int) else municipality.pk,
        actor=_actor(by),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        object_version=object_version,
        project_id=project if isinstance(project, int) or project is None else project.pk,
        before=before,
        after=after,
    )


def audit_record(**kwargs: Any) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry
