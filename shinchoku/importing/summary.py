"""Section 2 of the report: per pillar, the grade table (施策 / 個別事業計画 / 進捗状況), the summaries of the
projects not graded as planned (進捗状況B以外の概要) and the policies under consideration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shinchoku.importing.base import ParserBase, split_cells
from shinchoku.importing.cover import SUBHEADING, TocSection
from shinchoku.importing.text import CellContent, Item, clean_name, is_dash, key, nfkc, parse_cell
from shinchoku.interchange.document import PillarDoc, UnderConsiderationDoc

_NONE_WORDS = ("該当なし", "なし", "特になし", "該当無し")


@dataclass
class Entry:
    """A project as listed in a section 2 grade table."""

    name: str
    pillar: str
    policy: str | None
    grade: str | None
    line: int
    non_b_summary: list[str] = field(default_factory=list)


def _column(cells: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _says_none(items: list[Item]) -> bool:
    """The block is a lone 該当なし: the report's way of saying there is nothing to list."""
    return len(items) == 1 and key(items[0].text) in _NONE_WORDS


class SummaryParser(ParserBase):
    policy_lines: dict[str, int]  # policy name -> the grade-table row that first names it (current pillar)

    def parse_section2(
        self, bounds: tuple[int, int], toc: TocSection, codes: list[str]
    ) -> tuple[list[PillarDoc], list[Entry], list[UnderConsiderationDoc]]:
        wanted = [key(s) for s in toc.subs]
        blocks: list[tuple[str, int, list[int]]] = []  # (pillar name, heading line, body lines)
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            sub = SUBHEADING.match(line) if "\t" not in line.strip() else None
            if sub and (not wanted or key(sub.group("name")) in wanted):
                blocks.append((clean_name(sub.group("name")), n, []))
            elif blocks:
                blocks[-1][2].append(n)
        found = [key(b[0]) for b in blocks]
        for sub_name in toc.subs:
            if key(sub_name) not in found:
                raise self.error(
                    bounds[1] - 1,
                    f"the sub-heading '{sub_name}' of section {toc.num} listed in the 目次",
                    "end of section" if bounds[1] <= len(self.lines) else "end of file",
                )
        if not blocks:
            raise self.error(
                bounds[0], "a pillar sub-heading such as '(1) 暮らしのDX'", self.lines[bounds[0] - 1]
            )

        pillars: list[PillarDoc] = []
        entries: list[Entry] = []
        under: list[UnderConsiderationDoc] = []
        for pillar, heading, body in blocks:
            index = len(pillars)
            self.locate(f"pillars[{index}]", heading)
            pillar_doc: PillarDoc = {"name": pillar, "policies": []}
            pillars.append(pillar_doc)
            self.policy_lines = {}
            pillar_entries, non_b, uc = self.parse_pillar_block(pillar, pillar_doc, body, codes)
            for j, policy in enumerate(pillar_doc["policies"]):
                self.locate(f"pillars[{index}].policies[{j}]", self.policy_lines.get(policy, heading))
            entries.extend(pillar_entries)
            if non_b is not None:
                self.attach_non_b(non_b, pillar_entries, entries)
            if uc is not None:
                for item in self.under_consideration(pillar, pillar_doc["policies"], uc[1]):
                    self.locate(f"under_consideration[{len(under)}]", uc[0])
                    under.append(item)
        self.check_listed_once(entries)
        return pillars, entries, under

    def check_listed_once(self, entries: list[Entry]) -> None:
        # Sheets are matched to grades by name, so a second row with the same name would be ambiguous.
        seen: dict[str, Entry] = {}
        for entry in entries:
            first = seen.setdefault(key(entry.name), entry)
            if first is not entry:
                raise self.error(
                    entry.line,
                    f"each project listed once in section 2 ({entry.name!r} is also on line {first.line})",
                    self.lines[entry.line - 1].strip(),
                )

    def parse_pillar_block(
        self, pillar: str, pillar_doc: PillarDoc, body: list[int], codes: list[str]
    ) -> tuple[list[Entry], tuple[int, CellContent] | None, tuple[int, CellContent] | None]:
        entries: list[Entry] = []
        columns: dict[str, int] | None = None
        state = "start"
        texts: dict[str, tuple[int, list[str]]] = {}
        policy: str | None = None
        for n in body:
            line = self.lines[n - 1]
            if not line.strip():
                continue
            cells = split_cells(line)
            keys = [key(c) for c in cells]
            if "個別事業計画" in keys and "進捗状況" in keys:
                found = {k: keys.index(k) for k in ("施策", "個別事業計画", "進捗状況") if k in keys}
                columns = dict(sorted(found.items(), key=lambda kv: kv[1]))
                state = "table"
                continue
            if re.fullmatch(r"進捗状況\S*以外の概要", keys[0]):
                state = "non_b"
                texts[state] = (n, [c for c in cells[1:] if c.strip()])
                continue
            if keys[0].startswith("個別事業計画を検討中"):
                state = "uc"
                texts[state] = (n, [c for c in cells[1:] if c.strip()])
                continue
            if state in texts:
                texts[state][1].extend(c for c in cells if c.strip())
                continue
            if state != "table" or columns is None:
                raise self.error(
                    n, "a grade table header such as '施策\\t個別事業計画\\t進捗状況'", line.strip()
                )

            width = max(columns.values()) + 1
            if any(c.strip() for c in cells[width:]):
                raise self.error(
                    n,
                    f"a row of the grade table with the {width} columns of its header ({', '.join(columns)})",
                    line.strip(),
                )
            name = _column(cells, columns, "個別事業計画")
            if not name:
                raise self.error(n, "a project name in the 個別事業計画 column", line.strip())
            if "施策" in columns:
                if _column(cells, columns, "施策"):
                    policy = clean_name(_column(cells, columns, "施策"))
                    if policy not in pillar_doc["policies"]:
                        self.policy_lines[policy] = n
                        pillar_doc["policies"].append(policy)
            grade_text = _column(cells, columns, "進捗状況")
            grade = key(grade_text) or None
            if grade is not None and is_dash(grade_text):
                grade = None
            if grade is not None and grade not in codes:
                raise self.error(n, f"a grade of the grade scale ({', '.join(codes)})", grade_text)
            entries.append(Entry(clean_name(name), pillar, policy, grade, n))

        def content(state: str) -> tuple[int, CellContent] | None:
            if state not in texts:
                return None
            n, parts = texts[state]
            return n, parse_cell(" ".join(parts))

        return entries, content("non_b"), content("uc")

    def attach_non_b(self, block: tuple[int, CellContent], local: list[Entry], everyone: list[Entry]) -> None:
        line, content = block
        items = content.items
        if _says_none(items):
            return
        by_key = {key(e.name): e for e in everyone}
        by_key.update({key(e.name): e for e in local})
        current: Entry | None = None
        for item in items:
            name = re.sub(r"\s*\([A-Z]{1,2}\)\s*$", "", nfkc(item.text).lstrip("○◯●◎ ").strip())
            entry = by_key.get(key(name)) if item.kind in ("p", "text") or item.text[0] in "○◯●◎" else None
            if entry is not None:
                current = entry
            elif current is None:
                raise self.error(
                    line, "a project heading such as '○project name（A）' in 進捗状況B以外の概要", item.text
                )
            else:
                current.non_b_summary.append(item.text)

    def under_consideration(
        self, pillar: str, policies: list[str], content: CellContent
    ) -> list[UnderConsiderationDoc]:
        result: list[UnderConsiderationDoc] = []
        if _says_none(content.items):
            return result
        has_heads = any(i.kind == "p" for i in content.items)
        for item in content.items:
            if item.kind == "p" or (not has_heads and not result):
                title = item.text.lstrip("○◯●◎◆■ ").strip()
                policy = None
                parts = re.split(r"[：:]", title, maxsplit=1)
                if len(parts) == 2:
                    match = next((p for p in policies if key(p) == key(parts[0])), None)
                    if match is not None:
                        policy, title = match, parts[1].strip()
                result.append({"pillar": pillar, "policy": policy, "title": clean_name(title), "text": []})
            else:
                result[-1]["text"].append(item.text)
        return result
