"""The plan workbook (計画シート): a whole plan as sheets, mapped from the interchange Document's plan parts
(plan, grade scale, pillars, projects, 検討中の施策) so that its import can go back through the same document
validation and loader. Column A of each list sheet is a hidden stable key (the names the loader matches on).

This module writes the workbook; reading it back into a Document is not built yet.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django_scopes import scope
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.interchange.document import Document
from shinchoku.interchange.export import document_build
from shinchoku.plans.models import Plan
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.workbooks import layout

FORMAT = "shinchoku-plan-workbook/1"
INSTRUCTIONS = "説明"
HEADER_ROW = 1
_INSTRUCTIONS_TEXT = [
    "計画シート：計画全体（柱・施策、個別事業計画、目標指標、目標値・実績）を一覧にしたものです。",
    "各シートの1行目は見出しです。A列（非表示）は行を識別するための列で、変更・削除しないでください。",
    "数値は半角・全角どちらでも入力できますが、「約100」のような文字は入力できません（限定語は「限定語」列へ）。",
    "年度は西暦（例：2024）で入力します。年月は「2024-03」の形で入力します。",
]


def _table(workbook: Workbook, name: str, header: list[str], rows: list[list[Any]]) -> Worksheet:
    sheet = workbook.create_sheet(name)
    for column, text in enumerate(["_key", *header], start=1):
        layout.label(sheet, HEADER_ROW, column, text)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        layout.put_key(sheet, r, 1, values[0])
        for column, value in enumerate(values[1:], start=2):
            layout.field(sheet, r, column, "" if value is None else value)
    layout.hide_column(sheet, "A")
    sheet.freeze_panes = "B2"
    return sheet


def _sheets(workbook: Workbook, document: Document, code: str) -> None:
    plan = document["plan"]
    _table(workbook, "自治体", ["名称", "全国地方公共団体コード"], [["municipality", document["municipality"], code]])
    _table(
        workbook, "計画", ["計画名", "計画期間（開始年度）", "計画期間（終了年度）", "策定（年月）"],
        [["plan", plan["name"], plan["start_fiscal_year"], plan["end_fiscal_year"], plan["adopted"]]],
    )
    _table(workbook, "改定", ["年月", "内容"], [[f"revision:{i}", r["date"], r["description"]]
                                            for i, r in enumerate(plan["revisions"])])
    _table(workbook, "評価基準", ["段階", "説明", "計画どおり"],
           [[f"grade:{g['code']}", g["code"], g["description"], "○" if g["as_planned"] else ""]
            for g in document["grade_scale"]])
    _table(workbook, "柱・施策", ["柱", "施策"],
           [[f"policy:{p['name']}/{policy}", p["name"], policy] for p in document["pillars"] for policy in p["policies"]]
           + [[f"pillar:{p['name']}", p["name"], ""] for p in document["pillars"] if not p["policies"]])
    projects: list[list[Any]] = []
    schedule: list[list[Any]] = []
    indicators: list[list[Any]] = []
    values: list[list[Any]] = []
    for project in document["projects"]:
        key = project["name"]
        link = project["comprehensive_plan"]
        projects.append([
            f"project:{key}", project["name"], project["pillar"], project["policy"], "、".join(project["departments"]),
            "、".join(project["tags"]), project["overview"], project["vision"],
            link["area"] if link else "", link["policy"] if link else "",
        ])
        for i, row in enumerate(project["schedule"]):
            schedule.extend([f"schedule:{key}:{i}:{year}", key, i + 1, row["track"], year, text]
                            for year, text in row["cells"].items())
        for indicator in project["indicators"]:
            ikey = f"{key}/{indicator['name']}"
            indicators.append([
                f"indicator:{ikey}", key, indicator["name"], indicator["unit"],
                "高いほどよい" if indicator["direction"] == "higher" else "低いほどよい",
                indicator["qualifier"], indicator["note"],
            ])
            for year in sorted(set(indicator["targets"]) | set(indicator["actuals"])):
                values.append([f"value:{ikey}:{year}", key, indicator["name"], int(year),
                               indicator["targets"].get(year, ""), indicator["actuals"].get(year, ""), ""])
            for old in indicator.get("target_history", []):
                values.append([f"history:{ikey}:{old['fiscal_year']}:{old['revision']}", key, indicator["name"],
                               old["fiscal_year"], old["value"], "", old["revision"] or "策定時"])
    _table(workbook, "個別事業計画", ["個別事業計画名", "柱", "施策", "担当部署", "区分", "概要", "目指す姿",
                                    "総合計画（分野）", "総合計画（施策）"], projects)
    _table(workbook, "スケジュール", ["個別事業計画名", "行", "トラック", "年度", "内容"], schedule)
    _table(workbook, "目標指標", ["個別事業計画名", "指標名", "単位", "方向", "限定語", "注記"], indicators)
    _table(workbook, "目標値・実績", ["個別事業計画名", "指標名", "年度", "目標値", "実績値", "改定（旧目標値）"], values)
    _table(workbook, "検討中の施策", ["柱", "施策", "表題", "本文"],
           [[f"consideration:{i}", u["pillar"], u["policy"], u["title"], "\n".join(u["text"])]
            for i, u in enumerate(document["under_consideration"])])


def plan_workbook_export(*, municipality: Municipality, plan: str | None = None) -> bytes:
    """The 計画シート of the municipality's plan named ``plan`` (default: its latest). Raises LookupError."""
    with scope(municipality=municipality.pk):
        plans = Plan.objects.filter(municipality=municipality).order_by("-start_fiscal_year")
        found = plans.filter(name=plan).first() if plan else plans.first()
        if found is None:
            raise LookupError(f"{municipality.name} has no plan" + (f" named '{plan}'" if plan else ""))
        years = list(found.reporting_years.order_by("-fiscal_year").values_list("fiscal_year", flat=True))
        document = document_build(municipality=municipality, fiscal_year=years[0] if years else found.start_fiscal_year,
                                  plan=found)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = INSTRUCTIONS
    layout.title(sheet, 1, f"計画シート：{found.name}（{format_fiscal_year(found.start_fiscal_year)}〜"
                           f"{format_fiscal_year(found.end_fiscal_year)}）")
    for row, text in enumerate(_INSTRUCTIONS_TEXT, start=3):
        layout.shown(sheet, row, 1, text)
    sheet.column_dimensions["A"].width = 100
    _sheets(workbook, document, municipality.code)
    layout.write_ids(workbook, ["format", "municipality_id", "plan"], [[FORMAT, municipality.pk, found.name]])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
