"""Public portal views: read-only pages drawn from publication snapshots only, for anonymous readers.

No session, no CSRF token: the pages set no cookie, so they can be cached (Cache-Control public + ETag).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from shinchoku.interchange.document import Document, ProjectDoc
from shinchoku.public.keys import project_key
from shinchoku.public.published import (
    PublishedYear,
    municipality_for_code,
    published_municipalities,
    published_year,
    published_years,
)
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_date, format_fiscal_year

TEMPLATE_VERSION = "portal-1"
FILTERS = ("pillar", "policy", "department", "grade", "tag")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _etag_of(*parts: str) -> str:
    return hashlib.sha256("|".join((TEMPLATE_VERSION, *parts)).encode()).hexdigest()[:32]


# Rendered pages by (etag, full path): a page is a pure function of its publications' content hashes and the
# query string, so a hit skips building it. Bounded; per process.
_RENDERED: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_RENDERED_MAX = 512


def _cached_render(request: HttpRequest, etag: str | None, build: Callable[[], HttpResponse]) -> HttpResponse:
    key = (etag or "", request.get_full_path())
    body = _RENDERED.get(key) if etag else None
    if body is None:
        response = build()
        if etag and response.status_code == 200:
            _RENDERED[key] = response.content
            while len(_RENDERED) > _RENDERED_MAX:
                _RENDERED.popitem(last=False)
        return response
    return _public(HttpResponse(body, content_type="text/html; charset=utf-8"))


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=300)
    return response


def _municipality(code: str) -> Municipality:
    municipality = municipality_for_code(code)
    if municipality is None:
        raise Http404("公表された自治体が見つかりません")
    return municipality


def _year(code: str, fiscal_year: int) -> tuple[Municipality, PublishedYear]:
    municipality = _municipality(code)
    year = published_year(municipality=municipality, fiscal_year=fiscal_year)
    if year is None:
        raise Http404("公表された年度が見つかりません")
    return municipality, year


def _version_label(year: PublishedYear) -> list[str]:
    return [
        f"第{p.version}版（{format_date(p.published_at.date())}）" + ("で訂正" if p.version > 1 else "で公表")
        for p in year.versions
    ]


def _index_etag(request: HttpRequest) -> str:
    return _etag_of(*(f"{m.code}:{m.name}" for m in published_municipalities()))


def _municipality_etag(request: HttpRequest, code: str) -> str | None:
    municipality = municipality_for_code(code)
    if municipality is None:
        return None
    years = published_years(municipality=municipality)
    return _etag_of(municipality.name, *(p.content_hash for y in years for p in y.versions))


def _year_etag(request: HttpRequest, code: str, fiscal_year: int, **_: Any) -> str | None:
    return _municipality_etag(request, code)


@condition(etag_func=_index_etag)
def portal_index(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "public/index.html", {"municipalities": published_municipalities()}))


@condition(etag_func=_municipality_etag)
def portal_municipality(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality(code)
    years = published_years(municipality=municipality)
    rows = [
        {"year": y, "label": format_fiscal_year(y.fiscal_year), "versions": _version_label(y)} for y in years
    ]
    return _public(render(request, "public/municipality.html", {"municipality": municipality, "years": rows,
                                                                "attribution": _attribution(municipality, years[0])}))


DATA_RESOURCES = (("projects", "事業"), ("indicator_values", "指標の値"), ("grades", "評価"), ("schedules", "スケジュール"))


def _data_links(code: str, fiscal_year: int) -> list[tuple[str, str]]:
    """The open data of the municipality (every published year, latest versions): the data package and each
    resource as CSV and JSON (public/opendata.py)."""
    links = [(reverse("public_datapackage", kwargs={"code": code}), "データパッケージ（datapackage.json）")]
    for resource, label in DATA_RESOURCES:
        for fmt, view in (("CSV", "public_resource_csv"), ("JSON", "public_resource_json")):
            links.append((reverse(view, kwargs={"code": code, "resource": resource}), f"{label}（{fmt}）"))
    return links


def _attribution(municipality: Municipality, year: PublishedYear) -> str:
    return f"出典：{municipality.name}「{year.document['report']['title']}」"


def _matches(project: ProjectDoc, needle: str) -> bool:
    texts = [project["name"], project["overview"], project["vision"], *project["results"],
             *project["challenges"], *project["next_year"], *project["non_b_summary"]]
    return any(needle in _nfkc(t) for t in texts)


def _filtered(document: Document, params: dict[str, str]) -> list[tuple[str, ProjectDoc]]:
    needle = _nfkc(params.get("q", "").strip())
    out = []
    for project in document["projects"]:
        if params.get("pillar") and project["pillar"] != params["pillar"]:
            continue
        if params.get("policy") and project["policy"] != params["policy"]:
            continue
        if params.get("department") and params["department"] not in project["departments"]:
            continue
        if params.get("grade") and (project["grade"] or "") != params["grade"]:
            continue
        if params.get("tag") and params["tag"] not in project["tags"]:
            continue
        if needle and not _matches(project, needle):
            continue
        out.append((project_key(project["name"]), project))
    return out


@condition(etag_func=_year_etag)
def portal_year(request: HttpRequest, code: str, fiscal_year: int) -> HttpResponse:
    return _cached_render(request, _year_etag(request, code, fiscal_year),
                          lambda: _portal_year(request, code, fiscal_year))


def _portal_year(request: HttpRequest, code: str, fiscal_year: int) -> HttpResponse:
    municipality, year = _year(code, fiscal_year)
    document = year.document
    params = {k: request.GET.get(k, "") for k in (*FILTERS, "q")}
    grades = [g["code"] for g in document["grade_scale"]]
    distribution = []
    for pillar in document["pillars"]:
        counts = Counter(p["grade"] or "" for p in document["projects"] if p["pillar"] == pillar["name"])
        distribution.append({"pillar": pillar["name"], "counts": [counts.get(g, 0) for g in grades],
                             "total": sum(counts.values())})
    projects = document["projects"]
    options = {
        "pillar": [p["name"] for p in document["pillars"]],
        "policy": sorted({p["policy"] for p in projects if p["policy"]}),
        "department": sorted({d for p in projects for d in p["departments"]}),
        "grade": grades,
        "tag": sorted({t for p in projects for t in p["tags"]}),
    }
    context = {
        "municipality": municipality, "year": year, "document": document,
        "label": format_fiscal_year(fiscal_year), "versions": _version_label(year),
        "grades": grades, "distribution": distribution, "params": params, "options": options,
        "filter_labels": {"pillar": "柱", "policy": "施策", "department": "担当課", "grade": "評価", "tag": "区分"},
        "rows": _filtered(document, params),
        "non_b": [(project_key(p["name"]), p) for p in projects if p["non_b_summary"]],
        "attribution": _attribution(municipality, year), "data_links": _data_links(code, fiscal_year),
    }
    return _public(render(request, "public/year.html", context))


def _chart(indicator: dict[str, Any], years: list[int]) -> dict[str, Any]:
    """Server-drawn bar pairs (target, actual) per fiscal year, in a 320x160 viewBox."""
    from decimal import Decimal, InvalidOperation

    def num(v: str | None) -> Decimal | None:
        try:
            return Decimal(v) if v else None
        except InvalidOperation:
            return None

    rows = [(fy, num(indicator["targets"].get(str(fy))), num(indicator["actuals"].get(str(fy)))) for fy in years]
    top = max([v for _, t, a in rows for v in (t, a) if v is not None] or [Decimal(1)]) or Decimal(1)
    width = Decimal(300) / max(len(rows), 1)
    bars = []
    for i, (_, target, actual) in enumerate(rows):
        x = Decimal(10) + width * i
        for j, (kind, value) in enumerate((("target", target), ("actual", actual))):
            if value is None:
                continue
            h = (Decimal(130) * value / top) if top > 0 else Decimal(0)
            h = max(h, Decimal(0))
            bars.append({"kind": kind, "x": f"{x + width * j / 2 + 2:.1f}", "y": f"{140 - h:.1f}",
                         "w": f"{width / 2 - 4:.1f}", "h": f"{h:.1f}"})
    desc = "、".join(
        f"{format_fiscal_year(fy)} 目標{t if t is not None else 'なし'} 実績{a if a is not None else 'なし'}"
        for fy, t, a in rows
    )
    return {"bars": bars, "desc": desc, "rows": rows,
            "labels": [{"x": f"{Decimal(10) + width * i + width / 2:.1f}", "text": str(fy)}
                       for i, (fy, _, _) in enumerate(rows)]}


@condition(etag_func=_year_etag)
def portal_project(request: HttpRequest, code: str, fiscal_year: int, key: str) -> HttpResponse:
    return _cached_render(request, _year_etag(request, code, fiscal_year),
                          lambda: _portal_project(request, code, fiscal_year, key))


def _portal_project(request: HttpRequest, code: str, fiscal_year: int, key: str) -> HttpResponse:
    municipality, year = _year(code, fiscal_year)
    # The project's public key (public/keys.py) is the one the open data, the API and the badge use.
    project = next((p for p in year.document["projects"] if project_key(p["name"]) == key), None)
    if project is None:
        raise Http404("事業が見つかりません")
    all_years = published_years(municipality=municipality)
    # Across years, a project is the same project when its name is; the latest publication holding a
    # value for a year wins, as each year's report restates the earlier actuals.
    history = []
    merged: dict[str, dict[str, dict[str, str]]] = {}
    for y in sorted(all_years, key=lambda y: y.fiscal_year):
        for other in y.document["projects"]:
            if other["name"] != project["name"]:
                continue
            history.append({"label": format_fiscal_year(y.fiscal_year), "grade": other["grade"] or "―"})
            for ind in other["indicators"]:
                slot = merged.setdefault(ind["name"], {"targets": {}, "actuals": {}})
                slot["targets"].update(ind["targets"])
                slot["actuals"].update(ind["actuals"])
    indicators = []
    for ind in project["indicators"]:
        values = merged.get(ind["name"], {"targets": ind["targets"], "actuals": ind["actuals"]})
        years = sorted({int(k) for k in (*values["targets"], *values["actuals"])})
        indicators.append({"indicator": ind, "chart": _chart(values, years)})
    schedule_years = sorted({int(k) for row in project["schedule"] for k in row["cells"]})
    context = {
        "municipality": municipality, "year": year, "project": project, "key": key,
        "label": format_fiscal_year(fiscal_year), "indicators": indicators, "history": history,
        "schedule_years": schedule_years,
        "schedule": [(row["track"], [row["cells"].get(str(fy), "") for fy in schedule_years])
                     for row in project["schedule"]],
        "attribution": _attribution(municipality, year), "data_links": _data_links(code, fiscal_year),
    }
    return _public(render(request, "public/project.html", context))


def portal_pdf(request: HttpRequest, code: str, fiscal_year: int) -> HttpResponse:
    """The latest version's PDF, as stored at publication (drawn once from the snapshot if not yet stored)."""
    from django_scopes import scope

    from shinchoku.cycle.services.publication import publication_file

    municipality, year = _year(code, fiscal_year)
    with scope(municipality=municipality):
        stored = publication_file(publication=year.latest, format="pdf")
    response = HttpResponse(bytes(stored.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{code}_{fiscal_year}_v{year.latest.version}.pdf"'
    response["ETag"] = f'"{stored.sha256}"'
    return _public(response)
