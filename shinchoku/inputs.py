"""The input boundary: the one place that says what a text, a number or a year may be before it is stored.

Every way in — the web forms, the report-text and JSON importers, the future API and workbook import — ends
in a service (``shinchoku.cycle.services``, ``shinchoku.plans.services``), and every service passes what it
was given through here, so the rules are the same everywhere and on every database (SQLite does not enforce
a column's length, PostgreSQL refuses a NUL with a crash; neither may decide). The table is documented for
people in ``docs/limits.md``.

What a text goes through (:func:`clean_text`):

1. Line breaks are made ``\\n`` (``\\r\\n``, ``\\r``, U+2028/U+2029, NEL, vertical tab, form feed); a tab becomes
   one space (it means nothing in a printed report, and an opening tab is how a spreadsheet cell becomes a
   formula). Trailing blanks of each line, and the blanks around the whole text, are removed; more than one
   empty line in a row becomes one.
2. Refused, with the character's position: any other control character (C0, DEL, C1), a lone surrogate, a
   Unicode non-character (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …) and the bidirectional overrides (U+202A–U+202E,
   U+2066–U+2069, which make text read differently from how it is stored). None of them can be printed, and
   the Excel and Word writers cannot store most of them.
3. A single-line field (names, titles, units, cells) refuses a line break.
4. The length is counted in characters (code points, as PostgreSQL counts ``varchar``) after cleaning and
   must not exceed the field's limit; a ``CharField`` never gets a larger limit than its column.

No Unicode normalisation of prose or names: NFKC would turn the report's full-width punctuation （）「」：
into half-width, circled numbers ①② into digits and ㎡ into m2, and even NFC replaces CJK compatibility
ideographs (異体字 in place and personal names) with their unified forms. Text is stored as it was typed.
NFKC is applied only where the value is a code or a number (``nfkc=True`` in the table: grade codes,
municipality codes, e-mail addresses) and, in :mod:`shinchoku.values`, to numbers as typed (１６，６０８).

Refusals are :class:`InputRejected` (a ``ValueError``): ``field`` is the stable code of the table below,
``message`` the Japanese sentence for the UI, ``english`` the same for the command line; ``where`` is filled
in by a caller that knows the location (a JSON path such as ``projects[3].results[2]``) and is part of
``str(exc)``, which is the English form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# -- numbers and years -------------------------------------------------------------------------------------------

# Values of indicators and result tables: DecimalField(max_digits=20, decimal_places=6) on every database.
MAX_DECIMALS = 6
MAX_INTEGER_DIGITS = 14
VALUE_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS  # |value| < 10^14
# ItemEvaluation.achievement_rate is DecimalField(max_digits=9, decimal_places=1): a larger rate (an actual far
# beyond a tiny target) is stored as this bound, which grades the same.
ACHIEVEMENT_RATE_LIMIT = Decimal("99999999.9")
# EvaluationThresholds: DecimalField(max_digits=6, decimal_places=1), percent.
THRESHOLD_MAX = Decimal("99999.9")

# Fiscal years: from 平成元年度 (the earliest era the documents print) to well beyond any plan.
FISCAL_YEAR_MIN = 1989
FISCAL_YEAR_MAX = 2100
# A plan period (計画期間) of more than this many fiscal years is a mistake, not a plan.
PLAN_YEARS_MAX = 30

# Lists of text items (主な取組と成果, 課題, 次年度, non-B summary, 検討中の施策の状況, section-1 paragraphs).
ITEMS_MAX = 50
# 成果の表 of one report, and rows of one table.
RESULT_TABLES_MAX = 20
RESULT_ROWS_MAX = 100
# Rows of a project's schedule (numbered tracks ①②③ …) and sections of section 1.
SCHEDULE_ROWS_MAX = 20
NARRATIVE_SECTIONS_MAX = 20


# -- text fields -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    """The limit of one kind of text: ``code`` is stable (errors and tests name it), the labels are for people."""

    code: str
    label: str  # Japanese, as in the UI
    english: str
    max_length: int
    multiline: bool = False
    nfkc: bool = False  # a code or an address: full-width letters and digits are folded


def _rules(*rules: TextRule) -> dict[str, TextRule]:
    return {rule.code: rule for rule in rules}


# Lengths of CharFields are their columns'; TextFields and JSON items get a limit of their own. The longest text
# of the seed report (柏崎市, FY2023) is far below each: an overview of 655 characters, an item of 263.
TEXT_RULES: dict[str, TextRule] = _rules(
    # tenancy
    TextRule("municipality.name", "自治体名", "municipality name", 100),
    TextRule("municipality.code", "団体コード", "municipality code", 6, nfkc=True),
    TextRule("department.name", "部署名", "department name", 100),
    TextRule("department.email", "連絡先メール", "department e-mail", 254, nfkc=True),
    # the plan's structure
    TextRule("plan.name", "計画名", "plan name", 200),
    TextRule("revision.description", "改定内容", "revision description", 1000, multiline=True),
    TextRule("pillar.name", "柱の名称", "pillar name", 100),
    TextRule("policy.name", "施策の名称", "policy name", 200),
    TextRule("tag.name", "区分の名称", "tag name", 50),
    TextRule("grade.code", "評価段階の記号", "grade code", 16, nfkc=True),
    TextRule("grade.description", "評価段階の意味", "grade description", 200),
    TextRule("project.name", "個別事業計画名", "project name", 200),
    TextRule("project.overview", "事業概要", "overview", 4000, multiline=True),
    TextRule("project.vision", "目指す姿", "vision", 2000, multiline=True),
    TextRule("project.comprehensive_plan_area", "総合計画の分野", "comprehensive plan area", 200),
    TextRule("project.comprehensive_plan_policy", "総合計画の施策", "comprehensive plan policy", 200),
    TextRule("schedule.track", "スケジュールの系列", "schedule track", 8),
    TextRule("schedule.cell", "スケジュールの内容", "schedule cell", 500, multiline=True),
    TextRule("indicator.name", "指標名", "indicator name", 300),
    TextRule("indicator.unit", "単位", "unit", 20),
    TextRule("indicator.qualifier", "付記", "qualifier", 20),
    TextRule("indicator.note", "注記", "indicator note", 1000, multiline=True),
    # a year's report
    TextRule("report.item", "項目", "item", 1000, multiline=True),
    TextRule("report.department_comment", "担当部署のコメント", "department comment", 4000, multiline=True),
    TextRule("report.rationale", "評価案と異なる評価とした理由", "rationale", 4000, multiline=True),
    TextRule("report.comment", "コメント", "comment", 4000, multiline=True),
    TextRule("result_table.label", "成果の表の項目名", "result table label", 200),
    TextRule("result_table.unit", "成果の表の単位", "result table unit", 20),
    # the year's document
    TextRule("year.title", "表題", "title", 300),
    TextRule("narrative.heading", "見出し", "heading", 200),
    TextRule("narrative.paragraph", "本文の段落", "paragraph", 2000, multiline=True),
    TextRule("under_consideration.title", "名称", "policy under consideration", 200),
    TextRule("under_consideration.text", "状況", "status text", 1000, multiline=True),
)


def text_rule(field: str) -> TextRule:
    """The rule of ``field``; an unknown code is a programming error (KeyError), never a user's."""
    return TEXT_RULES[field]


class InputRejected(ValueError):
    """A value the boundary refuses. ``str(exc)`` is the English form, with ``where`` in front when known."""

    def __init__(self, field: str, message: str, english: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {english}" if where else english)
        self.field = field
        self.message = message
        self.english = english
        self.where = where

    def at(self, where: str) -> InputRejected:
        """The same refusal at a location (``projects[3].results[2]``); an inner location is kept after it."""
        inner = self.where
        joined = where + (inner if inner.startswith("[") else f".{inner}") if inner else where
        return InputRejected(self.field, self.message, self.english, where=joined)


# Line breaks of every kind; \n is the one kept.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_TRAILING = re.compile(r"[ \u3000]+\n")
_BLANK_RUN = re.compile(r"\n{3,}")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Everything _forbidden() refuses, as one class: a text is scanned once, in C (the seed's ~60,000 characters in
# well under a millisecond); the reason is looked up only for a refused character.
_REFUSED = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def _forbidden(ch: str) -> str | None:
    """Why ``ch`` may not be stored (Japanese), or None."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "制御文字"
    if 0xD800 <= code <= 0xDFFF:
        return "不正な文字（サロゲート）"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "文字ではない符号"
    if ch in _BIDI_CONTROLS:
        return "文字の向きを変える制御文字"
    return None


def clean_text(value: object, *, field: str) -> str:
    """``value`` as stored in ``field``: line breaks and blanks normalised, refused when it cannot be stored.

    None is the empty text (the services decide whether a field is required).
    """
    rule = text_rule(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputRejected(
            field, f"{rule.label}は文字で入力してください。", f"{rule.english}: expected text, found {type(value).__name__}"
        )
    text = _BREAKS.sub("\n", value).replace("\t", " ")
    if rule.nfkc:
        text = unicodedata.normalize("NFKC", text)
    found = _REFUSED.search(text)
    if found is not None:
        position, ch = found.start(), found.group()
        reason = _forbidden(ch) or "制御文字"  # the class and _forbidden() list the same characters
        raise InputRejected(
            field,
            f"{rule.label}に使えない文字（{reason} U+{ord(ch):04X}）が含まれています（{position + 1}文字目）。"
            "削除してから、もう一度入力してください。",
            f"{rule.english}: character U+{ord(ch):04X} at position {position + 1} cannot be stored "
            "(control characters, non-characters and bidirectional overrides are refused)",
        )
    text = _TRAILING.sub("\n", text).strip()
    if rule.multiline:
        text = _BLANK_RUN.sub("\n\n", text)
    elif "\n" in text:
        raise InputRejected(
            field,
            f"{rule.label}に改行は使えません。1行で入力してください。",
            f"{rule.english}: a line break is not allowed (one line of text expected)",
        )
    if len(text) > rule.max_length:
        raise InputRejected(
            field,
            f"{rule.label}は{rule.max_length:,}文字以内で入力してください（{len(text):,}文字あります）。",
            f"{rule.english}: {len(text):,} characters, at most {rule.max_length:,} allowed",
        )
    return text


def clean_line(value: object, *, field: str) -> str:
    """:func:`clean_text` for a field that is one line by its nature (a line break is refused)."""
    if text_rule(field).multiline:
        raise TypeError(f"clean_line(): {field} is a multi-line field; use clean_text()")
    return clean_text(value, field=field)


def clean_items(values: Iterable[object], *, field: str, label: str = "", maximum: int = ITEMS_MAX) -> list[str]:
    """A list of text items, each through :func:`clean_text`; empty items are dropped, at most ``maximum`` kept.

    ``label`` names the list in messages (「主な取組と成果」); an item's refusal says which item (1-based) and
    carries ``[n]`` (0-based, as in JSON) as its ``where``.
    """
    rule = text_rule(field)
    name = label or rule.label
    items: list[str] = []
    for index, value in enumerate(values):
        try:
            text = clean_text(value, field=field)
        except InputRejected as exc:
            raise InputRejected(
                field, f"{name}の{index + 1}件目：{exc.message}", exc.english, where=f"[{index}]"
            ) from exc
        if text:
            items.append(text)
    if len(items) > maximum:
        raise InputRejected(
            field,
            f"{name}は{maximum}件以内にしてください（{len(items)}件あります）。",
            f"{rule.english}: {len(items)} items, at most {maximum} allowed",
        )
    return items


def check_count(items: Sequence[object], *, field: str, label: str, english: str, maximum: int) -> None:
    """Refuse a list longer than ``maximum`` (tables, rows, sections): the documents have to print them all."""
    if len(items) > maximum:
        raise InputRejected(
            field,
            f"{label}は{maximum}件以内にしてください（{len(items)}件あります）。",
            f"{english}: {len(items)} entries, at most {maximum} allowed",
        )


def check_fiscal_year(value: object, *, field: str = "fiscal_year", label: str = "年度") -> int:
    """A fiscal year as an int within FISCAL_YEAR_MIN..FISCAL_YEAR_MAX."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputRejected(field, f"{label}が正しくありません。", f"{field}: expected a fiscal year, found {value!r}")
    if not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        raise InputRejected(
            field,
            f"{label}は{FISCAL_YEAR_MIN}年度から{FISCAL_YEAR_MAX}年度までの範囲で指定してください。",
            f"{field}: fiscal year {value} is outside {FISCAL_YEAR_MIN}..{FISCAL_YEAR_MAX}",
        )
    return value


def check_plan_period(start: int, end: int) -> None:
    """A plan period: both years in range, the start not after the end, at most PLAN_YEARS_MAX years."""
    check_fiscal_year(start, field="start_fiscal_year", label="計画期間の開始年度")
    check_fiscal_year(end, field="end_fiscal_year", label="計画期間の終了年度")
    if end < start:
        raise InputRejected(
            "end_fiscal_year",
            "計画期間の終了年度は開始年度以降にしてください。",
            f"end_fiscal_year: {end} is before start_fiscal_year {start}",
        )
    if end - start + 1 > PLAN_YEARS_MAX:
        raise InputRejected(
            "end_fiscal_year",
            f"計画期間は{PLAN_YEARS_MAX}年度以内にしてください。",
            f"end_fiscal_year: a plan period of {end - start + 1} fiscal years, at most {PLAN_YEARS_MAX} allowed",
        )


def check_decimal(value: object, *, field: str, label: str, maximum: Decimal, minimum: Decimal = Decimal(0)) -> Decimal:
    """A finite Decimal within minimum..maximum (NaN and Infinity are refused: they cannot be compared or stored)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InputRejected(field, f"{label}は数値で入力してください。", f"{field}: expected a decimal number, found {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise InputRejected(field, f"{label}は数値で入力してください。", f"{field}: {number} is not a finite number")
    if not minimum <= number <= maximum:
        raise InputRejected(
            field,
            f"{label}は{minimum}から{maximum}までの範囲で入力してください。",
            f"{field}: {number} is outside {minimum}..{maximum}",
        )
    return number
