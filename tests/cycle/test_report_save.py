"""Saving a report: actual values typed by people, optimistic locking, and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry, ItemEvaluation
from shinchoku.cycle.services import (
    InvalidActualValue,
    NotPermitted,
    ReportConflict,
    report_save,
)
from shinchoku.plans.models import IndicatorValue, ProjectReport, ReportingYear, ValueKind

from .conftest import LINE, ONLINE, indicator_of, report_of


@pytest.fixture
def online(year_2024: ReportingYear) -> ProjectReport:
    with scope(municipality=year_2024.municipality_id):
        return report_of(ONLINE, 2024)


def test_it_refuses_actuals_that_are_not_numbers_and_saves_nothing(online: ProjectReport, bob: Any) -> None:
    with scope(municipality=online.project.plan.municipality_id):
        rate, usage = indicator_of(ONLINE, 0), indicator_of(ONLINE, 1)
    with pytest.raises(InvalidActualValue) as refused:
        report_save(
            report=online, by=bob, expected_version=online.version, challenges=["課題"],
            actuals={rate.pk: "約100", usage.pk: "12.5"},
        )
    assert refused.value.errors == {
        rate.pk: "「約100」は数値ではありません。数字だけで入力してください（例：16,608　31.7）。"
        "「約」「以上」などの言葉は付けられません。実績がない場合は「該当なし」と入力してください。"
    }
    with scope(municipality=online.project.plan.municipality_id):
        assert report_of(ONLINE, 2024).challenges == []
        assert not IndicatorValue.objects.filter(indicator=usage, kind=ValueKind.ACTUAL, fiscal_year=2024).exists()


def test_it_saves_actuals_and_audits_each_change(online: ProjectReport, bob: Any) -> None:
    with scope(municipality=online.project.plan.municipality_id):
        rate, usage = indicator_of(ONLINE, 0), indicator_of(ONLINE, 1)
    saved = report_save(
        report=online, by=bob, expected_version=online.version,
        actuals={rate.pk: "５６", usage.pk: "該当なし"}, challenges="・申請のオンライン化\n\n・阻害要因の把握",
    )
    assert saved.version == online.version + 1
    assert saved.challenges == ["申請のオンライン化", "阻害要因の把握"]
    with scope(municipality=online.project.plan.municipality_id):
        actual = IndicatorValue.objects.get(indicator=rate, kind=ValueKind.ACTUAL, fiscal_year=2024)
        item = ItemEvaluation.objects.get(report=saved, indicator=usage)
        entries = {
            (e.action, e.actor_id): (e.before, e.after)
            for e in AuditEntry.objects.filter(object_id=saved.pk, object_type="plans.projectreport")
        }
    assert actual.value == 56 and item.not_applicable
    assert entries[("report.challenges.updated", bob.pk)] == ([], ["申請のオンライン化", "阻害要因の把握"])
    actual_changes = [v for k, v in entries.items() if k[0] == "report.actual.updated"]
    assert len(entries) >= 3 and len(actual_changes) == 1  # one row per field; the dict keeps the last of two
    # 56 / 70 = 80 % → B; the suggestion follows and is recorded too.
    assert saved.suggested_grade.code == "B"
    assert ("report.suggested_grade.updated", bob.pk) in entries


def test_it_writes_one_audit_row_per_changed_field(online: ProjectReport, bob: Any) -> None:
    with scope(municipality=online.project.plan.municipality_id):
        rate, usage = indicator_of(ONLINE, 0), indicator_of(ONLINE, 1)
    report_save(
        report=online, by=bob, expected_version=online.version,
        actuals={rate.pk: "56", usage.pk: "12"}, next_year=["続けます"],
    )
    with scope(municipality=online.project.plan.municipality_id):
        actions = sorted(AuditEntry.objects.filter(object_id=online.pk, object_type="plans.projectreport").values_list("action", flat=True))
        actual_rows = [
            (e.before["value"], e.after["value"], e.after["indicator"])
            for e in AuditEntry.objects.filter(action="report.actual.updated", object_id=online.pk).order_by("pk")
        ]
    assert actions == ["report.actual.updated", "report.actual.updated", "report.next_year.updated", "report.suggested_grade.updated"]
    assert actual_rows == [(None, "56", rate.name), (None, "12", usage.name)]


def test_it_does_not_bump_the_version_when_nothing_changed(online: ProjectReport, bob: Any) -> None:
    saved = report_save(report=online, by=bob, expected_version=online.version, results=online.results)
    assert saved.version == online.version


def test_it_reports_a_conflict_with_what_changed(online: ProjectReport, bob: Any, alice: Any) -> None:
    """Bob and Alice load the same version; Alice saves first; Bob's save is refused and told what changed."""
    loaded_version = online.version
    with scope(municipality=online.project.plan.municipality_id):
        rate = indicator_of(ONLINE, 0)
    report_save(report=online, by=alice, expected_version=loaded_version, challenges=["アリスの課題"], actuals={rate.pk: "60"})
    with pytest.raises(ReportConflict) as conflict:
        report_save(report=online, by=bob, expected_version=loaded_version, challenges=["ボブの課題"])
    changes = {c.field: c for c in conflict.value.changes}
    assert changes["challenges"].before == [] and changes["challenges"].after == ["アリスの課題"]
    assert changes["challenges"].actor == "alice" and changes["challenges"].label == "「目指す姿」に向けた課題と今後の展開"
    assert changes[f"actual:{rate.pk}"].after == "60"
    assert conflict.value.current_version == loaded_version + 1
    assert "他の人がこの報告を更新しました" in conflict.value.message
    with scope(municipality=online.project.plan.municipality_id):
        assert report_of(ONLINE, 2024).challenges == ["アリスの課題"]  # no lost update


@pytest.mark.parametrize("who", ["frank", "dave", "erin", "charlie", "anonymous"])
def test_it_refuses_saving_by_others(online: ProjectReport, who: str, request: Any) -> None:
    with pytest.raises(NotPermitted):
        report_save(report=online, by=request.getfixturevalue(who), expected_version=online.version, results=["x"])


def test_it_keeps_audit_rows_append_only(online: ProjectReport, bob: Any) -> None:
    from shinchoku.cycle.models import AppendOnly

    report_save(report=online, by=bob, expected_version=online.version, challenges=["x"])
    with scope(municipality=online.project.plan.municipality_id):
        entry = AuditEntry.objects.filter(object_id=online.pk).first()
        assert entry is not None
        entry.action = "report.tampered"
        with pytest.raises(AppendOnly):
            entry.save()
        with pytest.raises(AppendOnly):
            entry.delete()


def test_it_saves_a_reopened_imported_report(kashiwazaki: Any, alice: Any) -> None:
    """An imported (published) year has no evaluation items; reopening and saving creates them."""
    from shinchoku.cycle.services import report_reopen

    with scope(municipality=kashiwazaki):
        line = report_of(LINE, 2023)
    line = report_reopen(report=line, by=alice, comment="実績の確認")
    line = report_save(report=line, by=alice, expected_version=line.version, schedule_status="on_schedule")
    assert line.suggested_grade.code == "A"


def test_it_saves_result_tables_typed_by_people_and_audits_them(online: ProjectReport, bob: Any) -> None:
    tables = [{"after": 0, "rows": [{"label": "住民票", "value": "2,885", "unit": "件"}],
               "total": {"label": "計", "value": "２，８８５", "unit": "件"}}]
    saved = report_save(report=online, by=bob, expected_version=online.version, result_tables=tables)
    with scope(municipality=online.project.plan.municipality_id):
        rows = [(r.label, r.value, r.is_total) for t in saved.result_tables.all() for r in t.rows.all()]
        entry = AuditEntry.objects.filter(action="report.result_tables.updated").get()
    assert rows == [("住民票", Decimal("2885"), False), ("計", Decimal("2885"), True)]
    assert entry.before == [] and entry.after[0]["rows"][0]["value"] == "2885"
    again = report_save(report=saved, by=bob, expected_version=saved.version, result_tables=tables)
    assert again.version == saved.version  # unchanged tables write nothing


def test_it_refuses_a_result_table_value_that_is_not_a_number(online: ProjectReport, bob: Any) -> None:
    from shinchoku.cycle.services import InvalidInput

    tables = [{"after": 0, "rows": [{"label": "住民票", "value": "約3000", "unit": "件"}]}]
    with pytest.raises(InvalidInput) as refused:
        report_save(report=online, by=bob, expected_version=online.version, result_tables=tables)
    assert "成果の表1「住民票」" in refused.value.message
