"""The input boundary at the services: every way in refuses what cannot be stored, says why, and writes nothing.

The payloads are the hostile-input issue's: control characters, U+FFFE, over-long text, 1e40, NaN.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.models import AuditEntry, EvaluationThresholds
from shinchoku.cycle.services import (
    InvalidActualValue,
    InvalidInput,
    plan_indicator_target_set,
    project_create,
    project_schedule_set,
    project_update,
    report_return,
    report_save,
    report_submit,
    thresholds_set,
)
from shinchoku.cycle.services.imports import year_import
from shinchoku.inputs import InputRejected
from shinchoku.interchange.document import Document
from shinchoku.plans.models import IndicatorValue, Pillar, Project, ProjectReport, ReportingYear, ReportState

from .conftest import LINE, ONLINE, complete, indicator_of, project, report_of

HOSTILE_TEXT = ["取組\x00", "取組\x1b[31m", "取組\ufffe", "取組\uffff", "\u202e取組"]


@pytest.fixture
def online(year_2024: ReportingYear) -> ProjectReport:
    with scope(municipality=year_2024.municipality_id):
        return report_of(ONLINE, 2024)


def audit_count(municipality_id: int) -> int:
    with scopes_disabled():
        return AuditEntry.objects.filter(municipality_id=municipality_id).count()


def fresh(obj: Model) -> Any:
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_it_refuses_a_report_item_with_a_control_character_and_saves_nothing(
    online: ProjectReport, bob: Any, text: str
) -> None:
    before = audit_count(online.project.plan.municipality_id)
    with pytest.raises(InvalidInput) as refused:
        report_save(report=online, by=bob, expected_version=online.version, results=["正しい項目", text],
                    challenges=["課題です。"])
    assert refused.value.message.startswith("主な取組と成果の2件目：項目に使えない文字")
    assert refused.value.field == "results"
    assert "results[1]: item: character U+" in refused.value.english
    saved = fresh(online)
    assert (saved.version, saved.results, saved.challenges) == (online.version, online.results, online.challenges)
    assert audit_count(online.project.plan.municipality_id) == before


def test_it_refuses_an_over_long_item_and_comment(online: ProjectReport, bob: Any) -> None:
    with pytest.raises(InvalidInput, match="1,000文字以内"):
        report_save(report=online, by=bob, expected_version=online.version, results=["あ" * 1001])
    with pytest.raises(InvalidInput, match="担当部署のコメントは4,000文字以内で入力してください（18,000文字あります）"):
        report_save(report=online, by=bob, expected_version=online.version, comment="あ" * 18000)
    assert fresh(online).version == online.version


def test_it_stores_text_with_line_breaks_and_tabs_normalised(online: ProjectReport, bob: Any) -> None:
    saved = report_save(
        report=online, by=bob, expected_version=online.version,
        results=["一行目\r\n二行目\t（続き）  "], comment="\t=HYPERLINK(\"x\")\r\n以上",
    )
    assert fresh(saved).results == ["一行目\n二行目 （続き）"]
    assert fresh(saved).department_comment == '=HYPERLINK("x")\n以上'


@pytest.mark.parametrize("value", ["1e40", "NaN", "Infinity", "99999999999999999999", "9" * 5000])
def test_it_refuses_an_actual_that_no_column_holds(online: ProjectReport, bob: Any, value: str) -> None:
    with scope(municipality=online.project.plan.municipality_id):
        indicator = indicator_of(ONLINE)
    with pytest.raises(InvalidActualValue) as refused:
        report_save(report=online, by=bob, expected_version=online.version, actuals={indicator.pk: value})
    assert indicator.pk in refused.value.errors
    with scopes_disabled():
        assert not IndicatorValue.objects.filter(indicator=indicator, fiscal_year=2024, kind="actual").exists()


@pytest.mark.parametrize("value", ["1e40", "NaN", "99999999999999999999"])
def test_it_refuses_a_result_table_value_that_no_column_holds(online: ProjectReport, bob: Any, value: str) -> None:
    tables = [{"after": -1, "rows": [{"label": "件数", "value": value, "unit": "件"}]}]
    with pytest.raises(InvalidInput) as refused:
        report_save(report=online, by=bob, expected_version=online.version, result_tables=tables)
    assert refused.value.field == "result_tables"
    assert fresh(online).version == online.version


def test_it_refuses_a_result_table_label_with_a_control_character(online: ProjectReport, bob: Any) -> None:
    tables = [{"after": -1, "rows": [{"label": "件\x07数", "value": "3", "unit": "件"}]}]
    with pytest.raises(InvalidInput, match="成果の表1：成果の表の項目名に使えない文字（制御文字 U\\+0007）"):
        report_save(report=online, by=bob, expected_version=online.version, result_tables=tables)


@pytest.mark.parametrize("value", ["1e40", "NaN", "100000000000000"])
def test_it_refuses_a_target_that_no_column_holds(kashiwazaki: Any, alice: Any, value: str) -> None:
    with scope(municipality=kashiwazaki):
        indicator = indicator_of(LINE)
        count = IndicatorValue.objects.filter(indicator=indicator).count()
    with pytest.raises(InvalidInput) as refused:
        plan_indicator_target_set(indicator=indicator, fiscal_year=2025, value=value, revision=None, by=alice)
    assert refused.value.field == "value"
    with scope(municipality=kashiwazaki):
        assert IndicatorValue.objects.filter(indicator=indicator).count() == count


def test_it_refuses_plan_text_with_a_control_character_next_to_its_field(kashiwazaki: Any, alice: Any) -> None:
    with scope(municipality=kashiwazaki):
        target = project(LINE)
    before = audit_count(kashiwazaki.pk)
    with pytest.raises(InvalidInput) as refused:
        project_update(project=target, by=alice, name="新しい名前", overview="概要\x00です")
    assert (refused.value.field, refused.value.message) == (
        "overview", "事業概要に使えない文字（制御文字 U+0000）が含まれています（3文字目）。削除してから、もう一度入力してください。"
    )
    assert fresh(target).name == LINE and audit_count(kashiwazaki.pk) == before
    with pytest.raises(InvalidInput, match="個別事業計画名に改行は使えません"):
        project_update(project=target, by=alice, name="二行の\n名前")


def test_it_refuses_an_over_long_project_name_on_every_database(kashiwazaki: Any, alice: Any) -> None:
    """SQLite would store 201 characters in a varchar(200); the service refuses on both."""
    with scope(municipality=kashiwazaki):
        pillar = Pillar.objects.first()
    assert pillar is not None
    with pytest.raises(InvalidInput, match="個別事業計画名は200文字以内"):
        project_create(plan=pillar.plan, name="あ" * 201, pillar=pillar, by=alice)
    with scopes_disabled():
        assert not Project.objects.filter(name__startswith="あああ").exists()


def test_it_refuses_a_schedule_cell_with_a_non_character(kashiwazaki: Any, alice: Any) -> None:
    with scope(municipality=kashiwazaki):
        target = project(LINE)
    with pytest.raises(InvalidInput, match="1行目の令和6（2024）年度：スケジュールの内容に使えない文字"):
        project_schedule_set(project=target, rows=[("", {2024: "運用\uffff"})], by=alice)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("1e40")])
def test_it_refuses_thresholds_that_are_not_finite_or_too_large(kashiwazaki: Any, alice: Any, value: Decimal) -> None:
    with pytest.raises(InvalidInput) as refused:
        thresholds_set(municipality=kashiwazaki, a_min=value, b_min=Decimal(80), c_min=Decimal(50), by=alice)
    assert refused.value.field == "a_min"
    with scopes_disabled():
        assert not EvaluationThresholds.objects.filter(municipality=kashiwazaki).exclude(a_min=Decimal(115)).exists()


def test_it_refuses_a_return_comment_with_a_control_character(online: ProjectReport, bob: Any, dave: Any) -> None:
    submitted = report_submit(report=complete(online, bob), by=bob)
    with pytest.raises(InvalidInput, match="コメントに使えない文字"):
        report_return(report=submitted, by=dave, comment="直してください\x00")
    assert fresh(submitted).state == ReportState.SUBMITTED


# -- imports: the same rules, with the JSON path --------------------------------------------------------------


def _counts() -> tuple[int, int, int]:
    with scopes_disabled():
        return Project.objects.count(), ProjectReport.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("path", "text", "where"),
    [
        (("projects", 0, "results", 0), "成果\x00", "projects[0].results[0]: expected text without control"),
        (("projects", 2, "overview"), "概要\ufffe", "projects[2].overview: expected text without control"),
        (("projects", 1, "name"), "あ" * 201, "projects[1].name: "),
        (("report", "title"), "表題\n二行目", "report.title: title: a line break is not allowed"),
    ],
)
def test_an_import_refuses_what_a_form_refuses_and_writes_nothing(
    db: Any, seed_document: Document, path: tuple[Any, ...], text: str, where: str
) -> None:
    target: Any = seed_document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    from shinchoku.interchange.validation import DocumentError

    # The schema's check (characters no column stores, column lengths) or the input boundary: either one
    # refuses with the JSON path first, and nothing is written.
    with pytest.raises((InputRejected, DocumentError)) as refused:
        year_import(document=seed_document, by=None)
    assert str(refused.value).startswith(where)
    assert _counts() == (0, 0, 0)


def test_an_import_refuses_a_fiscal_year_out_of_range(db: Any, seed_document: Document) -> None:
    index = next(i for i, p in enumerate(seed_document["projects"]) if p["indicators"])
    seed_document["projects"][index]["indicators"][0]["actuals"]["1900"] = "5"
    with pytest.raises(InputRejected, match=rf"projects\[{index}\]\.indicators\[0\]\.actuals\.1900: fiscal_year: fiscal year 1900"):
        year_import(document=seed_document, by=None)
    assert _counts() == (0, 0, 0)


def test_an_import_stores_text_as_a_form_would(db: Any, seed_document: Document) -> None:
    name = seed_document["projects"][0]["name"]
    seed_document["projects"][0]["overview"] = "一行目\r\n二行目\t続き"
    municipality = year_import(document=seed_document, by=None).municipality
    with scope(municipality=municipality):
        assert Project.objects.get(name=name).overview == "一行目\n二行目 続き"


def test_an_import_whose_cleaning_makes_two_names_equal_is_refused(db: Any, seed_document: Document) -> None:
    from shinchoku.interchange.validation import DocumentError

    seed_document["projects"][1]["name"] = seed_document["projects"][0]["name"] + "\u3000"
    with pytest.raises(DocumentError, match=r"projects\[1\]\.name: project .* appears twice"):
        year_import(document=seed_document, by=None)
    assert _counts() == (0, 0, 0)


def test_a_json_1e40_target_is_refused_with_its_path(db: Any, seed_document: Document) -> None:
    """In /2 the schema refuses "1e40"; in /1 (JSON numbers) the Quantity does, during the upgrade."""
    from shinchoku.interchange.document import FORMAT_V1
    from shinchoku.interchange.validation import DocumentError

    index = next(i for i, p in enumerate(seed_document["projects"]) if p["indicators"])
    indicator: Any = seed_document["projects"][index]["indicators"][0]
    indicator["targets"]["2025"] = "1e40"
    with pytest.raises(DocumentError, match=rf"projects\[{index}\]\.indicators\[0\]\.targets\.2025"):
        year_import(document=seed_document, by=None)

    old: Any = seed_document
    old["format"] = FORMAT_V1
    del old["report"]["status"]
    for project_doc in old["projects"]:
        for ind in project_doc["indicators"]:
            for key in ("targets", "actuals"):
                ind[key] = {fy: Decimal(v) for fy, v in ind[key].items()}
            for item in ind.get("target_history", []):
                item["value"] = Decimal(item["value"])
        for table in project_doc["result_tables"]:
            for row in [*table["rows"], *([table["total"]] if "total" in table else [])]:
                row["value"] = Decimal(row["value"])
    indicator["targets"]["2025"] = Decimal("1E+40")
    with pytest.raises(DocumentError, match=rf"projects\[{index}\]\.indicators\[0\]\.targets\.2025: 1E\+40 cannot be stored .*out of range"):
        year_import(document=old, by=None)
    assert _counts() == (0, 0, 0)


def test_the_seed_passes_the_boundary_unchanged(seed_document: Document) -> None:
    from shinchoku.interchange.cleaning import document_clean
    from shinchoku.interchange.validation import validate_document

    document = validate_document(seed_document)
    assert document_clean(document) == document

