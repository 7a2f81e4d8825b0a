"""The audit action registry: every code a writer can record is registered, and payloads read in Japanese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shinchoku.cycle import selectors
from shinchoku.cycle.audit_actions import REGISTRY, render_payload
from shinchoku.cycle.services._audit import audit_entry
from shinchoku.cycle.workflow import TRANSITIONS, YEAR_TRANSITIONS
from shinchoku.plans.models import Project
from shinchoku.tenancy.models import Municipality

SOURCE = Path(__file__).resolve().parents[2] / "shinchoku"
LITERAL = re.compile(r"""action=(f?)"([a-z_.{}]+)\"""")
# Codes passed on in tuples ("report.actual.updated", before, after) rather than as action="…".
TUPLE_CODE = re.compile(r"""\(\s*"((?:report|plan|year|import|cycle|tenancy|user|notification)\.[a-z_.]+)",""")


def _source_codes() -> tuple[set[str], set[str]]:
    literals: set[str] = set()
    patterns: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit_record(" not in text and "audit_entry(" not in text and "audit." not in text:
            continue
        for is_f, code in LITERAL.findall(text):
            if "." not in code:
                continue
            (patterns if is_f and "{" in code else literals).add(code)
        literals.update(TUPLE_CODE.findall(text))
    return literals, patterns


def test_it_registers_every_code_written_in_the_source() -> None:
    literals, patterns = _source_codes()
    assert "plan.project.moved" in literals and "report.{name}.updated" in patterns  # the scan finds writers
    assert sorted(code for code in literals if code not in REGISTRY) == []
    for pattern in patterns:
        regex = re.compile(re.sub(r"\\\{[a-z_]+\\\}", "[a-z_]+", re.escape(pattern)))
        assert any(regex.fullmatch(code) for code in REGISTRY), pattern


def test_it_registers_every_report_field_an_f_string_can_name() -> None:
    names = ("results", "challenges", "next_year", "non_b_summary", "department_grade", "department_comment",
             "schedule_status", "result_tables", "suggested_grade")
    assert [n for n in names if f"report.{n}.updated" not in REGISTRY] == []


def test_it_registers_every_transitions_code() -> None:
    codes = [t.audit_action for t in (*TRANSITIONS.values(), *YEAR_TRANSITIONS.values())]
    assert [c for c in codes if c not in REGISTRY] == []


def test_every_code_is_namespaced_and_labelled_in_japanese() -> None:
    for code, action in REGISTRY.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", code), code
        # File formats are named as the screens name them (CSV, Excel); anything else English is a slip.
        words = set(re.findall(r"[A-Za-z]{3,}", action.label)) - {"CSV", "Excel", "JSON"}
        assert action.label and not words, code


def test_it_refuses_an_unknown_code(kashiwazaki: Municipality, in_kashiwazaki: Municipality) -> None:
    project = Project.objects.first()
    assert project is not None
    with pytest.raises(ValueError, match="not registered"):
        audit_entry(municipality=kashiwazaki, by=None, action="report.made_up", obj=project)
    assert audit_entry(municipality=kashiwazaki, by=None, action="report.submitted", obj=project).action


def test_every_registration_describes_its_payload() -> None:
    assert [code for code, action in REGISTRY.items() if action.label_only] == []
    assert selectors.audit_label("report.returned") == "差戻し"


@pytest.mark.parametrize(
    ("code", "payload", "shown"),
    [
        ("plan.project.moved", {"position": 2, "neighbour": "事業A"}, "順位：2／入れ替えた相手：事業A"),
        ("plan.project.moved", {"position": 3, "direction": "up"}, "順位：3／移動：上げる"),
        ("plan.project.moved", {"position": 3, "direction": "down"}, "順位：3／移動：下げる"),
        ("year.reopened", {"state": "open", "reopened_report": {"id": 28, "project": "事業B"}},
         "年度の状態：進行管理中／再開した報告：事業B"),
        ("year.opened", {"state": ""}, "年度の状態：—"),
        ("year.opened", {"state": "open", "fiscal_year": 2024}, "年度の状態：進行管理中／年度：令和6（2024）年度"),
        ("report.returned", {"state": "submitted"}, "状態：提出済み"),
        ("report.department_grade.updated", "A", "A"),
        ("report.item_grade.updated", {"item_id": 4, "item": "利用者数", "grade": "B"}, "利用者数：B"),
        ("report.actual.updated", {"indicator_id": 1, "indicator": "登録者数", "value": "16608", "not_applicable": False},
         "登録者数：16,608"),
        ("report.actual.updated", {"indicator_id": 1, "indicator": "登録者数", "value": None, "not_applicable": True},
         "登録者数：該当なし"),
        ("cycle.thresholds.updated", {"a_min": "100.0", "b_min": "80", "c_min": "50"},
         "A評価の下限：100.0／B評価の下限：80／C評価の下限：50"),
        ("year.due_date.updated", {"due_date": "2025-05-31"}, "提出期限：令和7（2025）年5月31日"),
        ("plan.indicator.created", {"name": "件数", "unit": "件", "direction": "higher"},
         "名称：件数／単位：件／評価の向き：高いほど良い"),
        ("plan.project.discontinued", {"last_fiscal_year": 2024, "end_reason": "discontinued", "reports_removed": 1},
         "最終年度：令和6（2024）年度／終了の理由：廃止／削除した報告：1"),
        ("workbook.imported", {"file": "a.xlsx", "sha256": "ff", "reports": 3}, "ファイル：a.xlsx／変更した報告：3"),
        ("report.results.updated", None, "—"),
        ("notification.sent", {"kind": "returned", "project": "事業C", "recipients": ["bob", "frank"], "mailed": []},
         "通知の種類：差戻し／個別事業計画：事業C／宛先：bob・frank／メール送信先：—"),
        ("import.file.loaded", {"kind": "json", "file": "a.json", "sha256": "ff", "fiscal_year": 2023,
                                "transition": "import_published", "created": {"plan": 1, "project_tags": 10},
                                "updated": {"reporting_year": 1}},
         "形式：JSON／ファイル：a.json／年度：令和5（2023）年度／年度の操作：公表済み報告書の取込み／"
         "追加：計画1件・事業の区分10件／更新：年度1件"),
        ("plan.schedule.updated", [{"a": 1}, {"a": 2}], "2行"),
    ],
)
def test_it_renders_payloads_in_japanese(code: str, payload: object, shown: str) -> None:
    assert render_payload(code, payload) == shown


def test_it_shortens_long_texts_on_the_page_but_not_in_the_record() -> None:
    text = "あ" * 500
    assert render_payload("report.results.updated", text) == "あ" * 159 + "…"
    assert render_payload("report.results.updated", text, limit=None) == text
