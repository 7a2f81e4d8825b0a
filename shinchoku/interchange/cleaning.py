"""The input boundary applied to a whole interchange document, before the import service loads it.

Every text of a validated ``shinchoku-report/2`` document goes through the same rule of ``shinchoku.inputs`` as
when it is typed in a form, fiscal years are checked against the one range, and lists against their limits. A
refusal is an :class:`~shinchoku.inputs.InputRejected` whose ``where`` is the JSON path
(``projects[3].results[2]``), so the command line says where the fault is. References between parts (a
project's pillar, policy, tags, departments and grade) are cleaned by the rule of what they refer to, so they
still match after cleaning.

Items keep their positions (an empty item is kept empty): a result table's ``after`` counts them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from shinchoku import inputs
from shinchoku.inputs import InputRejected
from shinchoku.interchange.document import Document
from shinchoku.interchange.validation import DocumentError
from shinchoku.values import Quantity


def _at(where: str, clean: Callable[[], Any]) -> Any:
    try:
        return clean()
    except InputRejected as exc:
        raise exc.at(where) from exc
    except ValueError as exc:
        # Any other refusal of a value (a Quantity's own ValueError) still names where it is.
        english = getattr(exc, "english", "")
        raise DocumentError(where, english if isinstance(english, str) and english else str(exc)) from exc


def _text(value: Any, field: str, where: str) -> Any:
    """A text (None stays None: the schema allows null for some fields)."""
    return None if value is None else _at(where, lambda: inputs.clean_text(value, field=field))


def _count(values: list[Any], where: str, *, field: str, label: str, english: str, maximum: int) -> None:
    _at(where, lambda: inputs.check_count(values, field=field, label=label, english=english, maximum=maximum))


def _texts(values: list[Any], field: str, where: str, maximum: int = inputs.ITEMS_MAX) -> list[Any]:
    rule = inputs.text_rule(field)
    _count(values, where, field=field, label=rule.label, english=rule.english, maximum=maximum)
    return [_text(value, field, f"{where}[{i}]") for i, value in enumerate(values)]


def _year(value: Any, where: str) -> int:
    return int(_at(where, lambda: inputs.check_fiscal_year(int(value))))


def _years(series: dict[str, Any], where: str, clean: Callable[[Any, str], Any]) -> dict[str, Any]:
    for key in series:
        _year(key, f"{where}.{key}")
    return {key: clean(value, f"{where}.{key}") for key, value in series.items()}


def _value(text: Any, where: str) -> Any:
    _at(where, lambda: Quantity.from_plain(text))
    return text


def document_clean(document: Document) -> Document:
    """A cleaned copy of a validated document; raises InputRejected (with ``where``) for what cannot be stored."""
    doc: dict[str, Any] = copy.deepcopy(dict(document))
    doc["municipality"] = _text(doc["municipality"], "municipality.name", "municipality")
    plan = doc["plan"]
    plan["name"] = _text(plan["name"], "plan.name", "plan.name")
    _at("plan", lambda: inputs.check_plan_period(plan["start_fiscal_year"], plan["end_fiscal_year"]))
    for i, revision in enumerate(plan["revisions"]):
        revision["description"] = _text(revision["description"], "revision.description", f"plan.revisions[{i}].description")

    report = doc["report"]
    report["title"] = _text(report["title"], "year.title", "report.title")
    _year(report["fiscal_year"], "report.fiscal_year")
    _count(report["narrative"], "report.narrative", field="narrative", label="本文の節", english="narrative sections",
           maximum=inputs.NARRATIVE_SECTIONS_MAX)
    for i, section in enumerate(report["narrative"]):
        where = f"report.narrative[{i}]"
        section["heading"] = _text(section["heading"], "narrative.heading", f"{where}.heading")
        section["paragraphs"] = _texts(section["paragraphs"], "narrative.paragraph", f"{where}.paragraphs")

    for i, grade in enumerate(doc["grade_scale"]):
        grade["code"] = _text(grade["code"], "grade.code", f"grade_scale[{i}].code")
        grade["description"] = _text(grade["description"], "grade.description", f"grade_scale[{i}].description")
    for i, pillar in enumerate(doc["pillars"]):
        pillar["name"] = _text(pillar["name"], "pillar.name", f"pillars[{i}].name")
        pillar["policies"] = _texts(pillar["policies"], "policy.name", f"pillars[{i}].policies", maximum=1000)

    for i, project in enumerate(doc["projects"]):
        _project(project, f"projects[{i}]")
    for i, item in enumerate(doc["under_consideration"]):
        where = f"under_consideration[{i}]"
        item["pillar"] = _text(item["pillar"], "pillar.name", f"{where}.pillar")
        item["policy"] = _text(item["policy"], "policy.name", f"{where}.policy")
        item["title"] = _text(item["title"], "under_consideration.title", f"{where}.title")
        item["text"] = _texts(item["text"], "under_consideration.text", f"{where}.text")
    return doc  # type: ignore[return-value]


def _project(project: dict[str, Any], where: str) -> None:
    project["name"] = _text(project["name"], "project.name", f"{where}.name")
    project["pillar"] = _text(project["pillar"], "pillar.name", f"{where}.pillar")
    project["policy"] = _text(project["policy"], "policy.name", f"{where}.policy")
    project["tags"] = _texts(project["tags"], "tag.name", f"{where}.tags")
    project["departments"] = _texts(project["departments"], "department.name", f"{where}.departments")
    project["overview"] = _text(project["overview"], "project.overview", f"{where}.overview")
    project["vision"] = _text(project["vision"], "project.vision", f"{where}.vision")
    if project["comprehensive_plan"] is not None:
        link = project["comprehensive_plan"]
        link["area"] = _text(link["area"], "project.comprehensive_plan_area", f"{where}.comprehensive_plan.area")
        link["policy"] = _text(link["policy"], "project.comprehensive_plan_policy", f"{where}.comprehensive_plan.policy")
    _count(project["schedule"], f"{where}.schedule", field="schedule", label="スケジュールの行", english="schedule rows",
           maximum=inputs.SCHEDULE_ROWS_MAX)
    for j, row in enumerate(project["schedule"]):
        row["track"] = _text(row["track"], "schedule.track", f"{where}.schedule[{j}].track")
        row["cells"] = _years(row["cells"], f"{where}.schedule[{j}].cells", lambda v, w: _text(v, "schedule.cell", w))
    for j, indicator in enumerate(project["indicators"]):
        at = f"{where}.indicators[{j}]"
        indicator["name"] = _text(indicator["name"], "indicator.name", f"{at}.name")
        indicator["unit"] = _text(indicator["unit"], "indicator.unit", f"{at}.unit")
        indicator["qualifier"] = _text(indicator["qualifier"], "indicator.qualifier", f"{at}.qualifier")
        indicator["note"] = _text(indicator["note"], "indicator.note", f"{at}.note")
        for key in ("targets", "actuals"):
            indicator[key] = _years(indicator[key], f"{at}.{key}", _value)
        for k, item in enumerate(indicator.get("target_history", [])):
            _year(item["fiscal_year"], f"{at}.target_history[{k}].fiscal_year")
            _value(item["value"], f"{at}.target_history[{k}].value")
    project["grade"] = _text(project["grade"], "grade.code", f"{where}.grade")
    for key in ("results", "challenges", "next_year", "non_b_summary"):
        project[key] = _texts(project[key], "report.item", f"{where}.{key}")
    _count(project["result_tables"], f"{where}.result_tables", field="result_tables", label="成果の表",
           english="result tables", maximum=inputs.RESULT_TABLES_MAX)
    for j, table in enumerate(project["result_tables"]):
        at = f"{where}.result_tables[{j}]"
        _count(table["rows"], f"{at}.rows", field="result_tables", label=f"成果の表{j + 1}の行",
               english="result table rows", maximum=inputs.RESULT_ROWS_MAX)
        rows = [(f"{at}.rows[{k}]", row) for k, row in enumerate(table["rows"])]
        if "total" in table:
            rows.append((f"{at}.total", table["total"]))
        for row_where, row in rows:
            row["label"] = _text(row["label"], "result_table.label", f"{row_where}.label")
            row["unit"] = _text(row["unit"], "result_table.unit", f"{row_where}.unit")
            _value(row["value"], f"{row_where}.value")
