"""wareki.format_datetime (JST with the era date) and parse_date_bound (filter input in era or Western form)."""

from __future__ import annotations

import datetime as dt

import pytest

from shinchoku import wareki


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 12, 2, 5, 5, tzinfo=dt.UTC), "令和8年12月2日 14:05"),
        (dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC), "令和9年1月1日 00:00"),  # JST is already next year
        (dt.datetime(2019, 4, 30, 15, 0, tzinfo=dt.UTC), "令和元年5月1日 00:00"),
        (dt.datetime(2019, 4, 30, 14, 59, tzinfo=dt.UTC), "平成31年4月30日 23:59"),
        (dt.datetime(2026, 12, 2, 5, 5), "令和8年12月2日 14:05"),  # naive = UTC
    ],
)
def test_it_formats_an_instant_in_japan_time_with_the_era(moment: dt.datetime, shown: str) -> None:
    assert wareki.format_datetime(moment) == shown


MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
TENTH = (dt.date(2025, 3, 10), dt.date(2025, 3, 10))


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("令和7年3月", MARCH), ("R7.3", MARCH), ("r7.3", MARCH), ("2025-03", MARCH), ("2025/3", MARCH),
        ("２０２５－０３", MARCH), ("令和７年３月", MARCH),
        ("2025-03-10", TENTH), ("令和7年3月10日", TENTH), ("R7.3.10", TENTH), ("2025/3/10", TENTH),
        ("令和元年5月", (dt.date(2019, 5, 1), dt.date(2019, 5, 31))),
        ("H31.4", (dt.date(2019, 4, 1), dt.date(2019, 4, 30))),
        ("2024-02", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("令和7年", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ],
)
def test_it_parses_a_day_month_or_year(text: str, bounds: tuple[dt.date, dt.date]) -> None:
    assert wareki.parse_date_bound(text) == bounds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("あした", "not a date"), ("2025-02-30", "day 30 does not exist"), ("R7.13", "month 13"), ("令和0年3月", "does not exist"),
        ("平成32年3月", "outside the 平成 era"), ("", "not a date"),
    ],
)
def test_it_refuses_what_is_not_a_date_in_english(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wareki.parse_date_bound(text)
