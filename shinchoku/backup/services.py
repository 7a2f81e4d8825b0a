"""Write a backup from one consistent snapshot; restore one into an empty database in one transaction.

A restore is deliberately not an audited write: the restored database must equal the one backed up, audit
log included, row for row. What it did is the command's output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.core.serializers import base as serializer_base
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_scopes import scopes_disabled

from shinchoku.backup.coverage import (
    EXCLUDED,
    NATURAL_KEY_MODELS,
    Model,
    backed_up_models,
    foreign_keys,
    is_link_table,
    label_of,
    link_owner,
    scoped_rows,
)
from shinchoku.backup.fileformat import (
    FORMAT,
    VERSION,
    Backup,
    BackupFileError,
    Table,
    encode_payload,
    read_backup,
    write_backup,
)
from shinchoku.tenancy.models import Municipality


class RestoreRefused(BackupFileError):
    """The backup is readable but does not fit this database (not empty, other migrations, rows that clash)."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    municipality: str | None
    counts: dict[str, int]
    size: int  # compressed bytes

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    municipality: str | None
    counts: dict[str, int]
    created_at: str

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class _Serializer(PythonSerializer):
    """Django's serializer with two changes: natural keys only for content types and permissions (everything
    else keeps its id, so a restore is the same database, not an equivalent one), and no many-to-many lists
    (the link tables are backed up as tables, with their own ids)."""

    def handle_fk_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = label_of(field.remote_field.model) in NATURAL_KEY_MODELS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: Any) -> None:
        return None


def migration_state(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Applied migrations per app, sorted; two databases with the same state have the same schema."""
    applied: dict[str, list[str]] = defaultdict(list)
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        applied[app].append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One read transaction over every table. PostgreSQL: REPEATABLE READ, so every query sees the database
    as of the first one while the app goes on writing. SQLite: the settings open transactions IMMEDIATE,
    which holds the write lock until the backup is read (writers wait, WAL readers do not)."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _natural_key_paths(model: Model) -> list[str]:
    # Natural keys read their related rows; joining them keeps a backup to one query per table.
    paths = []
    for field in foreign_keys(model):
        target = label_of(field.related_model)  # type: ignore[arg-type]
        if target == "contenttypes.contenttype":
            paths.append(field.name)
        elif target == "auth.permission":
            paths.append(f"{field.name}__content_type")
    return paths


def _serialize(queryset: models.QuerySet[Any]) -> list[dict[str, Any]]:
    paths = _natural_key_paths(queryset.model)
    if paths:
        queryset = queryset.select_related(*paths)
    rows: list[dict[str, Any]] = _Serializer().serialize(queryset.iterator(chunk_size=2000))
    return rows


def _municipality_rows(models_: list[Model], *, municipality_id: int, using: str) -> dict[Model, list[dict[str, Any]]]:
    """The municipality's rows through each model's scope; then the rows without a municipality of their own
    (users, groups, their link tables) as far as the rows already taken refer to them."""
    taken: dict[Model, list[dict[str, Any]]] = {}
    unscoped: list[Model] = []
    for model in models_:
        rows = scoped_rows(model, municipality_id=municipality_id, using=using)
        if rows is None:
            unscoped.append(model)
        else:
            taken[model] = _serialize(rows)
    while unscoped:
        ready = [m for m in unscoped if _resolvable(m, unscoped)]
        if not ready:
            raise RuntimeError("backup: cannot order " + ", ".join(label_of(m) for m in unscoped))
        for model in ready:
            unscoped.remove(model)
            taken[model] = _serialize(_referenced_rows(model, taken, using=using))
    return taken


def _resolvable(model: Model, unscoped: list[Model]) -> bool:
    """A link table can be taken once its owner is; any other model once every model that may refer to it is."""
    if is_link_table(model):
        return link_owner(model)[0] not in unscoped
    for other in unscoped:
        if other is model or (is_link_table(other) and link_owner(other)[0] is model):
            continue  # a model's own link tables are taken after it
        if any(f.related_model is model for f in foreign_keys(other)):
            return False
    return True


def _referenced_rows(model: Model, taken: dict[Model, list[dict[str, Any]]], *, using: str) -> models.QuerySet[Any]:
    manager = model._base_manager.using(using)
    if is_link_table(model):
        owner, owner_field = link_owner(model)
        return manager.filter(**{f"{owner_field}__in": [row["pk"] for row in taken[owner]]}).order_by("pk")
    ids = {
        row["fields"][field.name]
        for other, rows in taken.items()
        for field in foreign_keys(other)
        if field.related_model is model
        for row in rows
        if row["fields"][field.name] is not None
    }
    return manager.filter(pk__in=ids).order_by("pk")


def backup_write(*, out: Path, municipality: Municipality | None = None, using: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Write every backed-up table (or one municipality's rows of them) to ``out``, read in one snapshot."""
    chosen = backed_up_models()
    with scopes_disabled(), _snapshot(using):
        if municipality is None:
            taken = {m: _serialize(m._base_manager.using(using).order_by("pk")) for m in chosen}
        else:
            taken = _municipality_rows(chosen, municipality_id=municipality.pk, using=using)
        migrations = migration_state(using=using)
        created_at = timezone.now()
    tables = [Table(label=label_of(m), rows=taken[m]) for m in chosen]
    counts = {t.label: len(t.rows) for t in tables}
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": created_at.isoformat(),
        "database": {"vendor": connections[using].vendor},
        "scope": {"municipality": municipality.name if municipality else None},
        "migrations": migrations,
        "counts": counts,
        "excluded": dict(sorted(EXCLUDED.items())),
    }
    size = write_backup(path=out, header=header, payload=encode_payload(tables))
    return BackupSummary(path=out, municipality=municipality.name if municipality else None, counts=counts, size=size)


def _check_tables(path: Path, backup: Backup, chosen: list[Model]) -> None:
    known = {label_of(m) for m in chosen}
    unknown = [t for t in backup.tables if t.label not in known]
    if unknown:
        raise RestoreRefused(f"{path}:{unknown[0].line}: table {unknown[0].label} is not part of this installation")


def _check_migrations(path: Path, backup: Backup, using: str) -> None:
    ours = migration_state(using=using)
    theirs = backup.migrations
    differences = []
    for app in sorted(set(ours) | set(theirs)):
        missing = sorted(set(theirs.get(app, [])) - set(ours.get(app, [])))
        extra = sorted(set(ours.get(app, [])) - set(theirs.get(app, [])))
        if missing:
            differences.append(f"{app}: the database lacks {', '.join(missing)}")
        if extra:
            differences.append(f"{app}: the backup predates {', '.join(extra)}")
    if differences:
        raise RestoreRefused(
            f"{path}: the migration state differs from this database ({'; '.join(differences)}); restore into "
            "a database migrated by the Shinchoku version that wrote the backup"
        )


def _check_empty(path: Path, chosen: list[Model], using: str) -> None:
    filled = [label_of(m) for m in chosen if m._base_manager.using(using).exists()]
    if filled:
        raise RestoreRefused(
            f"{path}: the database is not empty ({', '.join(filled[:5])}{' …' if len(filled) > 5 else ''} "
            "have rows); restore only into a freshly migrated database"
        )


def _load(path: Path, table: Table, using: str) -> None:
    try:
        rows = [deserialized.object for deserialized in PythonDeserializer(table.rows, using=using)]
    except serializer_base.DeserializationError as exc:
        raise RestoreRefused(f"{path}:{table.line}: {table.label}: {exc}") from exc
    if not rows:
        return
    model = type(rows[0])
    try:
        if model._meta.parents:
            # Multi-table inheritance spans tables; save_base(raw=True) writes each, one row at a time.
            for row in rows:
                models.Model.save_base(row, using=using, raw=True, force_insert=True)
        else:
            _insert_raw(model, rows, using)
    except DatabaseError as exc:
        raise RestoreRefused(
            f"{path}:{table.line}: {table.label} (rows pk={rows[0].pk!r}…{rows[-1].pk!r}): {exc}"
        ) from exc


def _insert_raw(model: Model, rows: list[models.Model], using: str) -> None:
    """The INSERT that ``save_base(raw=True, force_insert=True)`` issues, for many rows per statement: values
    as stored (no ``save()``, no ``auto_now``, so the append-only audit log and ``updated_at`` load as they
    were), no signals (the app has none, by rule). One statement per batch instead of per row is what keeps
    a restore within seconds on PostgreSQL."""
    fields = model._meta.local_concrete_fields
    batch = max(connections[using].ops.bulk_batch_size(list(fields), rows), 1)
    manager = model._base_manager.db_manager(using)
    for start in range(0, len(rows), batch):
        manager._insert(rows[start : start + batch], fields=fields, raw=True, using=using)  # type: ignore[attr-defined]


def _reset_sequences(chosen: list[Model], using: str) -> None:
    """Move each id sequence past the restored ids (PostgreSQL; SQLite's AUTOINCREMENT follows by itself)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def backup_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> RestoreSummary:
    """Load a backup into an empty, freshly migrated database: all of it in one transaction, or nothing."""
    backup = read_backup(path)
    chosen = backed_up_models()
    _check_tables(path, backup, chosen)
    connection = connections[using]
    with scopes_disabled(), transaction.atomic(using=using):
        _check_migrations(path, backup, using)
        _check_empty(path, chosen, using)
        for table in backup.tables:
            _load(path, table, using)
        try:
            connection.check_constraints(table_names=[m._meta.db_table for m in chosen])
        except DatabaseError as exc:
            raise RestoreRefused(f"{path}: the restored rows do not fit together: {exc}") from exc
        _reset_sequences(chosen, using)
    return RestoreSummary(
        path=path,
        municipality=backup.header.get("scope", {}).get("municipality"),
        counts=backup.counts,
        created_at=str(backup.header.get("created_at", "")),
    )

