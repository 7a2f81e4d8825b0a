"""The registry of audit action codes: each code's Japanese label and the payload it carries.

Writers may only record a registered code (``_audit.audit_entry`` refuses others), and readers (the log page,
the project history, the CSV export) render ``before``/``after`` from the field descriptions here, never by
parsing the stored strings. A field says how its values read: a state as its Japanese state label, a direction
as 上げる/下げる, a reference as the thing's name rather than its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from shinchoku import wareki
from shinchoku.cycle.models import NotificationKind
from shinchoku.cycle.workflow import TRANSITIONS, YEAR_TRANSITIONS
from shinchoku.plans.models import Direction, ReportState, ScheduleStatus, YearState
from shinchoku.tenancy.models import Approvers, Role

ValueKind = Literal[
    "text", "state", "year_state", "grade", "decimal", "direction", "date", "year_month", "fiscal_year", "bool",
    "count", "names", "reference", "actual", "schedule_status", "end_reason", "hidden", "table", "transition",
    "record_counts", "import_kind", "notification_kind", "roles", "approvers",
]

# Codes that read the same for reports and years; a year's "published" and a report's would clash otherwise.
STATE_LABELS: dict[str, str] = {
    "": "未着手", "new": "未着手", "not_started": "未着手",
    **{str(k): str(v) for k, v in ReportState.choices},
}
YEAR_STATE_LABELS: dict[str, str] = {"": "（なし）", "new": "（なし）", **{str(k): str(v) for k, v in YearState.choices}}
# A move's direction (up/down) and an indicator's (higher/lower is better) share the key.
DIRECTION_LABELS = {"up": "上げる", "down": "下げる", **{str(k): str(v) for k, v in Direction.choices}}
END_REASON_LABELS = {"discontinued": "廃止", "completed": "終了"}
SCHEDULE_LABELS = {str(k): str(v) for k, v in ScheduleStatus.choices}
# What an import counts (interchange/load.py DocumentLoader.count), in the words of the screens.
RECORD_LABELS = {
    "plan": "計画", "grade": "評価区分", "tag": "区分", "department": "部署", "revision": "改定", "pillar": "柱",
    "policy": "施策", "reporting_year": "年度", "project": "個別事業計画", "project_tags": "事業の区分",
    "project_departments": "事業の担当部署", "schedule": "スケジュール", "indicator": "目標指標",
    "indicator_value": "目標値・実績", "project_report": "報告", "result_table": "成果の表",
    "under_consideration": "検討中の施策", "under_consideration_removed": "削除した検討中の施策",
}
IMPORT_KIND_LABELS = {"json": "JSON", "report_text": "報告書のテキスト", "workbook": "年度報告シート", "plan_workbook": "計画シート"}
NOTIFICATION_KIND_LABELS = {str(k): str(v) for k, v in NotificationKind.choices}
ROLE_LABELS = {str(k): str(v) for k, v in Role.choices}
APPROVERS_LABELS = {str(k): str(v) for k, v in Approvers.choices}
MAX_TEXT = 160


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # Japanese
    kind: ValueKind = "text"


@dataclass(frozen=True)
class ActionType:
    code: str  # namespaced: "report.submitted"
    label: str  # Japanese
    keys: tuple[str, ...] = ()  # payload keys (before and after), in display order; others fall back to FIELDS
    value: Field | None = None  # when before/after is a bare value, not a dict (a text field's old/new text)
    label_only: bool = False  # an unknown code read back from old rows: only its code to show
    fields: tuple[Field, ...] = ()  # this action's own reading of a key, where the shared one does not fit

    def field(self, key: str) -> Field:
        own = next((f for f in self.fields if f.key == key), None)
        return own or FIELDS.get(key) or Field(key, key)


def _f(key: str, label: str, kind: ValueKind = "text") -> tuple[str, Field]:
    return key, Field(key, label, kind)


FIELDS: dict[str, Field] = dict([
    _f("state", "状態", "state"),
    _f("grade", "評価", "grade"),
    _f("suggested_grade", "評価案", "grade"),
    _f("department_grade", "担当部署の評価", "grade"),
    _f("rationale", "理由"),
    _f("comment", "コメント"),
    _f("reason", "理由"),
    _f("fiscal_year", "年度", "fiscal_year"),
    _f("first_fiscal_year", "開始年度", "fiscal_year"),
    _f("last_fiscal_year", "最終年度", "fiscal_year"),
    _f("end_reason", "終了の理由", "end_reason"),
    _f("reports_removed", "削除した報告", "count"),
    _f("due_date", "提出期限", "date"),
    _f("reports_created", "作成した報告", "count"),
    _f("reports_published", "公表した報告", "count"),
    _f("reports", "変更した報告", "count"),
    _f("published_at", "公表日時"),
    _f("title", "表題"),
    _f("published_on", "公表年月", "year_month"),
    _f("narrative", "本文"),
    _f("pillar", "柱"),
    _f("policy", "施策"),
    _f("text", "内容"),
    _f("under_consideration_copied", "引き継いだ検討中の施策", "count"),
    _f("position", "順位", "count"),
    _f("neighbour", "入れ替えた相手"),
    _f("direction", "移動", "direction"),
    _f("reopened_report", "再開した報告", "reference"),
    _f("name", "名称"),
    _f("unit", "単位"),
    _f("departments", "担当部署", "names"),
    _f("email", "メール"),
    _f("value", "値", "decimal"),
    _f("revision", "改定", "year_month"),
    _f("revised_on", "改定年月", "year_month"),
    _f("description", "説明"),
    _f("a_min", "A評価の下限", "decimal"),
    _f("b_min", "B評価の下限", "decimal"),
    _f("c_min", "C評価の下限", "decimal"),
    _f("file", "ファイル"),
    _f("sha256", "SHA-256", "hidden"),
    _f("content_hash", "内容のハッシュ", "hidden"),
    _f("version", "版", "count"),
    _f("source", "出所"),
    _f("kind", "種類"),
    _f("replace", "差替え", "bool"),
    _f("transition", "年度の操作", "transition"),
    _f("created", "追加", "record_counts"),
    _f("updated", "更新", "record_counts"),
    _f("recipients", "宛先", "names"),
    _f("mailed", "メール送信先", "names"),
    _f("project", "個別事業計画"),
    _f("item", "評価項目"),
    _f("indicator", "目標指標"),
    _f("actual", "実績", "actual"),
    _f("not_applicable", "該当なし", "bool"),
    _f("status", "進捗", "schedule_status"),
    _f("schedule_status", "スケジュールの進捗", "schedule_status"),
    _f("tags", "区分", "names"),
])

REGISTRY: dict[str, ActionType] = {}


def register(
    code: str, label: str, *keys: str, value: Field | None = None, fields: tuple[Field, ...] = ()
) -> ActionType:
    if code.count(".") < 1 or code != code.strip():
        raise ValueError(f"audit action codes are namespaced (\"report.submitted\"), got {code!r}")
    if code in REGISTRY:
        raise ValueError(f"audit action {code!r} is registered twice")
    action = ActionType(code, label, tuple(keys) + tuple(f.key for f in fields if f.key not in keys), value,
                        fields=fields)
    REGISTRY[code] = action
    return action


def actor_name(user: Any) -> str:
    """Who acted, as the log shows it: 姓 名 when the account has a name, else the login; None is the system."""
    if user is None:
        return "（システム）"
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


def is_registered(code: str) -> bool:
    return code in REGISTRY


def action_type(code: str) -> ActionType:
    """The registered action; an unknown code (a row written before the registry) reads as itself."""
    return REGISTRY.get(code) or ActionType(code, code, label_only=True)


def label(code: str) -> str:
    return action_type(code).label


def labels() -> dict[str, str]:
    return {code: a.label for code, a in REGISTRY.items()}


def families() -> dict[str, str]:
    """Action families for the log filter: the code's first segment → Japanese name."""
    return {prefix: name for prefix, name in FAMILIES.items() if any(c.startswith(prefix) for c in REGISTRY)}


FAMILIES: dict[str, str] = {
    "report.": "報告", "year.": "年度（進行管理・公表）", "import.": "取込み", "plan.": "計画",
    "cycle.": "評価基準", "tenancy.": "部署", "workbook.": "Excelのシート（年度報告・計画）", "notification.": "通知",
    "user.": "利用者",
}


# -- rendering ---------------------------------------------------------------------------------------------------


# The page shortens long texts (a report's narrative) to keep the table readable; the CSV is the record and
# keeps them whole. A context variable rather than a parameter threaded through every renderer.
_LIMIT: ContextVar[int | None] = ContextVar("audit_text_limit", default=MAX_TEXT)


def _text(value: Any) -> str:
    text = str(value)
    limit = _LIMIT.get()
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _decimal(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _text(value)
    from shinchoku.values import Quantity

    return Quantity.of_decimal(number).format()


def _date(value: Any) -> str:
    try:
        return wareki.format_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return _text(value)


def _year_month(value: Any) -> str:
    try:
        year, month = (int(part) for part in str(value)[:7].split("-"))
        return wareki.format_year_month(year, month)
    except ValueError:
        return _text(value)


def render_value(kind: ValueKind, value: Any) -> str:
    """One payload value as people read it."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if kind == "hidden":
        return ""
    if isinstance(value, bool) or kind == "bool":
        return "はい" if value else "いいえ"
    if kind == "state":
        return STATE_LABELS.get(str(value), YEAR_STATE_LABELS.get(str(value), _text(value)))
    if kind == "year_state":
        return YEAR_STATE_LABELS.get(str(value), _text(value))
    if kind == "direction":
        return DIRECTION_LABELS.get(str(value), _text(value))
    if kind == "end_reason":
        return END_REASON_LABELS.get(str(value), _text(value))
    if kind == "schedule_status":
        return SCHEDULE_LABELS.get(str(value), _text(value))
    if kind == "decimal":
        return _decimal(value)
    if kind == "date":
        return _date(value)
    if kind == "year_month":
        return _year_month(value)
    if kind == "fiscal_year":
        return wareki.format_fiscal_year(int(value)) if str(value).isdigit() else _text(value)
    if kind == "count":
        return f"{value:,}" if isinstance(value, int) else _text(value)
    if kind == "import_kind":
        return IMPORT_KIND_LABELS.get(str(value), _text(value))
    if kind == "notification_kind":
        return NOTIFICATION_KIND_LABELS.get(str(value), _text(value))
    if kind == "roles":
        values = value if isinstance(value, list) else [value]
        return "・".join(ROLE_LABELS.get(str(v), _text(v)) for v in values)
    if kind == "approvers":
        return APPROVERS_LABELS.get(str(value), _text(value))
    if kind == "transition":
        known = YEAR_TRANSITIONS.get(str(value)) or TRANSITIONS.get(str(value))
        return known.label if known else _text(value)
    if kind == "record_counts":
        if isinstance(value, dict):
            return "・".join(f"{RECORD_LABELS.get(str(k), str(k))}{n:,}件" if isinstance(n, int) else
                            f"{RECORD_LABELS.get(str(k), str(k))}{_text(n)}" for k, n in value.items())
        return render_value("count", value)
    if kind == "reference":
        if isinstance(value, dict):
            return _text(value.get("project") or value.get("name") or "—")
        return "—"  # a bare id means nothing to a reader
    if kind == "actual":
        if isinstance(value, dict):
            return "該当なし" if value.get("not_applicable") else render_value("decimal", value.get("value"))
        return render_value("decimal", value)
    if isinstance(value, dict):
        return "／".join(f"{label}：{text}" for label, text in render_pairs(FIELDS, value))
    if isinstance(value, list):
        return "・".join(render_value("text" if kind == "names" else kind, v) for v in value)
    return _text(value)


def render_pairs(fields: dict[str, Field] | ActionType, payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(Japanese field label, value) for each shown key of a dict payload: ids and hashes are left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in payload.items():
        if key == "id" or key.endswith("_id"):
            continue
        f = fields.field(key) if isinstance(fields, ActionType) else (fields.get(key) or Field(key, key))
        if f.kind == "hidden":
            continue
        pairs.append((f.label, render_value(f.kind, value)))
    return pairs


def render_payload(code: str, payload: Any, *, limit: int | None = MAX_TEXT) -> str:
    """A before/after of one audit row, in Japanese: ``順位：2／入れ替えた相手：事業A`` or the bare value; texts
    longer than ``limit`` characters are shortened with …, none with ``limit=None``."""
    token = _LIMIT.set(limit)
    try:
        return _render_payload(code, payload)
    finally:
        _LIMIT.reset(token)


def _render_payload(code: str, payload: Any) -> str:
    action = action_type(code)
    if payload is None or payload == "" or payload == {} or payload == []:
        return "—"
    kind = action.value.kind if action.value is not None else "text"
    if isinstance(payload, dict):
        if kind in ("actual", "grade") and ("indicator" in payload or "item" in payload):
            # One item of the report: its name, then its value (an actual) or its grade.
            name = payload.get("indicator") or payload.get("item")
            shown = render_value("actual", payload) if kind == "actual" else render_value("grade", payload.get("grade"))
            return f"{_text(name)}：{shown}"
        pairs = render_pairs(action, payload)
        return "／".join(f"{lb}：{v}" for lb, v in pairs) or "—"
    if isinstance(payload, list):
        if kind == "table":
            return f"{len(payload)}行"
        return "・".join(render_value("text", v) for v in payload)
    return render_value(kind, payload)


def payload_keys(codes: Iterable[str]) -> set[str]:
    return {k for c in codes for k in action_type(c).keys}


_T = Field("value", "内容")
_REPORT_TEXT = {
    "results": "主な取組と成果を更新",
    "challenges": "課題と今後の展開を更新",
    "next_year": "次年度の主な取組を更新",
    "non_b_summary": "進捗状況B以外の概要を更新",
    "department_comment": "担当部署のコメントを更新",
}
for _name, _label in _REPORT_TEXT.items():
    register(f"report.{_name}.updated", _label, value=_T)
register("report.result_tables.updated", "成果の表を更新", value=Field("value", "成果の表", "table"))
register("report.actual.updated", "実績を更新", "indicator", "item", "actual", "value", "not_applicable",
         value=Field("value", "実績", "actual"))
register("report.schedule_status.updated", "スケジュールの進捗を更新", value=Field("value", "進捗", "schedule_status"))
register("report.department_grade.updated", "担当部署の評価を更新", value=Field("value", "評価", "grade"))
register("report.item_grade.updated", "評価項目の評価を更新", "item", "grade", value=Field("value", "評価", "grade"))
register("report.suggested_grade.updated", "評価案が変わりました", value=Field("value", "評価案", "grade"))
register("report.created", "報告を作成", "state", "fiscal_year")
register("report.submitted", "提出", "state", "comment")
register("report.returned", "差戻し", "state", "comment")
register("report.approved", "承認", "state", "grade", "rationale", "comment")
register("report.reopened", "再開", "state", "comment")
register("report.withdrawn", "提出の取り下げ", "state", "comment")
register("report.published", "公表", "state")
register("report.document.updated", "報告書（表題・公表月・本文）を更新", "title", "published_on", "narrative")
for _code, _label in {
    "year.opened": "進行管理を開始", "year.published": "年度を公表", "year.reopened": "公表済みの年度を再開",
    "import.year.imported": "報告書を取込み", "import.year.published": "公表済みの報告書を取込み",
    "import.year.replaced": "取込みで公表済みの年度を差替え", "import.year.draft_replaced": "取込みで下書きを差替え",
}.items():
    register(_code, _label, "state", "fiscal_year", "reports_published", "published_at", "reopened_report", "comment",
             fields=(Field("state", "年度の状態", "year_state"),))
register("year.reports.created", "年度の報告を作成", "fiscal_year", "due_date", "reports_created",
         "under_consideration_copied")
register("year.due_date.updated", "提出期限を変更", "due_date")
register("year.publication.created", "公表の版を保存", "fiscal_year", "version", "source", "file", "content_hash",
         "sha256")
register("import.report.approved", "取込みで報告を確定", "state", "grade")
register("import.report.replaced", "取込みで報告を差替え", "state", "grade", "file", "sha256")
_IMPORT_KIND = (Field("kind", "形式", "import_kind"),)
register("import.file.loaded", "ファイルを取込み", "kind", "file", "sha256", "fiscal_year", "transition", "created",
         "updated", fields=_IMPORT_KIND)
register("import.refused", "取込みを拒否（年度の状態）", "kind", "file", "sha256", "replace", "reason", fields=_IMPORT_KIND)
register("workbook.imported", "年度報告シートを取込み", "file", "sha256", "reports",
         fields=(Field("submitted", "提出した報告", "count"),))
register("workbook.plan_imported", "計画シートを取込み", "file", "sha256", "plan", "changes", "created", "updated")
register("plan.project.discontinued", "個別事業計画を終了", "last_fiscal_year", "end_reason", "reports_removed")
register("plan.indicator.target.updated", "目標値を変更", "fiscal_year", "value", "revision")
_GOOD_DIRECTION = (Field("direction", "評価の向き", "direction"),)
register("plan.indicator.created", "目標指標を追加", "name", "unit", "direction", fields=_GOOD_DIRECTION)
register("plan.indicator.updated", "目標指標を更新", "name", "unit", "direction", fields=_GOOD_DIRECTION)
register("plan.project.created", "個別事業計画を追加", "name", "pillar", "policy", "departments", "first_fiscal_year")
register("plan.project.updated", "個別事業計画を更新", "name")
register("plan.project.departments.updated", "担当部署を変更", "departments", value=Field("value", "担当部署", "names"))
register("plan.revision.created", "計画の改定を登録", "revised_on", "description")
register(
    "plan.created", "次期計画を開始", "name",
    fields=(
        Field("start_fiscal_year", "計画期間（開始年度）", "fiscal_year"),
        Field("end_fiscal_year", "計画期間（終了年度）", "fiscal_year"),
        Field("continued_from", "前の計画"),
        Field("projects_carried", "引き継いだ個別事業計画", "count"),
    ),
)
register("plan.under_consideration.created", "検討中の施策を追加", "text", "position")
register("plan.under_consideration.updated", "検討中の施策を更新", "text", "position")
register("plan.under_consideration.deleted", "検討中の施策を削除", "text", "position")
register("plan.under_consideration.moved", "検討中の施策の順序を変更", "position")
register("plan.project.classified", "柱・施策・区分を変更", "pillar", "policy", "tags")
register("plan.tag.created", "区分を追加", "name")
register("plan.schedule.updated", "スケジュールを変更", value=Field("value", "スケジュール", "table"))
register("plan.project.moved", "並び順を変更", "position", "neighbour", "direction")
for _what, _name in (("pillar", "柱"), ("policy", "施策")):
    register(f"plan.{_what}.created", f"{_name}を追加", "pillar", "name", "position")
    register(f"plan.{_what}.renamed", f"{_name}の名称を変更", "name")
    register(f"plan.{_what}.moved", f"{_name}の順序を変更", "position")
    register(f"plan.{_what}.deleted", f"{_name}を削除", "pillar", "name", "position")
    register(f"plan.{_what}.retired", f"{_name}を廃止（または廃止を取消し）", "name",
             fields=(Field("retired_from_fiscal_year", "廃止した年度", "fiscal_year"),))
register("tenancy.department.created", "部署を追加", "name", "email")
register("tenancy.municipality.updated", "自治体の設定を変更", fields=(Field("approvers", "審査できる役割", "approvers"),))
register("municipality.code.changed", "全国地方公共団体コードを設定", fields=(Field("code", "全国地方公共団体コード"),))
_USER_FIELDS = (
    Field("login", "ログインID"), Field("name", "氏名"), Field("email", "メール"), Field("roles", "役割", "roles"),
    Field("departments", "担当部署", "names"), Field("is_active", "利用中", "bool"),
    Field("memberships_removed", "この自治体の役割を外した", "bool"),
)
for _code, _label in (
    ("user.invited", "利用者を招待"), ("user.updated", "利用者の情報を変更"), ("user.deactivated", "利用者を利用停止"),
    ("user.reactivated", "利用者の利用を再開"), ("user.password_reset_sent", "パスワード再設定のメールを送信"),
):
    register(_code, _label, fields=_USER_FIELDS)
register(
    "user.imported", "利用者をCSVから取込み", "file",
    fields=(Field("new", "追加", "count"), Field("changed", "変更", "count"), Field("unchanged", "変更なし", "count")),
)
register(
    "report.bulk_approved", "一括承認",
    fields=(Field("projects", "承認した個別事業計画", "names"), Field("count", "件数", "count")),
)
register(
    "reminder.sent", "督促メールを送信",
    fields=(Field("departments", "送信した部署", "names"), Field("unreachable", "メールのない部署", "names"),
            Field("overdue", "期限切れ", "bool")),
)
register("tenancy.department.updated", "部署を更新", "name", "email")
register("tenancy.department.moved", "部署の並び順を変更", "position")
register("cycle.thresholds.updated", "評価基準を変更", "a_min", "b_min", "c_min")
register("notification.sent", "通知を送信", "kind", "project", "recipients", "mailed",
         fields=(Field("kind", "通知の種類", "notification_kind"),))
register("notification.preference.updated", "通知メールの設定を変更", "email")
