"""Deterministic mutations of an importer's input: the seed report's text, and an exported JSON document.

Independent of Shinchoku (standard library only), so the suite's fuzz test and ``bench/fuzz_importers.py`` draw
the same cases: case ``n`` of seed ``s`` is always the same bytes, whatever ran before it. Each case applies
one to three mutations and says which (``Case.label``), so a failure can be reproduced from its label alone.

Text mutations work on lines (the parser's unit: errors carry a line number), characters and bytes. JSON
mutations work on the parsed document at a random JSON path (wrong types, missing and unknown keys, duplicate
list items, hostile numbers and strings, deep nesting), and sometimes on the serialised text as well.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# Numbers no column holds, and numbers no parser should build: the payloads.
HOSTILE_NUMBERS = [
    "1e40",
    "1E+40",
    "9" * 5000,
    "99999999999999999999",
    "100000000000000",
    "-1",
    "-99999999999999999999",
    "0.0000001",
    "1.1234567",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1_000",
    "٣",  # an Arabic-Indic digit: \d in Python, NFKC keeps it
    "１２３",
    "0x10",
    "1,2,3",
    "",
]
CONTROL_CHARACTERS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\u0085",
                      "\u2028", "\ufeff", "\ufffe", "\uffff", "\ud800"]
# Characters a flip may write: ASCII, the report's own punctuation, Japanese, cell separators.
FLIP_ALPHABET = "aZ09 ,.-:()（）・○①→—\t\n\r\\<>&\"'年度月令和実績目標施策事業B"
INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\xe3\x81", b"\xed\xa0\x80", b"\x80", b"\xf5\x80\x80\x80"]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Case:
    number: int
    label: str  # the mutations applied, e.g. "swap_lines(3,5)+nul@1234"
    data: bytes


# --- text ----------------------------------------------------------------------------------------------------


def _pick_line(rng: random.Random, lines: list[str]) -> int:
    # Half the time a non-empty line: blank lines are many and mutating them tests little.
    if rng.random() < 0.5:
        full = [i for i, line in enumerate(lines) if line.strip()]
        if full:
            return rng.choice(full)
    return rng.randrange(len(lines))


def _cover_or_any(rng: random.Random, lines: list[str]) -> int:
    # The first 40 lines (cover, 目次, section 1 headings) decide the document's identity: mutate them often.
    if rng.random() < 0.3:
        return rng.randrange(min(40, len(lines)))
    return _pick_line(rng, lines)


def _truncate(rng: random.Random, text: str) -> tuple[str, str]:
    at = rng.randrange(len(text) + 1)
    return text[:at], f"truncate@{at}"


def _delete_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    at = _cover_or_any(rng, lines)
    count = rng.choice([1, 1, 2, 3, 10])
    del lines[at : at + count]
    return "\n".join(lines), f"delete_lines({at},{count})"


def _duplicate_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    at = _cover_or_any(rng, lines)
    count = rng.choice([1, 1, 2, 3, 20])
    lines[at:at] = lines[at : at + count]
    return "\n".join(lines), f"duplicate_lines({at},{count})"


def _swap_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    a = _cover_or_any(rng, lines)
    b = min(len(lines) - 1, a + rng.choice([1, 1, 2, 5])) if rng.random() < 0.6 else _pick_line(rng, lines)
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines), f"swap_lines({a},{b})"


def _flip_characters(rng: random.Random, text: str) -> tuple[str, str]:
    chars = list(text)
    positions = [rng.randrange(len(chars)) for _ in range(rng.choice([1, 1, 3, 10]))]
    for at in positions:
        chars[at] = rng.choice(FLIP_ALPHABET)
    return "".join(chars), f"flip@{','.join(map(str, positions))}"


def _insert_tab(rng: random.Random, text: str) -> tuple[str, str]:
    at = rng.randrange(len(text) + 1)
    return text[:at] + "\t" * rng.choice([1, 1, 5]) + text[at:], f"tab@{at}"


def _hostile_number(rng: random.Random, text: str) -> tuple[str, str]:
    matches = list(_NUMBER.finditer(text))
    m = rng.choice(matches)
    number = rng.choice(HOSTILE_NUMBERS)
    return text[: m.start()] + number + text[m.end() :], f"number@{m.start()}={number[:12]!r}"


def _control_character(rng: random.Random, text: str) -> tuple[str, str]:
    at = rng.randrange(len(text) + 1)
    char = rng.choice(CONTROL_CHARACTERS)
    return text[:at] + char + text[at:], f"control@{at}={char!r}"


def _long_line(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    at = _pick_line(rng, lines)
    filler = rng.choice(["あ", "x", "・長い", "1,000", "\t"]) * rng.choice([3_000, 30_000, 200_000])
    lines[at] = lines[at] + filler if rng.random() < 0.7 else filler
    return "\n".join(lines), f"long_line({at},{len(filler)})"


TEXT_MUTATIONS: list[Callable[[random.Random, str], tuple[str, str]]] = [
    _truncate,
    _delete_lines,
    _duplicate_lines,
    _duplicate_lines,
    _swap_lines,
    _swap_lines,
    _flip_characters,
    _insert_tab,
    _hostile_number,
    _hostile_number,
    _control_character,
    _long_line,
]


def _invalid_utf8(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(INVALID_UTF8) + data[at:], f"bad_utf8@{at}"


def _byte_level(rng: random.Random, data: bytes, label: str) -> tuple[bytes, str]:
    # Rarely, as a file damaged on disk would be: an invalid UTF-8 sequence, or a cut inside a character.
    roll = rng.random()
    if roll < 0.06:
        data, what = _invalid_utf8(rng, data)
        return data, f"{label}+{what}"
    if roll < 0.08:
        at = rng.randrange(len(data) + 1)
        return data[:at], f"{label}+cut_bytes@{at}"
    return data, label


def text_case(seed: int, number: int, text: str) -> Case:
    """Case ``number`` of ``seed``: the text with one to three mutations, as UTF-8 bytes (sometimes invalid)."""
    rng = random.Random(f"text:{seed}:{number}")
    labels = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if not text:
            break
        text, label = rng.choice(TEXT_MUTATIONS)(rng, text)
        labels.append(label)
    data, label = _byte_level(rng, text.encode("utf-8", "surrogatepass"), "+".join(labels))
    return Case(number, label, data)


def text_cases(seed: int, count: int, text: str, start: int = 0) -> Iterator[Case]:
    for number in range(start, start + count):
        yield text_case(seed, number, text)


# --- JSON ----------------------------------------------------------------------------------------------------

Path = tuple[str | int, ...]


def json_paths(node: Any, path: Path = ()) -> Iterator[Path]:
    """Every JSON path below (and including) ``node``, depth first."""
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from json_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from json_paths(v, (*path, i))


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _get(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def _deep(depth: int) -> str:
    return f"@@DEEP:{depth}@@"  # written as ``[[[…"x"…]]]`` by _dumps


def _bare(number: str) -> str:
    return f"@@NUM:{number}@@"  # written as a bare JSON number by _dumps


def _hostile_values(rng: random.Random) -> list[Any]:
    return [
        None, True, False, 0, -1, 2023, 10**40, -(10**30), _bare("1E+40"), _bare("1.5"), _bare("0.0000001"), _bare("1e400"),
        "", " ", "x", "2023", "1e40", "9" * 5000, "-0", "NaN", "Infinity", "2023-13", "9999-99", "A", "\u0000",
        "名" * 300, "x" * 100_000, "a\x00b", "\ud800", "\ufffe", "\t=1+1", [], [None], {}, {"x": 1},
        _deep(rng.choice([50, 2_000])),
    ]


def _wrong_type(rng: random.Random, document: Any, path: Path) -> str:
    value = rng.choice(_hostile_values(rng))
    parent = _get(document, path[:-1])
    parent[path[-1]] = value
    return f"set {path_text(path)}={repr(value)[:20]}"


def _missing_key(rng: random.Random, document: Any, path: Path) -> str:
    parent = _get(document, path[:-1])
    del parent[path[-1]]
    return f"del {path_text(path)}"


def _unknown_key(rng: random.Random, document: Any, path: Path) -> str:
    node = _get(document, path)
    if isinstance(node, dict):
        node[rng.choice(["extra", "name ", "2023", ""])] = rng.choice(_hostile_values(rng))
        return f"add key at {path_text(path)}"
    return _wrong_type(rng, document, path)


def _duplicate_item(rng: random.Random, document: Any, path: Path) -> str:
    parent = _get(document, path[:-1])
    if isinstance(parent, list):
        index = path[-1]
        assert isinstance(index, int)
        parent.insert(index, json.loads(json.dumps(parent[index])))
        return f"duplicate {path_text(path)}"
    # A per-year object: the same value under another (possibly absurd) fiscal year.
    parent[rng.choice(["1899", "2201", "99999", "-1", "20x3", str(rng.randrange(1900, 2200))])] = parent[path[-1]]
    return f"copy {path_text(path)} to another key"


def _swap_items(rng: random.Random, document: Any, path: Path) -> str:
    parent = _get(document, path[:-1])
    if isinstance(parent, list) and len(parent) > 1:
        a = path[-1]
        assert isinstance(a, int)
        b = rng.randrange(len(parent))
        parent[a], parent[b] = parent[b], parent[a]
        return f"swap {path_text(path)} with [{b}]"
    return _missing_key(rng, document, path)


def _string_payload(rng: random.Random, document: Any, path: Path) -> str:
    parent = _get(document, path[:-1])
    old = parent[path[-1]]
    payload = rng.choice([*CONTROL_CHARACTERS, "x" * 100000, "名" * 5000, '=HYPERLINK("x")', "\t"])
    parent[path[-1]] = (old if isinstance(old, str) else "") + payload
    return f"append {payload[:8]!r}… to {path_text(path)}"


def _number_payload(rng: random.Random, document: Any, path: Path) -> str:
    parent = _get(document, path[:-1])
    number = rng.choice(HOSTILE_NUMBERS)
    parent[path[-1]] = number
    return f"set {path_text(path)}={number[:12]!r}"


_JSON_MUTATIONS: list[Callable[[random.Random, Any, Path], str]] = [
    _wrong_type,
    _wrong_type,
    _wrong_type,
    _missing_key,
    _unknown_key,
    _duplicate_item,
    _duplicate_item,
    _swap_items,
    _string_payload,
    _number_payload,
]


def _value_paths(paths: list[Path]) -> list[Path]:
    # Paths to the values of a target, an actual or a result row: where a hostile number does most harm.
    return [p for p in paths if len(p) > 1 and (p[-2] in ("targets", "actuals") or p[-1] == "value")]


def json_case(seed: int, number: int, document: Any) -> Case:
    """Case ``number`` of ``seed``: a deep copy of ``document`` mutated one to three times, serialised (and,
    in one case of seven, damaged as text: truncated, a character flipped, invalid UTF-8)."""
    rng = random.Random(f"json:{seed}:{number}")
    document = json.loads(json.dumps(document))
    labels = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        paths = [p for p in json_paths(document) if p]
        if not paths:
            break
        mutation = rng.choice(_JSON_MUTATIONS)
        values = _value_paths(paths)
        path = rng.choice(values) if mutation is _number_payload and values else rng.choice(paths)
        labels.append(mutation(rng, document, path))
    text = _dumps(document, rng)
    label = "; ".join(labels)
    roll = rng.random()
    if roll < 0.05:
        text, what = _truncate(rng, text)
        label += f"; {what}"
    elif roll < 0.1:
        text, what = _flip_characters(rng, text)
        label += f"; {what}"
    elif roll < 0.14:
        text, what = _raw_number(rng, text)
        label += f"; {what}"
    data, label = _byte_level(rng, text.encode("utf-8", "surrogatepass"), label)
    return Case(number, label, data)


def _raw_number(rng: random.Random, text: str) -> tuple[str, str]:
    """A JSON number no reader agrees on, written as a bare token where a number already is."""
    matches = list(re.finditer(r"(?<=: )-?\d+(?=[,\n}])", text))
    if not matches:
        return text, "no number"
    m = rng.choice(matches)
    token = rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "1e40", "-0.0", "1.0"])
    return text[: m.start()] + token + text[m.end() :], f"raw_number@{m.start()}={token[:12]}"


def _dumps(document: Any, rng: random.Random) -> str:
    """JSON text of the mutated document; sentinels become what json.dumps cannot write: bare numbers of any
    size (``1E+40``) and nesting deeper than its recursion limit."""
    text = json.dumps(document, ensure_ascii=rng.random() < 0.3, indent=rng.choice([None, 2]))

    def raw(match: re.Match[str]) -> str:
        kind, value = match.group(1), match.group(2)
        if kind == "NUM":
            return value
        depth = int(value)
        return "[" * depth + '"x"' + "]" * depth

    return re.sub(r'"@@(NUM|DEEP):([^@]+)@@"', raw, text)


def json_cases(seed: int, count: int, document: Any, start: int = 0) -> Iterator[Case]:
    for number in range(start, start + count):
        yield json_case(seed, number, document)
