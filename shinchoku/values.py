"""Values of indicators and result tables: a Decimal and the decimals as entered, read and printed one way.

A department types ``16,000.50``; every page, chart, document and export must show those two decimals again, so
a value never passes through float: it is a :class:`Quantity` from the form (``parse``) to the database
(``value`` + ``decimals`` columns) to the exchange document (``plain``) to the printed page (``format``).

``parse`` is strict on purpose: an actual is graded, so "約100" or "100以上" must be refused with a clear
message rather than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shinchoku.inputs import MAX_DECIMALS, MAX_INTEGER_DIGITS, InputRejected

# What a department types when the year has no actual (the documents print "—" or "-").
NOT_APPLICABLE_WORDS = frozenset(
    {"-", "—", "―", "‐", "ー", "−", "n/a", "na", "該当なし", "なし", "実績なし", "対象外"}
)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# The exchange form: no separators, no sign other than "-", digits within the database's limits.
PLAIN_PATTERN = rf"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,{MAX_DECIMALS}}})?$"
_PLAIN = re.compile(PLAIN_PATTERN)


class NotANumber(ValueError):
    """A value that is not a number; the message is Japanese and names what was typed."""


@dataclass(frozen=True)
class Quantity:
    """A number as a person gave it: ``Quantity(Decimal("16000.50"), 2)`` prints ``16,000.50`` everywhere."""

    value: Decimal
    decimals: int  # digits after the point as entered (31.70 keeps 2; 3.0点 keeps 1)

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or isinstance(self.decimals, bool):
            raise TypeError(f"Quantity needs a Decimal and an int, got {self.value!r}, {self.decimals!r}")
        # The one check of every value on its way in (forms, importers, JSON): what passes fits the column
        # DecimalField(max_digits=20, decimal_places=6) on SQLite and PostgreSQL alike.
        if not self.value.is_finite():
            raise InputRejected(
                "value", f"「{self.value}」は数値ではありません。", f"{self.value} is not a finite number"
            )
        if not 0 <= self.decimals <= MAX_DECIMALS:
            raise InputRejected(
                "value",
                f"小数点以下の桁数が多すぎます（{MAX_DECIMALS}桁まで）。",
                f"{self.decimals} decimals, at most {MAX_DECIMALS} allowed",
            )
        _check_magnitude(self.value)
        # The database stores six places (16000.500000); the quantity carries only the places entered.
        if self.value.as_tuple().exponent != -self.decimals:
            exact = self.value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
            _check_magnitude(exact)  # 99999999999999.9999999 rounds up to 10^14
            object.__setattr__(self, "value", exact)

    @classmethod
    def of_decimal(cls, number: Decimal | int) -> Quantity:
        """A number whose own digits tell the decimals: ``Decimal("3.0")`` → 1 (JSON numbers of /1 files)."""
        if isinstance(number, bool) or not isinstance(number, Decimal | int):
            raise TypeError(f"expected a Decimal or an int, got {type(number).__name__}")
        value = Decimal(number)
        exponent = value.as_tuple().exponent
        return cls(value, max(0, -exponent) if isinstance(exponent, int) else 0)

    @classmethod
    def from_plain(cls, text: str) -> Quantity:
        """The exchange form back: ``"16000.50"`` → 16000.50 with 2 decimals; ValueError (English) otherwise."""
        if not isinstance(text, str) or not _PLAIN.fullmatch(text):
            raise ValueError(f"expected a decimal string such as \"16000.50\", found {text!r}")
        return cls.of_decimal(Decimal(text))

    def format(self, unit: str = "") -> str:
        """For people: ``16,000.50`` (thousands separators, the decimals as entered), then the unit."""
        return f"{self.value:,.{self.decimals}f}{unit}"

    def plain(self) -> str:
        """For exchange and for a form field: ``16000.50`` (no separators, the decimals as entered)."""
        return f"{self.value:.{self.decimals}f}"


def _check_magnitude(value: Decimal) -> None:
    # adjusted() is the exponent of the leading digit (|value| >= 10^14 exactly when it is >= 14), read without
    # building the number, so 1E+5000 costs nothing.
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise InputRejected(
            "value",
            f"数値が大きすぎます（整数部分は{MAX_INTEGER_DIGITS}桁まで）。",
            f"{value:.6g} is out of range: at most {MAX_INTEGER_DIGITS} digits before the decimal point",
        )


@dataclass(frozen=True)
class ParsedValue:
    """What a person typed: a quantity, nothing (empty), or "not applicable" (該当なし)."""

    quantity: Quantity | None
    not_applicable: bool = False

    @property
    def is_empty(self) -> bool:
        return self.quantity is None and not self.not_applicable


def parse(text: str | None, *, unit: str = "", allow_not_applicable: bool = True) -> ParsedValue:
    """Parse a target or an actual typed by a person; raises NotANumber with a Japanese message.

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
    return ParsedValue(Quantity(value, decimals))


def _not_a_number(raw: str) -> str:
    return (
        f"「{raw}」は数値ではありません。数字だけで入力してください（例：16,608　31.7）。"
        "「約」「以上」などの言葉は付けられません。実績がない場合は「該当なし」と入力してください。"
    )


def plain_or_none(quantity: Quantity | None) -> str | None:
    """Audit rows store the plain form (or None for "no value")."""
    return None if quantity is None else quantity.plain()
