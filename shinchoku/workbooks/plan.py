"""The plan workbook (計画シート): a whole plan as list sheets, written from one typed snapshot
(:class:`PlanContent`) and read back into the same (``plan_read``), so that export, import, preview and the
blank template share one layout.

Every list sheet has a header row (the reader finds columns by these headers, so a column moved in Excel
still reads) and a hidden column A with the row's stable key: its database id and what it was called when
exported (``project:{"names": ["LINEによる情報発信"], "id": 12}``). A name typed over in a cell then renames
that row instead of adding a second one; the id finds it even when the web renamed it since (in a workbook
of the same municipality: the hidden sheet ``_ids`` says which); a row typed in without a key is matched by
its name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django_scopes import scope
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shinchoku.cycle.models import DEFAULT_A_MIN, DEFAULT_B_MIN, DEFAULT_C_MIN, EvaluationThresholds
from shinchoku.interchange.document import Document, UnderConsiderationDoc
from shinchoku.interchange.export import plan_document_build
from shinchoku.plans.models import Indicator, Pillar, Plan, Policy, PolicyUnderConsideration, Project
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.workbooks import layout

FORMAT = "shinchoku-plan-workbook/1"
INSTRUCTIONS = "説明"
HEADER_ROW = 1
AS_PLANNED_MARK = "○"
AS_ADOPTED = "策定時"
LIST_SEPARATOR = "、"
EXAMPLE_KEY = "example"  # the template's filled example row: skipped while left as it is
DIRECTIONS = {"higher": "高いほどよい", "lower": "低いほどよい"}
THRESHOLD_GRADES = ("A", "B", "C")

# Sheet → its columns after the hidden key column A, in order. The reader requires these headers.
MUNICIPALITY = "自治体"
PLAN = "計画"
REVISIONS = "改定"
GRADES = "評価基準"
THRESHOLDS = "達成率の基準"
PILLARS = "柱・施策"
PROJECTS = "個別事業計画"
SCHEDULE = "スケジュール"
INDICATORS = "目標指標"
VALUES = "目標値・実績"
CONSIDERATION = "検討中の施策"
COLUMNS: dict[str, list[str]] = {
    MUNICIPALITY: ["名称", "全国地方公共団体コード"],
    PLAN: ["計画名", "計画期間（開始年度）", "計画期間（終了年度）", "策定（年月）"],
    REVISIONS: ["年月", "内容"],
    GRADES: ["段階", "説明", "計画どおり"],
    THRESHOLDS: ["段階", "達成率の下限（％）"],
    PILLARS: ["柱", "施策"],
    PROJECTS: ["個別事業計画名", "柱", "施策", "担当部署", "区分", "概要", "目指す姿", "総合計画（分野）", "総合計画（施策）"],
    SCHEDULE: ["個別事業計画名", "行", "トラック", "年度", "内容"],
    INDICATORS: ["個別事業計画名", "指標名", "単位", "方向", "限定語", "注記"],
    VALUES: ["個別事業計画名", "指標名", "年度", "目標値", "実績値", "改定（旧目標値）"],
    CONSIDERATION: ["年度", "柱", "施策", "表題", "本文"],
}
_WIDTHS = {"概要": 60, "目指す姿": 40, "本文": 60, "内容": 40, "説明": 40, "注記": 30, "個別事業計画名": 30, "指標名": 30}
_INSTRUCTIONS_TEXT = [
    "計画シート：計画全体（自治体、計画と改定、評価基準、柱・施策、個別事業計画、スケジュール、目標指標、目標値・実績、"
    "検討中の施策）を一覧にしたものです。編集して「計画シートの取込み」で取り込むと、変更点を確認してから反映します。",
    "各シートの1行目は見出しです（変更しないでください）。行は追加できます。A列（非表示）は行を識別する列で、"
    "変更・削除しないでください。名称を書き換えると、その行の名称の変更として取り込みます。",
    "個別事業計画・目標指標・柱・施策・目標値の行を削除しても、データは削除されません（事業の廃止・柱の廃止は"
    "計画の管理画面で行います）。スケジュールと検討中の施策は、シートのとおりになります（行を消すとその行は消えます）。",
    "担当部署・区分は「、」で区切って複数書けます。方向は一覧から選びます。",
    "数値は半角・全角どちらでも、「1,234」のような区切りも入力できます。「約100」のような文字は入力できません"
    "（「約」「以上」などは目標指標の「限定語」列へ）。",
    "年度は「2024」または「令和6年度」、年月は「2024-03」または「令和6年3月」の形で入力します。",
    "「改定（旧目標値）」に年月（または「策定時」）のある行は、その改定の前の目標値です。",
    "公表済みの年度の目標値・実績・検討中の施策と、提出済み・承認済みの報告の実績値は変更できません（取込みでエラーになります）。",
]


@dataclass
class PlanContent:
    """The plan workbook's content: what is written, read back, previewed and compared. Values are the
    interchange document's (decimal strings, "YYYY-MM" months), so a workbook and a JSON export agree."""

    municipality: str
    code: str
    document: Document  # its plan parts; "report" is a placeholder, "under_consideration" is unused
    thresholds: dict[str, str]  # "A"/"B"/"C" → the lower bound in percent ("115.0")
    under_consideration: dict[int, list[UnderConsiderationDoc]] = field(default_factory=dict)
    # The database ids of what it names: ("project", name) → pk, ("indicator", project, name) → pk, and
    # ("plan", name), ("pillar", name), ("policy", pillar, name); empty when not read from the database.
    ids: dict[tuple[str, ...], int] = field(default_factory=dict)


def row_key(kind: str, *names: str, id: int | None = None, parent: int | None = None) -> str:
    """A row's stable key: its kind, the names it had and, for what the database keys (a plan, pillar, policy,
    project or indicator), its id and its parent's (a policy's pillar, an indicator's project). JSON, so a "/"
    in a name stays unambiguous."""
    key: dict[str, Any] = {"names": list(names)}
    if id is not None:
        key["id"] = id
    if parent is not None:
        key["parent"] = parent
    return f"{kind}:{json.dumps(key, ensure_ascii=False)}"


def thresholds_of(municipality: Municipality) -> dict[str, str]:
    stored = EvaluationThresholds.objects.filter(municipality=municipality).first()
    values = (stored.a_min, stored.b_min, stored.c_min) if stored else (DEFAULT_A_MIN, DEFAULT_B_MIN, DEFAULT_C_MIN)
    return {grade: format(Decimal(v).quantize(Decimal("0.1")), "f") for grade, v in zip(THRESHOLD_GRADES, values, strict=True)}


def plan_content(*, municipality: Municipality, plan: Plan) -> PlanContent:
    """The content of ``plan`` as stored. Call inside the municipality's scope."""
    under_consideration: dict[int, list[UnderConsiderationDoc]] = {}
    items = PolicyUnderConsideration.objects.filter(plan=plan).select_related("pillar", "policy").order_by(
        "fiscal_year", "position"
    )
    for u in items:
        under_consideration.setdefault(u.fiscal_year, []).append(
            {"pillar": u.pillar.name, "policy": u.policy.name if u.policy else None, "title": u.title, "text": list(u.text)}
        )
    return PlanContent(
        municipality=municipality.name, code=municipality.code or "",
        document=plan_document_build(municipality=municipality, plan=plan),
        thresholds=thresholds_of(municipality), under_consideration=under_consideration, ids=plan_ids(plan=plan),
    )


def plan_ids(*, plan: Plan) -> dict[tuple[str, ...], int]:
    """The ids of the plan's named rows, keyed by their names (see ``PlanContent.ids``), in four queries."""
    ids: dict[tuple[str, ...], int] = {("plan", plan.name): plan.pk}
    ids.update({("pillar", name): pk for pk, name in Pillar.objects.filter(plan=plan).values_list("pk", "name")})
    ids.update({("policy", pillar, name): pk for pk, pillar, name in
                Policy.objects.filter(pillar__plan=plan).values_list("pk", "pillar__name", "name")})
    ids.update({("project", name): pk for pk, name in Project.objects.filter(plan=plan).values_list("pk", "name")})
    ids.update({("indicator", project, name): pk for pk, project, name in
                Indicator.objects.filter(project__plan=plan).values_list("pk", "project__name", "name")})
    return ids


def plan_find(*, municipality: Municipality, name: str | None = None) -> Plan | None:
    """The plan named ``name``, or the municipality's latest. Call inside its scope."""
    plans = Plan.objects.filter(municipality=municipality).order_by("-start_fiscal_year")
    return plans.filter(name=name).first() if name else plans.first()


# -- writing ---------------------------------------------------------------------------------------------------


def _table(workbook: Workbook, name: str, rows: list[list[Any]]) -> Worksheet:
    sheet = workbook.create_sheet(name)
    header = COLUMNS[name]
    for column, text in enumerate(["_key", *header], start=1):
        layout.label(sheet, HEADER_ROW, column, text)
        sheet.column_dimensions[layout.column_letter(column)].width = _WIDTHS.get(text, 16)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        layout.put_key(sheet, r, 1, values[0])
        for column, value in enumerate(values[1:], start=2):
            layout.field(sheet, r, column, "" if value is None else value)
    layout.hide_column(sheet, "A")
    layout.finish(sheet)
    sheet.freeze_panes = "B2"
    return sheet


def _choices(sheet: Worksheet, column: str, choices: list[str], prompt: str, rows: int) -> None:
    """A drop-down on ``column`` for the written rows and a margin of rows to add."""
    validation = layout.choice_list(sheet, choices, prompt=prompt)
    validation.add(f"{column}{HEADER_ROW + 1}:{column}{max(rows, 1) + HEADER_ROW + 200}")


def _write(workbook: Workbook, content: PlanContent) -> None:
    document = content.document
    plan = document["plan"]
    ids = content.ids
    _table(workbook, MUNICIPALITY, [[row_key("municipality", content.municipality), content.municipality, content.code]])
    _table(workbook, PLAN, [[row_key("plan", plan["name"], id=ids.get(("plan", plan["name"]))), plan["name"], plan["start_fiscal_year"],
                             plan["end_fiscal_year"], plan["adopted"]]])
    _table(workbook, REVISIONS, [[row_key("revision", r["date"]), r["date"], r["description"]] for r in plan["revisions"]])
    grades = _table(workbook, GRADES, [[row_key("grade", g["code"]), g["code"], g["description"],
                                        AS_PLANNED_MARK if g["as_planned"] else ""] for g in document["grade_scale"]])
    _choices(grades, "D", [AS_PLANNED_MARK], "「計画どおり」を意味する段階に○（1つだけ）", len(document["grade_scale"]))
    _table(workbook, THRESHOLDS, [[row_key("threshold", g), g, content.thresholds[g]] for g in THRESHOLD_GRADES])
    _table(workbook, PILLARS, [
        row for p in document["pillars"]
        for row in ([[row_key("policy", p["name"], q, id=ids.get(("policy", p["name"], q)),
                              parent=ids.get(("pillar", p["name"]))), p["name"], q] for q in p["policies"]]
                    or [[row_key("pillar", p["name"], id=ids.get(("pillar", p["name"]))), p["name"], ""]])
    ])
    projects: list[list[Any]] = []
    schedule: list[list[Any]] = []
    indicators: list[list[Any]] = []
    values: list[list[Any]] = []
    for project in document["projects"]:
        name = project["name"]
        link = project["comprehensive_plan"]
        projects.append([
            row_key("project", name, id=ids.get(("project", name))), name, project["pillar"], project["policy"],
            LIST_SEPARATOR.join(project["departments"]), LIST_SEPARATOR.join(project["tags"]),
            project["overview"], project["vision"], link["area"] if link else "", link["policy"] if link else "",
        ])
        for i, row in enumerate(project["schedule"], start=1):
            schedule.extend([row_key("schedule", name, str(i), year), name, i, row["track"], int(year), text]
                            for year, text in row["cells"].items())
        for indicator in project["indicators"]:
            indicators.append([
                row_key("indicator", name, indicator["name"], id=ids.get(("indicator", name, indicator["name"])),
                        parent=ids.get(("project", name))),
                name, indicator["name"], indicator["unit"],
                DIRECTIONS[indicator["direction"]], indicator["qualifier"], indicator["note"],
            ])
            for year in sorted(set(indicator["targets"]) | set(indicator["actuals"])):
                values.append([row_key("value", name, indicator["name"], year), name, indicator["name"], int(year),
                               indicator["targets"].get(year, ""), indicator["actuals"].get(year, ""), ""])
            for old in indicator.get("target_history", []):
                revision = old["revision"] or AS_ADOPTED
                values.append([row_key("history", name, indicator["name"], str(old["fiscal_year"]), revision), name,
                               indicator["name"], old["fiscal_year"], old["value"], "", revision])
    _table(workbook, PROJECTS, projects)
    _table(workbook, SCHEDULE, schedule)
    indicator_sheet = _table(workbook, INDICATORS, indicators)
    _choices(indicator_sheet, "E", list(DIRECTIONS.values()), "目標値に対して実績が高いほどよいか、低いほどよいか", len(indicators))
    _table(workbook, VALUES, values)
    _table(workbook, CONSIDERATION, [
        [row_key("consideration", str(fy), u["pillar"], u["title"]), fy, u["pillar"], u["policy"], u["title"], "\n".join(u["text"])]
        for fy, items in sorted(content.under_consideration.items()) for u in items
    ])


def _instructions(sheet: Worksheet, heading: str) -> None:
    sheet.title = INSTRUCTIONS
    layout.title(sheet, 1, heading)
    for row, text in enumerate(_INSTRUCTIONS_TEXT, start=3):
        layout.shown(sheet, row, 1, text)
    sheet.column_dimensions["A"].width = 110
    layout.finish(sheet)


def _save(workbook: Workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_workbook_write(content: PlanContent, *, municipality_id: int | None) -> bytes:
    workbook = Workbook()
    plan = content.document["plan"]
    _instructions(workbook.active, f"計画シート：{content.municipality} {plan['name']}（{format_fiscal_year(plan['start_fiscal_year'])}"
                                   f"〜{format_fiscal_year(plan['end_fiscal_year'])}）")
    _write(workbook, content)
    layout.write_ids(workbook, ["format", "municipality_id", "plan"],
                     [[FORMAT, "" if municipality_id is None else municipality_id, plan["name"]]])
    return _save(workbook)


def plan_workbook_export(*, municipality: Municipality, plan: str | None = None) -> bytes:
    """The 計画シート of the municipality's plan named ``plan`` (default: its latest). Raises LookupError."""
    with scope(municipality=municipality.pk):
        found = plan_find(municipality=municipality, name=plan)
        if found is None:
            raise LookupError(f"{municipality.name} has no plan" + (f" named '{plan}'" if plan else ""))
        content = plan_content(municipality=municipality, plan=found)
    return plan_workbook_write(content, municipality_id=municipality.pk)


# -- the blank template ------------------------------------------------------------------------------------------

# One filled row per sheet, to show the form of each column; the reader skips a row still keyed EXAMPLE_KEY
# whose cells are exactly these, so a template loads with only what a person typed.
EXAMPLE_ROWS: dict[str, list[Any]] = {
    MUNICIPALITY: ["〇〇市", "000000"],
    PLAN: ["〇〇市DX推進計画", 2025, 2029, "2025-03"],
    REVISIONS: ["2027-03", "中間見直しによる改定"],
    PILLARS: ["行政のDX", "窓口サービスの向上"],
    PROJECTS: ["オンライン申請の拡充", "行政のDX", "窓口サービスの向上", "デジタル推進課、市民課", "国重点",
               "申請手続をオンライン化する。", "来庁せずに手続ができる。", "⑥ 自治経営", "3-1 自治機能を強化する"],
    SCHEDULE: ["オンライン申請の拡充", 1, "", 2025, "システム導入"],
    INDICATORS: ["オンライン申請の拡充", "オンライン申請できる手続の数", "件", DIRECTIONS["higher"], "", ""],
    VALUES: ["オンライン申請の拡充", "オンライン申請できる手続の数", 2025, "50", "", ""],
    CONSIDERATION: [2025, "行政のDX", "窓口サービスの向上", "書かない窓口", "導入方法を検討中"],
}
# The scale and bands a new municipality starts from (the seed's own): rows to keep, edit or delete.
_TEMPLATE_GRADES = [
    ("A", "計画より早い、想定以上の効果を得た", False),
    ("B", "概ね計画どおり", True),
    ("C", "計画より遅れている", False),
    ("D", "再検討が必要", False),
]
_TEMPLATE_NOTE = ("この行は記入例です（斜体）。そのままなら取り込まれません。書き換えるか、行を追加して記入してください。"
                  "評価基準と達成率の基準は標準の値が入っています。")


def plan_workbook_template() -> bytes:
    """A blank 計画シート: the headers, drop-downs and instructions, one example row per sheet, and the
    standard grade scale and bands to start from."""
    workbook = Workbook()
    _instructions(workbook.active, "計画シート（ひな形）：新しい計画を入力して取り込みます")
    layout.shown(workbook.active, len(_INSTRUCTIONS_TEXT) + 4, 1, _TEMPLATE_NOTE)
    layout.finish(workbook.active)
    example_font = Font(name=layout.BODY_FONT.name, italic=True, color="666666")
    for name in COLUMNS:
        rows: list[list[Any]]
        if name == GRADES:
            rows = [[row_key("grade", c), c, d, AS_PLANNED_MARK if p else ""] for c, d, p in _TEMPLATE_GRADES]
        elif name == THRESHOLDS:
            defaults = dict(zip(THRESHOLD_GRADES, (DEFAULT_A_MIN, DEFAULT_B_MIN, DEFAULT_C_MIN), strict=True))
            rows = [["", g, format(Decimal(defaults[g]).quantize(Decimal("0.1")), "f")] for g in THRESHOLD_GRADES]
        else:
            rows = [[EXAMPLE_KEY, *EXAMPLE_ROWS[name]]]
        sheet = _table(workbook, name, rows)
        if name not in (GRADES, THRESHOLDS):
            for cell in sheet[HEADER_ROW + 1]:
                cell.font = example_font
        if name == GRADES:
            _choices(sheet, "D", [AS_PLANNED_MARK], "「計画どおり」を意味する段階に○（1つだけ）", len(rows))
        if name == INDICATORS:
            _choices(sheet, "E", list(DIRECTIONS.values()), "目標値に対して実績が高いほどよいか、低いほどよいか", 1)
    layout.write_ids(workbook, ["format", "municipality_id", "plan"], [[FORMAT, "", ""]])
    return _save(workbook)
