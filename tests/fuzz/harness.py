"""Running fuzz cases through the import commands, and telling a clean refusal from a crash or a partial write.

Shared by ``tests/interchange/test_fuzz_importers.py`` (a bounded number of cases, in the test's transaction)
and ``bench/fuzz_importers.py`` (thousands). Each case runs in a savepoint that is rolled back afterwards, so
every case starts from the same database (empty, or the seed loaded) without re-importing it.

Outcomes of one case:
- ``loaded``: exit 0 (a mutation that left a valid report is fine; the savepoint undoes it);
- ``refused``: exit 2 with a location (``FILE:LINE:``, ``FILE:LINE:COL:``, a JSON path, a byte offset) or a
  refusal of the year's state (``--replace``), and the database fingerprint unchanged;
- ``unlocated``: exit 2 without saying where; ``partial``: exit 2 but the database changed; ``crash``: anything
  else (a traceback, another exit code).
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from tests.fuzz.mutations import Case

APP_LABELS = ("tenancy", "plans", "cycle")

# A refusal of the year's state is not malformed input: the file is fine, the year is not in a state to take it.
_STATE_REFUSAL = re.compile(
    r"fiscal year \d+ is (?:open for reporting|published)|submitted or approved report\(s\) would be overwritten"
)


def _located(message: str, path: Path) -> bool:
    where = re.escape(str(path))
    return bool(
        re.search(rf"^error: {where}:\d+(?::\d+)?: ", message)  # FILE:LINE: or FILE:LINE:COL:
        or re.search(rf"^error: {where}: (?:\(document\)|[a-z_]+)(?:\.[a-z_]+|\[\d+\]|\.\d{{4}})*: ", message)
        or re.search(rf"^error: {where}: expected UTF-8 text, found an undecodable byte at offset \d+", message)
        or _STATE_REFUSAL.search(message)
    )


def fingerprint() -> tuple[tuple[tuple[str, int], ...], str]:
    """Row counts per table and one SHA-256 over every row of the app's tables, ordered by primary key.

    The audit row of a refused import (``import.refused``) is left out: recording the attempt is the refusal's
    one deliberate write, in a transaction of its own.
    """
    digest = hashlib.sha256()
    counts = []
    quote = connection.ops.quote_name
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in APP_LABELS]
    # Raw SQL: an ORM row per model instance would make the check cost more than the import it checks.
    with connection.cursor() as cursor:
        for model in sorted(models, key=lambda m: m._meta.db_table):
            table = model._meta.db_table
            where = " WHERE action <> 'import.refused'" if table == "cycle_auditentry" else ""
            cursor.execute(f"SELECT * FROM {quote(table)}{where} ORDER BY {quote(model._meta.pk.column)}")
            rows = cursor.fetchall()
            digest.update(repr(rows).encode("utf-8", "surrogatepass"))
            counts.append((table, len(rows)))
    return tuple(counts), digest.hexdigest()


@dataclass
class Outcome:
    case: Case
    kind: str  # loaded | refused | unlocated | partial | crash
    message: str
    detail: str = ""  # the traceback of a crash

    def __str__(self) -> str:
        return f"case {self.case.number} [{self.case.label[:200]}]: {self.kind}: {self.message[:300]}"


def _crash_summary(exc: BaseException) -> str:
    """The exception and the innermost frame of Shinchoku's own code that it passed through."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/shinchoku/" in f.filename]
    where = f" at {frames[-1].filename.split('/shinchoku/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:200]}{where}"


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in ("crash", "unlocated", "partial")]


class _Rollback(Exception):
    pass


def run_case(command: str, case: Case, *, replace: bool, baseline: Any, directory: Path) -> Outcome:
    """One case through ``command`` (import-report or import-json), undone afterwards."""
    path = directory / f"case-{case.number}{'.json' if command == 'import-json' else '.txt'}"
    path.write_bytes(case.data)
    args = [command, str(path), *(["--replace"] if replace else [])]
    out, err = io.StringIO(), io.StringIO()
    outcome: Outcome
    try:
        with transaction.atomic():
            try:
                call_command(*args, stdout=out, stderr=err)
                outcome = Outcome(case, "loaded", out.getvalue())
            except SystemExit as exc:
                message = err.getvalue().strip().split("\n")[-1] if err.getvalue().strip() else ""
                if exc.code != 2:
                    outcome = Outcome(case, "crash", f"exit {exc.code}: {err.getvalue()}")
                elif fingerprint() != baseline:
                    outcome = Outcome(case, "partial", message)
                elif not _located(message, path):
                    outcome = Outcome(case, "unlocated", message)
                else:
                    outcome = Outcome(case, "refused", message)
            except Exception as exc:
                outcome = Outcome(case, "crash", _crash_summary(exc), traceback.format_exc())
            raise _Rollback
    except _Rollback:
        pass
    finally:
        path.unlink(missing_ok=True)
    return outcome


def run_cases(command: str, cases: Iterable[Case], *, replace: bool) -> Tally:
    """Every case from the database as it is now (each undone before the next)."""
    tally = Tally()
    baseline = fingerprint()
    with tempfile.TemporaryDirectory(prefix="shinchoku-fuzz-") as directory:
        for case in cases:
            tally.outcomes.append(run_case(command, case, replace=replace, baseline=baseline, directory=Path(directory)))
    return tally
