"""Reading numbers typed by people: 16,608 / １６，６０８ / 31.7 / 31.7% / 該当なし.

Strict on purpose: an actual is graded, so "約100" or "100以上" must be refused with a clear message rather
than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# What a department types when the year has no actual (the documents print "—" or "-").
NOT_APPLICABLE_WORDS = frozenset(
    {"-", "—", "―", "‐", "ー", "−", "n/a", "na", "該当なし", "なし", "実績なし", "対象外"}
)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
MAX_DECIMALS = 6
MAX_INTEGER_DIGITS = 14  # DecimalField(max_digits=20, decimal_places=6)


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal | None  # None: empty, or not applicable
    decimals: int = 0  # digits after the point as typed (31.70 keeps 2), so documents print it the same way
    not_applicable: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.not_applicable


class NotANumber(ValueError):
    """A value that is not a number; the message is Japanese and names what was typed."""


def parse_number(text: str | None, *, unit: str = "", allow_not_applicable: bool = True) -> ParsedValue:
    """Parse an actual (or target) typed by a person; raises NotANumber with a Japanese message.

    Full-width digits and punctuation are folded by NFKC; thousands separators must be well placed; the
    indicator's own unit (and "%") may follow the number; nothing else may.
    """
    if text is None:
        return ParsedValue(None)
    raw = text
    normalised = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not normalised:
        return ParsedValue(None)
    if allow_not_applicable and normalised.lower() in NOT_APPLICABLE_WORDS:
        return ParsedValue(None, not_applicable=True)
    for suffix in sorted({unicodedata.normalize("NFKC", unit).strip(), "%"} - {""}, key=len, reverse=True):
        if normalised.endswith(suffix) and len(normalised) > len(suffix):
            normalised = normalised[: -len(suffix)]
            break
    if not _NUMBER.fullmatch(normalised):
        raise NotANumber(_not_a_number(raw))
    digits = normalised.replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise NotANumber(_not_a_number(raw)) from exc
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    if decimals > MAX_DECIMALS:
        raise NotANumber(f"「{raw}」は小数点以下の桁数が多すぎます（{MAX_DECIMALS}桁まで）。")
    if len(digits.lstrip("+-").split(".")[0].lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NotANumber(f"「{raw}」は大きすぎます。")
    return ParsedValue(value, decimals)


def _not_a_number(raw: str) -> str:
    return (
        f"「{raw}」は数値ではありません。数字だけで入力してください（例：16,608　31.7）。"
        "「約」「以上」などの言葉は付けられません。実績がない場合は「該当なし」と入力してください。"
    )


def format_value(value: Decimal | None, decimals: int = 0) -> str | None:
    """A stored value as people wrote it (for audit rows and forms): 16608, 31.7, 3.0."""
    if value is None:
        return None
    return f"{value:.{decimals}f}"
