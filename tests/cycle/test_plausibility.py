"""Plausibility warnings (shinchoku.cycle.plausibility): pure functions, warnings never errors."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shinchoku.cycle.plausibility import (
    change_warning,
    negative_count_warning,
    rate_warning,
    share_warning,
    warnings_for,
)

decimals = st.decimals(min_value=-10**6, max_value=10**6, places=1, allow_nan=False, allow_infinity=False)


def codes(**kwargs: object) -> list[str]:
    return [w.code for w in warnings_for(**kwargs)]  # type: ignore[arg-type]


def test_it_flags_the_issue_examples() -> None:
    # １２３４ on a % indicator (target 70): 1,762.9 % and a share above 100.
    assert codes(actual=Decimal("1234"), unit="%", rate=Decimal("1762.9")) == ["rate_high", "share_over_100"]
    # -5 people: a negative count and a negative rate.
    assert codes(actual=Decimal("-5"), unit="人", rate=Decimal("-0.1")) == ["rate_negative", "negative_count"]
    # 100 on a 5-point scale: 2,857 %.
    assert codes(actual=Decimal("100"), unit="点", rate=Decimal("2857.1")) == ["rate_high"]


def test_it_keeps_quiet_on_plausible_values() -> None:
    assert codes(actual=Decimal("16608"), unit="人", rate=Decimal("110.7"), last_actual=Decimal("11768")) == []
    assert codes(actual=Decimal("100"), unit="%", rate=Decimal("125.0")) == []
    assert rate_warning(Decimal("150")) is None and rate_warning(None) is None
    assert share_warning(Decimal("100"), "%") is None and share_warning(Decimal("120"), "人") is None
    assert negative_count_warning(Decimal("-1"), "℃") is None  # not a count


def test_it_flags_more_than_threefold_change_either_way() -> None:
    assert change_warning(Decimal("31"), Decimal("10")) is not None
    assert change_warning(Decimal("30"), Decimal("10")) is None
    assert change_warning(Decimal("3"), Decimal("10")) is not None
    assert change_warning(Decimal("10"), Decimal("30")) is None  # exactly a third: not more than ×3
    assert change_warning(Decimal("0"), Decimal("10")) is not None
    assert change_warning(Decimal("5"), Decimal("0")) is None  # no ratio from zero
    assert change_warning(Decimal("5"), None) is None


@given(actual=decimals, last=decimals)
def test_the_change_rule_is_symmetric(actual: Decimal, last: Decimal) -> None:
    if actual != 0 and last != 0:
        assert (change_warning(actual, last) is None) == (change_warning(last, actual) is None)


@given(rate=st.decimals(min_value=0, max_value=150, places=1, allow_nan=False))
def test_no_rate_between_0_and_150_is_flagged(rate: Decimal) -> None:
    assert rate_warning(rate) is None


@given(actual=decimals)
def test_a_share_is_flagged_exactly_above_100(actual: Decimal) -> None:
    assert (share_warning(actual, "%") is not None) == (actual > 100)
    assert (negative_count_warning(actual, "件") is not None) == (actual < 0)
