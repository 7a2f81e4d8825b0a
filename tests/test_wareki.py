"""Fiscal years and era years (shinchoku.wareki). Pure functions: no database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shinchoku import wareki
from shinchoku.wareki import (
    HEISEI,
    REIWA,
    SHOWA,
    STYLES,
    era_calendar_year,
    era_fiscal_year,
    era_of,
    era_on,
    find_fiscal_years,
    fiscal_year_bounds,
    fiscal_year_of,
    format_calendar_year,
    format_date,
    format_fiscal_year,
    format_year_month,
    parse_fiscal_year,
    parse_year_month,
)

# ------------------------------------------------------------------------------------------ fiscal years


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2024, 3, 31), 2023),
        (date(2024, 4, 1), 2024),
        (date(2023, 4, 1), 2023),
        (date(2024, 1, 1), 2023),
        (date(2023, 12, 31), 2023),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
    ],
)
def test_it_finds_the_fiscal_year_of_a_day(day: date, fy: int) -> None:
    assert fiscal_year_of(day) == fy


def test_it_gives_the_bounds_of_a_fiscal_year() -> None:
    assert fiscal_year_bounds(2023) == (date(2023, 4, 1), date(2024, 3, 31))
    assert fiscal_year_bounds(2019) == (date(2019, 4, 1), date(2020, 3, 31))


def test_it_tells_the_current_fiscal_year_from_an_injected_today() -> None:
    assert wareki.current_fiscal_year(today=date(2025, 2, 1)) == 2024


@given(st.dates(min_value=date(1927, 1, 1), max_value=date(2100, 12, 31)))
def test_it_puts_every_day_inside_its_fiscal_year(day: date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(day))
    assert first <= day <= last


# ------------------------------------------------------------------------------------------ era boundaries


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 4, 30), ("平成", 31)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(2024, 8, 1), ("令和", 6)),
    ],
)
def test_it_names_the_era_of_a_day_at_the_boundaries(day: date, expected: tuple[str, int]) -> None:
    assert era_of(day) == expected


def test_it_refuses_days_before_showa() -> None:
    with pytest.raises(ValueError, match="before the 昭和 era"):
        era_on(date(1926, 12, 24))


def test_it_names_calendar_years_by_the_era_in_force_at_year_end() -> None:
    assert era_calendar_year(2019) == (REIWA, 1)
    assert era_calendar_year(2018) == (HEISEI, 30)
    assert era_calendar_year(1989) == (HEISEI, 1)
    assert era_calendar_year(1988) == (SHOWA, 63)
    assert wareki.era_year(2024) == (REIWA, 6)


def test_it_names_fiscal_years_as_the_documents_do() -> None:
    assert era_fiscal_year(2019) == (REIWA, 1)  # 令和元年度, although April 2019 was Heisei
    assert era_fiscal_year(2018) == (HEISEI, 30)
    assert era_fiscal_year(1989) == (HEISEI, 1)  # 平成元年度
    assert era_fiscal_year(1988) == (SHOWA, 63)  # 昭和63年度, although it ended in Heisei


def test_it_refuses_years_before_showa() -> None:
    with pytest.raises(ValueError, match="1925"):
        format_fiscal_year(1925)


# ------------------------------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("fy", "style", "text"),
    [
        (2023, "long", "令和5（2023）年度"),
        (2023, "short", "R5(2023)年度"),
        (2023, "short_fullwidth", "R5（2023）年度"),
        (2019, "long", "令和元（2019）年度"),
        (2019, "short", "R1(2019)年度"),
        (2018, "long", "平成30（2018）年度"),
        (2018, "short", "H30(2018)年度"),
        (1989, "long", "平成元（1989）年度"),
        (1988, "short_fullwidth", "S63（1988）年度"),
    ],
)
def test_it_formats_fiscal_years(fy: int, style: wareki.FiscalYearStyle, text: str) -> None:
    assert format_fiscal_year(fy, style=style) == text


def test_it_defaults_to_the_long_style() -> None:
    assert format_fiscal_year(2024) == "令和6（2024）年度"


def test_it_rejects_an_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        format_fiscal_year(2023, style="medium")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("year", "month", "text"),
    [
        (2024, 8, "令和6（2024）年8月"),
        (2019, 4, "平成31（2019）年4月"),
        (2019, 5, "令和元（2019）年5月"),
        (1989, 1, "平成元（1989）年1月"),
        (2021, 3, "令和3（2021）年3月"),
    ],
)
def test_it_formats_year_and_month(year: int, month: int, text: str) -> None:
    assert format_year_month(year, month) == text


def test_it_formats_calendar_years_and_dates() -> None:
    assert format_calendar_year(2024) == "令和6（2024）年"
    assert format_calendar_year(2019, style="short") == "R1(2019)年"
    assert format_date(date(2024, 8, 1)) == "令和6（2024）年8月1日"
    assert format_date(date(2019, 4, 30)) == "平成31（2019）年4月30日"


def test_it_rejects_a_month_out_of_range_when_formatting() -> None:
    with pytest.raises(ValueError, match="13"):
        format_year_month(2024, 13)


# ------------------------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    "text",
    [
        "令和5（2023）年度",
        "令和5(2023)年度",
        "R5(2023)年度",
        "R5 (2023) 年度",
        "R5（2023）年度",
        "R5(2023) 年度",
        "令和5年度",
        "2023年度",
        "２０２３年度",
        "令和５（２０２３）年度",
        "Ｒ５（２０２３）年度",
        "r5(2023)年度",
        "2023（令和5）年度",
        "㋿5年度",
        "  令和 5 年度\u3000",
    ],
)
def test_it_parses_the_notations_of_fy2023(text: str) -> None:
    assert parse_fiscal_year(text) == 2023


@pytest.mark.parametrize(
    "text",
    [
        "令和元年度",
        "令和元（2019）年度",
        "平成31年度",
        "平成31(2019)年度",
        "R1(2019)年度",
        "H31年度",
        "2019年度",
    ],
)
def test_it_parses_both_names_of_fy2019(text: str) -> None:
    assert parse_fiscal_year(text) == 2019


def test_it_parses_the_neighbours_of_era_changes() -> None:
    assert parse_fiscal_year("平成30(2018)年度") == 2018
    assert parse_fiscal_year("平成元年度") == 1989
    assert parse_fiscal_year("昭和63年度") == 1988


def test_it_rejects_disagreeing_era_and_western_years() -> None:
    with pytest.raises(ValueError, match=r"disagree.*令和5（2024）年度.*2023"):
        parse_fiscal_year("令和5（2024）年度")
    with pytest.raises(ValueError, match="disagree"):
        parse_fiscal_year("2024(令和5)年度")


@pytest.mark.parametrize("text", ["平成32年度", "昭和64年度", "令和0年度", "H32(2020)年度"])
def test_it_rejects_era_years_outside_their_era(text: str) -> None:
    with pytest.raises(ValueError, match=r"era"):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    "text", ["", "年度", "令和年度", "2023", "令和5年", "2023年8月", "FY2023", "大正5年度", "R5"]
)
def test_it_rejects_what_is_not_a_fiscal_year_quoting_it(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_fiscal_year(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6（2024）年8月", (2024, 8)),
        ("令和6(2024)年8月", (2024, 8)),
        ("令和5(2023)年10月", (2023, 10)),
        ("R6 (2024) 年 8 月", (2024, 8)),
        ("令和６年８月", (2024, 8)),
        ("2024年8月", (2024, 8)),
        ("平成31年4月", (2019, 4)),
        ("令和元年5月", (2019, 5)),
        ("昭和64年1月", (1989, 1)),
        ("平成元年1月", (1989, 1)),
    ],
)
def test_it_parses_year_and_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_year_month(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("令和6（2023）年8月", "disagree"),
        ("令和6年13月", "13"),
        ("令和6年0月", "0"),
        ("令和元年4月", "outside the 令和 era"),
        ("平成31年5月", "outside the 平成 era"),
        ("令和6年度", "not a year and month"),
        ("8月", "not a year and month"),
    ],
)
def test_it_rejects_bad_year_months(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_year_month(text)


def test_it_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        parse_fiscal_year(2023)  # type: ignore[arg-type]


def test_it_finds_fiscal_years_in_running_text() -> None:
    text = "**令和6（2024）年度\n柏崎市DX推進計画 進行管理報告書\n（令和5（2023）年度実績分）**\n平成30(2018)年度から、R4 (2022) 年度"
    assert find_fiscal_years(text) == [2024, 2023, 2018, 2022]
    assert find_fiscal_years("12023年度 XR5年度 なし") == []


# ------------------------------------------------------------------------------------------ round trips


@given(fy=st.integers(min_value=1990, max_value=2040), style=st.sampled_from(STYLES))
def test_it_round_trips_fiscal_years(fy: int, style: wareki.FiscalYearStyle) -> None:
    assert parse_fiscal_year(format_fiscal_year(fy, style=style)) == fy


@given(
    year=st.integers(min_value=1927, max_value=2040),
    month=st.integers(min_value=1, max_value=12),
    style=st.sampled_from(STYLES),
)
def test_it_round_trips_year_months(year: int, month: int, style: wareki.FiscalYearStyle) -> None:
    assert parse_year_month(format_year_month(year, month, style=style)) == (year, month)


@given(st.dates(min_value=date(1927, 1, 1), max_value=date(2040, 12, 31)))
def test_it_round_trips_the_fiscal_year_of_any_day(day: date) -> None:
    assert parse_fiscal_year(format_fiscal_year(fiscal_year_of(day))) == fiscal_year_of(day)


# -- what people type into date fields ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年3月", date(2025, 3, 1)), ("R7.3", date(2025, 3, 1)), ("r7.3", date(2025, 3, 1)),
        ("2025-03", date(2025, 3, 1)), ("2025/3", date(2025, 3, 1)), ("2025年3月", date(2025, 3, 1)),
        ("令和元年5月", date(2019, 5, 1)), ("H31.4", date(2019, 4, 1)), ("２０２５－０３", date(2025, 3, 1)),
        ("令和7年3月10日", date(2025, 3, 1)), ("2025-03-10", date(2025, 3, 1)),
    ],
)
def test_a_month_is_read_in_every_form_people_type(text: str, expected: date) -> None:
    assert wareki.parse_month_input(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年6月30日", date(2025, 6, 30)), ("R7.6.30", date(2025, 6, 30)), ("R7/6/30", date(2025, 6, 30)),
        ("2025-06-30", date(2025, 6, 30)), ("2025/6/30", date(2025, 6, 30)), ("2025年6月30日", date(2025, 6, 30)),
        ("平成31年4月30日", date(2019, 4, 30)), ("令和元年5月1日", date(2019, 5, 1)), ("2024-02-29", date(2024, 2, 29)),
        (" R 7 . 6 . 30 ", date(2025, 6, 30)), ("令和7（2025）年6月30日", date(2025, 6, 30)),
    ],
)
def test_a_day_is_read_in_every_form_people_type(text: str, expected: date) -> None:
    assert wareki.parse_date_input(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-03", "no day"), ("令和7年", "not a date"), ("2025-13-01", "month 13"), ("R7.2.30", "day 30"),
        ("2023-02-29", "has no 2/29"), ("令和1年4月30日", "outside the 令和 era"), ("平成32年1月1日", "outside the 平成 era"),
        ("令和7（2024）年6月30日", "disagree"),
        ("来月末", "not a date"), ("", "not a date"),
    ],
)
def test_a_date_that_is_not_one_is_refused_naming_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wareki.parse_date_input(text)
