"""Which models a backup holds, in which order, and how each is narrowed to one municipality.

Taken from the app registry rather than listed, so that a model another change adds is backed up without
anyone remembering to come here: every model of a ``shinchoku.*`` app, the framework models that hold data
of the installation (users, groups, the admin's log) and the link tables of their many-to-many fields. A model
of any other app must be named in ``EXCLUDED`` with the reason, or a backup refuses to run — a backup that
silently leaves a table out is worse than none.

One municipality's rows are found through the model's own django-scopes manager
(``Model.objects.with_scope(municipality=...)``), so the backup follows exactly the tenancy rule the app
queries with; nothing here repeats a ``plan__municipality`` path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django_scopes import ScopeError

Model = type[models.Model]

# Framework models whose rows are data of the installation, backed up like the app's own.
FRAMEWORK_MODELS: frozenset[str] = frozenset({"auth.user", "auth.group", "admin.logentry"})

# Everything else in the registry, with the reason it is not in a backup (docs/backup.md repeats them).
EXCLUDED: dict[str, str] = {
    "contenttypes.contenttype": "created by migrate; rows refer to it by natural key (app label, model)",
    "auth.permission": "created by migrate; rows refer to it by natural key (codename, app label, model)",
    "sessions.session": "sign-in sessions; everyone signs in again after a restore",
    "axes.accessattempt": "failed sign-ins being counted for the lockout; they expire on their own",
    "axes.accessattemptexpiration": "when a counted lockout expires (belongs to axes.accessattempt)",
    "axes.accessfailurelog": "the login throttling's failure log; kept by the installation, not moved with the data",
    "axes.accesslog": "the login throttling's sign-in log; kept by the installation, not moved with the data",
    "django_tasks_database.dbtaskresult": "the background task queue (drafts to draw, e-mail to send) and its "
    "results; work in flight of this installation, not data (a draft asked for again is queued again)",
}

# Referred to by natural key, because their ids are whatever migrate gave them on each database.
NATURAL_KEY_MODELS: frozenset[str] = frozenset({"contenttypes.contenttype", "auth.permission"})


class UncoveredModel(Exception):
    """A model that is neither backed up nor excluded, or cannot be narrowed to one municipality."""


def label_of(model: Model) -> str:
    return model._meta.label_lower


def is_link_table(model: Model) -> bool:
    """The table Django creates for a many-to-many field without an explicit ``through`` model."""
    return bool(model._meta.auto_created)


def link_owner(model: Model) -> tuple[Model, str]:
    """The model declaring the many-to-many field of a link table, and the link table's foreign key to it."""
    owner: Model = model._meta.auto_created  # type: ignore[assignment]
    for field in owner._meta.local_many_to_many:
        if field.remote_field.through is model:
            return owner, field.m2m_field_name()
    raise UncoveredModel(f"{label_of(model)}: no many-to-many field of {label_of(owner)} uses this table")


def _is_shinchoku(model: Model) -> bool:
    return model._meta.app_config.name.startswith("shinchoku.")


def _included(model: Model) -> bool:
    if is_link_table(model):
        return _included(link_owner(model)[0])
    return _is_shinchoku(model) or label_of(model) in FRAMEWORK_MODELS


def backed_up_models() -> list[Model]:
    """Every model a backup holds, each after the models it refers to (so a restore inserts parents first)."""
    chosen: list[Model] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        # Proxies share their concrete model's table; unmanaged models are views or foreign tables.
        if meta.proxy or not meta.managed or label_of(model) in EXCLUDED:
            continue
        if not _included(model):
            raise UncoveredModel(
                f"model {label_of(model)} is neither backed up nor excluded: add it to FRAMEWORK_MODELS or "
                "EXCLUDED in shinchoku/backup/coverage.py"
            )
        chosen.append(model)
    return dependency_order(chosen)


def foreign_keys(model: Model) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def dependency_order(chosen: Iterable[Model]) -> list[Model]:
    """Topological order by foreign key, registry order among equals; a cycle is broken where it closes (the
    constraints are deferred to the end of the restore's transaction, so the order only has to be sensible)."""
    pending = list(chosen)
    members = set(pending)
    ordered: list[Model] = []
    placed: set[Model] = set()
    visiting: set[Model] = set()

    def place(model: Model) -> None:
        if model in placed or model in visiting:
            return
        visiting.add(model)
        for field in foreign_keys(model):
            target = field.related_model
            if target in members and target is not model:
                place(target)  # type: ignore[arg-type]
        visiting.discard(model)
        placed.add(model)
        ordered.append(model)

    for model in pending:
        place(model)
    return ordered


def scoped_rows(model: Model, *, municipality_id: int, using: str) -> models.QuerySet[Any] | None:
    """The model's rows of one municipality, or None for a model with no municipality of its own (users,
    groups and their link tables: those are taken as far as the municipality's rows refer to them)."""
    manager = model._default_manager
    if hasattr(manager, "with_scope"):
        try:
            rows = manager.db_manager(using).with_scope(municipality=municipality_id).all()
        except ScopeError as exc:
            raise UncoveredModel(f"{label_of(model)}: its scoped manager needs more than a municipality") from exc
        return rows.order_by("pk")
    if is_link_table(model):
        owner, owner_field = link_owner(model)
        owners = scoped_rows(owner, municipality_id=municipality_id, using=using)
        if owners is None:
            return None
        return model._base_manager.using(using).filter(**{f"{owner_field}__in": owners.values("pk")}).order_by("pk")
    if _is_shinchoku(model):
        # Every shinchoku model is tenant data (docs/architecture.md); one without a scope would leak or vanish.
        raise UncoveredModel(f"{label_of(model)} has no django-scopes manager, so no municipality's rows can be told apart")
    return None
