"""全国地方公共団体コード: the national list of municipality codes, and finding a municipality's code from its name.

The list is data (``data/jisx0402.csv``, see its README). A code is 6 digits: 2 for the prefecture, 3 for the
municipality, and a check digit (JIS X 0402: 11 minus the weighted sum of the first five digits modulo 11,
weights 6 5 4 3 2, with 10 written as 0 and 11 as 1).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "jisx0402.csv"


@dataclass(frozen=True)
class LocalGovernment:
    code: str  # "152056"
    prefecture: str  # "新潟県"
    name: str  # "柏崎市" ("" for a prefecture itself)

    @property
    def full_name(self) -> str:
        return self.prefecture + self.name


@cache
def national_list() -> tuple[LocalGovernment, ...]:
    """Every municipality of Japan (prefectures themselves excluded), in code order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = [
            LocalGovernment(code=row["code"], prefecture=row["prefecture"], name=row["city"])
            for row in csv.DictReader(handle)
        ]
    return tuple(row for row in rows if row.name)


def check_digit(first_five: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    remainder = total % 11
    return str((11 - remainder) % 10) if remainder else "1"


def code_is_valid(code: str) -> bool:
    """Six ASCII digits whose last is the check digit of the first five (the format, not the list)."""
    return len(code) == 6 and code.isascii() and code.isdigit() and check_digit(code[:5]) == code[5]


@cache
def _by_code() -> dict[str, LocalGovernment]:
    return {row.code: row for row in national_list()}


def by_code(code: str) -> LocalGovernment | None:
    return _by_code().get(code)


def candidates_for_name(name: str) -> list[LocalGovernment]:
    """Municipalities a name may mean: "柏崎市" (one), "府中市" (two: 東京都 and 広島県), "新潟県柏崎市" (one).

    Matching is on NFKC-normalised text without spaces, so a name typed with full-width or stray spaces matches.
    """
    wanted = unicodedata.normalize("NFKC", name).replace(" ", "").strip()
    if not wanted:
        return []
    return [row for row in national_list() if wanted in (row.name, row.full_name)]


def code_for_name(name: str) -> str | None:
    """The code when the name means exactly one municipality, else None (ambiguous or unknown: ask a person)."""
    found = candidates_for_name(name)
    return found[0].code if len(found) == 1 else None
