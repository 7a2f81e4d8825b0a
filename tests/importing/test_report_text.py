"""The text parser of a published progress report: facts of the seed, a rewritten FY2024 report, malformed input.

No database: the parser is pure Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shinchoku.importing import ReportFormatError, parse_report_text
from shinchoku.interchange.document import Document, IndicatorDoc, ProjectDoc
from shinchoku.interchange.validation import validate_document

SEED = Path(__file__).parent.parent / "fixtures" / "seed_kashiwazaki_fy2023.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(text: str) -> Document:
    return parse_report_text(text, source="seed")


def project(doc: Document, name: str) -> ProjectDoc:
    return next(p for p in doc["projects"] if p["name"] == name)


def indicator(doc: Document, project_name: str, name: str) -> IndicatorDoc:
    return next(i for i in project(doc, project_name)["indicators"] if i["name"] == name)


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def line_no(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


# --- the seed ---------------------------------------------------------------------------------------------

SEED_PROJECTS = [
    ("新交通システムの構築", "暮らしのDX", "市民生活のDX", ["市重点"], ["企画政策課"], "A"),
    ("除雪作業効率化", "暮らしのDX", "市民生活のDX", ["市重点"], ["道路維持課"], "B"),
    (
        "国保診療所におけるICTを活用したオンライン診療の導入",
        "暮らしのDX",
        "市民生活のDX",
        [],
        ["国保医療課"],
        "B",
    ),
    ("行政手続のオンライン化", "暮らしのDX", "行政手続の原則オンライン化", ["国重点"], ["企画政策課"], "B"),
    (
        "マイナンバーカードの普及促進・利用の推進",
        "暮らしのDX",
        "行政手続の原則オンライン化",
        ["国重点"],
        ["市民課", "企画政策課"],
        "B",
    ),
    ("税申告・申請手続の電子化", "暮らしのDX", "行政手続の原則オンライン化", [], ["税務課"], "B"),
    ("窓口手続の簡素化", "暮らしのDX", "手続の簡素化", ["国重点"], ["市民課", "企画政策課"], "B"),
    ("キャッシュレス納付の推進", "暮らしのDX", "手続の簡素化", [], ["税務課"], "B"),
    (
        "電子チケット化事業",
        "暮らしのDX",
        "行政サービスのオンライン化",
        [],
        ["企画政策課", "子育て支援課"],
        "B",
    ),
    ("LINEによる情報発信", "暮らしのDX", "行政サービスのオンライン化", [], ["元気発信課"], "A"),
    (
        "投票所における名簿照合のオンライン化",
        "暮らしのDX",
        "行政サービスのオンライン化",
        ["市重点"],
        ["選挙管理委員会事務局"],
        "B",
    ),
    (
        "ウェブ会議の仕組みを利用した取組の拡充",
        "暮らしのDX",
        "行政サービスのオンライン化",
        [],
        ["企画政策課"],
        "B",
    ),
    (
        "情報システムの標準化・共通化",
        "行政のDX",
        "情報システムの標準化・共通化",
        ["国重点"],
        ["企画政策課"],
        "B",
    ),
    ("テレワークの本格導入", "行政のDX", "テレワークの推進", ["国重点", "市重点"], ["人事課"], "B"),
    ("AI・RPAを含めた内製化の推進", "行政のDX", "AI・RPAの利用推進", ["国重点"], ["企画政策課"], "B"),
    ("電子文書管理・電子決裁システム導入", "行政のDX", "電子文書管理・電子決裁", [], ["総務課"], "C"),
    (
        "データに基づく政策立案体制の構築（DX人材育成）",
        "行政のDX",
        "データ利用、EBPM",
        [],
        ["企画政策課"],
        "B",
    ),
    ("学校教育におけるICT活用の推進", "行政のDX", "学校教育におけるICTの利活用", [], ["学校教育課"], "B"),
    (
        "保育園等におけるICT活用の推進",
        "行政のDX",
        "学校教育におけるICTの利活用",
        [],
        ["保育課", "子どもの発達支援課"],
        "B",
    ),
    ("水道スマートメーターの導入検討", "行政のDX", "その他", ["市重点"], ["上下水道局経営企画課"], "B"),
    ("電子契約システム導入", "行政のDX", "その他", [], ["契約検査課"], "B"),
    ("電子請求", "行政のDX", "その他", [], ["会計課"], "B"),
    ("産業のDXを実践するデジタル人材の育成・企業づくり", "産業のDX", None, [], ["ものづくり振興課"], "B"),
    ("農業DXに向けたデジタル技術の活用推進", "産業のDX", None, [], ["農林水産課"], "B"),
]


def test_it_lists_the_24_projects_in_order_with_pillar_policy_tags_departments_and_grade(
    doc: Document,
) -> None:
    found = [
        (p["name"], p["pillar"], p["policy"], p["tags"], p["departments"], p["grade"])
        for p in doc["projects"]
    ]
    assert found == SEED_PROJECTS


def test_it_reads_pillars_and_their_11_policies(doc: Document) -> None:
    assert [p["name"] for p in doc["pillars"]] == ["暮らしのDX", "行政のDX", "産業のDX", "共通施策"]
    assert doc["pillars"][0]["policies"] == [
        "市民生活のDX",
        "行政手続の原則オンライン化",
        "手続の簡素化",
        "行政サービスのオンライン化",
    ]
    assert doc["pillars"][1]["policies"][2] == "AI・RPAの利用推進"
    assert doc["pillars"][1]["policies"][-1] == "その他"
    assert doc["pillars"][2]["policies"] == [] and doc["pillars"][3]["policies"] == []
    assert sum(len(p["policies"]) for p in doc["pillars"]) == 11


def test_it_reads_the_cover_plan_and_report(doc: Document) -> None:
    assert doc["municipality"] == "柏崎市"
    assert doc["plan"] == {
        "name": "柏崎市DX推進計画",
        "start_fiscal_year": 2021,
        "end_fiscal_year": 2025,
        "adopted": "2021-03",
        "revisions": [
            {
                "date": "2023-12",
                "description": "令和5（2023）年12月の計画改定では、事業に係る費用対効果を明示した4つの新規個別事業計画を追加しました。",
            }
        ],
    }
    report = doc["report"]
    assert report["title"] == "令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）"
    assert report["fiscal_year"] == 2023
    assert report["published"] == "2024-08"
    assert [s["heading"] for s in report["narrative"]] == [
        "柏崎市DX推進計画",
        "進行管理の考え方",
        "進行管理の方法",
    ]
    method = report["narrative"][2]["paragraphs"]
    assert "進捗状況の評価は、以下の4段階で示します。" in method
    assert not any("計画より早い" in p for p in method)  # the grade list is not narrative
    assert method[-1].startswith("個別事業計画を検討中の施策については")


def test_it_reads_the_grade_scale_with_b_as_planned(doc: Document) -> None:
    assert doc["grade_scale"] == [
        {"code": "A", "description": "計画より早い、想定以上の効果を得た", "as_planned": False},
        {"code": "B", "description": "概ね計画どおり", "as_planned": True},
        {"code": "C", "description": "計画より遅れている", "as_planned": False},
        {"code": "D", "description": "再検討が必要", "as_planned": False},
    ]


def test_it_reads_every_tabular_indicator(doc: Document) -> None:
    line = indicator(doc, "LINEによる情報発信", "公式アカウント追加ユーザー数（累計）")
    assert line["targets"] == {"2022": "7000", "2023": "14000", "2024": "15000"}
    assert line["actuals"] == {"2022": "11768", "2023": "16608"}
    assert (line["unit"], line["direction"], line["qualifier"], line["note"]) == ("人", "higher", None, None)

    online = project(doc, "行政手続のオンライン化")["indicators"]
    assert [i["name"] for i in online] == [
        "手続総件数に対するオンライン化率",
        "オンライン化した手続のオンライン利用率",
    ]
    assert online[0]["targets"] == {"2022": "50", "2023": "60", "2024": "70", "2025": "80"}
    assert online[0]["actuals"] == {"2022": "31", "2023": "32"}
    assert online[1]["targets"] == {"2022": "5", "2023": "10", "2024": "15", "2025": "20"}
    assert online[1]["actuals"] == {"2022": "1.1", "2023": "8.2"}
    assert online[0]["unit"] == online[1]["unit"] == "%"

    tickets = project(doc, "電子チケット化事業")["indicators"]
    assert [i["targets"] for i in tickets] == [{"2023": "3.0", "2024": "3.5", "2025": "4.0"}] * 2
    assert [i["actuals"] for i in tickets] == [{"2023": "3.3"}, {"2023": "3.0"}]
    assert tickets[0]["unit"] == "点"

    rpa = indicator(doc, "AI・RPAを含めた内製化の推進", "AI・RPAの内製化で削減した作業時間（年度計）")
    assert rpa["targets"] == {"2022": "100", "2023": "800", "2024": "850", "2025": "900"}
    assert rpa["actuals"] == {"2022": "546", "2023": "650.4"} and rpa["unit"] == "時間"

    paper = indicator(doc, "電子文書管理・電子決裁システム導入", "決裁文書の電子化率")
    assert paper["targets"] == {"2023": "60", "2024": "65", "2025": "70"} and paper["actuals"] == {"2023": "31.7"}

    ict = indicator(doc, "学校教育におけるICT活用の推進", "ICT機器が学力向上に有効と回答した児童生徒の割合")
    assert ict["targets"] == {"2023": "90", "2024": "90"} and ict["actuals"] == {"2023": "95.3"}
    assert ict["qualifier"] == "以上"
    assert ict["note"] == "※全国学力・学習状況調査 児童生徒の回答を基に集計"

    nursery = indicator(doc, "保育園等におけるICT活用の推進", "新たなシステムの保護者利用率")
    assert nursery["targets"] == {"2024": "80", "2025": "90"} and nursery["actuals"] == {}

    invoices = indicator(doc, "電子請求", "請求書処理した事業者のうち電子請求した事業者の割合")
    assert invoices["targets"] == {"2023": "30", "2024": "50"} and invoices["actuals"] == {}

    farm = indicator(doc, "農業DXに向けたデジタル技術の活用推進", "スマート機械の導入件数（累計）")
    assert farm["targets"] == {"2022": "20", "2023": "23", "2024": "26", "2025": "29"}
    assert farm["actuals"] == {"2022": "15", "2023": "25"}
    assert (farm["unit"], farm["qualifier"]) == ("件", "以上")


def test_it_turns_the_free_text_targets_into_four_indicators(doc: Document) -> None:
    industry = project(doc, "産業のDXを実践するデジタル人材の育成・企業づくり")["indicators"]
    assert [(i["name"], i["targets"], i["unit"], i["qualifier"], i["actuals"]) for i in industry] == [
        ("IoT活用、DX推進に関する企業課題の解決に向けた相談件数", {"2024": "20"}, "件", "以上", {}),
        ("デジタル技術を活用した労働生産性向上に取り組むモデル企業の創出", {"2024": "3"}, "件", "以上", {}),
        ("職業能力の再開発に取り組む企業人材の育成", {"2024": "100"}, "人", "以上", {}),
        ("デジタル分野に関心を持った若年層の人材開発", {"2024": "15"}, "人", "以上", {}),
    ]


def test_it_counts_15_indicators_11_tabular_and_4_free_text(doc: Document) -> None:
    counts = {p["name"]: len(p["indicators"]) for p in doc["projects"] if p["indicators"]}
    assert sum(counts.values()) == 15
    assert counts == {
        "行政手続のオンライン化": 2,
        "電子チケット化事業": 2,
        "LINEによる情報発信": 1,
        "AI・RPAを含めた内製化の推進": 1,
        "電子文書管理・電子決裁システム導入": 1,
        "学校教育におけるICT活用の推進": 1,
        "保育園等におけるICT活用の推進": 1,
        "電子請求": 1,
        "産業のDXを実践するデジタル人材の育成・企業づくり": 4,
        "農業DXに向けたデジタル技術の活用推進": 1,
    }


def test_it_reads_multi_track_schedules(doc: Document) -> None:
    assert project(doc, "窓口手続の簡素化")["schedule"] == [
        {"track": "①", "cells": {"2022": "①導入", "2023": "①証明書拡充", "2024": "→"}},
        {"track": "②", "cells": {"2022": "②導入、運用", "2023": "→"}},
        {"track": "③", "cells": {"2022": "③現状把握・課題の整理", "2023": "→", "2025": "③課題解決法の検討"}},
    ]
    snow = project(doc, "除雪作業効率化")["schedule"]
    assert snow == [
        {
            "track": None,
            "cells": {"2021": "①検討", "2022": "①導入 (一部運用)", "2023": "①運用 ②検討", "2024": "→"},
        }
    ]
    farm = project(doc, "農業DXに向けたデジタル技術の活用推進")["schedule"]
    assert [r["track"] for r in farm] == ["①", "②", "③"]
    assert farm[2]["cells"] == {
        "2022": "③ 農業者へ周知",
        "2023": "農業者へ周知 稼働状況の把握",
        "2024": "活用拡大",
        "2025": "→",
    }


def test_it_aligns_schedule_cells_past_the_extra_empty_column(doc: Document) -> None:
    assert project(doc, "行政手続のオンライン化")["schedule"] == [
        {"track": None, "cells": {"2021": "手続拡大", "2023": "運用"}}
    ]
    # The second row of 電子チケット化事業 comes after a page break.
    assert project(doc, "電子チケット化事業")["schedule"][1] == {
        "track": None,
        "cells": {"2025": "他事業へ拡大"},
    }
    assert project(doc, "LINEによる情報発信")["schedule"][0]["cells"] == {
        "2021": "導入",
        "2022": "拡充",
        "2023": "新機能検討",
    }


def test_it_reads_the_result_tables(doc: Document) -> None:
    counter = project(doc, "窓口手続の簡素化")
    first, second = counter["result_tables"]
    assert first["after"] == 0 and second["after"] == 1
    assert [(r["label"], r["value"], r["unit"]) for r in first["rows"]] == [
        ("住民票", "2885", "件"),
        ("印鑑証明", "3275", "件"),
        ("戸籍全部事項証明", "1530", "件"),
        ("戸籍個人事項証明", "276", "件"),
        ("戸籍の附票", "45", "件"),
    ]
    assert first.get("total") == {"label": "計", "value": "8011", "unit": "件"}
    assert [(r["label"], r["value"]) for r in second["rows"]] == [
        ("転出届", "300"),
        ("転入届", "189"),
        ("転居届", "13"),
    ]
    assert second.get("total") == {"label": "計", "value": "502", "unit": "件"}
    # The loose rows repeating the table are not results, and the page-broken challenge is one sentence again.
    assert len(counter["results"]) == 3
    assert counter["challenges"] == [
        "現在の取組（らくらく窓口証明書交付サービス、引越しワンストップサービス、オンライン申請など）以外に、"
        "市民・事業者目線、職員目線での改善部分を整理し、優先順位を付けて課題解決法を検討します。"
    ]


def test_it_reads_the_text_items_of_a_sheet(doc: Document) -> None:
    bus = project(doc, "新交通システムの構築")
    assert bus["overview"].split("\n") == [
        "地域公共交通における利便性の向上と運行の効率化を図るため、AI オンデマンドシステムを活用した新しい交通システムを構築します。",
        "小型車両を使用し、また、乗降ポイントをきめ細かく設定することで柔軟な運行を実現",
        "運行区域は効率的な運行を図るために、人口が集中する地域に限定",
    ]
    assert bus["vision"].startswith("人口減少、運転士の高齢化") and "\n" not in bus["vision"]
    assert bus["comprehensive_plan"] == {
        "area": "① 防災・生活・環境",
        "policy": "2-1 持続可能な公共交通ネットワークを構築する",
    }
    assert len(bus["results"]) == 2 and bus["results"][0].startswith(
        "AI オンデマンドシステムをプロポーザル方式で選定し"
    )
    assert bus["next_year"][1].startswith("AI 新交通あいくるの運行区域外")
    cash = project(doc, "キャッシュレス納付の推進")
    assert cash["results"][2].endswith(
        "基幹税務システムを改修しました（当該2税については、令和6（2024）年4月1日にキャッシュレス決済を開始）。"
    )
    assert cash["comprehensive_plan"] == {"area": "⑥ 自治経営", "policy": "3-1 自治機能を強化する"}
    nursery = project(doc, "保育園等におけるICT活用の推進")
    assert nursery["comprehensive_plan"] == {
        "area": "③ 健康・福祉",
        "policy": "2-2 安心して子育てができる環境を充実させる",
    }
    assert nursery["vision"].split("\n")[0] == "保護者の事務手続きや連絡の負担を軽減します。"
    invoices = project(doc, "電子請求")
    assert [r[:2] for r in invoices["results"]] == ["① ", "② "]
    farm = project(doc, "農業DXに向けたデジタル技術の活用推進")
    assert [r[:1] for r in farm["results"]] == ["①", "②", "③"]  # the page-row-number column is gone
    assert len(farm["challenges"]) == 2 and len(farm["next_year"]) == 3
    assert project(doc, "産業のDXを実践するデジタル人材の育成・企業づくり")["challenges"][1] == (
        "デジタル化についても考え方に差があるため、それぞれの事業者が選択できる周知方法を継続する必要もあります。"
    )


def test_it_reads_the_non_b_summaries(doc: Document) -> None:
    summaries = {p["name"]: p["non_b_summary"] for p in doc["projects"] if p["non_b_summary"]}
    assert list(summaries) == [
        "新交通システムの構築",
        "LINEによる情報発信",
        "電子文書管理・電子決裁システム導入",
    ]
    assert summaries["新交通システムの構築"][0].startswith("令和5（2023）年11月24日から新規運用を開始し")
    assert len(summaries["電子文書管理・電子決裁システム導入"]) == 2
    assert summaries["電子文書管理・電子決裁システム導入"][1].startswith("システム運用を開始した")


def test_it_reads_the_policies_under_consideration(doc: Document) -> None:
    under = doc["under_consideration"]
    assert [(u["pillar"], u["policy"], u["title"], len(u["text"])) for u in under] == [
        ("暮らしのDX", "行政サービスのオンライン化", "粗大ごみ受付システム", 1),
        ("行政のDX", None, "DX人材育成指針の作成", 1),
        ("共通施策", None, "人材育成", 2),
        ("共通施策", None, "セキュリティ及び個人情報等の適正な運用", 3),
    ]
    assert (
        under[2]["text"][0] == "データ活用のできる職員の育成を目的に、GIS研修やデータ活用研修を実施しました。"
    )


def test_it_produces_a_valid_document(doc: Document) -> None:
    validate_document(doc)


# --- a rewritten report: FY2024 results, published 2025 ------------------------------------------------------

@pytest.fixture(scope="module")
def doc2024(fy2024_text: str) -> Document:
    return parse_report_text(fy2024_text, source="fy2024")


def test_it_parses_a_rewritten_fy2024_report(doc2024: Document) -> None:
    validate_document(doc2024)
    report = doc2024["report"]
    assert report["fiscal_year"] == 2024
    assert report["published"] == "2025-08"
    assert report["title"] == "令和7（2025）年度 柏崎市DX推進計画 進行管理報告書（令和6（2024）年度実績分）"
    assert [r["date"] for r in doc2024["plan"]["revisions"]] == ["2023-12", "2024-11"]
    assert (doc2024["plan"]["start_fiscal_year"], doc2024["plan"]["end_fiscal_year"]) == (2021, 2026)
    names = [p["name"] for p in doc2024["projects"]]
    assert len(names) == 24
    assert "電子契約システム導入" not in names and "ウェブ会議の仕組みを利用した取組の拡充" not in names
    assert names[11] == "オンライン相談の拡充" and names[-1] == "観光DXの推進"
    grades = {p["name"]: p["grade"] for p in doc2024["projects"] if p["grade"] != "B"}
    assert grades == {
        "除雪作業効率化": "D",
        "電子文書管理・電子決裁システム導入": "A",
        "LINEによる情報発信": "A",
        "観光DXの推進": "C",
    }
    summaries = {p["name"]: p["non_b_summary"] for p in doc2024["projects"] if p["non_b_summary"]}
    assert summaries["除雪作業効率化"] == ["装置の導入を見直します。"]
    assert summaries["観光DXの推進"] == ["登録者数が目標に届きませんでした。"]
    assert "新交通システムの構築" not in summaries


def test_it_reads_the_added_project_with_three_indicators(doc2024: Document) -> None:
    tourism = project(doc2024, "観光DXの推進")
    assert (tourism["pillar"], tourism["policy"], tourism["tags"]) == ("産業のDX", None, ["市重点"])
    assert tourism["departments"] == ["観光交流課", "ものづくり振興課"]
    assert tourism["schedule"] == [
        {"track": "①", "cells": {"2022": "検討", "2023": "①導入", "2024": "①運用", "2025": "→"}}
    ]
    assert [(i["name"], i["unit"], i["direction"], i["qualifier"]) for i in tourism["indicators"]] == [
        ("観光アプリ登録者数", "人", "higher", None),
        ("宿泊者アンケート満足度", "点", "higher", None),
        ("観光案内の待ち時間", "分", "lower", "以下"),
    ]
    assert tourism["indicators"][0]["targets"] == {"2023": "1000", "2024": "2000", "2025": "3000", "2026": "4000"}
    assert tourism["indicators"][0]["actuals"] == {"2023": "800", "2024": "1500"}
    assert tourism["indicators"][2]["actuals"] == {"2023": "32", "2024": "25"}
    assert tourism["results"] == ["アプリを公開しました。", "アンケートを実施しました。"]
    assert tourism["next_year"] == ["① 周知を強化します。", "② 機能を拡充します。"]
    line = indicator(doc2024, "LINEによる情報発信", "公式アカウント追加ユーザー数（累計）")
    assert line["actuals"] == {"2022": "11768", "2023": "16608", "2024": "18210"}


def test_it_rejects_results_of_another_year(fy2024_text: str) -> None:
    wrong = fy2024_text.replace(
        "R6（2024）年度 主な取組と成果\t<p>①令和5（2023）年8月1日",
        "R5（2023）年度 主な取組と成果\t<p>①令和5（2023）年8月1日",
    )
    n = line_no(wrong, "R5（2023）年度 主な取組と成果")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(wrong, source="fy2024")
    assert e.value.line == n
    assert e.value.expected == "the results (主な取組と成果) of the report's fiscal year 2024"
    assert e.value.found == "R5（2023）年度 主な取組と成果"


# --- malformed input -------------------------------------------------------------------------------------------


def test_it_names_a_project_whose_sheet_was_cut_off(text: str) -> None:
    cut = "\n".join(text.split("\n")[:299])  # ends after the sheet of 情報システムの標準化・共通化
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(cut, source="cut.txt")
    assert e.value.line == 84  # its row in the section 2 table
    assert str(e.value) == (
        "cut.txt:84: expected a section 3 sheet for project 'テレワークの本格導入', "
        "found 'no such sheet up to the end of file'"
    )


def test_it_reports_a_file_cut_in_section_2(text: str) -> None:
    cut = "\n".join(text.split("\n")[:90])
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(cut, source="cut.txt")
    assert e.value.line == 90
    assert (
        e.value.expected
        == "the section heading '3 個別事業計画の取組、成果及び今後の展開' listed in the 目次 at line 22"
    )
    assert e.value.found == "end of file"


def test_it_reports_a_missing_table_of_contents(text: str) -> None:
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(replace_line(text, 11, ""), source="x")
    assert (e.value.expected, e.value.found) == ("a table of contents (目次)", "end of file")


def test_it_rejects_a_kpi_value_that_is_not_a_number(text: str) -> None:
    bad = replace_line(text, 169, "手続総件数に対するオンライン化率\t目標\t—\tabc人\t60%\t70%\t80%")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert e.value.line == 169
    assert str(e.value) == "bad.txt:169: expected a number such as 1,234人 or —, found 'abc人'"


def test_it_rejects_a_sheet_whose_project_has_no_grade(text: str) -> None:
    bad = replace_line(text, 92, "")  # 電子請求's row in the section 2 table
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert e.value.line == 398
    assert e.value.expected == "project '電子請求' to be listed in a section 2 grade table"
    assert e.value.found == "電子請求"


def test_it_rejects_a_sheet_without_departments(text: str) -> None:
    bad = replace_line(text, 399, "")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert e.value.line == 398
    assert e.value.expected == "a 担当部署 row in the sheet of '電子請求'"
    assert e.value.found.startswith("事業概要 事業者から市への請求書について")


def test_it_rejects_a_grade_outside_the_scale(text: str) -> None:
    bad = replace_line(text, 92, "\t電子請求\tE")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert str(e.value) == "bad.txt:92: expected a grade of the grade scale (A, B, C, D), found 'E'"


def test_it_rejects_an_unknown_row_inside_a_sheet(text: str) -> None:
    bad = replace_line(text, 401, "目指すもの\t請求書の電子化を進めます。")
    with pytest.raises(ReportFormatError) as e:
        parse_report_text(bad, source="bad.txt")
    assert e.value.line == 401
    assert e.value.expected.startswith("a row label of a project sheet")
