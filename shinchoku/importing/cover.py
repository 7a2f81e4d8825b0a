"""The front of the report: cover (title, fiscal year, publication), 目次, section bounds, and section 1
(narrative, grade scale, plan adoption and revisions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypedDict

from shinchoku.importing.base import ParserBase
from shinchoku.importing.text import clean_name, collapse, key, nfkc
from shinchoku.interchange.document import GradeDoc, NarrativeSectionDoc, RevisionDoc
from shinchoku.wareki import ERA_YEAR, find_year_months, year_from_match

# ``1\t…\t1``; leader dots between the title and the page (``… ……… 1``) are not part of the title.
_TOC_ENTRY = re.compile(r"^\s*(?P<num>\d+|\(\d+\))\.?\s+(?P<title>\S.*?)(?:\s|[.・…‥·])+(?P<page>\d+)\s*$")
# ``1 柏崎市…``, ``1. 柏崎市…``, ``第1章 柏崎市…``: the key of a numbered section heading.
_HEADING_NUMBER = re.compile(r"^(?:第(\d+)章|(\d+)\.)")
SUBHEADING = re.compile(r"^\s*(?:[（(]\s*[0-9０-９]+\s*[）)]|[⑴-⒇])\s*(?P<name>\S.*?)\s*$")
_GRADE_LINE = re.compile(r"^[-*\s]*[・•･]?\s*(?P<code>[A-Z]{1,2})\s*:\s*(?P<desc>\S.*)$")
_ERA_PREFIX = re.compile(r"^\s*" + ERA_YEAR + r"\s*年度\s*")
# What the cover calls the document; 進行管理報告書 in the seed, the other two in some municipalities.
REPORT_WORD = r"(?:進行管理|進捗管理|進捗状況)報告書"
_AS_PLANNED_WORDS = ("計画どおり", "計画通り", "予定どおり", "予定通り")


class Cover(TypedDict):
    running_headers: set[str]
    title: str
    fiscal_year: int
    published: str | None
    municipality: str
    plan_name: str
    title_line: int


@dataclass
class TocSection:
    num: str
    title: str
    line: int
    subs: list[str] = field(default_factory=list)


def _year_month(text: str) -> str | None:
    found = find_year_months(nfkc(text))
    return f"{found[0][0]:04d}-{found[0][1]:02d}" if found else None


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", paragraph) if s.strip()]


def _heading_key(line: str) -> str:
    return _HEADING_NUMBER.sub(lambda m: m.group(1) or m.group(2), key(line))


class CoverParser(ParserBase):
    def parse_toc(self, toc_index: int) -> tuple[list[TocSection], int]:
        sections: list[TocSection] = []
        i = toc_index + 1
        while i < len(self.lines):
            line = self.lines[i]
            if not line.strip():
                i += 1
                continue
            m = _TOC_ENTRY.match(nfkc(line))
            if not m:
                break
            if m.group("num").startswith("("):
                if not sections:
                    raise self.error(i + 1, "a numbered section such as '1 …' in the 目次", line.strip())
                sections[-1].subs.append(m.group("title"))
            else:
                sections.append(TocSection(m.group("num"), m.group("title"), i + 1))
            i += 1
        if len(sections) < 3:
            found = self.lines[i].strip() if i < len(self.lines) else "end of file"
            raise self.error(
                i + 1 if i < len(self.lines) else len(self.lines), "3 numbered sections in the 目次", found
            )
        return sections, i

    def find_sections(self, toc: list[TocSection], start: int) -> list[tuple[int, int]]:
        """(first line, end line) 1-based, end exclusive, of the bodies of sections 1-3."""
        heads: list[int] = []
        pos = start
        for section in toc:
            wanted = key(section.num + section.title)
            found = next(
                (i for i in range(pos, len(self.lines)) if _heading_key(self.lines[i]) == wanted), None
            )
            if found is None:
                if len(heads) >= 3:
                    break
                raise self.eof(
                    f"the section heading '{section.num} {section.title}' listed in the 目次 at line {section.line}"
                )
            heads.append(found)
            pos = found + 1
        heads.append(len(self.lines))
        return [(heads[n] + 2, heads[n + 1] + 1) for n in range(3)] + [(heads[3] + 1, len(self.lines) + 1)]

    def check_is_report(self) -> int:
        """0-based index of the 目次 line, after checking that a report title comes before it.

        Any text may be fed to the importer; one without the report's title is named at its first line rather
        than at the end of file where the search for the 目次 would stop.
        """
        toc_index = next((i for i, line in enumerate(self.lines) if key(line) == "目次"), None)
        head = self.lines[: toc_index if toc_index is not None else len(self.lines)]
        if not any(re.search(REPORT_WORD, key(line)) for line in head):
            first = next((i for i, line in enumerate(self.lines) if line.strip()), 0)
            found = self.lines[first].strip() if self.lines[first].strip() else "an empty text"
            raise self.error(
                first + 1, "the title of a progress report (…進行管理報告書) before a 目次", found
            )
        if toc_index is None:
            raise self.eof("a table of contents (目次)")
        return toc_index

    def parse_cover(self, toc_index: int) -> Cover:
        blocks: list[list[tuple[int, str]]] = [[]]
        for i in range(toc_index):
            text = self.lines[i].strip().strip("*#").strip()
            if text:
                blocks[-1].append((i + 1, text))
            elif blocks[-1]:
                blocks.append([])
        blocks = [b for b in blocks if b]
        if not blocks:
            raise self.error(
                toc_index + 1, "the report title on the cover before the 目次", self.lines[toc_index]
            )
        title_lines = [t for _, t in blocks[0]]
        title = title_lines[0]
        for part in title_lines[1:]:
            # The cover breaks before the parenthesised 「（…年度実績分）」; those join without a space.
            title += part if part[0] in "（(" or title[-1] in "（(" else " " + part
        title_line = blocks[0][0][0]
        m = re.search(ERA_YEAR + r"\s*年度\s*実績", nfkc(title))
        if not m:
            raise self.error(
                title_line,
                "the evaluated fiscal year such as （令和5（2023）年度実績分） in the title",
                title,
            )
        name_match = re.search(r"(?P<name>\S.*?)\s*" + REPORT_WORD, _ERA_PREFIX.sub("", title))
        if not name_match:
            raise self.error(
                title_line, "a title naming the plan such as '…DX推進計画 進行管理報告書'", title
            )
        plan_name = clean_name(name_match.group("name"))
        if re.search(r"年度\s*実績", nfkc(plan_name)):
            # Cover lines out of order: the evaluated year's 「（…年度実績分）」 has run into the plan's name.
            raise self.error(
                title_line,
                "a title with the plan's name before …報告書 and the evaluated year after it, such as "
                "'令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）'",
                title,
            )
        published = None
        municipality = None
        for block in blocks[1:]:
            for _, text in block:
                if published is None and _year_month(text):
                    published = _year_month(text)
                elif municipality is None and re.fullmatch(r"\S{1,12}[都道府県市区町村]", key(text)):
                    municipality = collapse(text)
        if municipality is None:
            m_name = re.match(r"^(\S+?[都道府県市区町村])", plan_name)
            if not m_name:
                raise self.error(title_line, "the municipality's name on the cover", title)
            municipality = m_name.group(1)
        return {
            # Lines a page header may repeat: the title and each title line naming the report.
            "running_headers": {key(title), *(key(t) for t in title_lines if "報告書" in t)},
            "title": title,
            "fiscal_year": year_from_match(m),
            "published": published,
            "municipality": municipality,
            "plan_name": plan_name,
            "title_line": title_line,
        }

    # --- section 1 --------------------------------------------------------------------------------------

    def parse_section1(
        self, bounds: tuple[int, int], toc: TocSection
    ) -> tuple[list[NarrativeSectionDoc], list[GradeDoc], str | None, list[RevisionDoc]]:
        narrative: list[NarrativeSectionDoc] = []
        grades: list[GradeDoc] = []
        paragraph_lines: dict[int, int] = {}  # id() of a paragraph's text -> its line, for revisions
        for n in range(bounds[0], bounds[1]):
            line = self.lines[n - 1]
            if not line.strip():
                continue
            sub = SUBHEADING.match(line)
            if sub and "\t" not in sub.group("name"):
                narrative.append({"heading": collapse(sub.group("name")), "paragraphs": []})
                continue
            g = _GRADE_LINE.match(nfkc(line))
            if g:
                self.locate(f"grade_scale[{len(grades)}]", n)
                desc = re.split(r"[:：]", line, maxsplit=1)[1].strip()
                grades.append({"code": g.group("code"), "description": desc, "as_planned": False})
                continue
            if not narrative:
                narrative.append({"heading": toc.title, "paragraphs": []})
            narrative[-1]["paragraphs"].append(collapse(line))
            paragraph_lines[id(narrative[-1]["paragraphs"][-1])] = n
        if not grades:
            raise self.error(
                bounds[0] - 1,
                "a grade scale list such as '・ A：計画より早い…' in section 1",
                self.lines[bounds[0] - 2],
            )
        # Rule: the grade described as "(概ね)計画どおり"; failing that B; failing that the middle grade.
        planned = next(
            (g for g in grades if any(w in key(g["description"]) for w in _AS_PLANNED_WORDS)),
            next((g for g in grades if g["code"] == "B"), grades[(len(grades) - 1) // 2]),
        )
        planned["as_planned"] = True

        adopted = None
        revisions: list[RevisionDoc] = []
        revision_lines: dict[int, int] = {}
        for section in narrative:
            for paragraph in section["paragraphs"]:
                for sentence in _sentences(paragraph):
                    k = key(sentence)
                    found = find_year_months(k)
                    if not found:
                        continue
                    if "改定" in k:
                        date = f"{found[0][0]:04d}-{found[0][1]:02d}"
                        revisions.append({"date": date, "description": sentence.strip()})
                        revision_lines[id(revisions[-1])] = paragraph_lines[id(paragraph)]
                    elif adopted is None and "策定" in k:
                        before = [f for f in found if f[2] < k.index("策定")] or found
                        adopted = f"{before[-1][0]:04d}-{before[-1][1]:02d}"
        revisions.sort(key=lambda r: r["date"])
        for i, revision in enumerate(revisions):
            self.locate(f"plan.revisions[{i}]", revision_lines[id(revision)])
        return narrative, grades, adopted, revisions
