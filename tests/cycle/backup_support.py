"""Helpers of the backup tests: every table of a database as comparable rows, and the CLI in a subprocess.

Also a script, so the database a restore went into can be read by a process of its own (pytest-django lets
a test see only its own test database):

    SHINCHOKU_DATABASE_URL=... python tests/cycle/backup_support.py   # prints its tables, then the next ids
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
# Not in a backup by design (docs/backup.md); every other table is compared.
# Excluded from backups on purpose (shinchoku/backup/coverage.py EXCLUDED says why), apart from the two
# compared by natural key.
NOT_COMPARED = {"sessions.session", "axes.accessattempt", "axes.accessattemptexpiration", "axes.accessfailurelog",
                "axes.accesslog", "django_tasks_database.dbtaskresult"}
# Tables no model owns.
BOOKKEEPING_TABLES = {"django_migrations", "sqlite_sequence"}


def _tag(value: Any) -> str:
    """The value with its type, so a Decimal that came back as a float, or a date as a string, differs."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, dict | list):
        # PostgreSQL's jsonb keeps keys in its own order; the content is what must survive.
        return f"{type(value).__name__}:{json.dumps(value, sort_keys=True, ensure_ascii=False)}"
    return f"{type(value).__name__}:{value!r}"


def table_dump(using: str = "default") -> dict[str, list[list[str]]]:
    """Every row of every model's table (link tables included), all columns, ordered by id. Content types and
    permissions are compared by natural key, the ids migrate gave them being per database."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django_scopes import scopes_disabled

    with scopes_disabled():
        types = {ct.pk: f"ct:{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(using).all()}
        permissions = {
            p.pk: f"perm:{p.codename}@{types[p.content_type_id]}" for p in Permission.objects.using(using).all()
        }
        dump: dict[str, list[list[str]]] = {}
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label_lower
            if model._meta.proxy or not model._meta.managed or label in NOT_COMPARED:
                continue
            fields = model._meta.concrete_fields
            rows = []
            for values in model._base_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields]):
                row = []
                for field, value in zip(fields, values, strict=True):
                    target = field.related_model._meta.label_lower if field.related_model else None
                    if target == "contenttypes.contenttype":
                        value = types.get(value, value)
                    elif target == "auth.permission":
                        value = permissions.get(value, value)
                    if field.primary_key and label in {"contenttypes.contenttype", "auth.permission"}:
                        continue
                    row.append(_tag(value))
                rows.append(row)
            if label in {"contenttypes.contenttype", "auth.permission"}:
                rows.sort()
            dump[label] = rows
    return dump


def database_tables(using: str = "default") -> set[str]:
    from django.db import connections

    return set(connections[using].introspection.table_names()) - BOOKKEEPING_TABLES


def cli_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHINCHOKU_")}
    env.update(
        SHINCHOKU_DATABASE_URL=database_url,
        SHINCHOKU_DATA_DIR=str(data_dir),
        SHINCHOKU_DB_CONN_MAX_AGE="0",
        PYTHONPATH=str(REPO),
        DJANGO_SETTINGS_MODULE="shinchoku.settings",
    )
    return env


def run_cli(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shinchoku.cli", *args],
        env=cli_env(database_url, data_dir), capture_output=True, text=True, check=False, timeout=300,
    )


def run_script(database_url: str, data_dir: Path) -> Any:
    """``{"tables": table_dump(), "next_ids": _probe()}`` of the database at ``database_url``."""
    done = subprocess.run(
        [sys.executable, __file__],
        env=cli_env(database_url, data_dir), capture_output=True, text=True, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _probe() -> dict[str, list[int]]:
    """Insert one new row where the restore left ids: the sequences must have moved past them."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max
    from django_scopes import scopes_disabled

    from shinchoku.tenancy.models import Municipality

    user_model = get_user_model()
    with scopes_disabled():
        result = {}
        for label, model, create in (
            ("municipality", Municipality, lambda: Municipality.objects.create(name="sequence-probe")),
            ("user", user_model, lambda: user_model.objects.create(username="sequence-probe")),
        ):
            highest = model._base_manager.aggregate(m=Max("pk"))["m"] or 0
            result[label] = [highest, create().pk]
    return result


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    tables = table_dump()
    print(json.dumps({"tables": tables, "next_ids": _probe()}, ensure_ascii=False))
