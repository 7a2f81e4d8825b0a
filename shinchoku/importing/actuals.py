"""Reading one entry of a text-form indicator (目標指標 written as sentences): its target and, in a later year's
report, the actual printed next to it. Pure text functions; ``indicators.py`` matches them up.

The forms, as a final-year report prints them (the seed, a FY2023 report, has targets only):

* ``相談件数 20件以上（実績：32件）``, ``（令和7（2025）年度実績 32件）``, ``（32件）``, ``（32件・達成）``
* ``相談件数 20件以上 → 32件（達成）`` (also ``⇒``)
* ``相談件数 目標：20件以上 実績：32件`` (also ``目標値`` / ``実績値``, with ``、`` or ``／`` between)
* ``電子申請を導入（達成）``, ``電子申請：導入済み``, ``電子申請を導入 【完了】`` — a status, with no number
* a table or a 実績 row under the targets: ``相談件数 32件``, ``電子申請：導入済み`` (see ``read_actual_entry``)

A target that is a sentence (``電子申請を導入``) has no number; it is still an indicator, without a target value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shinchoku.importing.text import Value, clean_name, collapse, key, nfkc, parse_value
from shinchoku.wareki import ERA_YEAR, year_from_match

# Longest first: 未達成 must not read as 達成.
STATUS_WORDS = (
    "一部未達成",
    "概ね達成",
    "一部達成",
    "達成見込み",
    "未達成",
    "達成済み",
    "達成",
    "実施済み",
    "実施済",
    "導入済み",
    "導入済",
    "整備済み",
    "整備済",
    "完了",
    "済み",
    "済",
    "未実施",
    "未導入",
    "実施中",
    "継続中",
    "未達",
)
_STATUS = "(?:" + "|".join(STATUS_WORDS) + ")"
# ``R7(2025)年度``, ``令和7年度末``, ``R7``: the year an actual is for, before its label.
_YEAR_PREFIX = re.compile(r"^(?:" + ERA_YEAR + r"\s*年度\s*(?:末\s*)?(?:時点\s*)?の?|(?:令和|R)\s*\d{1,2}\s*)")
_ACTUAL_LABEL = re.compile(r"^実績値?\s*(?:[:：]\s*)?(?:は\s*)?")
# Where the labelled actual starts: an optional year, then 実績 (or 実績値) and an optional colon.
_ACTUAL_START = re.compile(
    r"(?:" + ERA_YEAR + r"\s*年度\s*(?:末\s*)?(?:時点\s*)?の?\s*|(?:令和|R)\s*\d{1,2}\s*)?実績値?\s*[:：]?"
)
_TARGET_LABEL = re.compile(r"^(?P<name>.*?)[\s（(、,，]*目標値?\s*[:：]?\s*(?P<target>.*)$")
_ARROW = re.compile(r"\s*(?:→|⇒|➡|=>|->)\s*")
# Brackets split too: ``32件（達成）`` is a number and a status, not the unit ``件（達成``.
_PARTS = re.compile(r"[、・/／:：\s（）()【】［］\[\]]+")
_OPEN, _CLOSE = "（(【［[", "）)】］]"
_SEPARATORS = " \u3000、,，/／（(【"


@dataclass(frozen=True)
class Actual:
    value: Value | None
    status: str | None  # as printed: 達成, 実施済み …
    year: int | None  # the year printed with it; None = the report's fiscal year


@dataclass(frozen=True)
class Entry:
    """One item of a text-form indicator block: a name, its target, its actual, and text not understood."""

    name: str
    target: Value | None
    actual: Actual | None
    rest: str | None  # kept as written (the indicator's note) and warned about


def _year(text: str) -> tuple[int | None, str]:
    m = _YEAR_PREFIX.match(text)
    if not m:
        return None, text
    if m.groupdict().get("era") or m.groupdict().get("bare"):
        return year_from_match(m), text[m.end() :]
    n = int(nfkc(re.sub(r"\D", "", m.group(0))))
    return 2018 + n, text[m.end() :]


def actual_phrase(text: str) -> Actual | None:
    """``実績：32件``, ``32件``, ``達成``, ``32件・達成``, ``令和7（2025）年度実績 32件`` -> Actual; else None.

    At most one number and one status; anything else means the text is not an actual (it may be a name).
    """
    t = collapse(text).strip(_SEPARATORS + "）)】］]")
    # ``650.4 時間`` and ``2, 885件``: the spacing of the PDF, not two parts.
    t = re.sub(r"(?<=\d)\s+(?=[^\d\s、・/／:：])|(?<=\d[,，])\s+(?=\d)", "", t)
    year, t = _year(t)
    t = _ACTUAL_LABEL.sub("", t.strip())
    value: Value | None = None
    status: str | None = None
    for part in (p for p in _PARTS.split(t) if p):
        if re.fullmatch(_STATUS, key(part)) and status is None:
            status = part
        elif value is None and parse_value(part) is not None:
            value = parse_value(part)
        else:
            return None
    if value is None and status is None:
        return None
    return Actual(value, status, year)


def _trailing_group(text: str) -> tuple[str, str] | None:
    """``name 20件以上（実績（R7）32件）`` -> (``name 20件以上``, ``実績（R7）32件``): the last bracketed group."""
    t = text.rstrip()
    if not t or t[-1] not in _CLOSE:
        return None
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        if t[i] in _CLOSE:
            depth += 1
        elif t[i] in _OPEN:
            depth -= 1
            if depth == 0:
                return t[:i].rstrip(), t[i + 1 : -1]
    return None


def split_target(text: str) -> tuple[str, Value | None]:
    """``<name> 20件以上`` -> name and the target; the name is everything before the last number token."""
    t = collapse(text).rstrip(" 、,，:：")
    colon = re.match(r"^(?P<name>.+?)\s*[:：]\s*(?P<value>[^:：]+)$", t)
    if colon and parse_value(colon.group("value")) is not None:
        return clean_name(colon.group("name")), parse_value(colon.group("value"))
    tokens = t.split(" ")
    for i in range(len(tokens) - 1, 0, -1):
        value = parse_value(" ".join(tokens[i:]))
        if value is not None:
            return clean_name(" ".join(tokens[:i])), value
    return clean_name(t), None


def _labelled(text: str) -> Entry | None:
    """``name 目標：20件以上 実績：32件`` and ``name 20件以上（実績：32件）``: a 実績 label after a target."""
    for m in reversed(list(_ACTUAL_START.finditer(text))):
        before = text[: m.start()].rstrip(_SEPARATORS)
        after = text[m.start() :]
        if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
            after = after[:-1] if after[-1:] in "）)" else after
        actual = actual_phrase(after)
        if not before or actual is None:
            continue
        target_label = _TARGET_LABEL.match(before)
        if target_label and (parse_value(target_label.group("target")) or not target_label.group("target")):
            name = clean_name(target_label.group("name"))
            return Entry(name, parse_value(target_label.group("target")), actual, None)
        name, target = split_target(before)
        return Entry(name, target, actual, None)
    return None


def read_target_entry(text: str) -> Entry:
    """One item of the targets: the name, the target (None for a sentence target) and any actual beside it."""
    t = collapse(text)
    labelled = _labelled(t)
    if labelled is not None:
        return labelled
    arrow = list(_ARROW.finditer(t))
    if arrow:
        head, tail = t[: arrow[-1].start()], t[arrow[-1].end() :]
        name, target = split_target(head)
        actual = actual_phrase(tail)
        if actual is None:
            group = _trailing_group(tail)
            # ``→ 32件（集計中）``: the number is the actual, the words after it are kept as written.
            if group is not None and actual_phrase(group[0]) is not None:
                return Entry(name, target, actual_phrase(group[0]), group[1])
            return Entry(name, target, None, tail)
        return Entry(name, target, actual, None)
    group = _trailing_group(t)
    if group is not None:
        head, inner = group
        actual = actual_phrase(inner)
        name, target = split_target(head)
        if actual is not None:
            return Entry(name, target, actual, None)
        if target is not None:
            return Entry(name, target, None, inner)
        # A sentence target with a bracket that is no actual: the bracket belongs to the sentence.
        return Entry(clean_name(t), None, None, None)
    status = re.match(r"^(?P<head>.+?)\s*(?:[:：]|\s)\s*(?P<status>" + _STATUS + r")$", t)
    if status:
        name, target = split_target(status.group("head"))
        return Entry(name, target, Actual(None, status.group("status"), None), None)
    name, target = split_target(t)
    return Entry(name, target, None, None)


def read_actual_entry(text: str) -> Entry | None:
    """One item of a 実績 row under the targets: ``相談件数 32件``, ``相談件数：32件（達成）``, ``電子申請：導入済み``.

    None when no actual can be read from it.
    """
    t = collapse(text)
    group = _trailing_group(t)
    status: str | None = None
    if group is not None and actual_phrase(group[1]) is not None:
        extra = actual_phrase(group[1])
        assert extra is not None
        if extra.value is None:
            t, status = group[0], extra.status
    m = re.match(r"^(?P<name>.+?)\s*(?:[:：]|\s)\s*(?P<actual>[^:：\s]+(?:\s*[・、]\s*\S+)?)$", t)
    if not m:
        return None
    actual = actual_phrase(m.group("actual"))
    if actual is None:
        return None
    name = clean_name(m.group("name"))
    if status is not None:
        actual = Actual(actual.value, actual.status or status, actual.year)
    return Entry(name, None, actual, None)


def matching(name: str, names: list[str]) -> int | None:
    """Index of the target an actual's name refers to: the same name, or one containing the other."""
    k = key(name)
    for test in (
        lambda other: other == k,
        lambda other: bool(k) and (k in other or other in k),
    ):
        found = [i for i, n in enumerate(names) if test(key(n))]
        if len(found) == 1:
            return found[0]
    return None
