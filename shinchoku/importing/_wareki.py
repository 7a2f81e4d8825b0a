"""Minimal era-year reading for the importer, kept in one place so it can be swapped for ``shinchoku.wareki``.

The Western year printed in parentheses (``令和5（2023）``) is authoritative; without it the era is converted.
"""

from __future__ import annotations

import re
import unicodedata

_ERA_START = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926}

ERA_YEAR = r"(?:(?P<era>令和|平成|昭和|R|H|S)\s*(?P<n>元|\d{1,2})\s*(?:\(\s*(?P<west>\d{4})\s*\))?|(?P<bare>\d{4}))"
_YEAR_MONTH = re.compile(ERA_YEAR + r"\s*年\s*(?P<month>\d{1,2})\s*月")


def year_from_match(m: re.Match[str]) -> int:
    if m.group("bare"):
        return int(m.group("bare"))
    if m.group("west"):
        return int(m.group("west"))
    n = m.group("n")
    return _ERA_START[m.group("era")] + (1 if n == "元" else int(n)) - 1


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
