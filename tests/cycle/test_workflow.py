"""Every allowed and refused transition of the state machine, and what each one records."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry, ReportTransition
from shinchoku.cycle.services import (
    IncompleteReport,
    NotPermitted,
    ReportLocked,
    TransitionNotAllowed,
    report_approve,
    report_reopen,
    report_return,
    report_save,
    report_submit,
    reporting_year_publish,
)
from shinchoku.cycle.workflow import TRANSITIONS, available_transitions
from shinchoku.plans.models import ProjectReport, ReportingYear, ReportState

from .conftest import DENSHI_KESSAI, LINE, ONLINE, complete, grade, report_of


def fresh(report: ProjectReport) -> ProjectReport:
    with scope(municipality=report.project.plan.municipality_id):
        return report_of(report.project.name, report.fiscal_year)


def log(report: ProjectReport) -> tuple[list[tuple[str, str, str]], list[str]]:
    with scope(municipality=report.project.plan.municipality_id):
        transitions = [(t.name, t.from_state, t.to_state) for t in ReportTransition.objects.filter(report=report)]
        actions = list(
            AuditEntry.objects.filter(object_type="plans.projectreport", object_id=report.pk)
            .exclude(action__endswith=".updated")
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
    return transitions, actions


@pytest.fixture
def online(year_2023: ReportingYear) -> ProjectReport:
    with scope(municipality=year_2023.municipality_id):
        return report_of(ONLINE, 2023)


@pytest.fixture
def submitted(online: ProjectReport, bob: Any) -> ProjectReport:
    return report_submit(report=complete(online, bob), by=bob)


def test_it_submits_a_complete_report(online: ProjectReport, bob: Any) -> None:
    report = report_submit(report=complete(online, bob), by=bob)
    assert report.state == ReportState.SUBMITTED
    assert log(report) == ([("submit", "draft", "submitted")], ["report.submitted"])


def test_it_lists_what_is_missing_in_japanese(year_2024: ReportingYear, bob: Any) -> None:
    # FY2024: nothing is pre-filled (last year's plans are only a reference); the indicators have no actual yet.
    with scope(municipality=year_2024.municipality_id):
        report = report_of(ONLINE, 2024)
    with pytest.raises(IncompleteReport) as refused:
        report_submit(report=report, by=bob)
    assert refused.value.missing == [
        "主な取組と成果",
        "「目指す姿」に向けた課題と今後の展開",
        "次年度の主な取組",
        "目標指標「手続総件数に対するオンライン化率」の実績（実績がない場合は「該当なし」）",
        "目標指標「オンライン化した手続のオンライン利用率」の実績（実績がない場合は「該当なし」）",
        "スケジュールの進捗",
        "担当部署の評価",
    ]
    assert refused.value.message.startswith("提出できません。次の項目を入力してください：主な取組と成果、「目指す姿」")
    assert fresh(report).state == ReportState.DRAFT


@pytest.mark.parametrize("who", ["frank", "dave", "erin", "charlie", "anonymous"])
def test_it_refuses_submission_by_others(online: ProjectReport, bob: Any, who: str, request: Any) -> None:
    complete(online, bob)
    with pytest.raises(NotPermitted):
        report_submit(report=fresh(online), by=request.getfixturevalue(who))


def test_it_refuses_to_submit_twice(submitted: ProjectReport, bob: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="「提出済み」の報告は「提出」できません"):
        report_submit(report=submitted, by=bob)


def test_it_refuses_editing_while_submitted(submitted: ProjectReport, bob: Any) -> None:
    with pytest.raises(ReportLocked):
        report_save(report=submitted, by=bob, expected_version=submitted.version, results=["変更"])


def test_it_returns_with_a_required_comment(submitted: ProjectReport, dave: Any, bob: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="理由"):
        report_return(report=submitted, by=dave, comment="  ")
    with pytest.raises(NotPermitted):
        report_return(report=submitted, by=bob, comment="自分で差し戻す")
    report = report_return(report=submitted, by=dave, comment="実績の根拠を追記してください。")
    assert report.state == ReportState.RETURNED
    assert report.hq_comment == "実績の根拠を追記してください。"
    # ... and the department edits and submits again.
    report = report_save(report=report, by=bob, expected_version=report.version, results=["根拠を追記しました。"])
    report = report_submit(report=report, by=bob)
    assert log(report)[0] == [
        ("submit", "draft", "submitted"), ("return", "submitted", "returned"), ("submit", "returned", "submitted")
    ]


def test_it_requires_a_rationale_when_the_final_grade_differs(submitted: ProjectReport, dave: Any) -> None:
    """行政手続のオンライン化: the rule suggests C (53 % and 82 %), HQ decides B — only with a reason."""
    with scope(municipality=submitted.project.plan.municipality_id):
        b, c = grade("B"), grade("C")
    assert submitted.suggested_grade_id == c.pk
    with pytest.raises(TransitionNotAllowed, match="評価案（C）と異なる評価（B）にする理由"):
        report_approve(report=submitted, by=dave, final_grade=b)
    report = report_approve(
        report=submitted, by=dave, final_grade=b,
        rationale="目標指標対象外の手続のオンライン化が進み、申請件数は約3倍となったため。",
    )
    assert report.state == ReportState.APPROVED
    assert report.grade_id == b.pk
    with scope(municipality=report.project.plan.municipality_id):
        entry = AuditEntry.objects.get(action="report.approved", object_id=report.pk)
    assert entry.before["state"] == "submitted"
    assert entry.after == {
        "state": "approved", "grade": "B", "suggested_grade": "C",
        "rationale": "目標指標対象外の手続のオンライン化が進み、申請件数は約3倍となったため。",
    }


def test_it_requires_a_non_b_summary_for_a_non_b_grade(submitted: ProjectReport, dave: Any) -> None:
    with scope(municipality=submitted.project.plan.municipality_id):
        c = grade("C")
    with pytest.raises(TransitionNotAllowed, match="進捗状況B以外の概要"):
        report_approve(report=submitted, by=dave, final_grade=c)
    report = report_approve(report=submitted, by=dave, final_grade=c, non_b_summary="オンライン化率は32%でした。")
    assert report.non_b_summary == ["オンライン化率は32%でした。"]


def test_it_requires_a_final_grade(submitted: ProjectReport, dave: Any, bob: Any, erin: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="最終評価を選んでください"):
        report_approve(report=submitted, by=dave, final_grade=None)
    with scope(municipality=submitted.project.plan.municipality_id):
        c = grade("C")
    for who in (bob, erin):
        with pytest.raises(NotPermitted):
            report_approve(report=submitted, by=who, final_grade=c, non_b_summary="x")


def test_it_refuses_approving_a_draft(online: ProjectReport, dave: Any) -> None:
    with scope(municipality=online.project.plan.municipality_id):
        c = grade("C")
    with pytest.raises(TransitionNotAllowed, match="「作成中」の報告は「承認」できません"):
        report_approve(report=online, by=dave, final_grade=c, non_b_summary="x")


def test_it_lets_only_dx_staff_reopen(submitted: ProjectReport, dave: Any, alice: Any, bob: Any) -> None:
    with scope(municipality=submitted.project.plan.municipality_id):
        c = grade("C")
    approved = report_approve(report=submitted, by=dave, final_grade=c, non_b_summary="x")
    for who in (dave, bob):
        with pytest.raises(NotPermitted):
            report_reopen(report=approved, by=who, comment="直したい")
    with pytest.raises(TransitionNotAllowed, match="理由"):
        report_reopen(report=approved, by=alice, comment="")
    report = report_reopen(report=approved, by=alice, comment="実績値の誤りが見つかったため")
    assert report.state == ReportState.RETURNED
    with pytest.raises(TransitionNotAllowed):
        report_reopen(report=report, by=alice, comment="もう一度")  # returned is not reopenable


def approve_all(cycle: ReportingYear, by: Any, reviewer: Any) -> None:
    """``by`` enters and submits, ``reviewer`` (HQ) approves: nobody approves their own submission."""
    with scope(municipality=cycle.municipality_id):
        reports = list(ProjectReport.objects.filter(project__plan=cycle.plan, fiscal_year=cycle.fiscal_year).select_related("project__plan"))
        b = grade("B")
    for report in reports:
        report = report_submit(report=complete(report, by), by=by)
        report_approve(report=report, by=reviewer, final_grade=b, rationale="総合的に判断しました。")


def test_it_publishes_only_when_everything_is_approved(year_2023: ReportingYear, alice: Any, dave: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="すべての報告が承認されるまで公表できません"):
        reporting_year_publish(year=year_2023, by=alice)
    approve_all(year_2023, alice, dave)
    with pytest.raises(NotPermitted):
        reporting_year_publish(year=year_2023, by=dave)
    publication = reporting_year_publish(year=year_2023, by=alice)
    assert year_2023.is_published and publication.version == 1
    with scope(municipality=year_2023.municipality_id):
        states = set(ProjectReport.objects.filter(fiscal_year=2023).values_list("state", flat=True))
        line = report_of(LINE, 2023)
        assert AuditEntry.objects.filter(action="year.published").count() == 1
    # Published is the year's state; its reports stay approved.
    assert states == {ReportState.APPROVED}
    assert log(line)[1] == ["report.submitted", "report.approved"]
    with pytest.raises(ReportLocked):
        report_save(report=line, by=alice, expected_version=line.version, results=["x"])
    with pytest.raises(TransitionNotAllowed, match="公表済み"):
        reporting_year_publish(year=year_2023, by=alice)


def test_it_reopens_the_year_when_a_published_report_is_reopened(
    year_2023: ReportingYear, alice: Any, dave: Any
) -> None:
    approve_all(year_2023, alice, dave)
    reporting_year_publish(year=year_2023, by=alice)
    with scope(municipality=year_2023.municipality_id):
        report = report_of(DENSHI_KESSAI, 2023)
    report = report_reopen(report=report, by=alice, comment="電子化率の再計算")
    with scope(municipality=year_2023.municipality_id):
        year = ReportingYear.objects.get(pk=year_2023.pk)
        assert AuditEntry.objects.filter(action="year.reopened").count() == 1
        assert year.publications.count() == 1  # the published version stays
    assert report.state == ReportState.RETURNED and year.is_open


def test_it_offers_each_user_only_their_transitions(submitted: ProjectReport, bob: Any, dave: Any, alice: Any, erin: Any) -> None:
    with scope(municipality=submitted.project.plan.municipality_id):
        offered = {
            name: [t.name for t in available_transitions(user=user, report=submitted)]
            for name, user in {"bob": bob, "dave": dave, "alice": alice, "erin": erin}.items()
        }
    # The department may still take its submission back (取り下げ) while HQ has not acted; DX staff review
    # only when the municipality lets them (HQ only by default).
    assert offered == {"bob": ["withdraw"], "dave": ["return", "approve"], "alice": ["withdraw"], "erin": []}
    assert set(TRANSITIONS) == {"submit", "withdraw", "return", "approve", "reopen", "import"}
