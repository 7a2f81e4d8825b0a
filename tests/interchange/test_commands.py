"""The console commands: import-report, export-json, import-json — output, exit codes, nothing half-written."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from shinchoku.plans.models import Project, ProjectReport
from tests.conftest import empty_the_database

SEED_PATH = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def counts() -> tuple[int, int]:
    with scopes_disabled():
        return Project.objects.count(), ProjectReport.objects.count()


def test_it_imports_the_seed_and_then_reports_nothing_changed(db: None) -> None:
    code, out, _ = run("import-report", str(SEED_PATH))
    assert code == 0
    assert "柏崎市" in out and "24 project created" in out
    code, out, _ = run("import-report", str(SEED_PATH))
    assert code == 0
    assert "nothing changed" in out
    assert counts() == (24, 24)


def test_it_exports_the_seed_year_as_json(db: None, tmp_path: Path) -> None:
    run("import-report", str(SEED_PATH))
    target = tmp_path / "kashiwazaki.json"
    code, out, _ = run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2023", "--out", str(target))
    assert code == 0 and "24 projects" in out
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "shinchoku-report/2"
    assert document["report"]["fiscal_year"] == 2023
    line = next(p for p in document["projects"] if p["name"] == "LINEによる情報発信")
    assert line["grade"] == "A"
    assert line["indicators"][0]["targets"]["2023"] == "14000"
    assert line["indicators"][0]["actuals"] == {"2022": "11768", "2023": "16608"}


def test_it_round_trips_through_the_commands(db: None, tmp_path: Path) -> None:
    run("import-report", str(SEED_PATH))
    first = tmp_path / "first.json"
    run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2023", "--out", str(first))
    empty_the_database()
    code, _, err = run("import-json", str(first))
    assert code == 0, err
    second = tmp_path / "second.json"
    run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2023", "--out", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_it_writes_json_to_standard_output_without_out(db: None) -> None:
    run("import-report", str(SEED_PATH))
    code, out, _ = run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2023")
    assert code == 0
    assert json.loads(out)["municipality"] == "柏崎市"


def test_it_fails_with_exit_2_for_an_unknown_municipality(db: None) -> None:
    code, _, err = run("export-json", "--municipality", "存在市", "--fiscal-year", "2023")
    assert code == 2
    assert "no municipality named '存在市'" in err


def test_it_fails_with_exit_2_for_a_year_outside_the_plan(db: None) -> None:
    run("import-report", str(SEED_PATH))
    code, _, err = run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2040")
    assert code == 2
    assert "fiscal year 2040" in err


def test_it_rejects_a_truncated_report_with_its_line_and_writes_nothing(db: None, tmp_path: Path) -> None:
    lines = SEED_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    code, _, err = run("import-report", str(truncated))
    assert code == 2
    assert err.startswith(f"error: {truncated}:")
    assert "expected" in err
    assert counts() == (0, 0)


def test_it_rejects_a_kpi_row_with_a_non_number(db: None, tmp_path: Path) -> None:
    text = SEED_PATH.read_text(encoding="utf-8").replace("11,768人", "たくさん", 1)
    broken = tmp_path / "broken.txt"
    broken.write_text(text, encoding="utf-8")
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "たくさん" in line)
    code, _, err = run("import-report", str(broken))
    assert code == 2
    assert f":{line_no}:" in err and "たくさん" in err
    assert counts() == (0, 0)


def test_it_rejects_a_project_missing_from_the_grade_tables(db: None, tmp_path: Path) -> None:
    text = SEED_PATH.read_text(encoding="utf-8").replace("\t電子契約システム導入\tB\n", "", 1)
    broken = tmp_path / "no-grade.txt"
    broken.write_text(text, encoding="utf-8")
    code, _, err = run("import-report", str(broken))
    assert code == 2
    assert "電子契約システム導入" in err
    assert counts() == (0, 0)


def test_it_leaves_an_earlier_import_untouched_when_a_later_one_fails(db: None, tmp_path: Path) -> None:
    run("import-report", str(SEED_PATH))
    before = counts()
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_PATH.read_text(encoding="utf-8").replace("16,608人", "abc人", 1), encoding="utf-8")
    code, _, _ = run("import-report", str(broken))
    assert code == 2
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "expected UTF-8 text"),
        (b'{"format": "shinchoku-report/1",', "expected JSON"),
        (b'{"format": "shinchoku-report/1"}', "is a required property"),
        (b'{"format": "shinchoku-report/2"}', "is a required property"),
        (b'{"format": "shinchoku-report/9"}', "format"),
    ],
)
def test_it_rejects_a_bad_json_file(db: None, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, _, err = run("import-json", str(path))
    assert code == 2
    assert message in err and str(path) in err


def test_it_reports_a_missing_file(db: None, tmp_path: Path) -> None:
    code, _, err = run("import-report", str(tmp_path / "nope.txt"))
    assert code == 2
    assert "cannot read file" in err


def test_it_imports_next_years_report_and_keeps_this_years(db: None, tmp_path: Path, fy2024_text: str) -> None:
    run("import-report", str(SEED_PATH))
    next_year = tmp_path / "fy2024.txt"
    next_year.write_text(fy2024_text, encoding="utf-8")
    code, out, err = run("import-report", str(next_year))
    assert code == 0, err
    assert "fiscal year 2024" in out
    with scopes_disabled():
        grades = {
            (r.project.name, r.fiscal_year): r.grade.code
            for r in ProjectReport.objects.select_related("project", "grade")
        }
        line = Project.objects.get(name="LINEによる情報発信")
        actuals = {
            v.fiscal_year: v.quantity.plain() for v in line.indicators.get().values.all() if v.kind == "actual"
        }
    assert grades[("新交通システムの構築", 2023)] == "A"
    assert grades[("新交通システムの構築", 2024)] == "B"
    assert grades[("除雪作業効率化", 2024)] == "D"
    assert grades[("観光DXの推進", 2024)] == "C"
    assert ("観光DXの推進", 2023) not in grades
    assert ("電子契約システム導入", 2023) in grades and ("電子契約システム導入", 2024) not in grades
    assert actuals == {2022: "11768", 2023: "16608", 2024: "18210"}
    code, out, _ = run("import-report", str(next_year))
    assert "nothing changed" in out
