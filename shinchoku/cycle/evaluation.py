"""The one place a grade is suggested. Pure functions: no queries, no writes (docs/evaluation.md explains them).

1. Achievement rate (達成率) of an indicator: ``actual / target × 100`` (direction "lower": ``target / actual``),
   rounded half-up to one decimal — the number users see is the number that is graded.
2. Item grade from the rate and the municipality's thresholds (defaults A ≥ 115 %, B ≥ 80 %, C ≥ 50 %,
   D below). No target, no actual, or a zero denominator → no suggestion (None).
3. Schedule item from the department's schedule status: ahead → A, on schedule → B, behind → C,
   reconsider → D.
4. Overall suggestion — the indicators lead, a late schedule caps:
   a. the rounded mean of the indicator item grades (A=1 … D=4), a tie (x.5) rounded toward the worse grade;
   b. if the schedule item is worse than "as planned" (behind / reconsider), the suggestion is never better
      than the schedule item;
   c. with no gradable indicator, the schedule item alone decides; with neither, no suggestion.
   Why: 柏崎市 manages on outputs (アウトプットをベース), so measured indicators outweigh a self-assessed
   schedule, but a project behind schedule must not be reported as on track. Rounding ties toward the worse
   grade keeps a missed target from being hidden by another met one (行政手続のオンライン化: C and B → C, so HQ's
   final B needs a written reason). This reproduces the seed's grades wherever numbers exist: LINE 119 % → A,
   電子決裁 53 % → C, AI・RPA 81 % → B, 電子チケット 110 %/100 % → B, ICT 106 % → B, スマート農業 109 % → B.
   (The mean of all items with the schedule counted fails the seed: LINE would be B or 電子決裁 B.)

Grades are computed on *bands* 0..3 (A..D) and mapped onto the municipality's own scale by position, anchored
on its "as planned" grade when it has one (band B = the as-planned grade, A the one before it, C and D after
it, clamped to the scale); without one, band i is the scale's i-th grade. A grade whose code or description
says it cannot be evaluated (評価不能 and the like) is never suggested and never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shinchoku.plans.models import Direction, GradeDefinition, ScheduleStatus

# Bands: the internal four-step scale every municipality's grades are mapped onto.
BAND_A, BAND_B, BAND_C, BAND_D = 0, 1, 2, 3

SCHEDULE_BANDS: dict[str, int] = {
    ScheduleStatus.AHEAD: BAND_A,
    ScheduleStatus.ON_SCHEDULE: BAND_B,
    ScheduleStatus.BEHIND: BAND_C,
    ScheduleStatus.RECONSIDER: BAND_D,
}

# Words that mark a "cannot evaluate" step of a scale; such a grade is chosen by people, never suggested.
NOT_EVALUABLE_MARKERS = ("評価不能", "評価できない", "判定不能", "評価対象外", "評価なし", "対象外", "—", "－")

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds in percent; a rate ≥ a_min is A, ≥ b_min B, ≥ c_min C, else D."""

    a_min: Decimal = Decimal("115")
    b_min: Decimal = Decimal("80")
    c_min: Decimal = Decimal("50")

    @classmethod
    def of(cls, stored: object | None) -> Thresholds:
        """From an EvaluationThresholds row (or None → the defaults)."""
        if stored is None:
            return cls()
        return cls(a_min=stored.a_min, b_min=stored.b_min, c_min=stored.c_min)  # type: ignore[attr-defined]


DEFAULT_THRESHOLDS = Thresholds()


def is_not_evaluable(grade: GradeDefinition) -> bool:
    text = f"{grade.code} {grade.description}"
    return any(marker in text for marker in NOT_EVALUABLE_MARKERS)


class GradeScale:
    """A municipality's grades in order (first = best), with the band ↔ grade mapping described above."""

    def __init__(self, grades: Iterable[GradeDefinition]) -> None:
        ordered = sorted(grades, key=lambda g: (g.position, g.pk or 0))
        self.all = ordered
        self.evaluable = [g for g in ordered if not is_not_evaluable(g)]
        anchor = next((i for i, g in enumerate(self.evaluable) if g.as_planned), None)
        # Offset so that band B lands on the as-planned grade (or band i on grade i without one).
        self._offset = (anchor - BAND_B) if anchor is not None else 0

    def __bool__(self) -> bool:
        return bool(self.evaluable)

    def grade_for(self, band: int | None) -> GradeDefinition | None:
        if band is None or not self.evaluable:
            return None
        index = min(max(band + self._offset, 0), len(self.evaluable) - 1)
        return self.evaluable[index]

    def band_of(self, grade: GradeDefinition | None) -> int | None:
        """The band of a grade of this scale (None for no grade or a not-evaluable one)."""
        if grade is None:
            return None
        for index, candidate in enumerate(self.evaluable):
            if candidate.pk == grade.pk if grade.pk is not None else candidate is grade:
                return min(max(index - self._offset, BAND_A), BAND_D)
        return None


def _as_scale(scale: GradeScale | Sequence[GradeDefinition]) -> GradeScale:
    return scale if isinstance(scale, GradeScale) else GradeScale(scale)


def achievement_ratio(*, actual: Decimal | None, target: Decimal | None, direction: str = Direction.HIGHER) -> Decimal | None:
    """Unrounded achieved fraction (1.186 for 118.6 %); None when it cannot be computed.

    "higher is better": actual / target; "lower is better": target / actual. A zero denominator gives None:
    a target of 0 (or a "lower" actual of 0) cannot be expressed as a rate, so HQ decides.
    """
    if actual is None or target is None:
        return None
    numerator, denominator = (target, actual) if direction == Direction.LOWER else (actual, target)
    if denominator == 0:
        return None
    try:
        return Decimal(numerator) / Decimal(denominator)
    except InvalidOperation:
        return None


def achievement_rate(*, actual: Decimal | None, target: Decimal | None, direction: str = Direction.HIGHER) -> Decimal | None:
    """Percent achieved, one decimal (ROUND_HALF_UP), as graded and shown to HQ; None when it cannot be computed."""
    ratio = achievement_ratio(actual=actual, target=target, direction=direction)
    return None if ratio is None else (ratio * 100).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def band_for_rate(rate: Decimal | None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> int | None:
    if rate is None:
        return None
    if rate >= thresholds.a_min:
        return BAND_A
    if rate >= thresholds.b_min:
        return BAND_B
    if rate >= thresholds.c_min:
        return BAND_C
    return BAND_D


def suggest_item_grade(
    *,
    rate: Decimal | None,
    scale: GradeScale | Sequence[GradeDefinition],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> GradeDefinition | None:
    """The suggested grade of one indicator item, from its achievement rate (None → no suggestion)."""
    return _as_scale(scale).grade_for(band_for_rate(rate, thresholds))


def schedule_item_grade(
    *, schedule_status: str, scale: GradeScale | Sequence[GradeDefinition]
) -> GradeDefinition | None:
    """The grade of the schedule item: ahead → A, on schedule → B, behind → C, reconsider → D."""
    return _as_scale(scale).grade_for(SCHEDULE_BANDS.get(schedule_status))


def combine_bands(*, schedule_band: int | None, indicator_bands: Sequence[int | None]) -> int | None:
    """Rule 4 on bands (see the module docstring)."""
    bands = [b for b in indicator_bands if b is not None]
    if bands:
        # floor(mean + 0.5) in integers: the mean rounded, a tie going to the worse (higher) band.
        overall = (2 * sum(bands) + len(bands)) // (2 * len(bands))
        if schedule_band is not None and schedule_band > BAND_B:
            overall = max(overall, schedule_band)
        return overall
    return schedule_band


def suggest_overall_grade(
    *,
    schedule_status: str,
    indicator_grades: Sequence[GradeDefinition | None],
    scale: GradeScale | Sequence[GradeDefinition],
) -> GradeDefinition | None:
    """The overall suggestion from the schedule status and the indicator items' grades (None = ungraded).

    The services pass the items' *rule* grades (ItemEvaluation.suggested_grade), so a person's item override
    cannot move the suggestion that a differing final grade must be justified against.
    """
    grade_scale = _as_scale(scale)
    band = combine_bands(
        schedule_band=SCHEDULE_BANDS.get(schedule_status),
        indicator_bands=[grade_scale.band_of(g) for g in indicator_grades],
    )
    return grade_scale.grade_for(band)
