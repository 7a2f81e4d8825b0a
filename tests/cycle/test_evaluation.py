"""The evaluation rules (cycle/evaluation.py) on plain numbers, on other scales, and on the seed's actuals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.cycle.evaluation import (
    GradeScale,
    Thresholds,
    achievement_rate,
    schedule_item_grade,
    suggest_item_grade,
    suggest_overall_grade,
)
from shinchoku.cycle.models import ItemEvaluation, ItemKind
from shinchoku.plans.models import Direction, GradeDefinition, ScheduleStatus

from .conftest import AI_RPA, DENSHI_KESSAI, LINE, ONLINE, report_of


def scale(*codes: str, as_planned: str = "B", not_evaluable: str = "") -> list[GradeDefinition]:
    return [
        GradeDefinition(
            pk=i + 1, code=code, description="評価不能" if code == not_evaluable else code, position=i,
            as_planned=code == as_planned,
        )
        for i, code in enumerate(codes)
    ]


ABCD = scale("A", "B", "C", "D")


def code(grade: GradeDefinition | None) -> str | None:
    return grade.code if grade else None


@pytest.mark.parametrize(
    ("actual", "target", "direction", "rate"),
    [
        ("16608", "14000", Direction.HIGHER, "118.6"),  # LINE
        ("31.7", "60", Direction.HIGHER, "52.8"),  # 電子決裁
        ("650.4", "800", Direction.HIGHER, "81.3"),  # AI・RPA
        ("32", "60", Direction.HIGHER, "53.3"),  # 行政手続のオンライン化
        ("80", "100", Direction.LOWER, "125.0"),  # lower is better: target / actual
        ("1", "0", Direction.HIGHER, None),  # no rate from a zero target
        (None, "60", Direction.HIGHER, None),
        ("60", None, Direction.HIGHER, None),
    ],
)
def test_it_computes_the_achievement_rate(actual: str | None, target: str | None, direction: str, rate: str | None) -> None:
    result = achievement_rate(
        actual=Decimal(actual) if actual else None, target=Decimal(target) if target else None, direction=direction
    )
    assert result == (Decimal(rate) if rate else None)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("118.6", "A"), ("115.0", "A"), ("114.9", "B"), ("81.3", "B"), ("80.0", "B"), ("79.9", "C"), ("52.8", "C"),
     ("50.0", "C"), ("49.9", "D"), ("0", "D"), (None, None)],
)
def test_it_grades_an_item_by_the_default_thresholds(rate: str | None, expected: str | None) -> None:
    assert code(suggest_item_grade(rate=Decimal(rate) if rate else None, scale=ABCD)) == expected


def test_it_uses_the_municipalitys_thresholds() -> None:
    strict = Thresholds(a_min=Decimal("120"), b_min=Decimal("90"), c_min=Decimal("60"))
    assert code(suggest_item_grade(rate=Decimal("118.6"), scale=ABCD, thresholds=strict)) == "B"
    assert code(suggest_item_grade(rate=Decimal("81.3"), scale=ABCD, thresholds=strict)) == "C"


@pytest.mark.parametrize(
    ("status", "expected"),
    [(ScheduleStatus.AHEAD, "A"), (ScheduleStatus.ON_SCHEDULE, "B"), (ScheduleStatus.BEHIND, "C"),
     (ScheduleStatus.RECONSIDER, "D"), ("", None)],
)
def test_it_grades_the_schedule_item(status: str, expected: str | None) -> None:
    assert code(schedule_item_grade(schedule_status=status, scale=ABCD)) == expected


def grades(*codes: str | None) -> list[GradeDefinition | None]:
    by_code = {g.code: g for g in ABCD}
    return [by_code[c] if c else None for c in codes]


@pytest.mark.parametrize(
    ("status", "indicators", "expected"),
    [
        (ScheduleStatus.ON_SCHEDULE, ["A"], "A"),  # LINE: the indicator leads
        (ScheduleStatus.ON_SCHEDULE, ["C"], "C"),  # 電子決裁
        (ScheduleStatus.ON_SCHEDULE, ["B"], "B"),  # AI・RPA
        (ScheduleStatus.ON_SCHEDULE, ["C", "B"], "C"),  # 行政手続のオンライン化: a tie goes to the worse grade
        (ScheduleStatus.ON_SCHEDULE, ["B", "B"], "B"),  # 電子チケット
        (ScheduleStatus.ON_SCHEDULE, ["A", "B", "B"], "B"),  # mean 1.67 → B
        (ScheduleStatus.AHEAD, ["B"], "B"),  # ahead of schedule does not outweigh a measured B
        (ScheduleStatus.BEHIND, ["A"], "C"),  # a late schedule caps the suggestion
        (ScheduleStatus.RECONSIDER, ["B"], "D"),
        (ScheduleStatus.AHEAD, [], "A"),  # no indicator: the schedule decides
        (ScheduleStatus.ON_SCHEDULE, [None], "B"),  # an indicator without a rate is not counted
        ("", [None], None),  # nothing to go on: no suggestion
    ],
)
def test_it_combines_items_into_one_suggestion(status: str, indicators: list[str | None], expected: str | None) -> None:
    assert code(suggest_overall_grade(schedule_status=status, indicator_grades=grades(*indicators), scale=ABCD)) == expected


def test_it_maps_by_position_onto_other_scales() -> None:
    # S/A/B/C with B as planned: band A → A (S stays a human decision), band D → C (the scale's worst).
    sabc = scale("S", "A", "B", "C", as_planned="B")
    assert code(suggest_item_grade(rate=Decimal("120"), scale=sabc)) == "A"
    assert code(suggest_item_grade(rate=Decimal("10"), scale=sabc)) == "C"
    # Codes that are not letters, no as-planned grade: band i → the i-th grade.
    words = scale("優", "良", "可", "不可", as_planned="")
    assert code(suggest_item_grade(rate=Decimal("90"), scale=words)) == "良"
    assert code(suggest_overall_grade(schedule_status="", indicator_grades=[words[1], words[2]], scale=words)) == "可"


def test_it_never_suggests_a_cannot_evaluate_grade() -> None:
    with_na = scale("A", "B", "C", "D", "-", not_evaluable="-")
    grade_scale = GradeScale(with_na)
    assert [g.code for g in grade_scale.evaluable] == ["A", "B", "C", "D"]
    assert suggest_item_grade(rate=None, scale=with_na) is None  # no target or no actual: no suggestion
    assert code(suggest_item_grade(rate=Decimal("10"), scale=with_na)) == "D"
    # A person may still choose it; it then counts as "no grade" for the overall suggestion.
    assert code(suggest_overall_grade(schedule_status=ScheduleStatus.ON_SCHEDULE, indicator_grades=[with_na[4]], scale=with_na)) == "B"


@pytest.mark.parametrize(
    ("name", "rates", "suggested"),
    [(LINE, ["118.6"], "A"), (DENSHI_KESSAI, ["52.8"], "C"), (AI_RPA, ["81.3"], "B"), (ONLINE, ["53.3", "82.0"], "C")],
)
def test_it_reproduces_the_seed(year_2023: Any, name: str, rates: list[str], suggested: str) -> None:
    """On the seed's own numbers the suggestion matches the published grade — except 行政手続のオンライン化,
    published B although its items are C and B: the case where HQ must write a rationale."""
    from shinchoku.cycle.services import report_save

    with scope(municipality=year_2023.municipality_id):
        report = report_of(name, 2023)
    report = report_save(report=report, by=None, expected_version=report.version, schedule_status=ScheduleStatus.ON_SCHEDULE)
    with scope(municipality=year_2023.municipality_id):
        items = ItemEvaluation.objects.filter(report=report, kind=ItemKind.INDICATOR).order_by("position")
        assert [str(i.achievement_rate) for i in items] == rates
        assert report.suggested_grade.code == suggested
