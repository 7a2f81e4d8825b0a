"""Checks a document before anything is written: JSON Schema first, then references between its parts."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from shinchoku.interchange.document import FORMAT, Document

SCHEMA_PATH = Path(__file__).with_name("schema.json")


class DocumentError(ValueError):
    """The document is not a valid shinchoku-report/1 document; ``where`` is a JSON path like ``projects[3].grade``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def validate_document(document: Any) -> Document:
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise DocumentError(_path(error.absolute_path), error.message)
    if document["format"] != FORMAT:
        raise DocumentError("format", f"expected {FORMAT!r}, found {document['format']!r}")

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
    return document  # type: ignore[no-any-return]


def _check_pillar_policy(where: str, pillar: str, policy: str | None, pillars: dict[str, set[str]]) -> None:
    if pillar not in pillars:
        raise DocumentError(f"{where}.pillar", f"pillar {pillar!r} is not in pillars")
    if policy is not None and policy not in pillars[pillar]:
        raise DocumentError(f"{where}.policy", f"policy {policy!r} is not a policy of pillar {pillar!r}")
