"""Japanese fiscal years (年度) and era years (和暦): the one place that knows about them.

Conventions, as followed by the municipal documents Shinchoku reads and writes:

* A fiscal year (年度) runs from 1 April to 31 March and is named after the calendar year it starts in:
  FY2023 is 2023-04-01 .. 2024-03-31, so ``fiscal_year_of(date(2024, 3, 31)) == 2023``.

* A *calendar year number* is given the era in force at the END of that year (31 December). A new era's
  first year is the calendar year it began in, so 2019 is 令和元年 and 1989 is 平成元年, as is standard.

* A *fiscal year number* takes the era of the calendar year it starts in. This gives the forms in use:
  FY2019 is 令和元年度 (written so in documents from May 2019 on, although April 2019 was still 平成),
  FY1989 is 平成元年度 and FY1988 is 昭和63年度.
  ``era_fiscal_year(fy) == era_calendar_year(fy)``.

* A month takes the era in force at the end of the month: 2019-04 is 平成31年4月, 2019-05 is 令和元年5月,
  1989-01 is 平成元年1月.  A day simply takes the era in force that day.

* Year 1 of an era is written 元 in the long (kanji) style — 令和元（2019）年度, the official form — and as a digit
  in the abbreviated Latin-letter styles, where ``R1`` is the usual form (``R元`` is rare).

Parsing is lenient about notation (full-width digits and brackets, spaces, ``R``/``H``/``S`` abbreviations,
the one-character era signs such as ``㋿``) and strict about meaning: an era year outside its era
(平成32年度, 令和0年度) or an era year that disagrees with a Western year beside it (令和5（2024）年度) is an
error.  Both forms that name a fiscal year which crossed an era change are accepted: 平成31年度 and 令和元年度
both parse as 2019.

Eras before 昭和 are not supported: years before 1926 raise ``ValueError`` (and FY1926, historically 大正15年度,
comes out as 昭和元年度 by the rule above).

Also here: :func:`find_fiscal_years` for running text, :func:`format_calendar_year` and :func:`format_date`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "ERAS",
    "STYLES",
    "Era",
    "FiscalYearStyle",
    "current_fiscal_year",
    "era_calendar_year",
    "era_fiscal_year",
    "era_of",
    "era_on",
    "era_year",
    "find_fiscal_years",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_calendar_year",
    "format_date",
    "format_era_year",
    "format_fiscal_year",
    "format_year_month",
    "parse_date_input",
    "parse_fiscal_year",
    "parse_month_input",
    "parse_year_month",
]

FISCAL_YEAR_START_MONTH = 4
GANNEN = "元"

FiscalYearStyle = Literal["long", "short", "short_fullwidth"]
STYLES: tuple[str, ...] = ("long", "short", "short_fullwidth")


@dataclass(frozen=True)
class Era:
    """One era (元号): its name, Latin-letter abbreviation, and first and last days (``end`` None if current)."""

    name: str
    short: str
    start: date
    end: date | None = None

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and (self.end is None or first <= self.end)

    @property
    def last_year(self) -> int | None:
        """The highest era year that exists (平成 → 31), None for the current era."""
        return None if self.end is None else self.end.year - self.start.year + 1

    def western_year(self, era_year: int) -> int:
        return self.start.year + era_year - 1

    def __str__(self) -> str:
        return self.name


REIWA = Era("令和", "R", date(2019, 5, 1))
HEISEI = Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30))
SHOWA = Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7))

#: Supported eras, newest first.
ERAS: tuple[Era, ...] = (REIWA, HEISEI, SHOWA)
_BY_NAME: dict[str, Era] = {e.name: e for e in ERAS} | {e.short: e for e in ERAS}


# --------------------------------------------------------------------------------------------- dates → numbers


def fiscal_year_of(d: date) -> int:
    """The fiscal year (April–March) containing ``d``: 2024-03-31 → 2023, 2024-04-01 → 2024."""
    return d.year if d.month >= FISCAL_YEAR_START_MONTH else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: 2023 → (2023-04-01, 2024-03-31)."""
    return date(fy, FISCAL_YEAR_START_MONTH, 1), date(fy + 1, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1)


def current_fiscal_year(*, today: date | None = None) -> int:
    return fiscal_year_of(today or date.today())


def era_on(d: date) -> Era:
    """The era in force on day ``d``."""
    for era in ERAS:
        if era.contains(d):
            return era
    raise ValueError(f"{d.isoformat()} is before the 昭和 era (1926-12-25); earlier eras are not supported")


def era_of(d: date) -> tuple[str, int]:
    """The era name and era year of day ``d``: 2019-04-30 → ("平成", 31), 2019-05-01 → ("令和", 1)."""
    era = era_on(d)
    return era.name, d.year - era.start.year + 1


def era_calendar_year(year: int) -> tuple[Era, int]:
    """The era and era year of calendar year ``year``, by the era in force on 31 December: 2019 → (令和, 1)."""
    if year < SHOWA.start.year:
        raise ValueError(f"year {year} is before the 昭和 era (1926); earlier eras are not supported")
    era = era_on(date(year, 12, 31))
    return era, year - era.start.year + 1


#: The brief's name for :func:`era_calendar_year`.
era_year = era_calendar_year


def era_fiscal_year(fy: int) -> tuple[Era, int]:
    """The era and era year used to name fiscal year ``fy``: 2019 → (令和, 1), 1988 → (昭和, 63).

    That of the calendar year the fiscal year starts in (see the module docstring).
    """
    return era_calendar_year(fy)


def _era_year_month(year: int, month: int) -> tuple[Era, int]:
    _check_month(month, f"{year}-{month}")
    last_day = _month_bounds(year, month)[1]
    if last_day < SHOWA.start:
        raise ValueError(
            f"{year}-{month:02d} is before the 昭和 era (1926-12-25); earlier eras are not supported"
        )
    era = era_on(last_day)
    return era, year - era.start.year + 1


# --------------------------------------------------------------------------------------------- formatting


def format_era_year(era: Era, era_year: int, *, style: FiscalYearStyle = "long") -> str:
    """``令和元`` / ``令和5`` in the long style, ``R1`` / ``R5`` in the short ones."""
    if style == "long":
        return f"{era.name}{GANNEN if era_year == 1 else era_year}"
    if style in ("short", "short_fullwidth"):
        return f"{era.short}{era_year}"
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")


def _with_western(era_part: str, year: int, style: FiscalYearStyle) -> str:
    if style == "short":
        return f"{era_part}({year})"
    return f"{era_part}（{year}）"


def format_fiscal_year(fy: int, style: FiscalYearStyle = "long") -> str:
    """2023 → ``令和5（2023）年度`` (long), ``R5(2023)年度`` (short), ``R5（2023）年度`` (short_fullwidth).

    Year 1 of an era: ``令和元（2019）年度`` / ``R1(2019)年度``.
    """
    era, ey = era_fiscal_year(fy)
    return _with_western(format_era_year(era, ey, style=style), fy, style) + "年度"


def format_calendar_year(year: int, style: FiscalYearStyle = "long") -> str:
    """2024 → ``令和6（2024）年``."""
    era, ey = era_calendar_year(year)
    return _with_western(format_era_year(era, ey, style=style), year, style) + "年"


def format_year_month(year: int, month: int, style: FiscalYearStyle = "long") -> str:
    """(2024, 8) → ``令和6（2024）年8月``; (2019, 4) → ``平成31（2019）年4月``."""
    era, ey = _era_year_month(year, month)
    return _with_western(format_era_year(era, ey, style=style), year, style) + f"年{month}月"


def format_date(d: date, style: FiscalYearStyle = "long") -> str:
    """2024-08-01 → ``令和6（2024）年8月1日``."""
    name, ey = era_of(d)
    era = _BY_NAME[name]
    return _with_western(format_era_year(era, ey, style=style), d.year, style) + f"年{d.month}月{d.day}日"


# --------------------------------------------------------------------------------------------- parsing

_ERA_ALTERNATIVES = "|".join(re.escape(k) for k in sorted(_BY_NAME, key=len, reverse=True))


def _era_re(suffix: str = "") -> str:
    return rf"(?P<era{suffix}>{_ERA_ALTERNATIVES})(?P<era{suffix}_year>元|\d{{1,2}})"


def _west_re(suffix: str = "") -> str:
    return rf"(?P<west{suffix}>\d{{4}})"


# A year, after normalisation: 令和5(2023) | 令和5 | 2023 | 2023(令和5).
_YEAR = rf"(?:{_era_re()}(?:\({_west_re()}\))?|{_west_re('2')}(?:\({_era_re('2')}\))?)"
_FISCAL_RE = re.compile(rf"{_YEAR}年度")
# For searching running text: not glued to a preceding digit or Latin letter (…12023年度, HR5年度).
_FISCAL_SEARCH_RE = re.compile(rf"(?<![0-9A-Z]){_YEAR}年度")
_YEAR_MONTH_RE = re.compile(rf"{_YEAR}年(?P<month>\d{{1,2}})月")


def _normalise(text: str) -> str:
    """NFKC (full-width digits and brackets, ㋿ → 令和), no whitespace, upper-case era letters."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).upper()


def _check_month(month: int, text: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range 1..12 in {text!r}")


def _resolve_year(
    match: re.Match[str], text: str, *, period: Callable[[int], tuple[date, date]], what: str
) -> int:
    """The Western year a matched year expression stands for, checked for consistency.

    ``period(year)`` gives the first and last days of what is being named (a fiscal year, a month); an era year
    is valid when that period overlaps the era, so 平成31年度 and 令和元年度 are both FY2019 but 平成32年度 is
    an error.
    """
    groups = match.groupdict()
    era_key = groups.get("era") or groups.get("era2")
    era_year_text = groups.get("era_year") or groups.get("era2_year")
    west_text = groups.get("west") or groups.get("west2")
    west = int(west_text) if west_text else None
    if era_key is None or era_year_text is None:
        if west is None:  # pragma: no cover - the patterns always capture one or the other
            raise ValueError(f"no year in {text!r}")
        return west
    era = _BY_NAME[era_key]
    ey = 1 if era_year_text == GANNEN else int(era_year_text)
    if ey < 1:
        raise ValueError(f"era year {era.name}{ey} does not exist (era years start at 1, 元) in {text!r}")
    year = era.western_year(ey)
    first, last = period(year)
    if not era.overlaps(first, last):
        until = era.end.isoformat() if era.end else "today"
        raise ValueError(
            f"{era.name}{era_year_text} would be {what} {year}, which is outside the {era.name} era "
            f"({era.start.isoformat()} to {until}), in {text!r}"
        )
    if west is not None and west != year:
        raise ValueError(
            f"era year and Western year disagree in {text!r}: {era.name}{era_year_text} is {year}, not {west}"
        )
    return year


def _fullmatch_or_raise(pattern: re.Pattern[str], text: str, what: str) -> re.Match[str]:
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    match = pattern.fullmatch(_normalise(text))
    if match is None:
        raise ValueError(f"not a {what}: {text!r}")
    return match


def parse_fiscal_year(text: str) -> int:
    """The fiscal year (Western number) written in ``text``.

    Accepts ``令和5（2023）年度``, ``令和5(2023)年度``, ``R5(2023)年度``, ``R5 (2023) 年度``, ``R5（2023）年度``,
    ``令和5年度``, ``令和元年度``, ``平成31年度``, ``2023年度``, ``2023（令和5）年度``, with half- or full-width
    digits.  Raises ``ValueError`` naming the text when it is not a fiscal year, names an era year outside its
    era, or has era and Western years that disagree.
    """
    match = _fullmatch_or_raise(_FISCAL_RE, text, "fiscal year (年度)")
    return _resolve_year(match, text, period=fiscal_year_bounds, what="fiscal year")


def parse_year_month(text: str) -> tuple[int, int]:
    """(year, month) written in ``text``: ``令和6（2024）年8月`` → (2024, 8).

    Same notations as :func:`parse_fiscal_year`, with ``年M月`` instead of ``年度``.
    """
    match = _fullmatch_or_raise(_YEAR_MONTH_RE, text, "year and month (年月)")
    month = int(match.group("month"))
    _check_month(month, text)
    year = _resolve_year(match, text, period=lambda y: _month_bounds(y, month), what=f"month {month} of")
    return year, month


# What people type into a date field: the era form they read (令和7年3月10日), its short forms (R7.3.10,
# R7/3/10, 令和7.3), and the Western ones (2025-03-10, 2025/3/10, 2025年3月10日, 2025.3).
# The field shows the date as the pages print it (令和7（2025）年6月30日), so that form is read back too.
_INPUT_DATE_RE = re.compile(
    rf"{_YEAR}(?:年(?P<month>\d{{1,2}})月(?:(?P<day>\d{{1,2}})日)?"
    rf"|[-/.](?P<month2>\d{{1,2}})(?:[-/.](?P<day2>\d{{1,2}}))?)"
)


def _parse_input(text: str) -> tuple[int, int, int | None]:
    match = _fullmatch_or_raise(_INPUT_DATE_RE, text, "date")
    month = int(match.group("month") or match.group("month2"))
    day_text = match.group("day") or match.group("day2")
    _check_month(month, text)
    day = int(day_text) if day_text else None
    if day is not None:
        try:
            date(2000 if month == 2 and day == 29 else 2001, month, day)
        except ValueError:
            raise ValueError(f"day {day} does not exist in month {month} in {text!r}") from None
    year = _resolve_year(
        match, text,
        period=(lambda y: (date(y, month, day), date(y, month, day))) if day else (lambda y: _month_bounds(y, month)),
        what="a date in" if day else f"month {month} of",
    )
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:  # 29 February of a common year
            raise ValueError(f"{year} has no {month}/{day} in {text!r}") from None
    return year, month, day


def parse_date_input(text: str) -> date:
    """A day typed into a date field: ``令和7年6月30日``, ``R7.6.30``, ``R7/6/30``, ``2025-06-30``,
    ``2025/6/30``, ``2025年6月30日`` (full-width digits and spaces too). Raises ``ValueError`` for anything
    else, a month without a day included, or an era year outside its era."""
    year, month, day = _parse_input(text)
    if day is None:
        raise ValueError(f"no day in {text!r}")
    return date(year, month, day)


def parse_month_input(text: str) -> date:
    """A month typed into a month field (a revision, a publication month), as its first day: ``令和7年3月``,
    ``R7.3``, ``2025-03``, ``2025/3``, ``2025年3月``; a full date is accepted and its day ignored."""
    year, month, _ = _parse_input(text)
    return date(year, month, 1)


def find_fiscal_years(text: str) -> list[int]:
    """Every fiscal year written in running text, in order: ``（令和5（2023）年度実績分）`` → [2023].

    Same notations and checks as :func:`parse_fiscal_year`; a malformed one (令和5（2024）年度) raises.
    """
    normalised = _normalise(text)
    return [
        _resolve_year(m, m.group(0), period=fiscal_year_bounds, what="fiscal year")
        for m in _FISCAL_SEARCH_RE.finditer(normalised)
    ]


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


# -- Scanning running text -------------------------------------------------------------------------------------
# The importer finds era years inside longer strings (table headers, titles, sentences), so it needs the pattern
# itself rather than the whole-string parsers above. The Western year in parentheses is authoritative there,
# because the printed documents always carry it and an era digit is the likelier OCR/typing slip.

_SCAN_ERA_START = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926}

ERA_YEAR = r"(?:(?P<era>令和|平成|昭和|R|H|S)\s*(?P<n>元|\d{1,2})\s*(?:[(（]\s*(?P<west>\d{4})\s*[)）])?|(?P<bare>\d{4}))"
_YEAR_MONTH = re.compile(ERA_YEAR + r"\s*年\s*(?P<month>\d{1,2})\s*月")


def year_from_match(m: re.Match[str]) -> int:
    if m.group("bare"):
        return int(m.group("bare"))
    if m.group("west"):
        return int(m.group("west"))
    n = m.group("n")
    return _SCAN_ERA_START[m.group("era")] + (1 if n == "元" else int(n)) - 1


def parse_era_year(text: str) -> int | None:
    """Western year of the first era year in ``text`` (``R5(2023)年度`` -> 2023), or None.

    ``text`` must be NFKC-normalised by the caller only if it wants positions to match; this function normalises itself.
    """
    m = re.search(ERA_YEAR, unicodedata.normalize("NFKC", text))
    return year_from_match(m) if m else None


def find_year_months(text: str) -> list[tuple[int, int, int, int]]:
    """Every ``令和6（2024）年8月`` in NFKC-normalised ``text`` as (year, month, start, end)."""
    found = []
    for m in _YEAR_MONTH.finditer(text):
        month = int(m.group("month"))
        if 1 <= month <= 12:
            found.append((year_from_match(m), month, m.start(), m.end()))
    return found



# -- Date and time for people, and date bounds typed into filters -----------------------------------------------

JST = ZoneInfo("Asia/Tokyo")


def format_datetime(moment: datetime) -> str:
    """An instant in Japan time with the era date: 2026-12-02T05:05Z → ``令和8年12月2日 14:05``.

    Naive datetimes are taken as UTC (what the database stores), so a log reads the same whatever the server's
    time zone."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(JST)
    name, ey = era_of(local.date())
    return f"{name}{GANNEN if ey == 1 else ey}年{local.month}月{local.day}日 {local:%H:%M}"


# A bare year (2025, 令和7年, 令和7（2025）年) names the calendar year: a filter may be that coarse.
_YEAR_ONLY_RE = re.compile(rf"{_YEAR}年?")


def parse_date_bound(text: str) -> tuple[date, date]:
    """The first and last day named by ``text``: a day, a month or a year, in era or Western form.

    ``令和7年3月`` / ``R7.3`` / ``2025-03`` → (2025-03-01, 2025-03-31); ``2025-03-10`` / ``令和7年3月10日`` /
    ``R7.3.10`` → that day twice; ``令和7年`` / ``2025`` → the calendar year. Days and months are read as
    :func:`parse_date_input` reads them. Raises ``ValueError`` (English, naming the text) for anything else
    or an impossible date."""
    year_only = _YEAR_ONLY_RE.fullmatch(_normalise(text)) if isinstance(text, str) else None
    if year_only is not None:
        year = _resolve_year(
            year_only, text, period=lambda y: (date(y, 1, 1), date(y, 12, 31)), what="calendar year"
        )
        return date(year, 1, 1), date(year, 12, 31)
    try:
        year, month, day = _parse_input(text)
    except ValueError as refused:
        if str(refused).startswith("not a date"):
            raise ValueError(
                f"not a date, month or year (e.g. 2025-03-10, 2025-03, 令和7年3月, R7.3): {text!r}"
            ) from None
        raise
    if day is None:
        return _month_bounds(year, month)
    return date(year, month, day), date(year, month, day)
