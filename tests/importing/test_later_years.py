"""Later reports of the same form: FY2024 results (a year of actuals more, a revision adding a project and new
tags) and the final-year FY2025 report, whose text-form indicators carry their actuals.

The rewrites are in ``later_years.py``. Decisions pinned here:

* An actual printed without a year is the evaluated fiscal year's, even when the text-form target is for an
  earlier year (the seed's 令和6（2024）年度末までに … read in the FY2025 report): the report says what was
  reached by its own year.
* A status (達成, 実施済み, 未達成 …) is kept in the indicator's note as ``実績：<status>``; the document has no
  status field and a status is no number.
* A sentence target (``…の試験導入``) is an indicator without a target value.
* Text beside a target that is no actual goes into that indicator's note; an actual matching no target goes
  into the project's results (prefixed 目標指標の実績：). Both are warnings with the line; the file still loads.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from shinchoku.importing import ParseResult, ReportFormatError, parse_report, parse_report_text
from shinchoku.interchange.document import Document, IndicatorDoc, ProjectDoc
from shinchoku.interchange.validation import validate_document
from tests.importing.later_years import (
    INDUSTRY_WITH_ACTUALS,
    rewrite_as_fy2024_results,
    rewrite_as_fy2025_final,
    sub,
)

SEED = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"
INDUSTRY = "産業のDXを実践するデジタル人材の育成・企業づくり"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(text: str) -> Document:
    return parse_report_text(text, source="seed")


@pytest.fixture(scope="module")
def fy2024(text: str) -> ParseResult:
    return parse_report(rewrite_as_fy2024_results(text), source="fy2024.txt")


@pytest.fixture(scope="module")
def final_text(text: str) -> str:
    return rewrite_as_fy2025_final(text)


@pytest.fixture(scope="module")
def final(final_text: str) -> ParseResult:
    return parse_report(final_text, source="fy2025.txt")


def project(doc: Document, name: str) -> ProjectDoc:
    return next(p for p in doc["projects"] if p["name"] == name)


def indicators(doc: Document, name: str) -> dict[str, IndicatorDoc]:
    return {i["name"]: i for i in project(doc, name)["indicators"]}


def line_of(text: str, part: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if part in line)


# --- FY2024 results --------------------------------------------------------------------------------------------


def test_it_reads_the_fy2024_report_as_fiscal_year_2024_without_warnings(fy2024: ParseResult) -> None:
    doc = fy2024.document
    validate_document(doc)
    assert fy2024.warnings == []
    assert doc["report"]["fiscal_year"] == 2024 and doc["report"]["published"] == "2025-08"
    assert doc["report"]["title"] == "令和7（2025）年度 柏崎市DX推進計画 進行管理報告書（令和6（2024）年度実績分）"
    assert [r["date"] for r in doc["plan"]["revisions"]] == ["2023-12", "2024-12"]
    assert (doc["plan"]["start_fiscal_year"], doc["plan"]["end_fiscal_year"]) == (2021, 2025)


def test_it_reads_the_fy2024_actual_of_every_numeric_table(fy2024: ParseResult, seed: Document) -> None:
    doc = fy2024.document
    expected = {
        "手続総件数に対するオンライン化率": "41",
        "オンライン化した手続のオンライン利用率": "12.5",
        "子育て応援券（利用者満足度5点満点の平均）": "3.6",
        "子育て応援券（事業者満足度5点満点の平均）": "3.4",
        "公式アカウント追加ユーザー数（累計）": "18210",
        "AI・RPAの内製化で削減した作業時間（年度計）": "812.5",
        "決裁文書の電子化率": "58.2",
        "ICT機器が学力向上に有効と回答した児童生徒の割合": "96.1",
        "新たなシステムの保護者利用率": "84.5",
        "請求書処理した事業者のうち電子請求した事業者の割合": "42",
        "スマート機械の導入件数（累計）": "27",
    }
    found = {i["name"]: i for p in doc["projects"] for i in p["indicators"]}
    before = {i["name"]: i for p in seed["projects"] for i in p["indicators"]}
    for name, value in expected.items():
        assert found[name]["actuals"] == before[name]["actuals"] | {"2024": value}, name
        assert found[name]["targets"] == before[name]["targets"], name


def test_it_reads_the_project_added_at_the_revision_with_its_new_tag(fy2024: ParseResult) -> None:
    doc = fy2024.document
    names = [p["name"] for p in doc["projects"]]
    assert len(names) == 25 and names[12] == "粗大ごみ受付システムの導入"
    waste = project(doc, "粗大ごみ受付システムの導入")
    assert (waste["pillar"], waste["policy"], waste["tags"], waste["grade"]) == (
        "暮らしのDX",
        "行政サービスのオンライン化",
        ["市重点", "新規"],
        "B",
    )
    assert waste["departments"] == ["クリーンセンター", "企画政策課"]
    assert waste["schedule"] == [{"track": None, "cells": {"2024": "導入", "2025": "運用"}}]
    (rate,) = waste["indicators"]
    assert (rate["targets"], rate["actuals"], rate["unit"]) == ({"2024": "20", "2025": "40"}, {"2024": "23.4"}, "%")
    assert waste["results"] == ["令和6（2024）年10月からオンライン受付を開始しました。"]
    assert project(doc, "電子請求")["tags"] == ["県重点"]
    # The policy under consideration became the project.
    assert doc["under_consideration"][0]["title"] == "DX人材育成指針の作成"


def test_it_keeps_the_unchanged_facts_of_the_fy2024_report(fy2024: ParseResult, seed: Document) -> None:
    doc = fy2024.document
    for before in seed["projects"]:
        after = project(doc, before["name"])
        for field in ("pillar", "policy", "departments", "overview", "schedule", "grade", "challenges"):
            assert after[field] == before[field], (before["name"], field)  # type: ignore[literal-required]
    assert project(doc, INDUSTRY)["indicators"] == project(seed, INDUSTRY)["indicators"]


# --- the final-year report: text-form indicators with their actuals ---------------------------------------------


def test_it_reads_the_final_year_report(final: ParseResult) -> None:
    doc = final.document
    validate_document(doc)
    assert doc["report"]["fiscal_year"] == 2025 and doc["report"]["published"] == "2026-08"
    line = indicators(doc, "行政手続のオンライン化")["手続総件数に対するオンライン化率"]
    assert line["actuals"] == {"2022": "31", "2023": "32", "2024": "41", "2025": "52"}
    rpa = indicators(doc, "AI・RPAを含めた内製化の推進")["AI・RPAの内製化で削減した作業時間（年度計）"]
    assert rpa["actuals"]["2025"] == "1024"


def test_it_reads_actuals_written_beside_the_targets(final: ParseResult) -> None:
    found = indicators(final.document, INDUSTRY)
    got = {n: (i["targets"], i["actuals"], i["unit"], i["qualifier"], i["note"]) for n, i in found.items()}
    assert got == {
        # 20件以上（実績：32件）
        "IoT活用、DX推進に関する企業課題の解決に向けた相談件数": ({"2024": "20"}, {"2025": "32"}, "件", "以上", None),
        # 目標：3件以上 実績：4件
        "デジタル技術を活用した労働生産性向上に取り組むモデル企業の創出": (
            {"2024": "3"},
            {"2025": "4"},
            "件",
            "以上",
            None,
        ),
        # 100人以上 → 112人（達成）
        "職業能力の再開発に取り組む企業人材の育成": ({"2024": "100"}, {"2025": "112"}, "人", "以上", "実績：達成"),
        # 15人以上（参加者アンケートを集計中）: not an actual, kept in the note
        "デジタル分野に関心を持った若年層の人材開発": (
            {"2024": "15"},
            {},
            "人",
            "以上",
            "参加者アンケートを集計中",
        ),
    }


def test_it_reads_sentence_targets_with_a_status(final: ParseResult) -> None:
    found = indicators(final.document, "水道スマートメーターの導入検討")
    assert {n: (i["targets"], i["actuals"], i["unit"], i["note"]) for n, i in found.items()} == {
        "難検針箇所へのスマートメーターの試験導入": ({}, {}, "", "実績：達成"),  # （達成）
        "導入地区を想定した概算費用の試算": ({}, {}, "", "実績：実施済み"),  # ：実施済み
        "全戸導入の方針決定": ({}, {}, "", "実績：未達成"),  # 【未達成】
    }


def test_it_reads_a_row_of_actuals_under_the_targets(final: ParseResult) -> None:
    p = project(final.document, "ウェブ会議の仕組みを利用した取組の拡充")
    found = {i["name"]: i for i in p["indicators"]}
    assert found["オンライン相談を実施する課"]["targets"] == {"2025": "10"}
    assert found["オンライン相談を実施する課"]["actuals"] == {"2025": "12"}
    assert found["出先機関のウェブ会議環境の整備"]["note"] == "実績：整備済み"
    # An actual of no listed target stays in the results, after the sheet's own items.
    assert p["results"][-1] == "目標指標の実績：オンライン講座の受講者 340人"
    assert len(p["results"]) == 2


def test_it_reads_a_table_of_actuals_in_the_cell_and_as_rows(final: ParseResult) -> None:
    data = indicators(final.document, "データに基づく政策立案体制の構築（DX人材育成）")
    assert {n: (i["targets"], i["actuals"]) for n, i in data.items()} == {
        "政策立案研修の受講者": ({"2025": "120"}, {"2025": "134"}),
        "内部公開するデータセット": ({"2025": "30"}, {"2025": "27"}),
    }
    telework = indicators(final.document, "テレワークの本格導入")
    assert {n: (i["targets"], i["actuals"], i["unit"]) for n, i in telework.items()} == {
        "テレワークを実施した職員の割合": ({"2025": "30"}, {"2025": "34.5"}, "%"),
        "テレワーク端末の配備": ({"2025": "100"}, {"2025": "100"}, "台"),
    }


def test_it_warns_about_each_text_it_kept_but_did_not_read(final: ParseResult, final_text: str) -> None:
    assert [(w.line, w.message) for w in final.warnings] == [
        (
            line_of(final_text, "\t令和7（2025）年度末時点の実績は次のとおりです。"),
            "kept as results: no target of this name: 'オンライン講座の受講者 340人'",
        ),
        (
            line_of(final_text, INDUSTRY_WITH_ACTUALS[:40]),
            "kept in the note of indicator 'デジタル分野に関心を持った若年層の人材開発': "
            "not read as an actual: '参加者アンケートを集計中'",
        ),
    ]
    assert str(final.warnings[0]).startswith(f"fy2025.txt:{final.warnings[0].line}: kept as results")


def test_it_keeps_the_other_facts_of_the_final_year_report(final: ParseResult, fy2024: ParseResult) -> None:
    changed = {
        INDUSTRY,
        "水道スマートメーターの導入検討",
        "ウェブ会議の仕組みを利用した取組の拡充",
        "データに基づく政策立案体制の構築（DX人材育成）",
        "テレワークの本格導入",
    }
    for before in fy2024.document["projects"]:
        after = project(final.document, before["name"])
        if before["name"] not in changed:
            assert len(after["indicators"]) == len(before["indicators"]), before["name"]
        assert (after["tags"], after["grade"], after["schedule"]) == (
            before["tags"],
            before["grade"],
            before["schedule"],
        )


def test_it_still_rejects_numeric_targets_without_their_year(final_text: str) -> None:
    bad = sub(final_text, "目標指標\t令和6（2024）年度末までに次の目標を達成します。 ・IoT", "目標指標\t・IoT")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert e.value.line == line_of(bad, "目標指標\t・IoT")
    assert e.value.expected == "the target year such as 令和6（2024）年度末までに before the targets"


# --- the command ---------------------------------------------------------------------------------------------------


def test_it_prints_the_warnings_and_loads_the_final_year_report(db: None, tmp_path: Path, final_text: str) -> None:
    path = tmp_path / "fy2025.txt"
    path.write_text(final_text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import-report", str(path), stdout=out, stderr=err)  # no SystemExit: exit code 0
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"warning: {path}:") and "オンライン講座の受講者 340人" in lines[0]
    assert lines[1].startswith(f"warning: {path}:{line_of(final_text, INDUSTRY_WITH_ACTUALS[:40])}: kept in")
    assert "fiscal year 2025" in out.getvalue()
