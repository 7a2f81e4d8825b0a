"""Normalisation helpers for text converted from PDF: matching keys, spacing artifacts, numbers, HTML cells."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from shinchoku.values import Quantity, parse

_WS = re.compile(r"\s+")
# Characters that end a sentence or a list entry; a page break after one of them is a real item boundary.
TERMINATORS = "。．.！？!?」』）)"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# Marks that open an item on their own (kept in the text, except the bullets).
_ITEM_MARKS = CIRCLED + "○◯●◆◇■□【※"
_BULLETS = "・•･"
_DASHES = {"-", "—", "―", "–", "‐", "−", "ｰ", "ー", "－"}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def key(text: str) -> str:
    """Matching key: NFKC with all whitespace removed, so PDF wrap spaces and full/half width do not matter."""
    return _WS.sub("", nfkc(text))


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _is_lone(text: str, i: int) -> bool:
    """True when text[i] is a one-character ASCII token: the letter-by-letter spacing of ``A I ・ R P A``."""
    if not (0 <= i < len(text)) or ord(text[i]) > 127 or text[i].isspace():
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or ord(before) > 127) and (after.isspace() or ord(after) > 127)


def clean_name(text: str) -> str:
    """A name with PDF spacing artifacts removed: ``A I ・ R P A を含めた`` -> ``AI・RPAを含めた``.

    Japanese needs no spaces between words, so a space touching a non-ASCII character is an artifact; between
    ASCII words (``Fit & Gap``) it is real unless both sides are single spelled-out letters.
    """
    text = collapse(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " ":
            left, right = text[i - 1], text[i + 1]
            if ord(left) > 127 or ord(right) > 127 or (_is_lone(text, i - 1) and _is_lone(text, i + 1)):
                continue
        out.append(ch)
    return "".join(out)


def is_dash(text: str) -> bool:
    """``—``, ``-``, ``－``: the report's way of writing "no value"."""
    t = key(text)
    return bool(t) and all(c in _DASHES for c in t)


@dataclass(frozen=True)
class Value:
    number: Quantity  # 31.70 keeps its 2 decimals
    unit: str
    qualifier: str | None


_VALUE = re.compile(
    r"^(?P<pre>約|およそ|概ね)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
    r"(?P<unit>[^\d,.]*?)(?P<post>以上|以下|未満|超|程度|前後|超え)?$"
)


def parse_value(text: str) -> Value | None:
    """``2, 885件`` -> 2885 件; ``90%以上`` -> 90 % 以上; ``約100`` -> 100 '' 約. None when not a number."""
    m = _VALUE.match(key(text))
    if not m:
        return None
    try:
        # The number itself is read like any typed value; the unit and the qualifier are the report's own.
        number = parse(m.group("num") + (m.group("dec") or ""), allow_not_applicable=False).quantity
    except ValueError:
        # NotANumber (too many digits), or a Quantity refusing its magnitude: never an error without a line,
        # the caller reports "expected a number" where it wanted one.
        return None
    if number is None:  # pragma: no cover - the pattern requires digits
        return None
    return Value(number, m.group("unit"), m.group("pre") or m.group("post"))


# --- items of a cell ---------------------------------------------------------------------------------------


@dataclass
class Item:
    text: str
    marked: bool  # opened by an explicit bullet, <li> or item mark, so never glued to the previous item
    kind: str = "text"  # p | li | ul | text: where the item came from (a <p> is a heading in some blocks)


@dataclass
class Table:
    after: int
    rows: list[list[str]]


@dataclass
class CellContent:
    items: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [i.text for i in self.items]

    def table_cells(self) -> set[str]:
        return {key(c) for t in self.tables for row in t.rows for c in row if key(c)}

    def extend(self, other: CellContent) -> None:
        """Append a cell continued after a page break; a sentence cut mid-way is glued back together."""
        glue = (
            bool(self.items)
            and bool(other.items)
            and not other.items[0].marked
            and not self.items[-1].text.endswith(tuple(TERMINATORS))
        )
        offset = len(self.items) - (1 if glue else 0)
        if glue:
            last = self.items[-1]
            self.items[-1] = Item(last.text + other.items[0].text, last.marked, last.kind)
            other_items = other.items[1:]
        else:
            other_items = other.items
        self.tables.extend(Table(max(-1, t.after + offset), t.rows) for t in other.tables)
        self.items.extend(other_items)


def _bullet_starts(text: str) -> list[int]:
    """Positions of ``・`` that open a list entry, not the middle dot inside ``文書管理・電子決裁``."""
    starts = []
    for i, ch in enumerate(text):
        if ch not in _BULLETS:
            continue
        j = i - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j < 0 or text[j] in TERMINATORS:
            starts.append(i)
            continue
        after = i + 1
        while after < len(text) and text[after].isspace():
            after += 1
        if j < i - 1 and not (_is_lone(text, j) and _is_lone(text, after)):
            starts.append(i)
    return starts


def _split_at(text: str, starts: list[int]) -> list[str]:
    bounds = [0, *starts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


# Letters the PDF spelled out one by one (``A I ・ R P A``, ``A I - O C R``); words like ``Fit & Gap`` stay.
_SPELLED = re.compile(r"(?<![A-Za-z])[A-Za-z](?:\s+[A-Za-z・\-](?![A-Za-z]))+(?:\s+[A-Za-z](?![A-Za-z]))?")


def unspell(text: str) -> str:
    return _SPELLED.sub(lambda m: _WS.sub("", m.group(0)), text)


def _item(text: str) -> Item | None:
    text = unspell(collapse(text))
    marked = bool(text) and (text[0] in _BULLETS or text[0] in _ITEM_MARKS)
    text = text.lstrip(_BULLETS + " ").strip()
    return Item(text, marked) if text else None


def _split_bullets(text: str) -> list[Item] | None:
    starts = _bullet_starts(text)
    if not starts:
        return None
    parts = _split_at(text, starts)
    return [it for it in map(_item, parts) if it]


def split_plain(text: str) -> list[Item]:
    """A cell without HTML: a ``・`` list, ``① … ② …`` entries, or one item."""
    items = _split_bullets(text)
    if items is not None:
        return items
    circled = [m.start(1) for m in re.finditer(rf"[{re.escape(TERMINATORS)}]\s+([{CIRCLED}])", text)]
    found = [it for it in map(_item, _split_at(text, circled)) if it]
    return found


def _split_list(text: str) -> list[Item]:
    """Text inside ``<ul>`` without ``<li>``: entries open with ``・``, or, bullet-less, follow a sentence end + space."""
    items = _split_bullets(text)
    if items is not None:
        return [Item(i.text, True, "ul") for i in items]
    starts = [m.end() for m in re.finditer(rf"[{re.escape(TERMINATORS)}]\s+(?=\S)", text)]
    return [Item(i.text, True, "ul") for i in map(_item, _split_at(text, starts)) if i]


class _CellParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.content = CellContent()
        self.buffer: list[str] = []
        self.mode = "text"  # text | p | ul | li
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if not text.strip():
            return
        if self.mode in ("p", "li"):
            item = _item(text)
            if item:
                self.content.items.append(Item(item.text, item.marked or self.mode == "li", self.mode))
        elif self.mode == "ul":
            self.content.items.extend(_split_list(text))
        else:
            self.content.items.extend(split_plain(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.table is not None:
            if tag == "tr":
                self.table.append([])
            elif tag in ("td", "th"):
                self.cell = []
            return
        if tag in ("p", "ul", "ol", "li", "table", "br", "div"):
            self.flush()
        if tag == "table":
            self.table = []
        elif tag in ("p", "li"):
            self.mode = tag
        elif tag in ("ul", "ol"):
            self.mode = "ul"

    def handle_endtag(self, tag: str) -> None:
        if self.table is not None:
            if tag in ("td", "th") and self.cell is not None:
                if not self.table:
                    self.table.append([])
                self.table[-1].append(collapse("".join(self.cell)))
                self.cell = None
            elif tag == "table":
                self.content.tables.append(Table(len(self.content.items) - 1, self.table))
                self.table = None
            return
        if tag in ("p", "li", "ul", "ol", "div"):
            self.flush()
            self.mode = "ul" if tag == "li" else "text"

    def handle_data(self, data: str) -> None:
        if self.table is not None:
            if self.cell is not None:
                self.cell.append(data)
            return
        self.buffer.append(data)

    def close(self) -> None:
        super().close()
        self.flush()


def parse_cell(text: str) -> CellContent:
    """Items and small tables of one table cell (plain text or the HTML fragments of the conversion)."""
    if "<" not in text:
        return CellContent(items=split_plain(text))
    parser = _CellParser()
    parser.feed(text)
    parser.close()
    return parser.content
