"""The parser on plausible variants of the seed: what another year's or another city's PDF-to-text conversion of
a report of the same form produces.

Each variant is a transformation of the seed text. The parse is compared fact by fact with the seed's parse:
what the transformation does not touch must stay equal, what it changes must be read correctly. Malformed
variants must raise ReportFormatError naming the line and what was expected there.

Decisions (also stated in the tests that pin them):

* Tabs are the only column separator. A conversion that turned tabs into runs of spaces has lost the table
  structure (cells contain spaces too), so it is not a variant this parser accepts.
* A sheet without a 次年度 (…年度 主な取組) row reads as ``next_year == []``: the seed's last sheet has none.
* A pillar whose 進捗状況B以外の概要 says 該当なし although one of its projects is not graded B is read leniently:
  the grade (the fact the report is about) is kept and the summary is empty. The summary is prose around the
  grade; refusing the whole report for its absence would lose every other fact.
* 該当なし under 個別事業計画を検討中の施策 means "no such policy", not a policy named 該当なし.

The variants of the later years' reports (FY2024 results, the final year) are in
``test_report_variants_later_years.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shinchoku.importing import ReportFormatError, parse_report_text
from shinchoku.interchange.document import Document, ProjectDoc
from shinchoku.interchange.validation import validate_document

SEED = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(text: str) -> Document:
    return parse_report_text(text, source="seed")


def parse(text: str) -> Document:
    doc = parse_report_text(text, source="variant")
    validate_document(doc)
    return doc


def sub(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` exactly ``count`` times (0: all, at least once): the variant must really change the seed."""
    found = text.count(old)
    assert found >= 1 and (count == 0 or found == count), f"{old!r} occurs {found} times"
    return text.replace(old, new)


def resub(text: str, pattern: str, new: str | Callable[[re.Match[str]], str], flags: int = 0) -> str:
    out, n = re.subn(pattern, new, text, flags=flags)
    assert n, f"{pattern!r} does not occur"
    return out


def project(doc: Document, name: str) -> ProjectDoc:
    return next(p for p in doc["projects"] if p["name"] == name)


def without(doc: Document, *names: str) -> list[ProjectDoc]:
    return [p for p in doc["projects"] if p["name"] not in names]


def line_no(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def fails(text: str) -> ReportFormatError:
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(text, source="bad.txt")
    return e.value


def assert_same_except(doc: Document, seed: Document, project_name: str, **changed: Any) -> None:
    """``doc`` equals ``seed`` except for the given fields of one project."""
    expected = project(seed, project_name) | changed
    assert project(doc, project_name) == expected
    assert without(doc, project_name) == without(seed, project_name)
    assert {k: v for k, v in doc.items() if k != "projects"} == {
        k: v for k, v in seed.items() if k != "projects"
    }


# --- encodings and whitespace: the same facts ------------------------------------------------------------------

WHITESPACE_VARIANTS: dict[str, Callable[[str], str]] = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "bom_and_crlf": lambda t: "\ufeff" + t.replace("\n", "\r\n"),
    "trailing_spaces": lambda t: "\n".join(line + "  " for line in t.split("\n")),
    "trailing_tabs_stripped": lambda t: "\n".join(line.rstrip() for line in t.split("\n")),
    "ideographic_space_in_headings": lambda t: re.sub(r"(?m)^(\d|\(\d\)) ", "\\1\u3000", t),
    "full_width_heading_numbers": lambda t: re.sub(
        r"(?m)^(\d) ", lambda m: chr(ord(m.group(1)) + 0xFEE0) + " ", t
    ),
    "blank_lines_doubled": lambda t: t.replace("\n\n", "\n\n\n"),
}


@pytest.mark.parametrize("name", sorted(WHITESPACE_VARIANTS))
def test_whitespace_and_encoding_variants_give_the_same_document(
    text: str, seed: Document, name: str
) -> None:
    assert parse(WHITESPACE_VARIANTS[name](text)) == seed


def test_markdown_headings_and_bold_give_the_same_document(text: str, seed: Document) -> None:
    variant = resub(text, r"(?m)^(\d) (\S)", r"# \1 \2")
    variant = resub(variant, r"(?m)^(\(\d\)) (\S)", r"## \1 \2")
    assert parse(variant) == seed


def test_a_toc_with_leader_dots_gives_the_same_document(text: str, seed: Document) -> None:
    variant = resub(text, r"(?m)^(\(?\d\)?)\t(\S+)\t(\d+)$", "\\1\t\\2 ………………… \\3")
    assert parse(variant) == seed


# --- years ------------------------------------------------------------------------------------------------------


def _full_width(s: str) -> str:
    return s.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789()R"})


def test_full_width_years_in_labels_and_schedule_headers(text: str, seed: Document) -> None:
    variant = resub(text, r"R\d\s*[(（]\d{4}[)）]", lambda m: _full_width(m.group(0)))
    assert parse(variant) == seed


@pytest.mark.parametrize("style", ["令和{n}年度", "R{n}年度", "令和{n}({w})年度"])
def test_era_years_without_the_western_year(text: str, seed: Document, style: str) -> None:
    def era_only(m: re.Match[str]) -> str:
        return style.format(n=m.group(1), w=m.group(2))

    variant = resub(text, r"R(\d)\s*[(（](\d{4})[)）]\s*年度", era_only)
    assert parse(variant) == seed


@pytest.mark.parametrize(
    ("results", "next_year"),
    [
        ("令和5年度の主な取り組みと成果", "令和6年度の主な取り組み"),
        ("R5年度 主な取組み及び成果", "次年度 主な取組み"),
    ],
)
def test_other_wordings_of_the_results_and_next_year_labels(
    text: str, seed: Document, results: str, next_year: str
) -> None:
    variant = resub(
        text,
        r"(?m)^(\d\t)?R5\s*[(（]2023[)）]\s*年度\s*主な取組と成果",
        lambda m: (m.group(1) or "") + results,
    )
    variant = resub(
        variant,
        r"(?m)^(\d\t)?R6\s*[(（]2024[)）]\s*年度\s*主な取組",
        lambda m: (m.group(1) or "") + next_year,
    )
    assert parse(variant) == seed


def test_a_schedule_whose_last_column_is_the_years_after(text: str, seed: Document) -> None:
    name = "電子請求"
    variant = sub(
        text, "R6(2024)年度\tR7(2025)年度\n\t-\t①検討", "R6(2024)年度\tR7(2025)年度以降\n\t-\t①検討"
    )
    assert_same_except(parse(variant), seed, name)


def test_a_cover_with_era_years_only(text: str, seed: Document) -> None:
    variant = sub(text, "**令和6（2024）年度", "**令和6年度")
    variant = sub(variant, "（令和5（2023）年度実績分）", "（令和5年度実績分）")
    variant = sub(variant, "令和6（2024）年8月\n", "令和6年8月\n")
    doc = parse(variant)
    assert doc["report"]["title"] == "令和6年度 柏崎市DX推進計画 進行管理報告書（令和5年度実績分）"
    assert (doc["report"]["fiscal_year"], doc["report"]["published"]) == (2023, "2024-08")
    assert doc["projects"] == seed["projects"] and doc["plan"] == seed["plan"]


# --- grade scales ------------------------------------------------------------------------------------------------

SHIFT = {"A": "S", "B": "A", "C": "B", "D": "C"}


def test_an_s_a_b_c_scale_with_a_as_planned(text: str, seed: Document) -> None:
    variant = sub(
        text, "- ・ A：計画より早い、想定以上の効果を得た", "- ・ S：計画より早い、想定以上の効果を得た"
    )
    variant = sub(variant, "- ・ B：概ね計画どおり", "- ・ A：計画どおり")
    variant = sub(variant, "- ・ C：計画より遅れている", "- ・ B：計画より遅れている")
    variant = sub(variant, "- ・ D：再検討が必要", "- ・ C：再検討が必要\n- ・ D：評価不能")
    variant = resub(variant, r"(?m)^([^\t\n]*\t[^\t\n]+\t)([A-D])$", lambda m: m.group(1) + SHIFT[m.group(2)])
    variant = resub(variant, r"(?m)^([^\t\n]+\t)([A-D])$", lambda m: m.group(1) + SHIFT[m.group(2)])
    variant = resub(variant, r"）?（([A-D])）</p>", lambda m: f"（{SHIFT[m.group(1)]}）</p>")
    variant = sub(variant, "進捗状況B以外の概要", "進捗状況A以外の概要", count=0)
    doc = parse(variant)
    assert [(g["code"], g["as_planned"]) for g in doc["grade_scale"]] == [
        ("S", False),
        ("A", True),
        ("B", False),
        ("C", False),
        ("D", False),
    ]
    assert doc["grade_scale"][4]["description"] == "評価不能"
    assert [p["grade"] for p in doc["projects"]] == [SHIFT[p["grade"] or ""] for p in seed["projects"]]
    assert [p["non_b_summary"] for p in doc["projects"]] == [p["non_b_summary"] for p in seed["projects"]]


def test_grades_in_full_width_letters_and_a_plain_grade_list(text: str, seed: Document) -> None:
    variant = resub(text, r"(?m)^- ・ ([A-D])：", lambda m: _full_width(m.group(1)) + "：")
    variant = sub(variant, "新交通システムの構築\tA", "新交通システムの構築\tＡ")
    variant = sub(variant, "<p>○新交通システムの構築（A）</p>", "<p>○新交通システムの構築（Ａ）</p>")
    assert parse(variant) == seed


def test_a_dash_grade_means_not_graded(text: str, seed: Document) -> None:
    variant = sub(text, "\t電子請求\tB", "\t電子請求\t－")
    assert_same_except(parse(variant), seed, "電子請求", grade=None)


def test_a_missing_non_b_summary_keeps_the_grade(text: str, seed: Document) -> None:
    # Decision: lenient — the grade stays, the summary is empty (see the module docstring).
    variant = sub(text, "農業DXに向けたデジタル技術の活用推進\tB", "農業DXに向けたデジタル技術の活用推進\tC")
    doc = parse(variant)
    assert_same_except(doc, seed, "農業DXに向けたデジタル技術の活用推進", grade="C", non_b_summary=[])


# --- pillars and policies ----------------------------------------------------------------------------------------


def test_a_report_without_the_industry_pillar(text: str, seed: Document) -> None:
    variant = sub(text, "(3)\t産業のDX\t4\n(4)\t共通施策\t4\n", "(3)\t共通施策\t4\n")
    variant = sub(variant, "(3)\t産業のDX\t30\n", "")
    variant = resub(
        variant, r"\(3\) 産業のDX\n\n \n個別事業計画.*?\n\(4\) 共通施策", "(3) 共通施策", flags=re.S
    )
    variant = resub(variant, r"\(3\) 産業のDX\n\n産業のDXを実践.*?\n\n農業DX[^\n]*\n\n", "", flags=re.S)
    variant = variant[: variant.rindex("\n(3) 産業のDX\n")]
    doc = parse(variant)
    assert [p["name"] for p in doc["pillars"]] == ["暮らしのDX", "行政のDX", "共通施策"]
    assert doc["projects"] == [p for p in seed["projects"] if p["pillar"] != "産業のDX"]
    assert doc["under_consideration"] == seed["under_consideration"]


REGION_SECTION2 = """(3) 地域のDX

施策\t個別事業計画\t進捗状況
中山間地域の見守り\t高齢者見守りセンサーの設置\tC
地域コミュニティのデジタル化\t町内会回覧板の電子化\tB
進捗状況B以外の概要\t\t
<p>○高齢者見守りセンサーの設置（C）</p> <ul style="list-style-type: none"> 通信環境の整備が遅れ、設置は予定の半数にとどまりました。 \t\t
個別事業計画を検討中の施策\t\t
<p>地域コミュニティのデジタル化：集落アンケートの電子化</p> <ul style="list-style-type: none"> 紙のアンケートを電子化する方法を調べ始めました。 \t\t

"""

REGION_SECTION3 = """
(4) 地域のDX

高齢者見守りセンサーの設置 市重点\t\t\t\t\t
担当部署\t介護高齢課、地域振興課、防災・原子力課\t\t\t\t
事業概要\t<ul><li>ひとり暮らしの高齢者宅にセンサーを設置します。</li><li>異常を検知したら家族に通知します。</li></ul>\t\t\t\t
スケジュール\tR3(2021)年度\tR4(2022)年度\tR5(2023)年度\tR6(2024)年度\tR7(2025)年度
\t⑩検討\t⑩試行\t⑩設置\t→\t
\t\t⑪通信環境調査\t⑪整備\t→\t
見守りセンサーの設置台数\t目標\t—\t50台\t100台\t150台\t200台
\t実績\t—\t45台\t約52台\t\t
見守り対象者の救急搬送までの平均時間\t目標\t-\t－\t30分以下\t25分以下\t20分以下
\t実績\tー\t―\t33.5分\t\t
センサー設置率\t目標\t—\t—\t12.5%
\t実績\t—\t—\t6.25%
R5（2023）年度 主な取組と成果\t<P>センサーを1,234.5件分の予算で調達しました。<BR>設置は予定の半数でした。</P>\t\t\t\t
「目指す姿」に向けた課題と今後の展開\t通信環境の整備が課題です。\t\t\t\t

町内会回覧板の電子化\t\t\t\t\t
担当部署\t市民活動支援課\t\t\t\t
事業概要\t回覧板を電子化します。\t\t\t\t
R5(2023)年度 主な取組と成果\t試行しました。\t\t\t\t
"""


def add_region_pillar(text: str) -> str:
    variant = sub(text, "(4)\t共通施策\t4\n", "(4)\t共通施策\t4\n(5)\t地域のDX\t5\n")
    variant = sub(variant, "(3)\t産業のDX\t30\n", "(3)\t産業のDX\t30\n(4)\t地域のDX\t40\n")
    variant = sub(variant, "(4) 共通施策\n", "(4) 共通施策\n")
    variant = sub(
        variant,
        "\n3 個別事業計画の取組",
        "\n" + REGION_SECTION2.replace("(3)", "(5)") + "3 個別事業計画の取組",
    )
    return variant + "\n" + REGION_SECTION3


def test_an_added_pillar_with_policies_and_a_project(text: str, seed: Document) -> None:
    doc = parse(add_region_pillar(text))
    assert doc["pillars"][:4] == seed["pillars"]
    assert doc["pillars"][4] == {
        "name": "地域のDX",
        "policies": ["中山間地域の見守り", "地域コミュニティのデジタル化"],
    }
    assert doc["projects"][:24] == seed["projects"]
    names = [p["name"] for p in doc["projects"][24:]]
    assert names == ["高齢者見守りセンサーの設置", "町内会回覧板の電子化"]
    assert doc["under_consideration"][:4] == seed["under_consideration"]
    assert doc["under_consideration"][4:] == [
        {
            "pillar": "地域のDX",
            "policy": "地域コミュニティのデジタル化",
            "title": "集落アンケートの電子化",
            "text": ["紙のアンケートを電子化する方法を調べ始めました。"],
        }
    ]


def test_the_added_project_sheet_is_read_fact_by_fact(text: str) -> None:
    full = parse(add_region_pillar(text))
    p = project(full, "高齢者見守りセンサーの設置")
    assert (p["pillar"], p["policy"], p["tags"], p["grade"]) == (
        "地域のDX",
        "中山間地域の見守り",
        ["市重点"],
        "C",
    )
    assert p["departments"] == ["介護高齢課", "地域振興課", "防災・原子力課"]
    assert (
        p["overview"] == "ひとり暮らしの高齢者宅にセンサーを設置します。\n異常を検知したら家族に通知します。"
    )
    assert p["vision"] == "" and p["comprehensive_plan"] is None
    assert p["schedule"] == [
        {"track": "⑩", "cells": {"2021": "⑩検討", "2022": "⑩試行", "2023": "⑩設置", "2024": "→"}},
        {"track": "⑪", "cells": {"2022": "⑪通信環境調査", "2023": "⑪整備", "2024": "→"}},
    ]
    count, minutes, rate = p["indicators"]
    assert (count["unit"], count["direction"], count["qualifier"]) == ("台", "higher", None)
    assert count["targets"] == {"2022": "50", "2023": "100", "2024": "150", "2025": "200"}
    assert count["actuals"] == {"2022": "45", "2023": "52"}
    assert (minutes["unit"], minutes["direction"], minutes["qualifier"]) == ("分", "lower", "以下")
    assert minutes["targets"] == {"2023": "30", "2024": "25", "2025": "20"} and minutes["actuals"] == {"2023": "33.5"}
    assert rate["targets"] == {"2023": "12.5"} and rate["actuals"] == {"2023": "6.25"} and rate["unit"] == "%"
    assert p["results"] == ["センサーを1,234.5件分の予算で調達しました。", "設置は予定の半数でした。"]
    assert p["next_year"] == [] and p["challenges"] == ["通信環境の整備が課題です。"]
    assert p["non_b_summary"] == ["通信環境の整備が遅れ、設置は予定の半数にとどまりました。"]
    other = project(full, "町内会回覧板の電子化")
    assert (other["schedule"], other["indicators"], other["grade"]) == ([], [], "B")


def test_under_consideration_before_the_summary_and_none_elsewhere(text: str, seed: Document) -> None:
    block = re.search(
        r"進捗状況B以外の概要\t\t\n<p>○電子文書.*?\n(個別事業計画を検討中の施策\t\t\n<p>DX人材.*?\n)",
        text,
        re.S,
    )
    assert block
    summary = block.group(0)[: -len(block.group(1))]
    variant = sub(text, block.group(0), block.group(1) + summary)
    assert parse(variant) == seed

    none = sub(text, block.group(1), "個別事業計画を検討中の施策\t\t\n該当なし\t\t\n")
    doc = parse(none)
    assert doc["under_consideration"] == [u for u in seed["under_consideration"] if u["pillar"] != "行政のDX"]
    assert doc["projects"] == seed["projects"]


# --- project sheets ----------------------------------------------------------------------------------------------


def test_a_sheet_heading_without_tags(text: str, seed: Document) -> None:
    variant = sub(text, "テレワークの本格導入 国重点 市重点\t", "テレワークの本格導入\t")
    assert_same_except(parse(variant), seed, "テレワークの本格導入", tags=[])


@pytest.mark.parametrize("separator", ["、", "・", "，", " "])
def test_three_departments(text: str, seed: Document, separator: str) -> None:
    variant = sub(
        text,
        "担当部署\t市民課、企画政策課\t\t\t\t\n事業概要\t市内の",
        f"担当部署\t市民課{separator}企画政策課{separator}税務課\t\t\t\t\n事業概要\t市内の",
    )
    doc = parse(variant)
    name = "マイナンバーカードの普及促進・利用の推進"
    assert_same_except(doc, seed, name, departments=["市民課", "企画政策課", "税務課"])


def test_a_sheet_without_vision_schedule_or_next_year_row(text: str, seed: Document) -> None:
    name = "ウェブ会議の仕組みを利用した取組の拡充"
    start = text.index("\n" + name + "\t") + 1
    end = text.index("\n\n", start)
    sheet = text[start:end]
    lines = [
        line
        for line in sheet.split("\n")
        if not line.startswith(("目指す姿", "スケジュール", "\t環境整備", "R6(2024)年度 主な取組"))
    ]
    doc = parse(text[:start] + "\n".join(lines) + text[end:])
    assert_same_except(doc, seed, name, vision="", schedule=[], next_year=[])


def test_the_schedule_header_with_spaces_and_fewer_years(text: str, seed: Document) -> None:
    name = "電子契約システム導入"
    variant = sub(
        text,
        "R3(2021) 年度\tR4(2022) 年度\tR5(2023) 年度\tR6(2024) 年度\tR7(2025) 年度\n\t—\t実証実験",
        "R4 (2022) 年度\tR5 (2023) 年度\tR6 (2024) 年度\tR7 (2025) 年度\n\t実証実験",
    )
    assert_same_except(parse(variant), seed, name)


def test_indicator_values_with_other_dashes_and_notations(text: str, seed: Document) -> None:
    variant = sub(text, "\t目標\t—\t50%\t60%\t70%\t80%", "\t目標\tー\t５０％\t60.0%\t70 %\t80%")
    variant = sub(variant, "\t実績\t—\t31%\t32%\t\t", "\t実績\t－\t約31%\t32%")
    doc = parse(variant)
    name = "行政手続のオンライン化"
    indicators = project(seed, name)["indicators"]
    first = indicators[0] | {"targets": {"2022": "50", "2023": "60.0", "2024": "70", "2025": "80"}}
    assert_same_except(doc, seed, name, indicators=[first, indicators[1]])


def test_a_falling_target_series_without_qualifier_is_lower_is_better(text: str, seed: Document) -> None:
    variant = sub(
        text,
        "\t目標\t—\t100 時間\t800 時間\t850 時間\t900 時間",
        "\t目標\t—\t1,000.5 時間\t800 時間\t700 時間\t600 時間",
    )
    name = "AI・RPAを含めた内製化の推進"
    old = project(seed, name)["indicators"][0]
    new = old | {"targets": {"2022": "1000.5", "2023": "800", "2024": "700", "2025": "600"}, "direction": "lower"}
    assert_same_except(parse(variant), seed, name, indicators=[new])


# --- page-break artifacts ----------------------------------------------------------------------------------------


def test_page_numbers_and_running_headers_between_rows(text: str, seed: Document) -> None:
    variant = sub(text, "\t電子請求\tB\n", "\t電子請求\tB\n- 3 -\n柏崎市DX推進計画 進行管理報告書\n")
    variant = sub(
        variant,
        "\n\n電子チケット化事業\t",
        "\n\n12\n\n柏崎市DX推進計画 進行管理報告書\n\n電子チケット化事業\t",
    )
    variant = sub(
        variant, "\n\n\t分を整理し、", "\n\n－ 14 －\n\n柏崎市DX推進計画　進行管理報告書\n\t分を整理し、"
    )
    variant = sub(
        variant,
        "スケジュール\tR3(2021)年度\tR4(2022)年度\tR5(2023)年度\tR6(2024)年度\tR7(2025)年度\n\t環境整備",
        "スケジュール\tR3(2021)年度\tR4(2022)年度\tR5(2023)年度\tR6(2024)年度\tR7(2025)年度\n15 / 40\n\t環境整備",
    )
    assert parse(variant) == seed


def test_a_sheet_heading_repeated_at_the_top_of_the_next_page(text: str, seed: Document) -> None:
    variant = sub(text, "\n\n\t分を整理し、", "\n\n窓口手続の簡素化 国重点\t\t\t\t\t\n\t分を整理し、")
    assert parse(variant) == seed


def test_a_results_cell_split_across_a_page_break_mid_sentence(text: str, seed: Document) -> None:
    variant = sub(
        text,
        "約100人/日となっています。 \t\t\t\t\n",
        "約100人/日と\t\t\t\t\n\n- 8 -\n\n\tなっています。 \t\t\t\t\n",
    )
    assert parse(variant) == seed


# --- HTML inside cells ---------------------------------------------------------------------------------------------


def _li(m: re.Match[str]) -> str:
    items = [i.strip() for i in re.split(r" ・ ?", m.group(1)) if i.strip()]
    return "<UL class='x' style='list-style-type: none'>" + "".join(f"<LI>{i}</LI>" for i in items) + "</UL>"


def test_li_items_uppercase_tags_and_other_attributes(text: str, seed: Document) -> None:
    variant = resub(text, r'<ul style="list-style-type: none">((?: ・ ?[^・<\t]+。)+) ?(?=\t)', _li)
    assert variant.count("<LI>") > 20
    assert parse(variant) == seed


def test_br_inside_a_paragraph_and_nested_lists(text: str, seed: Document) -> None:
    variant = sub(text, "実施します。</p> <p>②積雪で", "実施します。<br/>②積雪で")
    variant = sub(
        variant,
        '<ul style="list-style-type: none"> ・小型車両を使用し、また、乗降ポイントをきめ細かく設定することで柔軟な運行を実現 ・運行区域は',
        "<ul><li>小型車両を使用し、また、乗降ポイントをきめ細かく設定することで柔軟な運行を実現<ul><li>運行区域は",
    )
    assert parse(variant) == seed


# --- malformed input -------------------------------------------------------------------------------------------------


def test_a_grade_row_with_a_fourth_column(text: str) -> None:
    bad = sub(text, "\t電子請求\tB\n", "\t電子請求\tB\t備考\n")
    e = fails(bad)
    assert e.line == line_no(bad, "\t電子請求\tB")
    assert (
        e.expected
        == "a row of the grade table with the 3 columns of its header (施策, 個別事業計画, 進捗状況)"
    )


def test_a_grade_outside_the_scale(text: str) -> None:
    bad = sub(text, "\t電子請求\tB\n", "\t電子請求\tB+\n")
    e = fails(bad)
    assert (e.line, e.expected, e.found) == (
        line_no(bad, "\t電子請求"),
        "a grade of the grade scale (A, B, C, D)",
        "B+",
    )


def test_a_schedule_header_with_a_cell_that_is_not_a_year(text: str) -> None:
    bad = sub(
        text,
        "スケジュール\tR3(2021)年度\tR4(2022)年度\tR5(2023)年度\tR6(2024)年度\tR7(2025)年度\n\t環境整備",
        "スケジュール\tR3(2021)年度\tR4(2022)年度\t今年度\tR6(2024)年度\tR7(2025)年度\n\t環境整備",
    )
    e = fails(bad)
    assert e.line == line_no(bad, "スケジュール\tR3(2021)年度\tR4(2022)年度\t今年度")
    assert (e.expected, e.found) == (
        "a fiscal year such as R3(2021)年度 in each column of the スケジュール row",
        "今年度",
    )


def test_a_schedule_header_with_years_out_of_order(text: str) -> None:
    bad = sub(
        text,
        "スケジュール\tR3(2021)年度\tR4(2022)年度\tR5(2023)年度\tR6(2024)年度\tR7(2025)年度\n\t環境整備",
        "スケジュール\tR3(2021)年度\tR4(2022)年度\tR4(2022)年度\tR6(2024)年度\tR7(2025)年度\n\t環境整備",
    )
    e = fails(bad)
    assert e.line == line_no(bad, "スケジュール\tR3(2021)年度\tR4(2022)年度\tR4(2022)年度")
    assert e.expected == "fiscal years in increasing order in the スケジュール row"


def test_a_project_listed_twice(text: str) -> None:
    bad = sub(text, "\t電子請求\tB\n", "\t電子請求\tB\n\t電子契約システム導入\tB\n")
    e = fails(bad)
    assert e.line == line_no(bad, "\t電子請求\tB") + 1
    assert e.expected == "each project listed once in section 2 ('電子契約システム導入' is also on line 91)"


def test_a_document_that_is_not_a_report(text: str) -> None:
    letter = "\n\n令和6年4月1日\n\n市民の皆様へ\n\n暑い日が続きますが、いかがお過ごしでしょうか。\n目次はありません。\n"
    e = fails(letter)
    assert e.line == 3
    assert e.expected == "the title of a progress report (…進行管理報告書) before a 目次"
    assert e.found == "令和6年4月1日"
    assert fails("").line == 1


def test_a_cover_without_the_evaluated_year(text: str) -> None:
    bad = sub(text, "（令和5（2023）年度実績分）", "")
    e = fails(bad)
    assert e.line == 3 and e.expected.startswith("the evaluated fiscal year")


def test_an_indicator_row_with_more_values_than_years(text: str) -> None:
    bad = sub(
        text, "\t実績\t—\t546 時間\t650.4 時間\t\t", "\t実績\t—\t546 時間\t650.4 時間\t1 時間\t2 時間\t3 時間"
    )
    e = fails(bad)
    assert e.line == line_no(bad, "\t実績\t—\t546 時間")
    assert e.expected == "at most 5 values, one per fiscal year of the スケジュール"

