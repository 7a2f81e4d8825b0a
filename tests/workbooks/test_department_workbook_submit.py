"""import-workbook --submit: save, then submit every report of the workbook, all in one transaction.

Every report is submitted, changed or not (the department is done with its sheets). A report that cannot be
submitted — incomplete, or not the user's to submit — refuses the whole import: nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from shinchoku import permissions
from shinchoku.cycle.models import AuditEntry, Notification
from shinchoku.cycle.services import report_save
from shinchoku.permissions import Action
from shinchoku.plans.models import ProjectReport, ReportingYear, ReportState
from shinchoku.tenancy.models import Municipality
from shinchoku.workbooks.services import workbook_export
from tests.cycle.conftest import ONLINE, complete
from tests.workbooks.test_department_workbook import edit, online_report, row_of, run_import, written


def kikaku_reports() -> list[ProjectReport]:
    with scopes_disabled():
        return list(
            ProjectReport.objects.select_related("project__plan")
            .filter(fiscal_year=2024, project__department_links__department__name="企画政策課")
            .distinct().order_by("pk")
        )


def states() -> set[str]:
    return {r.state for r in kikaku_reports()}


@pytest.fixture
def exported(year_2024: ReportingYear, kashiwazaki: Municipality, bob: Any, tmp_path: Path) -> Path:
    """企画政策課's workbook of FY2024 with every report complete but 行政手続のオンライン化's comment."""
    for report in kikaku_reports():
        complete(report, bob)
    path = tmp_path / "企画政策課.xlsx"
    path.write_bytes(workbook_export(municipality=kashiwazaki, fiscal_year=2024, department="企画政策課"))
    return path


def test_it_submits_every_report_of_the_workbook_changed_or_not(exported: Path, bob: Any, dave: Any) -> None:
    edit(exported, lambda wb: setattr(wb[ONLINE].cell(row_of(wb[ONLINE], "comment"), 2), "value", "順調です。"))
    reports = kikaku_reports()
    assert len(reports) >= 2 and states() == {ReportState.DRAFT}
    code, out, err = run_import(exported, "--submit", "--as", "bob")
    assert (code, err) == (0, "")
    assert f"{ONLINE}: 状態: '作成中' → '提出済み'" in out
    assert f"changed 1 report(s), 1 field(s), submitted {len(reports)} report(s)" in out, out
    assert states() == {ReportState.SUBMITTED}
    assert online_report().department_comment == "順調です。"
    with scopes_disabled():
        submitted = AuditEntry.objects.filter(action="report.submitted").order_by("object_id")
        assert [(e.object_id, e.actor) for e in submitted] == [(r.pk, bob) for r in reports]
        entry = AuditEntry.objects.get(action="workbook.imported")
    assert entry.after["submitted"] == [r.pk for r in reports] and entry.after["reports"] == [online_report().pk]
    with scopes_disabled():
        assert Notification.objects.filter(user=dave).count() == len(reports)  # as if submitted on the web


def test_it_previews_the_submission_in_a_dry_run_and_notifies_no_one(exported: Path, bob: Any, dave: Any) -> None:
    before = written()
    with scopes_disabled():
        notifications = Notification.objects.count()
    code, out, _ = run_import(exported, "--submit", "--dry-run", "--as", "bob")
    assert code == 0 and f"would submit {len(kikaku_reports())} report(s) (dry run: nothing saved)" in out
    assert written() == before and states() == {ReportState.DRAFT}
    with scopes_disabled():
        assert Notification.objects.count() == notifications
    assert mail.outbox == []


def test_it_refuses_to_submit_an_incomplete_report_and_writes_nothing(exported: Path, bob: Any) -> None:
    report = online_report()
    report_save(report=report, by=bob, expected_version=report.version, results=[])  # 主な取組と成果 emptied
    path = exported.with_name("again.xlsx")
    path.write_bytes(workbook_export(municipality=report.project.plan.municipality, fiscal_year=2024,
                                     department="企画政策課"))
    edit(path, lambda wb: setattr(wb[ONLINE].cell(row_of(wb[ONLINE], "comment"), 2), "value", "順調です。"))
    before = written()
    code, _, err = run_import(path, "--submit", "--as", "bob")
    assert code == 2
    assert f"sheet '{ONLINE}': the report cannot be submitted, it lacks: 主な取組と成果" in err
    assert written() == before and states() == {ReportState.DRAFT}
    assert online_report().department_comment == ""
    # Without --submit the same file imports: the refusal was the submission's.
    assert run_import(path, "--as", "bob")[0] == 0


def test_it_refuses_a_user_who_may_edit_but_not_submit_and_writes_nothing(
    exported: Path, bob: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A municipality whose departments enter their reports while the DX team submits them.
    monkeypatch.setattr(permissions, "_DEPARTMENT_PROJECT_ACTIONS",
                        permissions._DEPARTMENT_PROJECT_ACTIONS - {Action.SUBMIT_REPORT})
    edit(exported, lambda wb: setattr(wb[ONLINE].cell(row_of(wb[ONLINE], "comment"), 2), "value", "順調です。"))
    before = written()
    code, _, err = run_import(exported, "--submit", "--as", "bob")
    assert code == 2 and f"sheet '{ONLINE}': you may not submit this report" in err
    assert written() == before and states() == {ReportState.DRAFT}
    assert run_import(exported, "--as", "bob")[0] == 0  # saving alone is still his to do
    assert states() == {ReportState.DRAFT}
