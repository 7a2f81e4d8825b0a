"""Loading the seed document and exporting it again: idempotence, history, round trip, all-or-nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django_scopes import scope

from shinchoku.cycle.services.imports import year_import
from shinchoku.interchange.document import Document
from shinchoku.interchange.export import document_build
from shinchoku.interchange.validation import DocumentError, validate_document
from shinchoku.plans.models import (
    Indicator,
    IndicatorValue,
    Project,
    ProjectReport,
    ReportingYear,
    ReportState,
    ValueKind,
)
from shinchoku.tenancy.models import Municipality
from tests.conftest import empty_the_database


def table_counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for model in [*apps.get_app_config("plans").get_models(), *apps.get_app_config("tenancy").get_models()]:
        counts[model.__name__] = model.objects.with_scopes_disabled().count()
    return counts


def test_it_exports_what_it_loaded(kashiwazaki: Municipality, seed_document: Document) -> None:
    with scope(municipality=kashiwazaki):
        exported = document_build(municipality=kashiwazaki, fiscal_year=2023)
    assert exported == seed_document


def test_it_round_trips_through_json_into_an_empty_database(
    db: None, seed_document: Document, django_db_blocker: object
) -> None:
    first = year_import(by=None, document=seed_document).municipality
    with scope(municipality=first):
        exported = document_build(municipality=first, fiscal_year=2023)
    text = json.dumps(exported, ensure_ascii=False)
    empty_the_database()
    assert table_counts()["Project"] == 0
    again = year_import(by=None, document=json.loads(text)).municipality
    with scope(municipality=again):
        assert document_build(municipality=again, fiscal_year=2023) == exported


def test_it_changes_nothing_when_the_same_document_is_loaded_twice(
    kashiwazaki: Municipality, seed_document: Document
) -> None:
    before = table_counts()
    with scope(municipality=kashiwazaki):
        versions = dict(ProjectReport.objects.values_list("pk", "version"))
    result = year_import(by=None, document=seed_document)
    assert not result.changed, (result.created, result.updated)
    assert table_counts() == before
    with scope(municipality=kashiwazaki):
        assert dict(ProjectReport.objects.values_list("pk", "version")) == versions


def test_it_imports_a_published_report_as_a_published_year(kashiwazaki: Municipality) -> None:
    with scope(municipality=kashiwazaki):
        states = set(ProjectReport.objects.values_list("state", flat=True))
        year = ReportingYear.objects.get()
        publications = list(year.publications.all())
    assert states == {ReportState.APPROVED}
    assert year.is_published and [p.version for p in publications] == [1]
    assert publications[0].source == "import" and publications[0].document["report"]["status"] == "published"


def next_year_document(seed: Document) -> Document:
    """The seed moved one year on: FY2024 results with a raised target and a new actual."""
    doc = copy.deepcopy(seed)
    doc["report"]["fiscal_year"] = 2024
    doc["report"]["published"] = "2025-08"
    doc["report"]["title"] = doc["report"]["title"].replace("令和6（2024）", "令和7（2025）").replace(
        "令和5（2023）年度実績分", "令和6（2024）年度実績分"
    )
    doc["plan"]["revisions"].append({"date": "2024-12", "description": "目標指標を見直しました。"})
    line = next(p for p in doc["projects"] if p["name"] == "LINEによる情報発信")
    line["indicators"][0]["targets"]["2024"] = "18000"
    line["indicators"][0]["actuals"]["2024"] = "19123"
    line["grade"] = "B"
    line["results"] = ["FY2024の成果"]
    line["non_b_summary"] = []
    return doc


def test_it_adds_next_year_and_keeps_the_earlier_one(kashiwazaki: Municipality, seed_document: Document) -> None:
    year_import(by=None, document=next_year_document(seed_document))
    with scope(municipality=kashiwazaki):
        fy2023 = document_build(municipality=kashiwazaki, fiscal_year=2023)
        fy2024 = document_build(municipality=kashiwazaki, fiscal_year=2024)
        line = Indicator.objects.get(project__name="LINEによる情報発信")
        history = list(
            IndicatorValue.objects.filter(indicator=line, kind=ValueKind.TARGET, fiscal_year=2024).order_by("pk")
        )
    line2023 = next(p for p in fy2023["projects"] if p["name"] == "LINEによる情報発信")
    line2024 = next(p for p in fy2024["projects"] if p["name"] == "LINEによる情報発信")
    assert line2023["grade"] == "A"
    assert line2024["grade"] == "B"
    assert line2024["results"] == ["FY2024の成果"]
    assert line2024["indicators"][0]["targets"]["2024"] == "18000"
    assert line2024["indicators"][0]["actuals"]["2024"] == "19123"
    # The raised target keeps the original value in history, attached to no revision (as adopted).
    assert [(v.quantity.plain(), v.revision and f"{v.revision.revised_on:%Y-%m}") for v in history] == [
        ("15000", None),
        ("18000", "2024-12"),
    ]
    assert line2024["indicators"][0]["target_history"] == [{"fiscal_year": 2024, "value": "15000", "revision": None}]


def test_it_round_trips_target_history(kashiwazaki: Municipality, seed_document: Document) -> None:
    year_import(by=None, document=next_year_document(seed_document))
    with scope(municipality=kashiwazaki):
        exported = document_build(municipality=kashiwazaki, fiscal_year=2024)
    empty_the_database()
    again = year_import(by=None, document=copy.deepcopy(exported)).municipality
    with scope(municipality=again):
        assert document_build(municipality=again, fiscal_year=2024) == exported


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["projects"][3].__setitem__("grade", "Z"), "projects[3].grade"),
        (lambda d: d["projects"][0].__setitem__("pillar", "存在しない柱"), "projects[0].pillar"),
        (lambda d: d["projects"][0].__setitem__("policy", "存在しない施策"), "projects[0].policy"),
        (lambda d: d["projects"][1]["indicators"].append({"name": "x"}), "projects[1].indicators[0]"),
        (lambda d: d.__setitem__("format", "other/9"), "format"),
        (lambda d: d["plan"].__setitem__("adopted", "2021-13"), "plan.adopted"),
        (lambda d: d["projects"][5].__setitem__("departments", []), "projects[5].departments"),
    ],
)
def test_it_refuses_an_inconsistent_document_and_writes_nothing(
    db: None, seed_document: Document, mutate: object, where: str
) -> None:
    mutate(seed_document)  # type: ignore[operator]
    with pytest.raises(DocumentError) as excinfo:
        year_import(by=None, document=seed_document)
    assert excinfo.value.where.startswith(where.split("[")[0])
    assert table_counts()["Project"] == 0
    assert table_counts()["Municipality"] == 0


def test_it_rolls_back_a_load_that_fails_half_way(db: None, seed_document: Document) -> None:
    # Valid by schema and references, but the last project collides with a database constraint
    # (a name over the column limit is caught only by the database on PostgreSQL, so use a duplicate
    # department link instead, which every backend refuses).
    seed_document["projects"][-1]["departments"] = ["農林水産課", "農林水産課"]
    with pytest.raises(Exception):  # noqa: B017 - any database error; what matters is what is left behind
        year_import(by=None, document=seed_document)
    assert table_counts()["Project"] == 0


def test_it_validates_the_seed_document_against_the_schema(seed_document: Document) -> None:
    validate_document(seed_document)


def test_it_keeps_another_municipality_apart(kashiwazaki: Municipality, seed_document: Document) -> None:
    seed_document["municipality"] = "長岡市"
    other = year_import(by=None, document=seed_document).municipality
    with scope(municipality=kashiwazaki):
        assert Project.objects.count() == len(seed_document["projects"])
        assert not Project.objects.filter(plan__municipality=other).exists()
    with scope(municipality=other):
        assert {p.plan.municipality_id for p in Project.objects.select_related("plan")} == {other.pk}


def test_it_round_trips_every_year_of_the_plan(kashiwazaki: Municipality) -> None:
    """Export → import of every year (FY2021 … FY2025) into an empty municipality → the same exports."""
    with scope(municipality=kashiwazaki):
        exported = {fy: document_build(municipality=kashiwazaki, fiscal_year=fy) for fy in range(2021, 2026)}
    for document in exported.values():
        copied = copy.deepcopy(document)
        copied["municipality"] = "見附市"
        year_import(by=None, document=copied)
    mitsuke = Municipality.objects.with_scopes_disabled().get(name="見附市")
    with scope(municipality=mitsuke):
        again = {fy: document_build(municipality=mitsuke, fiscal_year=fy) for fy in range(2021, 2026)}
        states = {y.fiscal_year: y.state for y in ReportingYear.objects.all()}
    for fy, document in exported.items():
        assert {**again[fy], "municipality": "柏崎市"} == document, fy
    assert states == {2021: "imported", 2022: "imported", 2023: "published", 2024: "imported", 2025: "imported"}
