"""The reporting year as the official record: protected state, frozen publications, versions, 案.

The seed's FY2023 is imported as a published report (publication version 1); the tests then do what a city
does in the following years and check that FY2023's record never moves.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.errors import InvalidInput, YearLocked
from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import (
    plan_indicator_target_set,
    plan_revision_create,
    project_create,
    project_discontinue,
    report_approve,
    report_reopen,
    report_save,
    report_submit,
    reporting_year_open,
    reporting_year_publish,
    reporting_year_reopen,
)
from shinchoku.cycle.services.publication import content_hash, report_file
from shinchoku.documents.render import render_document
from shinchoku.interchange.corrections import corrections
from shinchoku.plans.models import (
    Pillar,
    Plan,
    ProjectReport,
    Publication,
    ReportingYear,
    ReportState,
    StateProtected,
    YearState,
)
from shinchoku.tenancy.models import Municipality

from .conftest import LINE, ONLINE, complete, grade, indicator_of, report_of


def _year(plan: Plan, fiscal_year: int) -> ReportingYear:
    with scope(municipality=plan.municipality_id):
        return ReportingYear.objects.select_related("plan").get(plan=plan, fiscal_year=fiscal_year)


def _publications(plan: Plan, fiscal_year: int) -> list[Publication]:
    with scope(municipality=plan.municipality_id):
        return list(Publication.objects.filter(reporting_year__plan=plan, reporting_year__fiscal_year=fiscal_year))


def _approve_all(year: ReportingYear, by: Any, reviewer: Any) -> None:
    """``by`` submits, ``reviewer`` (HQ) approves: nobody approves their own submission."""
    with scope(municipality=year.plan.municipality_id):
        reports = list(ProjectReport.objects.filter(reporting_year=year).select_related("project__plan"))
        b = grade("B")
    for report in reports:
        report = report_submit(report=complete(report, by), by=by)
        report_approve(report=report, by=reviewer, final_grade=b, rationale="総合的に判断しました。")


def test_it_refuses_a_state_assignment_outside_the_transition_table(plan: Plan) -> None:
    year = _year(plan, 2023)
    with pytest.raises(AttributeError, match="modification is not allowed"):
        year.state = YearState.OPEN
    with scope(municipality=plan.municipality_id):
        report = ProjectReport.objects.filter(reporting_year=year).first()
        assert report is not None
        with pytest.raises(AttributeError, match="modification is not allowed"):
            report.state = ReportState.DRAFT
        with pytest.raises(StateProtected):
            ReportingYear.objects.filter(pk=year.pk).update(state=YearState.OPEN)
        with pytest.raises(StateProtected):
            ProjectReport.objects.filter(pk=report.pk).update(state=ReportState.DRAFT)
        with pytest.raises(StateProtected):
            ProjectReport.objects.bulk_update([report], ["state"])
    assert _year(plan, 2023).state == YearState.PUBLISHED


def test_it_has_one_definition_of_locked(plan: Plan, year_2024: ReportingYear) -> None:
    assert _year(plan, 2023).is_locked and _year(plan, 2023).is_published
    assert not year_2024.is_locked and year_2024.is_open


def test_it_keeps_the_published_fy2023_pdf_through_the_next_years(plan: Plan, alice: Any, dave: Any) -> None:
    """Done when: the FY2023 PDF is byte-identical before and after a FY2024 cycle, a target revision and a
    project addition."""
    municipality = plan.municipality
    before = report_file(municipality=municipality, fiscal_year=2023, format="pdf")
    (v1,) = _publications(plan, 2023)
    assert before.version == 1 and v1.content_hash == content_hash(v1.document)

    # A FY2024 cycle, with LINE's FY2024 actual, published.
    year_2024 = reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=alice)
    with scope(municipality=plan.municipality_id):
        line = report_of(LINE, 2024)
        line_indicator = indicator_of(LINE)
    report_save(report=line, by=alice, expected_version=line.version, actuals={line_indicator.pk: "35"})
    _approve_all(year_2024, alice, dave)
    reporting_year_publish(year=year_2024, by=alice)
    # A target revision for the following years, and a project added by it.
    revision = plan_revision_create(plan=plan, revised_on=dt.date(2025, 3, 1), description="目標の見直し", by=alice)
    plan_indicator_target_set(indicator=line_indicator, fiscal_year=2025, value="30000", revision=revision, by=alice)
    with scope(municipality=plan.municipality_id):
        pillar = Pillar.objects.filter(plan=plan).first()
    assert pillar is not None
    project_create(plan=plan, name="観光DXの推進", pillar=pillar, by=alice, added_in_revision=revision)

    after = report_file(municipality=municipality, fiscal_year=2023, format="pdf")
    assert after.data == before.data
    assert [p.content_hash for p in _publications(plan, 2023)] == [v1.content_hash]
    # Drawn again from the snapshot, the PDF is the same bytes (ReportLab's invariant mode).
    assert render_document(v1.document, "pdf", draft=False)[0] == before.data  # type: ignore[arg-type]
    assert "観光DXの推進" not in str(v1.document)


def test_it_refuses_changing_a_published_years_target(plan: Plan, alice: Any) -> None:
    with scope(municipality=plan.municipality_id):
        indicator = indicator_of(ONLINE)
    with pytest.raises(YearLocked, match="公表済み"):
        plan_indicator_target_set(indicator=indicator, fiscal_year=2023, value="55", revision=None, by=alice)
    revision = plan_revision_create(plan=plan, revised_on=dt.date(2025, 3, 1), description="見直し", by=alice)
    with pytest.raises(InvalidInput, match="以降の目標にだけ適用"):
        plan_indicator_target_set(indicator=indicator, fiscal_year=2023, value="55", revision=revision, by=alice)
    row = plan_indicator_target_set(indicator=indicator, fiscal_year=2025, value="80", revision=revision, by=alice)
    assert row.value == Decimal("80") and row.revision == revision


def test_it_stores_the_target_an_item_was_graded_against(year_2023: ReportingYear, alice: Any) -> None:
    from shinchoku.cycle.models import ItemEvaluation

    with scope(municipality=year_2023.plan.municipality_id):
        online = report_of(ONLINE, 2023)
        targets = {
            i.indicator.name: (i.target, i.target_decimals)
            for i in ItemEvaluation.objects.filter(report=online, indicator__isnull=False).select_related("indicator")
        }
    assert targets["手続総件数に対するオンライン化率"] == (Decimal("60"), 0)


def test_it_never_pushes_a_project_added_at_a_revision_into_an_earlier_open_year(
    plan: Plan, alice: Any, year_2024: ReportingYear
) -> None:
    revision = plan_revision_create(plan=plan, revised_on=dt.date(2025, 4, 1), description="事業の追加", by=alice)
    with scope(municipality=plan.municipality_id):
        pillar = Pillar.objects.filter(plan=plan).first()
    assert pillar is not None
    project = project_create(plan=plan, name="観光DXの推進", pillar=pillar, by=alice, added_in_revision=revision)
    assert project.first_fiscal_year == 2025
    with scope(municipality=plan.municipality_id):
        assert not ProjectReport.objects.filter(project=project).exists()
    # Added without a revision while FY2024 is open: it starts in FY2024 and gets its draft at once.
    other = project_create(plan=plan, name="窓口DXの推進", pillar=pillar, by=alice)
    assert other.first_fiscal_year == 2024
    with scope(municipality=plan.municipality_id):
        assert ProjectReport.objects.get(project=other).reporting_year == year_2024


def test_it_discontinues_a_project_from_a_year_on(plan: Plan, alice: Any, year_2024: ReportingYear) -> None:
    with scope(municipality=plan.municipality_id):
        line = report_of(LINE, 2024).project
    with pytest.raises(YearLocked):
        project_discontinue(project=line, from_fiscal_year=2023, reason="discontinued", by=alice)
    project_discontinue(project=line, from_fiscal_year=2024, reason="discontinued", by=alice)
    with scope(municipality=plan.municipality_id):
        assert not ProjectReport.objects.filter(project=line, fiscal_year=2024).exists()
        assert ProjectReport.objects.filter(project=line, fiscal_year=2023).exists()  # history stays
        entry = AuditEntry.objects.get(action="plan.project.discontinued")
    assert entry.after["last_fiscal_year"] == 2023 and entry.after["reports_removed"] == 1


def test_it_publishes_a_correction_as_version_2_and_keeps_version_1(plan: Plan, alice: Any, dave: Any) -> None:
    municipality = plan.municipality
    v1_pdf = report_file(municipality=municipality, fiscal_year=2023, format="pdf").data
    year = reporting_year_reopen(year=_year(plan, 2023), by=alice, comment="実績値の誤りの訂正")
    assert year.is_open
    assert report_file(municipality=municipality, fiscal_year=2023, format="html").is_draft
    with scope(municipality=plan.municipality_id):
        line = report_of(LINE, 2023)
    line = report_reopen(report=line, by=alice, comment="成果の記述を訂正")
    line = report_submit(report=complete(line, alice, results=["LINEの登録者が増えました（訂正）"]), by=alice)
    with scope(municipality=plan.municipality_id):
        a = grade("A")
    report_approve(report=line, by=dave, final_grade=a, rationale="")
    publication = reporting_year_publish(year=_year(plan, 2023), by=alice)
    assert publication.version == 2
    v1, v2 = _publications(plan, 2023)
    assert v1.content_hash != v2.content_hash
    assert report_file(municipality=municipality, fiscal_year=2023, format="pdf", version=1).data == v1_pdf
    assert report_file(municipality=municipality, fiscal_year=2023, format="pdf").version == 2
    listed = corrections(v1.document, v2.document)  # type: ignore[arg-type]
    assert any(c.where == f"「{LINE}」" and c.what == "主な取組と成果" and "（訂正）" in c.after for c in listed)


def test_it_marks_an_unpublished_year_as_a_draft(plan: Plan, year_2024: ReportingYear) -> None:
    drawn = report_file(municipality=plan.municipality, fiscal_year=2024, format="html")
    assert drawn.is_draft and "（案）" in drawn.filename
    assert "<title>（案）" in drawn.data.decode()


def test_it_lists_no_reports_for_another_municipality(kariwa: Municipality, plan: Plan) -> None:
    with scope(municipality=kariwa):
        assert not ReportingYear.objects.exists()


def _moved_to_2024(document: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    doc["report"]["fiscal_year"] = 2024
    doc["report"]["published"] = "2025-08"
    doc["report"]["title"] = "令和7（2025）年度 柏崎市DX推進計画 進行管理報告書（令和6（2024）年度実績分）"
    return doc


def test_it_keeps_a_published_years_grade_when_the_same_year_is_imported_changed(
    plan: Plan, seed_document: Any
) -> None:
    from shinchoku.cycle.services.imports import ImportRefused, year_import

    changed = copy.deepcopy(seed_document)
    online = next(p for p in changed["projects"] if p["name"] == ONLINE)
    online["grade"] = "D"
    with pytest.raises(ImportRefused, match="公表済み"):
        year_import(document=changed, by=None, source_file="fy2023.json", source_sha256="0" * 64)
    with scope(municipality=plan.municipality_id):
        assert report_of(ONLINE, 2023).grade.code == "B"  # type: ignore[union-attr]
        refused = AuditEntry.objects.get(action="import.refused")
    assert refused.after["file"] == "fy2023.json"
    result = year_import(document=changed, by=None, replace=True, source_file="fy2023.json", source_sha256="1" * 64)
    assert result.publication is not None and result.publication.version == 2
    v1, v2 = _publications(plan, 2023)
    assert next(p for p in v1.document["projects"] if p["name"] == ONLINE)["grade"] == "B"
    assert next(p for p in v2.document["projects"] if p["name"] == ONLINE)["grade"] == "D"
    assert v2.source == "import" and v2.source_sha256 == "1" * 64


def test_it_refuses_an_import_over_an_open_year_and_audits_it(
    plan: Plan, year_2024: ReportingYear, seed_document: Any, bob: Any
) -> None:
    from shinchoku.cycle.services.imports import ImportRefused, year_import

    with scope(municipality=plan.municipality_id):
        online = report_of(ONLINE, 2024)
    report_save(report=online, by=bob, expected_version=online.version, results=["部署の下書き"])
    with pytest.raises(ImportRefused, match="--replace"):
        year_import(document=_moved_to_2024(seed_document), by=None, source_file="fy2024.txt")
    with scope(municipality=plan.municipality_id):
        assert report_of(ONLINE, 2024).results == ["部署の下書き"]
        assert AuditEntry.objects.filter(action="import.refused").count() == 1
        assert not AuditEntry.objects.filter(action="import.file.loaded", after__file="fy2024.txt").exists()


def test_it_replaces_an_open_year_with_a_published_report_only_on_request(
    plan: Plan, year_2024: ReportingYear, seed_document: Any
) -> None:
    from shinchoku.cycle.services.imports import year_import

    result = year_import(
        document=_moved_to_2024(seed_document), by=None, replace=True, source_file="fy2024.txt", source_sha256="a" * 64
    )
    assert result.transition == "replace" and result.publication is not None
    year = _year(plan, 2024)
    with scope(municipality=plan.municipality_id):
        states = set(ProjectReport.objects.filter(reporting_year=year).values_list("state", flat=True))
        loaded = AuditEntry.objects.get(action="import.file.loaded", after__file="fy2024.txt")
        approved_by_import = AuditEntry.objects.filter(action="import.report.approved").count()
    assert year.is_published and states == {ReportState.APPROVED}
    assert loaded.after["sha256"] == "a" * 64 and approved_by_import == len(seed_document["projects"])


def test_it_never_brings_a_draft_back_as_published(plan: Plan, year_2024: ReportingYear, alice: Any) -> None:
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.interchange.export import document_build

    with scope(municipality=plan.municipality_id):
        draft = document_build(municipality=plan.municipality, fiscal_year=2024)
    assert draft["report"]["status"] == "draft"
    draft["municipality"] = "見附市"
    result = year_import(document=draft, by=None)
    assert result.year is not None and result.year.state == YearState.IMPORTED and result.publication is None
    with scope(municipality=result.municipality):
        states = set(ProjectReport.objects.filter(reporting_year=result.year).values_list("state", flat=True))
    assert states == {ReportState.DRAFT}
