"""Backup and restore lose nothing: every table compared row by row (all columns, link tables included) after
SQLite → SQLite, SQLite → PostgreSQL, PostgreSQL → PostgreSQL (the source is the suite's database, so
scripts/test covers all three), one municipality's backup holds nothing of another, and every refusal.
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from shinchoku.backup.coverage import EXCLUDED, backed_up_models, foreign_keys, label_of
from shinchoku.backup.fileformat import read_backup
from shinchoku.cycle.models import AppendOnly, AuditEntry
from shinchoku.cycle.services import (
    plan_indicator_target_set,
    plan_revision_create,
    project_tag_create,
    report_approve,
    report_return,
    report_submit,
    reporting_year_open,
    thresholds_set,
)
from shinchoku.cycle.services.imports import year_import
from shinchoku.cycle.services.notifications import notification_email_set
from shinchoku.interchange.document import Document
from shinchoku.plans.models import Plan, Project, ReportingYear
from shinchoku.tenancy.models import Municipality

from .backup_support import BOOKKEEPING_TABLES, NOT_COMPARED, database_tables, run_cli, run_script, table_dump
from .conftest import AI_RPA, DENSHI_KESSAI, LINE, ONLINE, complete, grade, indicator_of, report_of

PG_ADMIN_URL = os.environ.get("SHINCHOKU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- the rich database


@pytest.fixture
def rich(  # type: ignore[no-untyped-def]
    kashiwazaki, kariwa, year_2024, alice, bob, frank, dave, erin, charlie, seed_document: Document
) -> dict[str, Any]:
    """柏崎市 (seed, FY2023 published, FY2024 open with a draft, a submitted, an approved and a returned
    report, a plan revision with a revised target, a new tag, own thresholds) and 刈羽村 (the same plan as its
    own, FY2024 open), users with memberships, departments, groups and permissions, an admin log row."""
    other = copy.deepcopy(seed_document)
    other["municipality"] = "刈羽村"
    year_import(by=None, document=other)
    with scope(municipality=kariwa):
        kariwa_plan = Plan.objects.get(municipality=kariwa)
    reporting_year_open(plan=kariwa_plan, fiscal_year=2024, due_date=dt.date(2025, 6, 30), by=charlie)

    with scope(municipality=kashiwazaki):
        online, ai_rpa, denshi = (report_of(name, 2024) for name in (ONLINE, AI_RPA, DENSHI_KESSAI))
        b = grade("B")
        line_indicator = indicator_of(LINE)
        plan = Plan.objects.get(municipality=kashiwazaki)
    approved = report_submit(report=complete(online, bob), by=bob)
    report_approve(report=approved, by=dave, final_grade=b, comment="承認します。")
    returned = report_submit(report=complete(ai_rpa, bob), by=bob)
    report_return(report=returned, by=dave, comment="成果の数値を追記してください。")
    notification_email_set(user=frank, municipality=kashiwazaki, email=False)
    complete(denshi, frank, results=["下書きです。"])
    thresholds_set(municipality=kashiwazaki, a_min=Decimal("120.0"), b_min=Decimal("85.5"), c_min=Decimal("50"), by=alice)
    revision = plan_revision_create(plan=plan, revised_on=dt.date(2024, 11, 1), description="目標値を見直しました。", by=alice)
    plan_indicator_target_set(indicator=line_indicator, fiscal_year=2025, value="21000.5", revision=revision, by=alice)
    project_tag_create(municipality=kashiwazaki, name="重点DX", by=alice)
    # A next plan whose projects and indicators point back at this one's (a self-reference to restore).
    from shinchoku.cycle.services.plan_next import plan_start_next

    with scope(municipality=kashiwazaki):
        continuing = list(Project.objects.filter(plan=plan)[:3])
    plan_start_next(plan=plan, name="第2次柏崎市DX推進計画", start_fiscal_year=2026, end_fiscal_year=2030,
                    projects=continuing, by=alice)

    user_model = get_user_model()
    auditors = Group.objects.create(name="監査担当")
    auditors.permissions.add(Permission.objects.get(codename="view_auditentry"))
    erin.groups.add(auditors)
    dave.user_permissions.add(Permission.objects.get(codename="change_reportingyear"))
    bob.set_password("correct-horse-battery-staple")
    bob.last_login = timezone.now()
    bob.save()
    admin = user_model.objects.create_superuser(username="admin", email="admin@example.org", password="x")
    LogEntry.objects.create(
        user=admin, content_type=ContentType.objects.get_for_model(Municipality), object_id=str(kariwa.pk),
        object_repr="刈羽村", action_flag=ADDITION, change_message="[]",
    )
    # A published year's file, drawn once and stored (the seed's FY2023 publication).
    from shinchoku.cycle.services.publication import report_file

    report_file(municipality=kashiwazaki, fiscal_year=2023, format="html")
    # A draft of the open year, drawn (in the caller, tests/conftest.py) and stored.
    from shinchoku.cycle.services.drafts import draft_request

    draft_request(municipality=kashiwazaki, fiscal_year=2024, format="html", by=alice)
    return {"kashiwazaki": kashiwazaki, "kariwa": kariwa, "charlie": charlie, "admin": admin}


# --------------------------------------------------------------------------- targets: fresh, migrated databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("backup-target")
    path = data / "template.sqlite3"
    done = run_cli(f"sqlite:///{path}", data, "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    return path


def _pg_admin() -> Any:
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}")


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"test_shinchoku_backup_{WORKER}_template"
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    done = run_cli(_pg_url(name), tmp_path_factory.mktemp("backup-pg"), "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    yield name
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory: a fresh, migrated database of the given kind, as a SHINCHOKU_DATABASE_URL."""
    created: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"target-{uuid.uuid4().hex[:8]}.sqlite3"
            path.write_bytes(template.read_bytes())
            return f"sqlite:///{path}"
        template_name: str = request.getfixturevalue("pg_template")
        name = f"test_shinchoku_backup_{WORKER}_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        created.append(name)
        return _pg_url(name)

    yield make
    if created:
        with _pg_admin() as admin:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- round trips


def assert_same_tables(before: dict[str, list[list[str]]], after: dict[str, list[list[str]]]) -> None:
    assert sorted(after) == sorted(before)
    for label in before:
        assert after[label] == before[label], f"{label} differs after the restore"


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_it_restores_every_row_into_an_empty_database(
    rich: dict[str, Any], target: str, empty_database: Callable[[str], str], tmp_path: Path
) -> None:
    path = tmp_path / "shinchoku.json.gz"
    code, out, err = run("backup", "--out", str(path))
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {path} (all municipalities: ")
    before = table_dump()
    # The comparison only proves something if no table is empty.
    assert sorted(label for label, rows in before.items() if not rows) == []

    url = empty_database(target)
    done = run_cli(url, tmp_path, "restore", str(path))
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout and "all municipalities" in done.stdout

    restored = run_script(url, tmp_path)
    assert_same_tables(before, restored["tables"])
    # New rows get fresh ids, not ones the restore already used.
    for highest, new in restored["next_ids"].values():
        assert new > highest


def test_it_restores_in_process_and_keeps_the_audit_log_append_only(rich: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "shinchoku.json.gz"
    assert run("backup", "--out", str(path))[0] == 0
    assert_exact_types(path)
    before = table_dump()
    with connection.cursor() as cursor:
        for model in reversed(backed_up_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    code, out, err = run("restore", str(path))
    assert (code, err) == (0, "")
    assert out.startswith(f"restored {path} (all municipalities")
    assert_same_tables(before, table_dump())
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="report.approved").get()
        assert entry.before is not None or entry.after is not None
        with pytest.raises(AppendOnly):
            entry.save()
        assert ReportingYear.objects.filter(fiscal_year=2024).count() == 2


def assert_exact_types(path: Path) -> None:
    tables = {t.label: t.rows for t in read_backup(path).tables}
    values = [r["fields"]["value"] for r in tables["plans.indicatorvalue"]]
    assert "21000.500000" in values
    assert all(isinstance(v, str) for v in values)  # decimals as strings, never floats
    assert "85.5" in [r["fields"]["b_min"] for r in tables["cycle.evaluationthresholds"]]
    transition = tables["cycle.reporttransition"][0]["fields"]
    assert dt.datetime.fromisoformat(transition["at"]).tzinfo is not None
    log = tables["admin.logentry"][0]["fields"]
    assert log["content_type"] == ["tenancy", "municipality"]  # natural key, not an id
    assert tables["auth.group_permissions"][0]["fields"]["permission"] == ["view_auditentry", "cycle", "auditentry"]


# --------------------------------------------------------------------------- one municipality


def test_it_backs_up_one_municipality_and_nothing_of_another(
    rich: dict[str, Any], empty_database: Callable[[str], str], tmp_path: Path
) -> None:
    kashiwazaki, kariwa = rich["kashiwazaki"], rich["kariwa"]
    path = tmp_path / "kashiwazaki.json.gz"
    code, out, err = run("backup", "--out", str(path), "--municipality", "柏崎市")
    assert (code, err) == (0, "")
    assert "柏崎市" in out
    backup = read_backup(path)
    assert backup.header["scope"] == {"municipality": "柏崎市"}
    rows = {t.label: t.rows for t in backup.tables}
    ids = {label: {r["pk"] for r in table} for label, table in rows.items()}

    assert ids["tenancy.municipality"] == {kashiwazaki.pk}
    assert {r["fields"]["username"] for r in rows["auth.user"]} == {"alice", "bob", "frank", "dave", "erin"}
    assert rows["admin.logentry"] == []
    with scopes_disabled():
        for model in backed_up_models():
            manager = model._default_manager
            if not hasattr(manager, "with_scope"):
                continue
            theirs = set(manager.with_scope(municipality=kariwa.pk).values_list("pk", flat=True))
            ours = set(manager.with_scope(municipality=kashiwazaki.pk).values_list("pk", flat=True))
            assert ids[label_of(model)] == ours, label_of(model)
            assert not ids[label_of(model)] & theirs, label_of(model)
        assert AuditEntry.objects.filter(municipality=kariwa).exists()  # there was something to leave out
    # Self-contained: every reference points at a row in the file (or a content type / permission).
    for model in backed_up_models():
        for field in foreign_keys(model):
            target = label_of(field.related_model)  # type: ignore[arg-type]
            if target in EXCLUDED:
                continue
            pointed = {r["fields"][field.name] for r in rows[label_of(model)]} - {None}
            assert pointed <= ids[target], f"{label_of(model)}.{field.name}"

    url = empty_database("sqlite")
    done = run_cli(url, tmp_path, "restore", str(path))
    assert done.returncode == 0, done.stderr
    restored = run_script(url, tmp_path)["tables"]
    assert len(restored["tenancy.municipality"]) == 1
    assert len(restored["plans.projectreport"]) == len(rows["plans.projectreport"])


def test_it_refuses_an_unknown_municipality(db: None, tmp_path: Path) -> None:
    code, _, err = run("backup", "--out", str(tmp_path / "x.json.gz"), "--municipality", "どこか市")
    assert code == 2
    assert err.startswith("error: no municipality named 'どこか市'")


# --------------------------------------------------------------------------- refusals


@pytest.fixture
def backup_file(kashiwazaki: Municipality, tmp_path: Path) -> Path:
    path = tmp_path / "shinchoku.json.gz"
    assert run("backup", "--out", str(path))[0] == 0
    return path


def rewrite(path: Path, change: Callable[[bytes], bytes]) -> Path:
    changed = path.with_name("changed.json.gz")
    changed.write_bytes(gzip.compress(change(gzip.decompress(path.read_bytes()))))
    return changed


def refused(path: Path) -> str:
    with scopes_disabled():
        before = Municipality.objects.count(), AuditEntry.objects.count()
    code, out, err = run("restore", str(path))
    assert (code, out) == (2, "")
    with scopes_disabled():
        assert (Municipality.objects.count(), AuditEntry.objects.count()) == before
    assert err.startswith(f"error: {path}")
    return err


def test_it_refuses_a_database_that_is_not_empty(backup_file: Path) -> None:
    assert "the database is not empty (auth.user" not in refused(backup_file)  # no users in this one
    assert "restore only into a freshly migrated database" in refused(backup_file)


def test_it_refuses_a_truncated_file(backup_file: Path) -> None:
    data = backup_file.read_bytes()
    truncated = backup_file.with_name("truncated.json.gz")
    truncated.write_bytes(data[: len(data) // 2])
    assert "the file is truncated" in refused(truncated)


def test_it_refuses_a_payload_that_does_not_match_its_hash(backup_file: Path) -> None:
    def tamper(raw: bytes) -> bytes:
        head, _, payload = raw.partition(b"\n")
        return head + b"\n" + payload.replace(b"16608", b"16609", 1)

    assert "SHA-256 does not match the header" in refused(rewrite(backup_file, tamper))


def test_it_refuses_a_tampered_hash(backup_file: Path) -> None:
    def tamper(raw: bytes) -> bytes:
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        header["payload"]["sha256"] = "0" * 64
        return json.dumps(header).encode() + b"\n" + payload

    assert "SHA-256 does not match the header" in refused(rewrite(backup_file, tamper))


def test_it_refuses_what_is_not_a_backup(backup_file: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n", encoding="utf-8")
    assert "not a Shinchoku backup (expected a gzip-compressed file)" in refused(text)
    other = tmp_path / "other.json.gz"
    other.write_bytes(gzip.compress(b'{"format": "shinchoku-report/1"}\n'))
    assert "expected format 'shinchoku-backup', found 'shinchoku-report/1'" in refused(other)
    assert "no such file" in refused(tmp_path / "missing.json.gz")


def test_it_refuses_another_migration_state(backup_file: Path) -> None:
    def tamper(raw: bytes) -> bytes:
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        header["migrations"]["plans"].append("9999_from_the_future")
        return json.dumps(header).encode() + b"\n" + payload

    err = refused(rewrite(backup_file, tamper))
    assert "the migration state differs from this database (plans: the database lacks 9999_from_the_future)" in err


def test_it_refuses_a_newer_format_version(backup_file: Path) -> None:
    def tamper(raw: bytes) -> bytes:
        head, _, payload = raw.partition(b"\n")
        return json.dumps({**json.loads(head), "version": 2}).encode() + b"\n" + payload

    assert "written in format version 2; this Shinchoku reads version 1" in refused(rewrite(backup_file, tamper))


# --------------------------------------------------------------------------- coverage


def test_it_backs_up_or_explicitly_excludes_every_model_and_table(db: None) -> None:
    """A model added later (a ReportingYear, a Publication) is in the backup without touching shinchoku/backup;
    one that cannot be (no municipality scope, another app's) makes backed_up_models() raise — and this fail."""
    chosen = {label_of(m) for m in backed_up_models()}
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        label = label_of(model)
        if model._meta.proxy or not model._meta.managed:
            continue
        assert (label in chosen) != (label in EXCLUDED), label
        if model._meta.app_config.name.startswith("shinchoku."):
            assert label in chosen, label
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert database_tables() <= tables, "a table no model owns"
    assert NOT_COMPARED <= set(EXCLUDED) and "django_migrations" in BOOKKEEPING_TABLES


def test_it_takes_a_model_added_later_and_refuses_one_it_cannot_scope(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.apps import apps
    from django.db import models
    from django.test.utils import isolate_apps
    from django_scopes import ScopedManager

    from shinchoku.backup import coverage

    registered = apps.get_models(include_auto_created=True)
    with isolate_apps("shinchoku.cycle", "django.contrib.sessions"):

        class ReportingYear(models.Model):  # noqa: DJ008 (what another engineer may be adding right now)
            plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
            objects = ScopedManager(municipality="plan__municipality")

            class Meta:
                app_label = "cycle"

        class Unscoped(models.Model):  # noqa: DJ008
            plan = models.ForeignKey(Plan, on_delete=models.CASCADE)

            class Meta:
                app_label = "cycle"

        class Stray(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "sessions"

        def with_(*extra: type[models.Model]) -> Callable[..., list[type[models.Model]]]:
            return lambda include_auto_created=False: [*registered, *extra]

        monkeypatch.setattr(coverage.apps, "get_models", with_(ReportingYear))
        chosen = coverage.backed_up_models()
        assert chosen.index(ReportingYear) > chosen.index(Plan)
        query = str(coverage.scoped_rows(ReportingYear, municipality_id=7, using="default").query)  # type: ignore[union-attr]
        assert "municipality_id" in query and "7" in query

        with pytest.raises(coverage.UncoveredModel, match=r"cycle\.unscoped has no django-scopes manager"):
            coverage.scoped_rows(Unscoped, municipality_id=7, using="default")
        monkeypatch.setattr(coverage.apps, "get_models", with_(Stray))
        with pytest.raises(coverage.UncoveredModel, match=r"sessions\.stray is neither backed up nor excluded"):
            coverage.backed_up_models()
