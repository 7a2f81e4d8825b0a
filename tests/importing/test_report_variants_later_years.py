"""Variants of the later years' reports of the seed's form (``later_years.py``): conversions, page breaks and the
other ways a report writes an actual beside a text-form target. The facts themselves are in
``test_later_years.py``; the seed's own variants in ``test_report_variants.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shinchoku.importing import parse_report
from shinchoku.importing.sheets import NUMBER_EXPECTED
from shinchoku.interchange.document import Document
from shinchoku.interchange.validation import validate_document
from tests.importing.later_years import (
    INDUSTRY_WITH_ACTUALS,
    rewrite_as_fy2024_results,
    rewrite_as_fy2025_final,
)
from tests.importing.test_report_variants import (
    WHITESPACE_VARIANTS,
    fails,
    line_no,
    parse,
    project,
    sub,
    text,
)

__all__ = ["text"]  # the seed's text fixture, shared with the seed's variants

INDUSTRY = "産業のDXを実践するデジタル人材の育成・企業づくり"
LATER_YEARS: dict[str, Callable[[str], str]] = {
    "fy2024_results": rewrite_as_fy2024_results,
    "fy2025_final": rewrite_as_fy2025_final,
}


@pytest.mark.parametrize("year", sorted(LATER_YEARS))
@pytest.mark.parametrize("name", ["crlf", "bom_and_crlf", "trailing_tabs_stripped", "blank_lines_doubled"])
def test_it_reads_a_later_years_report_through_whitespace_variants(text: str, year: str, name: str) -> None:
    later = LATER_YEARS[year](text)
    expected = parse_report(later, source="variant")
    found = parse_report(WHITESPACE_VARIANTS[name](later), source="variant")
    assert found.document == expected.document
    # Doubling blank lines moves every line; the warnings follow their text.
    assert [w.message for w in found.warnings] == [w.message for w in expected.warnings]


def _industry_actuals(doc: Document) -> list[tuple[dict[str, str], str | None]]:
    return [(i["actuals"], i["note"]) for i in project(doc, INDUSTRY)["indicators"]]


@pytest.mark.parametrize(
    ("written", "actual", "note"),
    [
        ("20件以上（実績：32件）", {"2025": "32"}, None),
        ("20件以上（実績 32件）", {"2025": "32"}, None),
        ("20件以上(実績値:32件)", {"2025": "32"}, None),
        ("20件以上（令和7（2025）年度実績：32件）", {"2025": "32"}, None),
        ("20件以上（R6(2024)年度実績：32件）", {"2024": "32"}, None),
        ("20件以上（３２件）", {"2025": "32"}, None),
        ("20件以上（32件・達成）", {"2025": "32"}, "実績：達成"),
        ("20件以上（達成）", {}, "実績：達成"),
        ("20件以上（未達成）", {}, "実績：未達成"),
        ("20件以上 ⇒ 32件", {"2025": "32"}, None),
        ("20件以上 → 32 件（一部達成）", {"2025": "32"}, "実績：一部達成"),
        ("目標：20件以上、実績：32件", {"2025": "32"}, None),
        ("目標値 20件以上 ／ 実績値 1, 032件", {"2025": "1032"}, None),
    ],
)
def test_it_reads_other_ways_of_writing_an_actual_beside_a_target(
    text: str, written: str, actual: dict[str, str], note: str | None
) -> None:
    later = rewrite_as_fy2025_final(text)
    variant = sub(later, "相談件数 20件以上（実績：32件）", "相談件数 " + written)
    found = parse_report(variant, source="variant")
    validate_document(found.document)
    assert _industry_actuals(found.document)[0] == (actual, note)
    assert _industry_actuals(found.document)[1:] == _industry_actuals(
        parse_report(later, source="variant").document
    )[1:]
    assert len(found.warnings) == 2


def test_it_reads_a_row_of_actuals_labelled_with_its_year(text: str) -> None:
    later = rewrite_as_fy2025_final(text)
    variant = sub(later, "\n実績\t令和7（2025）年度末時点の実績は次のとおりです。 ", "\nR7(2025)年度実績\t")
    doc = parse(variant)
    online = project(doc, "ウェブ会議の仕組みを利用した取組の拡充")["indicators"][0]
    assert online["actuals"] == {"2025": "12"}


def test_it_reads_actuals_under_a_page_break_in_the_targets(text: str) -> None:
    later = rewrite_as_fy2025_final(text)
    split = INDUSTRY_WITH_ACTUALS.replace(" ・職業能力", "\t\t\t\t\n\n- 31 -\n\n\t・職業能力")
    variant = sub(later, INDUSTRY_WITH_ACTUALS, split)
    expected = parse_report(later, source="variant")
    found = parse_report(variant, source="variant")
    assert found.document == expected.document
    assert [w.message for w in found.warnings] == [w.message for w in expected.warnings]
    assert found.warnings[1].line == line_no(variant, "\t・職業能力")


def test_it_still_rejects_an_actuals_row_with_a_value_that_is_not_a_number(text: str) -> None:
    later = rewrite_as_fy2024_results(text)
    bad = sub(later, "\t実績\t—\t31%\t32%\t41%\t", "\t実績\t—\t31%\t32%\t集計中\t")
    e = fails(bad)
    assert (e.line, e.expected, e.found) == (line_no(bad, "\t実績\t—\t31%\t32%\t集計中"), NUMBER_EXPECTED, "集計中")
