"""The later reports of the seed's plan, built by rewriting the seed: FY2024 results (published 2025) and the
final-year FY2025 results (published 2026), the forms a city's next two reports take.

Each rewrite replaces exact strings of the seed (``sub`` asserts they are there), so a change of the seed that
the rewrite no longer fits fails loudly instead of testing something else.
"""

from __future__ import annotations

import re

# The project added at the FY2024 revision (令和6年12月): the policy under consideration became a project.
BULKY_WASTE_ROW = "\t粗大ごみ受付システムの導入\tB\n"
BULKY_WASTE_SHEET = """粗大ごみ受付システムの導入 市重点 【新規】\t\t\t\t\t
担当部署\tクリーンセンター、企画政策課\t\t\t\t
事業概要\t粗大ごみの収集申込をオンラインで受け付けるシステムを導入します。\t\t\t\t
目指す姿\t電話が混み合う時期でも、いつでも申込ができるようになります。\t\t\t\t
第五次総合計画後期基本計画との紐付け\t① 防災・生活・環境 2-3 良好な生活を支える環境を守る\t\t\t\t
スケジュール\tR6(2024)年度\tR7(2025)年度\t\t\t
\t導入\t運用\t\t\t
オンライン受付の割合\t目標\t20%\t40%\t\t
\t実績\t23.4%\t\t\t
R6（2024）年度 主な取組と成果\t<ul style="list-style-type: none"> ・令和6（2024）年10月からオンライン受付を開始しました。 </ul>\t\t\t\t
「目指す姿」に向けた課題と今後の展開\t<ul style="list-style-type: none"> ・高齢者への周知が課題です。 </ul>\t\t\t\t
R7（2025）年度 主な取組\t<ul style="list-style-type: none"> ・支払のオンライン化を検討します。 </ul>\t\t\t\t

"""

# FY2024 actuals of the numeric tables: (the seed's 実績 row, the same row with the FY2024 value).
ACTUALS_2024 = [
    ("\t実績\t—\t31%\t32%\t\t", "\t実績\t—\t31%\t32%\t41%\t"),
    ("\t実績\t—\t1.1%\t8.2%\t\t", "\t実績\t—\t1.1%\t8.2%\t12.5%\t"),
    ("\t実績\t—\t—\t3.3点\t\t", "\t実績\t—\t—\t3.3点\t3.6点\t"),
    ("\t実績\t—\t—\t3.0点\t\t", "\t実績\t—\t—\t3.0点\t3.4点\t"),
    ("\t実績\t—\t11,768人\t16,608人\t", "\t実績\t—\t11,768人\t16,608人\t18,210人"),
    ("\t実績\t—\t546 時間\t650.4 時間\t\t", "\t実績\t—\t546 時間\t650.4 時間\t812.5 時間\t"),
    ("\t実績\t—\t—\t31.7%\t\t", "\t実績\t—\t—\t31.7%\t58.2%\t"),
    ("\t実績\t—\t—\t95.3%\t", "\t実績\t—\t—\t95.3%\t96.1%"),
    ("\t実績\t-\t-\t-\t\t", "\t実績\t-\t-\t-\t84.5%\t"),
    ("\t実績\t-\t-\t-\t-", "\t実績\t-\t-\t-\t42%"),
    ("\t実績\t—\t15 件\t25 件\t\t", "\t実績\t—\t15 件\t25 件\t27 件\t"),
]

# FY2025 actuals, added to the FY2024 rows (the LINE and ICT tables end with FY2024: no FY2025 column).
ACTUALS_2025 = [
    ("\t実績\t—\t31%\t32%\t41%\t", "\t実績\t—\t31%\t32%\t41%\t52%"),
    ("\t実績\t—\t1.1%\t8.2%\t12.5%\t", "\t実績\t—\t1.1%\t8.2%\t12.5%\t16.0%"),
    ("\t実績\t—\t—\t3.3点\t3.6点\t", "\t実績\t—\t—\t3.3点\t3.6点\t4.1点"),
    ("\t実績\t—\t—\t3.0点\t3.4点\t", "\t実績\t—\t—\t3.0点\t3.4点\t3.9点"),
    ("\t実績\t—\t546 時間\t650.4 時間\t812.5 時間\t", "\t実績\t—\t546 時間\t650.4 時間\t812.5 時間\t1,024 時間"),
    ("\t実績\t—\t—\t31.7%\t58.2%\t", "\t実績\t—\t—\t31.7%\t58.2%\t71.3%"),
    ("\t実績\t-\t-\t-\t84.5%\t", "\t実績\t-\t-\t-\t84.5%\t91%"),
    ("\t実績\t—\t15 件\t25 件\t27 件\t", "\t実績\t—\t15 件\t25 件\t27 件\t30 件"),
    ("\t実績\t23.4%\t\t\t", "\t実績\t23.4%\t44.0%\t\t"),
]

# The text-form block of 産業のDX…, with its actuals beside the targets in four ways (the last one unread).
INDUSTRY_TARGETS = (
    "目標指標\t令和6（2024）年度末までに次の目標を達成します。"
    " ・IoT活用、DX推進に関する企業課題の解決に向けた相談件数 20件以上"
    " ・デジタル技術を活用した労働生産性向上に取り組むモデル企業の創出 3件以上"
    " ・職業能力の再開発に取り組む企業人材の育成 100人以上"
    " ・デジタル分野に関心を持った若年層の人材開発 15人以上\t\t\t\t"
)
INDUSTRY_WITH_ACTUALS = (
    "目標指標\t令和6（2024）年度末までに次の目標を達成します。"
    " ・IoT活用、DX推進に関する企業課題の解決に向けた相談件数 20件以上（実績：32件）"
    " ・デジタル技術を活用した労働生産性向上に取り組むモデル企業の創出 目標：3件以上 実績：4件"
    " ・職業能力の再開発に取り組む企業人材の育成 100人以上 → 112人（達成）"
    " ・デジタル分野に関心を持った若年層の人材開発 15人以上（参加者アンケートを集計中）\t\t\t\t"
)
# Sentence targets with a status each: brackets, a colon, a bracketed word after a space.
WATER_KPI = (
    "目標指標\t令和7（2025）年度末までに次の目標を達成します。"
    " ・難検針箇所へのスマートメーターの試験導入（達成）"
    " ・導入地区を想定した概算費用の試算：実施済み"
    " ・全戸導入の方針決定 【未達成】\t\t\t\t\n"
)
# A row of actuals under the targets; its last item has no target and is kept in the results.
WEB_KPI = (
    "目標指標\t令和7（2025）年度末までに次の目標を達成します。"
    " ・オンライン相談を実施する課 10課以上 ・出先機関のウェブ会議環境の整備\t\t\t\t\n"
    "実績\t令和7（2025）年度末時点の実績は次のとおりです。"
    " ・オンライン相談を実施する課 12課 ・出先機関のウェブ会議環境の整備：整備済み"
    " ・オンライン講座の受講者 340人\t\t\t\t\n"
)
# A table of actuals inside the cell (HTML, as the converter writes tables in cells).
DATA_KPI = (
    "目標指標\t<p>令和7（2025）年度末までに次の目標を達成します。</p>"
    "<ul><li>政策立案研修の受講者 120人以上</li><li>内部公開するデータセット 30件以上</li></ul>"
    '<table style="width: 100%;"><tr><td>項目</td><td>目標</td><td>令和7（2025）年度実績</td></tr>'
    "<tr><td>政策立案研修の受講者</td><td>120人以上</td><td>134人</td></tr>"
    "<tr><td>内部公開するデータセット</td><td>30件以上</td><td>27件</td></tr></table>\t\t\t\t\n"
)
# A table of actuals as rows of the sheet under the 目標指標 row (the converter kept its columns as tabs).
TELEWORK_KPI = (
    "目標指標\t令和7（2025）年度末までに次の目標を達成します。"
    " ・テレワークを実施した職員の割合 30%以上 ・テレワーク端末の配備 100台\t\t\t\t\n"
    "\t指標\t目標\t実績\t\t\n"
    "\tテレワークを実施した職員の割合\t30%以上\t34.5%\t\t\n"
    "\tテレワーク端末の配備\t100台\t100台\t\t\n"
)


def sub(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace ``old``, which must occur exactly ``count`` times (0: at least once)."""
    found = text.count(old)
    assert found >= 1 and (count == 0 or found == count), f"{old!r} occurs {found} times"
    return text.replace(old, new)


def relabel(text: str, results_year: int, next_year: int) -> str:
    """Every sheet's results and next-year labels for another year (the page-row-number column kept)."""
    lines = []
    for line in text.split("\n"):
        number = ""
        if re.match(r"^\d+\t", line):
            number, _, line = line.partition("\t")
            number += "\t"
        head, _, rest = line.partition("\t")
        k = re.sub(r"\s", "", head)
        if k.startswith("R") and k.endswith("主な取組と成果"):
            line = f"R{results_year - 2018}（{results_year}）年度 主な取組と成果\t{rest}"
        elif k.startswith("R") and k.endswith("主な取組"):
            line = f"R{next_year - 2018}（{next_year}）年度 主な取組\t{rest}"
        lines.append(number + line)
    return "\n".join(lines)


def before_results(text: str, heading: str, rows: str) -> str:
    """``rows`` inserted into the sheet opening with ``heading``, just above its results row."""
    start = text.index("\n" + heading) + 1
    m = re.compile(r"^R\d+\s*[（(]\d{4}[）)]\s*年度\s*主な取組と成果", re.M).search(text, start)
    assert m, heading
    return text[: m.start()] + rows + text[m.start() :]


def rewrite_as_fy2024_results(seed: str) -> str:
    """The FY2024-results report (令和7年度 …（令和6（2024）年度実績分）): a year of actuals more in every table,
    a revision in 令和6年12月 adding a project with the new tag 新規, and 県重点 on an existing project."""
    out = sub(seed, "**令和6（2024）年度", "**令和7（2025）年度")
    out = sub(out, "（令和5（2023）年度実績分）", "（令和6（2024）年度実績分）")
    out = sub(out, "令和6（2024）年8月\n", "令和7（2025）年8月\n")
    out = sub(
        out,
        "4つの新規個別事業計画を追加しました。",
        "4つの新規個別事業計画を追加しました。令和6（2024）年12月の計画改定では、"
        "粗大ごみ受付システムの導入を新規個別事業計画として追加しました。",
    )
    out = sub(out, "令和5（2023）年度が取組が", "令和6（2024）年度の取組が")
    out = relabel(out, 2024, 2025)
    for old, new in ACTUALS_2024:
        out = sub(out, old, new)
    out = sub(out, "\n電子請求\t\t\t\t\t\n", "\n電子請求 県重点\t\t\t\t\t\n")
    # The revision's project: listed in section 2, no longer under consideration, its sheet in section 3.
    out = sub(out, "\tウェブ会議の仕組みを利用した取組の拡充\tB\n", "\tウェブ会議の仕組みを利用した取組の拡充\tB\n" + BULKY_WASTE_ROW)
    out = re.sub(
        r"個別事業計画を検討中の施策\t\t\n<p>行政サービスのオンライン化：粗大ごみ受付システム</p>[^\n]*\n",
        "個別事業計画を検討中の施策\t\t\n該当なし\t\t\n",
        out,
    )
    return sub(out, "\n\n(2) 行政のDX\n\n情報システムの標準化", "\n\n" + BULKY_WASTE_SHEET + "(2) 行政のDX\n\n情報システムの標準化")


def rewrite_as_fy2025_final(seed: str) -> str:
    """The final-year report (令和7（2025）年度実績分): a FY2025 actual in the tables, and text-form indicators
    carrying their actuals beside the targets, in a 実績 row, and in tables (see the constants above)."""
    out = rewrite_as_fy2024_results(seed)
    out = sub(out, "**令和7（2025）年度", "**令和8（2026）年度")
    out = sub(out, "（令和6（2024）年度実績分）", "（令和7（2025）年度実績分）")
    out = sub(out, "令和7（2025）年8月\n", "令和8（2026）年8月\n")
    out = sub(out, "令和6（2024）年度の取組が", "令和7（2025）年度の取組が")
    out = relabel(out, 2025, 2026)
    for old, new in ACTUALS_2025:
        out = sub(out, old, new)
    out = sub(out, INDUSTRY_TARGETS, INDUSTRY_WITH_ACTUALS)
    out = before_results(out, "水道スマートメーターの導入検討", WATER_KPI)
    out = before_results(out, "ウェブ会議の仕組みを利用した取組の拡充", WEB_KPI)
    out = before_results(out, "データに基づく政策立案体制の構築", DATA_KPI)
    return before_results(out, "テレワークの本格導入", TELEWORK_KPI)
