"""The value type: what people type, how it prints, how it travels (parse / format / plain round trips)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shinchoku.values import (
    MAX_DECIMALS,
    MAX_INTEGER_DIGITS,
    PLAIN_PATTERN,
    NotANumber,
    Quantity,
    parse,
)

SCHEMA = Path(__file__).parents[1] / "shinchoku" / "interchange" / "schema.json"


@st.composite
def quantities(draw: st.DrawFn) -> Quantity:
    decimals = draw(st.integers(min_value=0, max_value=MAX_DECIMALS))
    units = draw(st.integers(min_value=-(10 ** (MAX_INTEGER_DIGITS + decimals) - 1), max_value=10 ** (MAX_INTEGER_DIGITS + decimals) - 1))
    return Quantity(Decimal(units).scaleb(-decimals), decimals)


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [("16,608", "16608", 0), ("１６，６０８", "16608", 0), ("31.7", "31.7", 1), ("３１．７％", "31.7", 1),
     ("3.0", "3.0", 1), ("650.4時間", "650.4", 1), (" 100 ", "100", 0), ("-5", "-5", 0),
     ("16,000.50", "16000.50", 2), ("１６，０００．５０", "16000.50", 2)],
)
def test_it_reads_numbers_people_type(text: str, value: str, decimals: int) -> None:
    parsed = parse(text, unit="時間")
    assert parsed.quantity == Quantity(Decimal(value), decimals) and not parsed.not_applicable
    assert parsed.quantity is not None and parsed.quantity.value.as_tuple() == Decimal(value).as_tuple()


@pytest.mark.parametrize("text", ["", "   ", None])
def test_it_reads_empty_as_no_value(text: str | None) -> None:
    assert parse(text).is_empty


@pytest.mark.parametrize("text", ["該当なし", "-", "－", "—", "n/a"])
def test_it_reads_not_applicable(text: str) -> None:
    assert parse(text).not_applicable


def test_it_refuses_not_applicable_where_a_value_is_required() -> None:
    with pytest.raises(NotANumber):
        parse("該当なし", allow_not_applicable=False)


@pytest.mark.parametrize("text", ["約100", "100以上", "1,23", "12a", "1.2.3", "百", "100人"])
def test_it_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(NotANumber) as refused:
        parse(text, unit="%")
    assert str(refused.value).startswith(f"「{text}」は数値ではありません。")


def test_it_refuses_too_many_digits_in_japanese() -> None:
    with pytest.raises(NotANumber, match="小数点以下の桁数が多すぎます（6桁まで）"):
        parse("1.1234567")
    with pytest.raises(NotANumber, match="は大きすぎます"):
        parse("1" * (MAX_INTEGER_DIGITS + 1))


def test_it_formats_with_separators_and_the_decimals_as_entered() -> None:
    q = Quantity(Decimal("16000.50"), 2)
    assert (q.format(), q.format("人"), q.plain()) == ("16,000.50", "16,000.50人", "16000.50")
    assert Quantity(Decimal("3.0"), 1).format("点") == "3.0点"
    assert Quantity(Decimal("16608"), 0).format() == "16,608"


def test_it_keeps_only_the_decimals_entered_of_a_stored_value() -> None:
    # The database column has six places: 16000.500000 with decimals=2 is 16000.50.
    q = Quantity(Decimal("16000.500000"), 2)
    assert q.value.as_tuple() == Decimal("16000.50").as_tuple() and q.plain() == "16000.50"


def test_it_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        Quantity(16000.5, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quantity.of_decimal(16000.5)  # type: ignore[arg-type]


def test_it_reads_the_decimals_of_a_json_number_from_its_text() -> None:
    number = json.loads("16000.50", parse_float=Decimal)
    assert Quantity.of_decimal(number) == Quantity(Decimal("16000.50"), 2)
    assert Quantity.of_decimal(7000) == Quantity(Decimal(7000), 0)


@pytest.mark.parametrize("text", ["16,000.50", "1e5", " 1", "+1", "1.", ".5", "", "1.1234567"])
def test_it_refuses_what_is_not_the_plain_form(text: str) -> None:
    with pytest.raises(ValueError, match="decimal string"):
        Quantity.from_plain(text)


def test_it_uses_the_same_plain_pattern_as_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$defs"]["value"]["pattern"] == PLAIN_PATTERN


@given(quantities())
def test_it_reads_back_what_it_prints(q: Quantity) -> None:
    assert parse(q.format()).quantity == q
    assert parse(q.format()).quantity.decimals == q.decimals  # type: ignore[union-attr]


@given(quantities())
def test_it_reads_back_the_full_width_form(q: Quantity) -> None:
    assert parse(_full_width(q.format())).quantity == q


@given(quantities())
def test_it_reads_back_the_plain_form(q: Quantity) -> None:
    back = Quantity.from_plain(q.plain())
    assert back == q and back.plain() == q.plain()
    assert parse(q.plain()).quantity == q
    assert re.fullmatch(PLAIN_PATTERN, q.plain())


@given(quantities())
def test_it_prints_the_decimals_it_holds(q: Quantity) -> None:
    text = q.format()
    assert len(text.split(".")[1]) == q.decimals if q.decimals else "." not in text
    assert text.replace(",", "") == q.plain()


@given(st.text(max_size=20))
def test_it_either_reads_a_text_or_says_why_in_japanese(text: str) -> None:
    try:
        parsed = parse(text)
    except NotANumber as refused:
        assert str(refused).startswith("「")
    else:
        if parsed.quantity is not None:
            assert Quantity.from_plain(parsed.quantity.plain()) == parsed.quantity
