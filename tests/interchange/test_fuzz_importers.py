"""Importers never crash: mutated seed texts and mutated exports give exit 0 or exit 2 with a location, and a
refusal leaves the database as it was (issue 8).

A fixed seed and a bounded number of cases (tests/fuzz/mutations.py); ``bench/fuzz_importers.py`` runs
thousands. Half of each importer's cases start from an empty database, half from the seed loaded (with
``--replace``, so a valid mutation becomes the next publication version). Every case is undone by a savepoint.
The regression tests below pin one case of each crash the fuzzer found, so a fix cannot quietly go.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from shinchoku.interchange.export import document_build
from shinchoku.plans.models import Plan, Project
from shinchoku.tenancy.models import Municipality
from tests.conftest import empty_the_database
from tests.fuzz.harness import Tally, fingerprint, run_cases
from tests.fuzz.mutations import json_cases, text_cases
from tests.interchange.test_precision import to_v1_text

SEED_PATH = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"
FUZZ_SEED = 8
# Per importer and starting database (150 cases per importer): about 40 s in all on SQLite.
TEXT_CASES = 75
JSON_CASES = 75


def _failures(tally: Tally) -> list[str]:
    return [str(o) for o in tally.failures()]


def _export() -> Any:
    with scopes_disabled():
        municipality = Municipality.objects.get(name="柏崎市")
    with scope(municipality=municipality):
        return json.loads(json.dumps(document_build(municipality=municipality, fiscal_year=2023)))


def _load_seed() -> None:
    call_command("import-report", str(SEED_PATH), stdout=io.StringIO(), stderr=io.StringIO())


def test_it_fuzzes_the_report_text_importer_without_a_crash_or_a_partial_write(db: None, seed_text: str) -> None:
    empty = run_cases("import-report", text_cases(FUZZ_SEED, TEXT_CASES, seed_text), replace=False)
    _load_seed()
    seeded = run_cases("import-report", text_cases(FUZZ_SEED, TEXT_CASES, seed_text, start=TEXT_CASES), replace=True)
    assert _failures(empty) + _failures(seeded) == []
    # The cases reach both ends: some mutations still load, most are refused.
    counts = empty.counts + seeded.counts
    assert counts["loaded"] and counts["refused"]


def test_it_fuzzes_the_json_importer_without_a_crash_or_a_partial_write(db: None) -> None:
    _load_seed()
    document = _export()
    seeded = run_cases("import-json", json_cases(FUZZ_SEED, JSON_CASES, document, start=JSON_CASES), replace=True)
    empty_the_database()
    empty = run_cases("import-json", json_cases(FUZZ_SEED, JSON_CASES, document), replace=False)
    assert _failures(empty) + _failures(seeded) == []
    counts = empty.counts + seeded.counts
    assert counts["loaded"] and counts["refused"]


# --- one case of each crash found, on whichever database runs the suite --------------------------------------


def _run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command(*args, stdout=io.StringIO(), stderr=err)
        return 0, err.getvalue()
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()


def _refused(command: str, path: Path, *extra: str) -> str:
    before = fingerprint()
    code, err = _run(command, str(path), *extra)
    assert code == 2, err
    assert fingerprint() == before
    return err


def _json_file(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # ASCII: a lone surrogate as its \ud800 escape
    return path


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["projects"][2]["departments"].append(d["projects"][2]["departments"][0]),
         "projects[2].departments[1]: department"),
        (lambda d: d["pillars"][1]["policies"].append(d["pillars"][1]["policies"][0]), "pillars[1].policies["),
        (lambda d: d["pillars"].append(d["pillars"][0]), "pillars[4]: pillar"),
        (lambda d: d["under_consideration"].append(d["under_consideration"][0]), "under_consideration[4]"),
        (lambda d: d["grade_scale"].append(d["grade_scale"][0]), "grade_scale[4]: grade 'A' appears twice"),
        (lambda d: d["plan"]["revisions"].append(d["plan"]["revisions"][0]), "plan.revisions[1]: revision"),
        (lambda d: d["projects"][16]["challenges"].append("\ud800"), "projects[16].challenges[1]: expected text"),
        (lambda d: d["projects"][0].update(name="a\x00b"), "projects[0].name: expected text without control"),
        (lambda d: d["projects"][0].update(name="名" * 201), "projects[0].name: "),
        (lambda d: d["projects"][9]["indicators"][0]["targets"].update({"2023": "1e40"}),
         "projects[9].indicators[0].targets.2023: "),
        (lambda d: d["projects"][0]["schedule"][0]["cells"].update({"9999": "x"}), "projects[0].schedule[0].cells"),
    ],
    ids=["department twice", "policy twice", "pillar twice", "under consideration twice", "grade twice",
         "revision twice", "lone surrogate", "NUL", "name too long", "1e40", "fiscal year 9999"],
)
def test_it_refuses_a_faulty_document_at_its_json_path(
    db: None, tmp_path: Path, seed_document: Any, mutate: Any, where: str
) -> None:
    mutate(seed_document)
    err = _refused("import-json", _json_file(tmp_path, seed_document))
    assert f"doc.json: {where}" in err


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"format": ' + "[" * 2000 + "]" * 2000 + "}", ":1:43: expected JSON nested at most 32 deep"),
        ('{"format": "shinchoku-report/2", "x": ' + "9" * 5000 + "}", "doc.json: (document): "),
        ('{"format": NaN}', "doc.json: format: expected"),
    ],
    ids=["deep nesting", "5,000-digit integer", "NaN"],
)
def test_it_refuses_hostile_json_text(db: None, tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    assert where in _refused("import-json", path)


def _text_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _swap(text: str, a: int, b: int) -> str:
    lines = text.split("\n")
    lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]
    return "\n".join(lines)


def _duplicate(text: str, n: int) -> str:
    lines = text.split("\n")
    lines.insert(n, lines[n - 1])
    return "\n".join(lines)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_it_refuses_swapped_cover_lines_instead_of_a_second_plan(db: None, seed_text: str, tmp_path: Path) -> None:
    _load_seed()
    title = _line_of(seed_text, "**令和6（2024）年度")
    swapped = _swap(seed_text, title + 1, title + 2)  # the plan's name after 「（令和5（2023）年度実績分）」
    err = _refused("import-report", _text_file(tmp_path, swapped), "--replace")
    assert f"report.txt:{title}: expected a title with the plan's name before" in err
    with scopes_disabled():
        assert Plan.objects.count() == 1 and Project.objects.count() == 24


def test_it_refuses_a_second_plan_with_the_same_projects(db: None, seed_text: str, tmp_path: Path) -> None:
    _load_seed()
    renamed = seed_text.replace("柏崎市DX推進計画 進行管理報告書", "柏崎市デジタル計画 進行管理報告書", 1)
    err = _refused("import-report", _text_file(tmp_path, renamed), "--replace")
    title = _line_of(seed_text, "**令和6（2024）年度")
    assert f"report.txt:{title}: plan.name: the name of a plan of 柏崎市: '柏崎市DX推進計画'" in err
    assert "already holds 24 of this document's 24 projects" in err


@pytest.mark.parametrize(
    ("needle", "offset", "what"),
    [
        # The second copy's line; a policy under consideration is named at its block's header line.
        ("令和5（2023）年12月の計画改定", 1, "plan.revisions[1]: revision '2023-12' appears twice"),
        ("・ A：", 1, "grade_scale[1]: grade 'A' appears twice"),
        ("<p>行政サービスのオンライン化：粗大ごみ受付システム</p>", -1, "under_consideration[1]: policy under consideration"),
    ],
    ids=["revision paragraph twice", "grade line twice", "policy under consideration twice"],
)
def test_it_refuses_a_duplicated_line_at_its_line(
    db: None, seed_text: str, tmp_path: Path, needle: str, offset: int, what: str
) -> None:
    n = _line_of(seed_text, needle)
    err = _refused("import-report", _text_file(tmp_path, _duplicate(seed_text, n)))
    assert f"report.txt:{n + offset}: {what}" in err


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\ufffe"])
def test_it_refuses_a_control_character_in_the_text_at_its_line(
    db: None, seed_text: str, tmp_path: Path, char: str
) -> None:
    n = _line_of(seed_text, "LINEによる情報発信\tA")
    lines = seed_text.split("\n")
    lines[n - 1] = lines[n - 1].replace("LINE", "LI" + char + "NE", 1)
    err = _refused("import-report", _text_file(tmp_path, "\n".join(lines)))
    assert f"report.txt:{n}: expected text without control characters (column" in err


def test_it_reads_a_form_feed_as_a_page_break(db: None, seed_text: str, tmp_path: Path) -> None:
    paged = seed_text.replace("\n2 DX推進計画進捗状況\n", "\n\f2 DX推進計画進捗状況\n", 1)
    assert paged != seed_text
    code, err = _run("import-report", str(_text_file(tmp_path, paged)))
    assert code == 0, err


@pytest.mark.parametrize("number", ["1e40", "1E+400", "NaN", "-Infinity", "9" * 5000])
def test_it_refuses_a_hostile_number_in_a_v1_file_at_its_json_path(
    db: None, tmp_path: Path, seed_document: Any, number: str
) -> None:
    seed_document["projects"][9]["indicators"][0]["actuals"]["2023"] = "7"
    text = to_v1_text(seed_document).replace('"2023": 7', f'"2023": {number}', 1)
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    assert "doc.json: projects[9].indicators[0].actuals.2023: " in _refused("import-json", path)


class _Rejected(ValueError):
    """Shaped like the service layer's input refusal: a Japanese message and an English one for the CLI."""

    def __init__(self) -> None:
        super().__init__("値が大きすぎます。")
        self.english = "the value is out of range"


def test_it_names_the_json_path_of_a_value_the_loader_cannot_store(
    db: None, tmp_path: Path, seed_document: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shinchoku.values import Quantity

    real = Quantity.from_plain

    def from_plain(text: str) -> Quantity:
        if text == "16608":  # LINEによる情報発信's FY2023 actual
            raise _Rejected
        return real(text)

    monkeypatch.setattr(Quantity, "from_plain", staticmethod(from_plain))
    err = _refused("import-json", _json_file(tmp_path, seed_document))
    assert re.search(r"doc\.json: projects\[9\]\.indicators\[0\][.\w\[\]]*: the value is out of range", err), err
