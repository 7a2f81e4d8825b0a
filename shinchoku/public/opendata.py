"""Open data of the published record: four tables as rows, their Table Schemas and the Data Package.

Every row comes from publication snapshots (the latest version of each published year), never from live models.
Values stay decimal strings as in the document (a float would change "31.70" to 31.7 or worse). The CSV header
holds the Japanese field names (Excel users in Japan read it); each schema field carries the English id as
``english_id``, and the JSON form of the same rows is keyed by those English ids (see docs/opendata.md).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import Any

from django_scopes import scopes_disabled

from shinchoku.cycle import evaluation
from shinchoku.plans.models import Publication
from shinchoku.public.keys import project_key
from shinchoku.public.published import PublishedYear
from shinchoku.tenancy.models import Municipality

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
LICENSE_NOTE = "CC BY 4.0（公共データ利用規約（第1.0版）と互換）"

Row = dict[str, str | int | None]


@dataclass(frozen=True)
class Field:
    id: str  # English id: the JSON key
    name: str  # Japanese: the CSV header and the Table Schema name
    type: str  # Table Schema type
    description: str = ""


CODE = Field("municipality_code", "団体コード", "string", "全国地方公共団体コード（6桁）")
KEY = Field("project_key", "事業キー", "string", "事業名（NFKC正規化）の SHA-256 の先頭12桁。年度をまたいで同じ")
PROJECT = Field("project", "事業名", "string")

RESOURCES: dict[str, tuple[str, tuple[Field, ...]]] = {
    "projects": (
        "事業",
        (
            CODE,
            Field("plan", "計画", "string"),
            Field("pillar", "柱", "string"),
            Field("policy", "施策", "string"),
            KEY,
            PROJECT,
            Field("departments", "担当部署", "string", "「、」区切り"),
            Field("tags", "区分", "string", "「、」区切り（国重点、市重点）"),
            Field("first_fiscal_year", "初年度", "integer", "公表された年度のうち最初"),
            Field("last_fiscal_year", "最終年度", "integer", "公表された年度のうち最後"),
        ),
    ),
    "indicator_values": (
        "指標の目標と実績",
        (
            CODE,
            KEY,
            PROJECT,
            Field("indicator", "指標", "string"),
            Field("unit", "単位", "string"),
            Field("direction", "方向", "string", "higher（大きいほど良い）または lower（小さいほど良い）"),
            Field("fiscal_year", "年度", "integer"),
            Field("target", "目標値", "number"),
            Field("actual", "実績値", "number"),
            Field("achievement_rate", "達成率", "number", "パーセント、小数1桁（四捨五入）"),
            Field("item_grade", "項目評価", "string", "達成率から標準の閾値で求めた評価"),
            Field("publication_version", "版", "integer"),
        ),
    ),
    "grades": (
        "事業の評価",
        (
            CODE,
            KEY,
            PROJECT,
            Field("fiscal_year", "年度", "integer"),
            Field("grade", "評価", "string"),
            Field("non_b_summary", "B以外の評価の理由", "string", "改行区切り"),
            Field("publication_version", "版", "integer"),
        ),
    ),
    "schedules": (
        "スケジュール",
        (
            CODE,
            KEY,
            PROJECT,
            Field("report_fiscal_year", "報告年度", "integer", "このスケジュールを載せた報告書の年度"),
            Field("row", "行", "integer", "1から"),
            Field("track", "系統", "string"),
            Field("fiscal_year", "年度", "integer"),
            Field("text", "内容", "string"),
        ),
    ),
}


def _rate(target: str | None, actual: str | None, direction: str) -> Decimal | None:
    try:
        return evaluation.achievement_rate(
            actual=None if actual is None else Decimal(actual),
            target=None if target is None else Decimal(target),
            direction=direction,
        )
    except InvalidOperation:
        return None


def _item_grade(rate: Decimal | None, year: PublishedYear) -> str | None:
    band = evaluation.band_for_rate(rate)
    scale = year.document["grade_scale"]
    return scale[band]["code"] if band is not None and band < len(scale) else None


def rows(resource: str, *, code: str, years: list[PublishedYear]) -> Iterator[Row]:
    """The rows of one resource for one municipality, keyed by English id."""
    if resource == "projects":
        yield from _project_rows(code, years)
        return
    for year in sorted(years, key=lambda y: y.fiscal_year):
        document = year.document
        version = year.latest.version
        fy = year.fiscal_year
        for project in document["projects"]:
            key = project_key(project["name"])
            base: Row = {"municipality_code": code, "project_key": key, "project": project["name"]}
            if resource == "indicator_values":
                for indicator in project["indicators"]:
                    target = indicator["targets"].get(str(fy))
                    actual = indicator["actuals"].get(str(fy))
                    rate = _rate(target, actual, indicator["direction"])
                    yield base | {
                        "indicator": indicator["name"],
                        "unit": indicator["unit"],
                        "direction": indicator["direction"],
                        "fiscal_year": fy,
                        "target": target,
                        "actual": actual,
                        "achievement_rate": None if rate is None else str(rate),
                        "item_grade": _item_grade(rate, year),
                        "publication_version": version,
                    }
            elif resource == "grades":
                yield base | {
                    "fiscal_year": fy,
                    "grade": project["grade"],
                    "non_b_summary": "\n".join(project["non_b_summary"]) or None,
                    "publication_version": version,
                }
            elif resource == "schedules":
                for number, schedule_row in enumerate(project["schedule"], start=1):
                    for cell_year, text in sorted(schedule_row["cells"].items()):
                        yield base | {
                            "report_fiscal_year": fy,
                            "row": number,
                            "track": schedule_row["track"],
                            "fiscal_year": int(cell_year),
                            "text": text,
                        }


def _project_rows(code: str, years: list[PublishedYear]) -> Iterator[Row]:
    # Newest year first, so the names of pillar/policy/departments are the latest published ones.
    seen: dict[str, Row] = {}
    for year in sorted(years, key=lambda y: y.fiscal_year, reverse=True):
        for project in year.document["projects"]:
            key = project_key(project["name"])
            if key in seen:
                seen[key]["first_fiscal_year"] = year.fiscal_year
                continue
            seen[key] = {
                "municipality_code": code,
                "plan": year.plan_name,
                "pillar": project["pillar"],
                "policy": project["policy"],
                "project_key": key,
                "project": project["name"],
                "departments": "、".join(project["departments"]),
                "tags": "、".join(project["tags"]),
                "first_fiscal_year": year.fiscal_year,
                "last_fiscal_year": year.fiscal_year,
            }
    yield from seen.values()


def csv_bytes(resource: str, table: Iterable[Row]) -> bytes:
    """UTF-8 with BOM, CRLF, Japanese header: what Excel in Japan opens as text, not mojibake."""
    fields = RESOURCES[resource][1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    for row in table:
        writer.writerow(["" if row.get(f.id) is None else row.get(f.id) for f in fields])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def table_schema(resource: str) -> dict[str, Any]:
    fields = RESOURCES[resource][1]
    return {
        "fields": [
            {"name": f.name, "title": f.name, "type": f.type, "english_id": f.id}
            | ({"description": f.description} if f.description else {})
            for f in fields
        ],
        "missingValues": [""],
    }


def attribution(municipality: Municipality) -> str:
    return f"出典：{municipality.name}「DX推進計画 進捗状況」（{LICENSE_NOTE}）"


def datapackage(municipality: Municipality, *, base_url: str) -> dict[str, Any]:
    """The municipality's Data Package (v1); resource paths are absolute URLs of its CSVs."""
    return {
        "profile": "tabular-data-package",
        "name": f"shinchoku-{municipality.code}",
        "title": f"{municipality.name} DX推進計画 進捗状況",
        "licenses": [LICENSE],
        "sources": [{"title": attribution(municipality)}],
        "attribution": attribution(municipality),
        "resources": [
            {
                "name": resource.replace("_", "-"),
                "title": title,
                "path": f"{base_url}/p/{municipality.code}/data/{resource}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": table_schema(resource),
            }
            for resource, (title, _) in RESOURCES.items()
        ],
    }


def _published_by_municipality() -> Iterator[tuple[str, list[PublishedYear]]]:
    """Every municipality with a code and its published years, in code order, from one streamed query.

    The same grouping as published.published_years (the later publication of a fiscal year wins), but over one
    server-side cursor: a query per municipality would cost more than the rows (1,741 municipalities).
    """
    with scopes_disabled():
        publications = (
            Publication.objects.exclude(reporting_year__plan__municipality__code="")
            .select_related("reporting_year__plan__municipality")
            .order_by(
                "reporting_year__plan__municipality__code", "reporting_year__fiscal_year", "published_at", "version"
            )
            .iterator(chunk_size=10)  # a document is ~0.3 MB as Python objects
        )
        for code, group in groupby(publications, key=lambda p: p.reporting_year.plan.municipality.code):
            by_year: dict[int, list[Publication]] = {}
            for publication in group:
                by_year.setdefault(publication.reporting_year.fiscal_year, []).append(publication)
            yield code, [
                PublishedYear(fiscal_year=fy, plan_name=versions[-1].reporting_year.plan.name, versions=tuple(versions))
                for fy, versions in sorted(by_year.items(), reverse=True)
            ]


def national_datapackage_chunks() -> Iterator[str]:
    """The national package with inline rows, as text chunks: one municipality in memory at a time."""
    head = {
        "profile": "tabular-data-package",
        "name": "shinchoku-national",
        "title": "全国 DX推進計画 進捗状況（公表分）",
        "licenses": [LICENSE],
        "attribution": f"出典：各地方公共団体「DX推進計画 進捗状況」（{LICENSE_NOTE}）",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "resources": ['
    for index, (resource, (title, fields)) in enumerate(RESOURCES.items()):
        schema = {"fields": [{"name": f.id, "title": f.name, "type": f.type} for f in fields]}
        meta = {"name": resource.replace("_", "-"), "title": title, "profile": "tabular-data-resource", "schema": schema}
        yield ("," if index else "") + json.dumps(meta, ensure_ascii=False)[:-1] + ', "data": ['
        first = True
        for code, years in _published_by_municipality():
            for row in rows(resource, code=code, years=years):
                yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
                first = False
        yield "]}"
    yield "]}\n"
