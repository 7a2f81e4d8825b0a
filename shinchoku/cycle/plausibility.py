"""Plausibility warnings on an indicator's actual value. Pure functions: no queries, no writes.

These are warnings, never errors: the department may have a real reason (a one-off event, a changed count
method), so the value is saved as entered and the warning is shown to the department after the save and
flagged to HQ beside the suggestion. What is flagged, and why:

1. Achievement rate above 150 % (``RATE_HIGH``) or below 0 %. A target is set to be reachable; half again
   above it is far more often a typo (an extra digit, ``１２３４`` for ``12.34``) or the wrong unit than a
   real over-achievement, and such a rate alone lifts the suggestion to A. A negative rate means a negative
   actual or target, which no indicator of the plan has.
2. A negative count. Counts (persons, cases, times, …: ``COUNT_UNITS``) cannot be below zero; ``-5`` is a
   stray minus sign.
3. A share above 100 %. An indicator whose unit is ``%`` is a share (電子化率, 利用率) and cannot exceed
   100; ``1234`` is a value typed in the wrong unit.
4. More than ×3 change from last year's actual (``CHANGE_FACTOR``), up or down. Cumulative and yearly
   counts of the plan change by tens of percent a year; a factor of three is a change of the count method
   or a slipped digit, and it should be explained. Not checked when last year's actual is 0 (any change is
   infinite) or missing.

Each check returns a Japanese message for the department and HQ; ``warnings_for`` returns them in the
order above.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RATE_HIGH = Decimal("150")
RATE_LOW = Decimal("0")
SHARE_MAX = Decimal("100")
CHANGE_FACTOR = Decimal("3")
SHARE_UNITS = frozenset({"%", "％"})
COUNT_UNITS = frozenset({"人", "件", "回", "個", "台", "校", "社", "者", "団体", "箇所", "か所", "ヶ所", "施設", "世帯", "本", "枚", "冊", "戸"})


@dataclass(frozen=True)
class PlausibilityWarning:
    code: str  # rate_high / rate_negative / negative_count / share_over_100 / large_change
    message: str


def _n(value: Decimal) -> str:
    """A value as users type it: 60,000 and 31.7, not 60000.000000 (the stored precision)."""
    return f"{value.normalize():,f}"


def is_share(unit: str) -> bool:
    return unit.strip() in SHARE_UNITS


def is_count(unit: str) -> bool:
    return unit.strip() in COUNT_UNITS


def rate_warning(rate: Decimal | None) -> PlausibilityWarning | None:
    if rate is None:
        return None
    if rate > RATE_HIGH:
        return PlausibilityWarning("rate_high", f"達成率が{_n(rate)}％で、150％を超えています。値の桁や単位を確認してください。")
    if rate < RATE_LOW:
        return PlausibilityWarning("rate_negative", f"達成率が{_n(rate)}％で、0％未満です。値を確認してください。")
    return None


def negative_count_warning(actual: Decimal | None, unit: str) -> PlausibilityWarning | None:
    if actual is None or actual >= 0 or not is_count(unit):
        return None
    return PlausibilityWarning("negative_count", f"実績が{_n(actual)}{unit}で、負の数です。件数・人数は0以上です。")


def share_warning(actual: Decimal | None, unit: str) -> PlausibilityWarning | None:
    if actual is None or not is_share(unit) or actual <= SHARE_MAX:
        return None
    return PlausibilityWarning("share_over_100", f"割合（％）の実績が{_n(actual)}％で、100％を超えています。単位を確認してください。")


def change_warning(actual: Decimal | None, last_actual: Decimal | None) -> PlausibilityWarning | None:
    if actual is None or last_actual is None or last_actual == 0:
        return None
    # Multiplied, not divided: exact in Decimal, so ×3 up and ÷3 down are the same rule.
    if abs(actual) > CHANGE_FACTOR * abs(last_actual) or CHANGE_FACTOR * abs(actual) < abs(last_actual):
        return PlausibilityWarning(
            "large_change", f"前年度の実績（{_n(last_actual)}）から3倍を超えて変化しています（今年度 {_n(actual)}）。理由を確認してください。"
        )
    return None


def warnings_for(
    *, actual: Decimal | None, unit: str, rate: Decimal | None, last_actual: Decimal | None = None
) -> list[PlausibilityWarning]:
    """Every warning on one indicator's actual, in the docstring's order (empty: nothing to flag)."""
    found = [
        rate_warning(rate),
        negative_count_warning(actual, unit),
        share_warning(actual, unit),
        change_warning(actual, last_actual),
    ]
    return [w for w in found if w is not None]
