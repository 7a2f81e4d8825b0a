"""The input boundary's pure functions: what a text, a number or a year may be before it is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shinchoku import inputs
from shinchoku.inputs import InputRejected, clean_items, clean_line, clean_text
from shinchoku.values import Quantity

# Every kind of character the boundary refuses, one of each.
REFUSED = ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\x80", "\x9f", "\ud800", "\udfff", "\ufffe", "\uffff",
           "\ufdd0", "\U0001fffe", "\U0010ffff", "\u202e", "\u2066"]


@pytest.mark.parametrize("ch", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_refused_characters_name_the_field_and_the_character(ch: str) -> None:
    with pytest.raises(InputRejected) as refused:
        clean_text(f"取組{ch}を進めました", field="report.item")
    assert refused.value.field == "report.item"
    assert f"U+{ord(ch):04X}" in refused.value.message and "項目" in refused.value.message
    assert "3文字目" in refused.value.message
    assert f"U+{ord(ch):04X} at position 3" in refused.value.english
    assert str(refused.value) == refused.value.english


def test_line_breaks_are_normalised_and_a_tab_becomes_a_space() -> None:
    assert clean_text("一行目\r\n二行目\r三行目\u2028四行目\x0c五行目", field="project.overview") == (
        "一行目\n二行目\n三行目\n四行目\n五行目"
    )
    assert clean_text("\t=2+2", field="report.item") == "=2+2"  # stripped, the tab no longer opens the text
    assert clean_text("A\tB", field="indicator.name") == "A B"


def test_blanks_around_lines_and_runs_of_empty_lines() -> None:
    assert clean_text("　本市では、  \n\n\n\n次に。\u3000", field="project.overview") == "本市では、\n\n次に。"


def test_a_single_line_field_refuses_a_line_break() -> None:
    with pytest.raises(InputRejected, match="line break") as refused:
        clean_text("個別事業\n計画", field="project.name")
    assert refused.value.message == "個別事業計画名に改行は使えません。1行で入力してください。"


def test_clean_line_is_for_single_line_fields_only() -> None:
    assert clean_line(" 指標 ", field="indicator.name") == "指標"
    with pytest.raises(TypeError):
        clean_line("x", field="project.overview")


def test_length_is_counted_in_characters_after_cleaning() -> None:
    limit = inputs.text_rule("report.item").max_length
    assert clean_text("あ" * limit + "   ", field="report.item") == "あ" * limit
    with pytest.raises(InputRejected) as refused:
        clean_text("あ" * (limit + 1), field="report.item")
    assert refused.value.message == f"項目は{limit:,}文字以内で入力してください（{limit + 1:,}文字あります）。"
    assert refused.value.english == f"item: {limit + 1:,} characters, at most {limit:,} allowed"
    # An astral character is one character, as PostgreSQL counts varchar.
    assert clean_text("😀" * 200, field="project.name") == "😀" * 200


def test_japanese_text_is_kept_as_typed() -> None:
    """No NFKC or NFC on prose and names: full-width punctuation, circled digits, ㎡ and 異体字 stay."""
    text = "（１）ＬＩＮＥ「①」：１０㎡　神（U+FA19）"
    assert clean_text(text, field="project.overview") == text
    assert clean_text("①", field="schedule.track") == "①"


def test_codes_and_addresses_are_folded_by_nfkc() -> None:
    assert clean_text("Ｂ", field="grade.code") == "B"
    assert clean_text("ｋｉｋａｋｕ＠example.jp", field="department.email") == "kikaku@example.jp"


def test_none_is_empty_and_other_types_are_refused() -> None:
    assert clean_text(None, field="project.vision") == ""
    with pytest.raises(InputRejected, match="expected text, found int"):
        clean_text(12, field="project.vision")


def test_every_char_field_limit_fits_its_column() -> None:
    """A rule never allows more than the column holds (PostgreSQL would refuse it with a crash)."""
    from django.apps import apps

    columns = {
        "municipality.name": ("tenancy", "Municipality", "name"),
        "municipality.code": ("tenancy", "Municipality", "code"),
        "department.name": ("tenancy", "Department", "name"),
        "department.email": ("tenancy", "Department", "email"),
        "plan.name": ("plans", "Plan", "name"),
        "pillar.name": ("plans", "Pillar", "name"),
        "policy.name": ("plans", "Policy", "name"),
        "tag.name": ("plans", "ProjectTag", "name"),
        "grade.code": ("plans", "GradeDefinition", "code"),
        "grade.description": ("plans", "GradeDefinition", "description"),
        "project.name": ("plans", "Project", "name"),
        "project.comprehensive_plan_area": ("plans", "Project", "comprehensive_plan_area"),
        "project.comprehensive_plan_policy": ("plans", "Project", "comprehensive_plan_policy"),
        "schedule.track": ("plans", "ScheduleRow", "track"),
        "schedule.cell": ("plans", "ScheduleCell", "text"),
        "indicator.name": ("plans", "Indicator", "name"),
        "indicator.unit": ("plans", "Indicator", "unit"),
        "indicator.qualifier": ("plans", "Indicator", "qualifier"),
        "result_table.label": ("plans", "ResultTableRow", "label"),
        "result_table.unit": ("plans", "ResultTableRow", "unit"),
        "year.title": ("plans", "ReportingYear", "title"),
        "under_consideration.title": ("plans", "PolicyUnderConsideration", "title"),
    }
    for code, (app, model, field) in columns.items():
        column = apps.get_model(app, model)._meta.get_field(field).max_length
        assert inputs.text_rule(code).max_length == column, code
    single_line = {code for code, rule in inputs.TEXT_RULES.items() if not rule.multiline}
    assert single_line - set(columns) == {"narrative.heading"}  # inside a JSON list, no column of its own
    assert inputs.text_rule("schedule.cell").multiline  # a CharField whose cells may wrap on purpose


def test_items_drop_empty_ones_and_say_which_item_is_refused() -> None:
    assert clean_items(["  一つ目 ", "", "　", "二つ目"], field="report.item") == ["一つ目", "二つ目"]
    with pytest.raises(InputRejected) as refused:
        clean_items(["よい", "わる\x00い"], field="report.item", label="主な取組と成果")
    assert refused.value.message.startswith("主な取組と成果の2件目：項目に使えない文字（制御文字 U+0000）")
    assert refused.value.where == "[1]"
    assert str(refused.value.at("projects[3].results")).startswith("projects[3].results[1]: item: character U+0000")


def test_items_are_limited_in_number() -> None:
    assert len(clean_items(["x"] * inputs.ITEMS_MAX, field="report.item")) == inputs.ITEMS_MAX
    with pytest.raises(InputRejected, match=f"{inputs.ITEMS_MAX + 1} items"):
        clean_items(["x"] * (inputs.ITEMS_MAX + 1), field="report.item")


def test_fiscal_years_and_plan_periods() -> None:
    assert inputs.check_fiscal_year(1989) == 1989 and inputs.check_fiscal_year(2100) == 2100
    for wrong in (1988, 2101, -1, 10**6):
        with pytest.raises(InputRejected, match=r"outside 1989\.\.2100"):
            inputs.check_fiscal_year(wrong)
    with pytest.raises(InputRejected, match="expected a fiscal year"):
        inputs.check_fiscal_year("2024")
    inputs.check_plan_period(2021, 2025)
    with pytest.raises(InputRejected, match="before start_fiscal_year"):
        inputs.check_plan_period(2025, 2021)
    with pytest.raises(InputRejected, match="at most 30"):
        inputs.check_plan_period(2000, 2030)


def test_decimals_refuse_nan_infinity_and_out_of_range() -> None:
    assert inputs.check_decimal(Decimal("115.0"), field="a_min", label="A", maximum=Decimal(1000)) == Decimal("115.0")
    for wrong in (Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-1"), Decimal("1001"), "1", 1.5):
        with pytest.raises(InputRejected):
            inputs.check_decimal(wrong, field="a_min", label="A", maximum=Decimal(1000))


@pytest.mark.parametrize(
    "value",
    [Decimal("1e40"), Decimal("1E+5000"), Decimal("100000000000000"), Decimal("-100000000000000"),
     Decimal("99999999999999.9999999"), Decimal("9" * 5000)],
)
def test_a_quantity_refuses_what_no_column_holds(value: Decimal) -> None:
    with pytest.raises(InputRejected, match="out of range") as refused:
        Quantity.of_decimal(value) if value.as_tuple().exponent >= 0 else Quantity(value, 6)
    assert refused.value.message == "数値が大きすぎます（整数部分は14桁まで）。"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-sNaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_a_quantity_refuses_nan_and_infinity(value: Decimal) -> None:
    with pytest.raises(InputRejected, match="not a finite number"):
        Quantity(value, 0)
    with pytest.raises(InputRejected):
        Quantity.of_decimal(value)


def test_the_largest_quantities_still_fit() -> None:
    assert Quantity(Decimal("99999999999999.999999"), 6).plain() == "99999999999999.999999"
    assert Quantity(Decimal("-99999999999999"), 0).plain() == "-99999999999999"
    assert Quantity(Decimal("0E+40"), 0).plain() == "0"


_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


@given(_TEXT)
def test_whatever_is_accepted_is_storable_and_stable(text: str) -> None:
    """For any text: either a refusal, or a value with no refused character that cleans to itself."""
    try:
        cleaned = clean_text(text, field="project.overview")
    except InputRejected as refused:
        assert refused.field == "project.overview" and refused.message and refused.english
        return
    assert all(inputs._forbidden(ch) is None for ch in cleaned if ch != "\n")
    assert "\t" not in cleaned and "\r" not in cleaned and "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned, field="project.overview") == cleaned


@given(_TEXT)
def test_a_single_line_field_never_stores_a_line_break(text: str) -> None:
    try:
        cleaned = clean_text(text, field="project.name")
    except InputRejected:
        return
    assert "\n" not in cleaned and len(cleaned) <= 200


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_is_a_storable_quantity_or_refused(number: Decimal) -> None:
    try:
        quantity = Quantity.of_decimal(number)
    except InputRejected:
        return
    assert quantity.value.is_finite() and abs(quantity.value) < inputs.VALUE_LIMIT
    assert 0 <= quantity.decimals <= inputs.MAX_DECIMALS


def test_docs_limits_table_is_the_code_table() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|") for line in docs.splitlines() if line.startswith("| `")}
    assert set(rows) == set(inputs.TEXT_RULES)
    for code, rule in inputs.TEXT_RULES.items():
        cells = [c.strip() for c in rows[code]]
        assert cells[4] == f"{rule.max_length:,}", code
        assert cells[5].startswith("複数行" if rule.multiline else "1行"), code
        assert (cells[6] == "NFKC") is rule.nfkc, code


def test_the_scan_and_the_reasons_refuse_the_same_characters() -> None:
    """clean_text scans with one regular expression and explains with _forbidden(): they must agree everywhere."""
    disagree = [
        cp for cp in range(0x110000)
        if cp not in (0x09, 0x0A) and (inputs._REFUSED.match(chr(cp)) is None) != (inputs._forbidden(chr(cp)) is None)
    ]
    assert disagree == []
