"""The reporting year's commands: publish, reopen-year, report --version, and imports over a year."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Plan, Publication, ReportingYear

SEED_PATH = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_it_reopens_and_republishes_a_year_from_the_command_line(plan: Plan, alice: Any, tmp_path: Path) -> None:
    code, out, _ = run("reopen-year", "--municipality", "柏崎市", "--fiscal-year", "2023", "--reason", "訂正", "--as", "alice")
    assert code == 0 and "fiscal year 2023 reopened" in out
    code, out, _ = run("publish", "--municipality", "柏崎市", "--fiscal-year", "2023", "--as", "alice")
    assert code == 0 and "published as version 2" in out
    with scope(municipality=plan.municipality_id):
        versions = list(Publication.objects.values_list("version", flat=True).order_by("version"))
        entry = AuditEntry.objects.get(action="year.reopened")
    assert versions == [1, 2] and entry.actor == alice and entry.after["comment"] == "訂正"
    first, latest = tmp_path / "v1.pdf", tmp_path / "latest.pdf"
    code, out, _ = run("report", "--municipality", "柏崎市", "--fiscal-year", "2023", "--format", "pdf",
                       "--version", "1", "--out", str(first))
    assert code == 0 and "publication version 1" in out
    code, out, _ = run("report", "--municipality", "柏崎市", "--fiscal-year", "2023", "--format", "pdf", "--out", str(latest))
    assert code == 0 and "publication version 2" in out
    code, _, err = run("report", "--municipality", "柏崎市", "--fiscal-year", "2023", "--format", "pdf", "--version", "9")
    assert code == 2 and "no publication version 9" in err


def test_it_says_why_a_year_cannot_be_published(plan: Plan) -> None:
    with pytest.raises(CommandError, match="既に公表済み"):
        call_command("publish", "--municipality", "柏崎市", "--fiscal-year", "2023", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no reporting year 2025"):
        call_command("publish", "--municipality", "柏崎市", "--fiscal-year", "2025", stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown municipality"):
        call_command("publish", "--municipality", "どこか", "--fiscal-year", "2023", stdout=io.StringIO())


def test_it_refuses_a_changed_published_year_unless_replace_is_given(plan: Plan, tmp_path: Path) -> None:
    changed = tmp_path / "changed.txt"
    changed.write_text(SEED_PATH.read_text(encoding="utf-8").replace("周知への協力を依頼しました。", "周知への協力を依頼しました（訂正）。", 1),
                       encoding="utf-8")
    code, _, err = run("import-report", str(changed))
    assert code == 2
    assert f"error: {changed}: fiscal year 2023 is published and this file differs from it: pass --replace" in err
    code, out, _ = run("import-report", str(changed), "--replace")
    assert code == 0 and "publication version 2" in out
    with scope(municipality=plan.municipality_id):
        v2 = Publication.objects.get(version=2)
    assert v2.source_file == "changed.txt" and len(v2.source_sha256) == 64


def test_it_refuses_an_import_over_an_open_year(plan: Plan, year_2024: ReportingYear, tmp_path: Path) -> None:
    from shinchoku.interchange.export import document_build

    with scope(municipality=plan.municipality_id):
        draft = document_build(municipality=plan.municipality, fiscal_year=2024)
    path = tmp_path / "fy2024.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("import-json", str(path))
    assert code == 2 and "fiscal year 2024 is open for reporting" in err and "--replace" in err
    code, _, _ = run("import-json", str(path), "--replace")
    assert code == 0  # the same drafts again: nothing to change
    with scope(municipality=plan.municipality_id):
        assert ReportingYear.objects.get(fiscal_year=2024).is_open


def test_it_refuses_an_unknown_acting_user(db: None) -> None:
    code, _, err = run("import-report", str(SEED_PATH), "--as", "nobody")
    assert code == 2 and "--as nobody: no active user" in err
