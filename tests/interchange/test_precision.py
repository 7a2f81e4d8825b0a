"""Values keep their decimals through the exchange: /2 strings round trip, /1 numbers are read without float."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.services.imports import ImportRefused, year_import
from shinchoku.interchange.document import Document
from shinchoku.interchange.export import document_build
from shinchoku.interchange.load import DocumentError
from shinchoku.plans.models import IndicatorValue, ReportingYear, ResultTableRow, ValueKind
from shinchoku.tenancy.models import Municipality
from tests.conftest import empty_the_database

LINE = "LINEによる情報発信"
PAPER = "電子文書管理・電子決裁システム導入"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def with_two_decimals(seed: Document) -> Document:
    """The seed with values whose trailing zero matters: 16000.50, 31.70, a result table row of 2885.00."""
    doc = copy.deepcopy(seed)
    line = next(p for p in doc["projects"] if p["name"] == LINE)
    line["indicators"][0]["actuals"]["2023"] = "16000.50"
    line["indicators"][0]["targets"]["2024"] = "15000.00"
    paper = next(p for p in doc["projects"] if p["name"] == PAPER)
    paper["indicators"][0]["actuals"]["2023"] = "31.70"
    table = next(p for p in doc["projects"] if p["result_tables"])["result_tables"][0]
    table["rows"][0]["value"] = "2885.00"
    return doc


def to_v1_text(document: Document) -> str:
    """The document as a /1 file would carry it: the same digits, written as JSON numbers, and no
    ``report.status`` (a /1 file never had it: its year is published when ``report.published`` is set)."""
    doc = copy.deepcopy(document)
    doc["format"] = "shinchoku-report/1"
    doc["report"].pop("status", None)
    digits: list[str] = []

    def mark(value: str) -> str:  # a placeholder string, replaced by the bare digits once dumped
        digits.append(value)
        return f"@@{len(digits) - 1}@@"

    for project in doc["projects"]:
        for indicator in project["indicators"]:
            for key in ("targets", "actuals"):
                indicator[key] = {fy: mark(v) for fy, v in indicator[key].items()}  # type: ignore[literal-required]
            for item in indicator.get("target_history", []):
                item["value"] = mark(item["value"])
        for table in project["result_tables"]:
            for row in [*table["rows"], *([table["total"]] if "total" in table else [])]:
                row["value"] = mark(row["value"])
    text = json.dumps(doc, ensure_ascii=False)
    for i, value in enumerate(digits):
        text = text.replace(f'"@@{i}@@"', value)
    return text


def stored(municipality: Municipality, project: str, fiscal_year: int) -> tuple[str, int]:
    with scope(municipality=municipality):
        value = IndicatorValue.objects.get(
            indicator__project__name=project, kind=ValueKind.ACTUAL, fiscal_year=fiscal_year
        )
    return value.quantity.plain(), value.decimals


def test_it_exports_imports_and_exports_two_decimal_values_identically(db: None, seed_document: Document) -> None:
    first = year_import(by=None, document=with_two_decimals(seed_document)).municipality
    with scope(municipality=first):
        exported = document_build(municipality=first, fiscal_year=2023)
    line = next(p for p in exported["projects"] if p["name"] == LINE)
    assert line["indicators"][0]["actuals"]["2023"] == "16000.50"
    assert line["indicators"][0]["targets"]["2024"] == "15000.00"
    assert next(p for p in exported["projects"] if p["result_tables"])["result_tables"][0]["rows"][0]["value"] == "2885.00"

    empty_the_database()  # a fresh installation: the export is all there is
    again = year_import(by=None, document=json.loads(json.dumps(exported))).municipality
    with scope(municipality=again):
        assert document_build(municipality=again, fiscal_year=2023) == exported
    assert stored(again, LINE, 2023) == ("16000.50", 2)
    assert stored(again, PAPER, 2023) == ("31.70", 2)


def test_it_changes_nothing_when_the_same_two_decimal_document_is_loaded_again(
    db: None, seed_document: Document
) -> None:
    document = with_two_decimals(seed_document)
    year_import(by=None, document=copy.deepcopy(document))
    assert not year_import(by=None, document=copy.deepcopy(document)).changed


def test_it_counts_31_7_to_31_70_as_a_change(db: None, seed_document: Document) -> None:
    city = year_import(by=None, document=copy.deepcopy(seed_document)).municipality
    assert stored(city, PAPER, 2023) == ("31.7", 1)
    # The seed's year is published: a changed file is refused unless it replaces the publication ...
    with pytest.raises(ImportRefused):
        year_import(by=None, document=with_two_decimals(seed_document))
    assert stored(city, PAPER, 2023) == ("31.7", 1)
    # ... and 31.70 for 31.7 is such a change.
    result = year_import(by=None, document=with_two_decimals(seed_document), replace=True)
    assert result.changed and result.updated.get("indicator_value")
    assert stored(city, PAPER, 2023) == ("31.70", 2)
    with scope(municipality=city):
        assert list(ReportingYear.objects.get().publications.values_list("version", flat=True)) == [1, 2]


def test_it_imports_a_v1_file_keeping_the_decimals_of_its_numbers(
    db: None, tmp_path: Path, seed_document: Document
) -> None:
    path = tmp_path / "v1.json"
    path.write_text(to_v1_text(with_two_decimals(seed_document)), encoding="utf-8")
    assert '"2023": 16000.50' in path.read_text(encoding="utf-8")
    code, _, err = run("import-json", str(path))
    assert code == 0, err
    with scopes_disabled():
        city = Municipality.objects.get(name="柏崎市")
        row = ResultTableRow.objects.filter(is_total=False).order_by("table__report__project__position", "position").first()
    assert stored(city, LINE, 2023) == ("16000.50", 2)
    assert stored(city, PAPER, 2023) == ("31.70", 2)
    assert row is not None and (row.quantity.plain(), row.decimals) == ("2885.00", 2)
    # The /1 file and the /2 export of what it loaded carry the same facts.
    code, _, _ = run("export-json", "--municipality", "柏崎市", "--fiscal-year", "2023", "--out", str(tmp_path / "v2.json"))
    exported = json.loads((tmp_path / "v2.json").read_text(encoding="utf-8"))
    assert exported["format"] == "shinchoku-report/2"
    assert exported == with_two_decimals(seed_document) | {"format": "shinchoku-report/2"}


def test_it_imports_the_v1_seed_unchanged(db: None, tmp_path: Path, seed_document: Document) -> None:
    path = tmp_path / "v1.json"
    path.write_text(to_v1_text(seed_document), encoding="utf-8")
    assert run("import-json", str(path))[0] == 0
    with scopes_disabled():
        city = Municipality.objects.get(name="柏崎市")
    with scope(municipality=city):
        assert document_build(municipality=city, fiscal_year=2023) == seed_document
    assert stored(city, PAPER, 2023) == ("31.7", 1)


def test_it_refuses_a_v1_value_that_went_through_float(db: None, seed_document: Document) -> None:
    document = json.loads(to_v1_text(seed_document))  # plain json.loads: 31.7 becomes a float
    with pytest.raises(DocumentError) as refused:
        year_import(by=None, document=document)
    assert refused.value.where == "projects[3].indicators[1].actuals.2022"  # 1.1, the first decimal of the seed
    assert "parse_float=Decimal" in refused.value.message


@pytest.mark.parametrize("value", ["16,000.50", "1e5", "16000.5000000", 16000.5, "123456789012345"])
def test_it_refuses_a_v2_value_that_is_not_a_plain_decimal_string(
    db: None, seed_document: Document, value: object
) -> None:
    document = copy.deepcopy(seed_document)
    line_index = next(i for i, p in enumerate(document["projects"]) if p["name"] == LINE)
    document["projects"][line_index]["indicators"][0]["actuals"]["2023"] = value  # type: ignore[assignment]
    with pytest.raises(DocumentError) as refused:
        year_import(by=None, document=document)
    assert refused.value.where == f"projects[{line_index}].indicators[0].actuals.2023"
