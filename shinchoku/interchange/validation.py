"""Checks a document before anything is written: JSON Schema first, then references between its parts.

A ``shinchoku-report/1`` document is checked against its own schema, then upgraded to ``/2`` (numbers become
decimal strings) and checked again, so everything after this module sees one format.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from shinchoku.interchange.document import FORMAT, FORMAT_V1, Document
from shinchoku.values import Quantity

SCHEMA_PATH = Path(__file__).with_name("schema.json")
SCHEMA_V1_PATH = Path(__file__).with_name("schema_v1.json")
# Characters no text of a document may hold, whatever the database: C0 controls other than tab and line feed
# (PostgreSQL refuses NUL, SQLite stores it; the Word and Excel reports cannot hold any of them), DEL, the
# non-characters U+FFFE/U+FFFF, and lone surrogates (a JSON "\ud800" escape: no UTF-8 encoding exists).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_MESSAGE_LIMIT = 300


class DocumentError(ValueError):
    """The document is not a valid shinchoku-report/2 (or /1) document; ``where`` is a JSON path like ``projects[3].grade``."""

    def __init__(self, where: str, message: str) -> None:
        # A schema message quotes the offending value, which may be 100,000 characters long.
        if len(message) > _MESSAGE_LIMIT:
            message = message[: _MESSAGE_LIMIT - 1] + "…"
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def schema_v1() -> dict[str, Any]:
    return json.loads(SCHEMA_V1_PATH.read_text(encoding="utf-8"))


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _check_schema(document: Any, against: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(against)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise DocumentError(_path(error.absolute_path), error.message)


def _strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of a (schema-valid, so shallow) document with its path; object keys count as strings."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k), k
            yield from _strings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))


# What no text of a document may hold. A carriage return is not among them: "\r\n" is a line break, which
# the input boundary (shinchoku/inputs.py) normalises for a file as for a form.
_FORBIDDEN_IN_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _check_characters(document: Any) -> None:
    for path, text in _strings(document):
        bad = _FORBIDDEN_IN_JSON.search(text)
        if bad:
            raise DocumentError(
                _path(path),
                f"expected text without control characters, found {bad.group()!r} at character {bad.start() + 1}",
            )


def _check_unique(where: str, names: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise DocumentError(f"{where}[{i}]", f"{what} {name!r} appears twice")
        seen.add(name)


def _plain(number: Any, where: str) -> str:
    """A /1 number as a /2 decimal string, its decimals read from the JSON text (``parse_float=Decimal``)."""
    if isinstance(number, float):
        # A float has already lost the decimals as written (16000.50 → 16000.5): refuse rather than guess.
        raise DocumentError(where, "a number read as a float; read the JSON with parse_float=Decimal")
    if isinstance(number, bool) or not isinstance(number, int | Decimal):
        raise DocumentError(where, f"expected a number, found {number!r}")
    try:
        return Quantity.of_decimal(number).plain()
    except (ValueError, ArithmeticError) as exc:
        raise DocumentError(where, f"{number} cannot be stored ({exc})") from exc


def upgrade_v1(document: dict[str, Any]) -> dict[str, Any]:
    """A valid ``shinchoku-report/1`` document as ``/2``: the same facts, values as decimal strings."""
    upgraded = copy.deepcopy(document)
    upgraded["format"] = FORMAT
    for i, project in enumerate(upgraded["projects"]):
        for j, indicator in enumerate(project["indicators"]):
            where = f"projects[{i}].indicators[{j}]"
            for key in ("targets", "actuals"):
                indicator[key] = {fy: _plain(n, f"{where}.{key}.{fy}") for fy, n in indicator[key].items()}
            for k, item in enumerate(indicator.get("target_history", [])):
                item["value"] = _plain(item["value"], f"{where}.target_history[{k}].value")
        for j, table in enumerate(project["result_tables"]):
            where = f"projects[{i}].result_tables[{j}]"
            for k, row in enumerate(table["rows"]):
                row["value"] = _plain(row["value"], f"{where}.rows[{k}].value")
            if "total" in table:
                table["total"]["value"] = _plain(table["total"]["value"], f"{where}.total.value")
    return upgraded


def validate_document(document: Any) -> Document:
    """The document, checked (and upgraded from /1); raises DocumentError naming the JSON path of a fault."""
    found = document.get("format") if isinstance(document, dict) else None
    if found is not None and found not in (FORMAT, FORMAT_V1):
        # Said first: a document of another format fails the schema everywhere, and the format is the cause.
        raise DocumentError("format", f"expected {FORMAT!r} (or {FORMAT_V1!r}), found {found!r}")
    if found == FORMAT_V1:
        _check_schema(document, schema_v1())
        document = upgrade_v1(document)
    _check_schema(document, schema())
    _check_characters(document)
    _check_structure(document)
    return document  # type: ignore[no-any-return]


def _check_structure(document: Any) -> None:
    """What the schema cannot say: each name once where the database keys by it, and every reference known."""
    plan = document["plan"]
    if plan["start_fiscal_year"] > plan["end_fiscal_year"]:
        raise DocumentError("plan.end_fiscal_year", f"the plan ends before it starts ({plan['start_fiscal_year']})")
    _check_unique("grade_scale", [g["code"] for g in document["grade_scale"]], "grade")
    _check_unique("plan.revisions", [r["date"] for r in plan["revisions"]], "revision")
    _check_unique("pillars", [p["name"] for p in document["pillars"]], "pillar")
    for i, pillar in enumerate(document["pillars"]):
        _check_unique(f"pillars[{i}].policies", pillar["policies"], "policy")
    _check_unique(
        "under_consideration", [(u["pillar"], u["title"]) for u in document["under_consideration"]],
        "policy under consideration (pillar, title)",
    )
    for i, project in enumerate(document["projects"]):
        _check_unique(f"projects[{i}].departments", project["departments"], "department")
        _check_unique(f"projects[{i}].tags", project["tags"], "tag")
        for j, indicator in enumerate(project["indicators"]):
            _check_unique(
                f"projects[{i}].indicators[{j}].target_history",
                [(h["fiscal_year"], h["revision"]) for h in indicator.get("target_history", [])],
                "target (fiscal year, revision)",
            )

    pillars = {p["name"]: set(p["policies"]) for p in document["pillars"]}
    grades = {g["code"] for g in document["grade_scale"]}
    if sum(g["as_planned"] for g in document["grade_scale"]) > 1:
        raise DocumentError("grade_scale", "at most one grade may be marked as_planned")
    names: set[str] = set()
    for i, project in enumerate(document["projects"]):
        where = f"projects[{i}]"
        if project["name"] in names:
            raise DocumentError(f"{where}.name", f"project {project['name']!r} appears twice")
        names.add(project["name"])
        _check_pillar_policy(where, project["pillar"], project["policy"], pillars)
        if project["grade"] is not None and project["grade"] not in grades:
            raise DocumentError(
                f"{where}.grade", f"grade {project['grade']!r} is not in grade_scale ({', '.join(sorted(grades))})"
            )
        indicator_names: set[str] = set()
        for j, indicator in enumerate(project["indicators"]):
            if indicator["name"] in indicator_names:
                raise DocumentError(f"{where}.indicators[{j}].name", "indicator appears twice in the project")
            indicator_names.add(indicator["name"])
    revisions = {r["date"] for r in document["plan"]["revisions"]}
    for i, project in enumerate(document["projects"]):
        for j, indicator in enumerate(project["indicators"]):
            for k, item in enumerate(indicator.get("target_history", [])):
                if item["revision"] is not None and item["revision"] not in revisions:
                    raise DocumentError(
                        f"projects[{i}].indicators[{j}].target_history[{k}].revision",
                        f"revision {item['revision']!r} is not in plan.revisions",
                    )
    for i, item in enumerate(document["under_consideration"]):
        _check_pillar_policy(f"under_consideration[{i}]", item["pillar"], item["policy"], pillars)


def _check_pillar_policy(where: str, pillar: str, policy: str | None, pillars: dict[str, set[str]]) -> None:
    if pillar not in pillars:
        raise DocumentError(f"{where}.pillar", f"pillar {pillar!r} is not in pillars")
    if policy is not None and policy not in pillars[pillar]:
        raise DocumentError(f"{where}.policy", f"policy {policy!r} is not a policy of pillar {pillar!r}")
