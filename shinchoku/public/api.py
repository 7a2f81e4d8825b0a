"""The read API (/api/v1/): the published record for programs, with django-ninja and an OpenAPI 3 schema.

Read-only and anonymous over publication snapshots (the same door as the portal: shinchoku.public.published).
Ids are stable: a municipality is its 6-digit code, a year its fiscal year, a project its name key
(shinchoku.public.keys). Every answer has an ETag of its body; errors are Problem Details (RFC 9457).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_scopes import scopes_disabled
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import NinjaJSONEncoder
from pydantic import Field, TypeAdapter

from shinchoku.plans.models import Publication
from shinchoku.public import opendata
from shinchoku.public.keys import project_key
from shinchoku.public.published import (
    PublishedYear,
    municipality_for_code,
    published_municipalities,
    published_years,
)
from shinchoku.tenancy.models import Municipality

CACHE_CONTROL = "public, max-age=300"
CODE = Path(..., max_length=6, description="全国地方公共団体コード（6桁）", examples=["152056"])
KEY = Path(..., max_length=12, description="事業キー（事業名の NFKC 正規化の SHA-256 先頭12桁）")

api = NinjaAPI(
    title="Shinchoku 公表データ API",
    version="1.0.0",
    description="DX推進計画の進捗状況のうち公表されたもの（各年度の最新版）を読むための API。" + opendata.LICENSE_NOTE,
    urls_namespace="api_v1",
    docs_url=None,  # ninja's page loads Swagger UI from a CDN; ours is rendered from the schema (api_docs)
    openapi_url="/openapi.json",
    # No auth, so ninja checks no CSRF token (ninja 1.x checks it only for cookie-based auth); no cookies are set.
)


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


def problem(request: HttpRequest, status: int, title: str, detail: str | None = None) -> HttpResponse:
    body = Problem(title=title, status=status, detail=detail).model_dump_json().encode("utf-8")
    return HttpResponse(body, status=status, content_type="application/problem+json")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "Not Found", str(exc) or None)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = "; ".join(
        ".".join(str(part) for part in error.get("loc", ())) + ": " + str(error.get("msg", "")) for error in exc.errors
    )
    return problem(request, 422, "Unprocessable Content", detail)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, "Bad Request" if exc.status_code == 400 else "Error", str(exc))


ERRORS: dict[int, type[Problem]] = {404: Problem, 422: Problem}


# --------------------------------------------------------------------------------------------- schemas


class MunicipalityOut(Schema):
    code: str = Field(pattern=r"^[0-9]{6}$")
    name: str
    fiscal_years: list[int]


class VersionOut(Schema):
    version: int
    published_at: datetime
    reason: str
    content_hash: str


class YearOut(Schema):
    fiscal_year: int
    plan: str
    title: str
    latest_version: int
    versions: list[VersionOut]


class ProjectOut(Schema):
    key: str
    name: str
    fiscal_year: int
    pillar: str
    policy: str | None
    departments: list[str]
    tags: list[str]
    grade: str | None
    non_b_summary: list[str]
    publication_version: int


class IndicatorValueOut(Schema):
    fiscal_year: int
    target: str | None = Field(description="decimal string")
    actual: str | None = Field(description="decimal string")
    achievement_rate: str | None = Field(description="percent, one decimal, as a decimal string")


class IndicatorOut(Schema):
    project_key: str
    name: str
    unit: str
    direction: Literal["higher", "lower"]
    values: list[IndicatorValueOut]


class Page(Schema):
    count: int
    limit: int
    offset: int


class MunicipalityPage(Page):
    items: list[MunicipalityOut]


class YearPage(Page):
    items: list[YearOut]


class ProjectPage(Page):
    items: list[ProjectOut]


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class ProjectFilter(Paging):
    fiscal_year: int | None = Field(None, ge=1900, le=2999)
    pillar: str | None = Field(None, max_length=200)
    grade: str | None = Field(None, max_length=10)


# --------------------------------------------------------------------------------------------- helpers


def _json(request: HttpRequest, payload: Schema) -> HttpResponse:
    body = payload.model_dump_json().encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _municipality(code: str) -> Municipality:
    municipality = municipality_for_code(code)
    if municipality is None:
        raise Http404(f"no published municipality with code {code}")
    return municipality


def _fiscal_years_of(municipality_ids: list[int]) -> dict[int, list[int]]:
    """Published fiscal years per municipality, newest first, in one query (not one per municipality of a page)."""
    with scopes_disabled():
        pairs = (
            Publication.objects.filter(reporting_year__plan__municipality_id__in=municipality_ids)
            .values_list("reporting_year__plan__municipality_id", "reporting_year__fiscal_year")
            .distinct()
        )
        years: dict[int, set[int]] = {}
        for municipality_id, fiscal_year in pairs:
            years.setdefault(municipality_id, set()).add(fiscal_year)
    return {pk: sorted(fys, reverse=True) for pk, fys in years.items()}


def _page(items: list[Any], paging: Paging) -> dict[str, Any]:
    return {
        "count": len(items),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": items[paging.offset : paging.offset + paging.limit],
    }


def _year_out(year: PublishedYear) -> YearOut:
    return YearOut(
        fiscal_year=year.fiscal_year,
        plan=year.plan_name,
        title=year.document["report"]["title"],
        latest_version=year.latest.version,
        versions=[
            VersionOut(version=v.version, published_at=v.published_at, reason=v.reason, content_hash=v.content_hash)
            for v in year.versions
        ],
    )


def _projects(years: list[PublishedYear]) -> list[ProjectOut]:
    return [
        ProjectOut(
            key=project_key(p["name"]),
            name=p["name"],
            fiscal_year=year.fiscal_year,
            pillar=p["pillar"],
            policy=p["policy"],
            departments=p["departments"],
            tags=p["tags"],
            grade=p["grade"],
            non_b_summary=p["non_b_summary"],
            publication_version=year.latest.version,
        )
        for year in sorted(years, key=lambda y: y.fiscal_year)
        for p in year.document["projects"]
    ]


# --------------------------------------------------------------------------------------------- operations


@api.get("/municipalities", response={200: MunicipalityPage, **ERRORS}, tags=["municipalities"])
def list_municipalities(request: HttpRequest, paging: Query[Paging]) -> HttpResponse:
    """Municipalities with at least one published year, by code."""
    municipalities = published_municipalities()
    page = municipalities[paging.offset : paging.offset + paging.limit]
    years = _fiscal_years_of([m.pk for m in page])
    items = [MunicipalityOut(code=m.code, name=m.name, fiscal_years=years.get(m.pk, [])) for m in page]
    out = MunicipalityPage(count=len(municipalities), limit=paging.limit, offset=paging.offset, items=items)
    return _json(request, out)


@api.get("/municipalities/{code}", response={200: MunicipalityOut, **ERRORS}, tags=["municipalities"])
def get_municipality(request: HttpRequest, *, code: str = CODE) -> HttpResponse:
    m = _municipality(code)
    years = [y.fiscal_year for y in published_years(municipality=m)]
    return _json(request, MunicipalityOut(code=m.code, name=m.name, fiscal_years=years))


@api.get("/municipalities/{code}/years", response={200: YearPage, **ERRORS}, tags=["years"])
def list_years(request: HttpRequest, *, code: str = CODE, paging: Query[Paging]) -> HttpResponse:
    """Published fiscal years, newest first, each with its versions (publications)."""
    years = [_year_out(y) for y in published_years(municipality=_municipality(code))]
    return _json(request, YearPage(**_page(years, paging)))


@api.get("/municipalities/{code}/years/{fiscal_year}", response={200: YearOut, **ERRORS}, tags=["years"])
def get_year(request: HttpRequest, *, code: str = CODE, fiscal_year: int) -> HttpResponse:
    for year in published_years(municipality=_municipality(code)):
        if year.fiscal_year == fiscal_year:
            return _json(request, _year_out(year))
    raise Http404(f"fiscal year {fiscal_year} is not published")


@api.get("/municipalities/{code}/projects", response={200: ProjectPage, **ERRORS}, tags=["projects"])
def list_projects(request: HttpRequest, *, code: str = CODE, filters: Query[ProjectFilter]) -> HttpResponse:
    """Projects of every published year (latest version), filterable by fiscal year, pillar and grade."""
    projects = [
        p
        for p in _projects(published_years(municipality=_municipality(code)))
        if (filters.fiscal_year is None or p.fiscal_year == filters.fiscal_year)
        and (filters.pillar is None or p.pillar == filters.pillar)
        and (filters.grade is None or p.grade == filters.grade)
    ]
    return _json(request, ProjectPage(**_page(projects, filters)))


@api.get("/municipalities/{code}/projects/{key}/indicators", response={200: list[IndicatorOut], **ERRORS}, tags=["projects"])
def list_indicators(request: HttpRequest, *, code: str = CODE, key: str = KEY) -> HttpResponse:
    """The project's indicators with target, actual and rate per fiscal year, each year from its own publication."""
    by_name: dict[str, IndicatorOut] = {}
    found = False
    for year in sorted(published_years(municipality=_municipality(code)), key=lambda y: y.fiscal_year):
        for p in year.document["projects"]:
            if project_key(p["name"]) != key:
                continue
            found = True
            for indicator in p["indicators"]:
                out = by_name.setdefault(
                    indicator["name"],
                    IndicatorOut(
                        project_key=key, name=indicator["name"], unit=indicator["unit"],
                        direction=indicator["direction"], values=[],
                    ),
                )
                fy = str(year.fiscal_year)
                target, actual = indicator["targets"].get(fy), indicator["actuals"].get(fy)
                rate = opendata._rate(target, actual, indicator["direction"])
                out.values.append(
                    IndicatorValueOut(
                        fiscal_year=year.fiscal_year, target=target, actual=actual,
                        achievement_rate=None if rate is None else str(rate),
                    )
                )
    if not found:
        raise Http404(f"no published project with key {key}")
    return _json_raw(request, _INDICATORS.dump_python(list(by_name.values()), mode="json"))


_INDICATORS = TypeAdapter(list[IndicatorOut])


def _json_raw(request: HttpRequest, payload: Any) -> HttpResponse:
    body = json.dumps(payload, cls=NinjaJSONEncoder, ensure_ascii=False).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


@api.get("/municipalities/{code}/publications", response={200: YearPage, **ERRORS}, tags=["years"])
def list_publications(request: HttpRequest, *, code: str = CODE, paging: Query[Paging]) -> HttpResponse:
    """Publications grouped by fiscal year, oldest version first (the same shape as /years)."""
    years = [_year_out(y) for y in sorted(published_years(municipality=_municipality(code)), key=lambda y: y.fiscal_year)]
    return _json(request, YearPage(**_page(years, paging)))


def api_docs(request: HttpRequest) -> HttpResponse:
    """The schema as a plain HTML page from local templates: no Swagger UI, no CDN, no JS."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [
        {"method": method.upper(), "path": path_, "summary": op.get("summary", ""), "description": op.get("description", ""),
         "parameters": op.get("parameters", []), "responses": sorted(op.get("responses", {}))}
        for path_, item in schema["paths"].items()
        for method, op in item.items()
    ]
    response = render(request, "public/api_docs.html", {"schema": schema, "operations": operations})
    response["Cache-Control"] = CACHE_CONTROL
    return response
