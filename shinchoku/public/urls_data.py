"""URLs and views of the open data, the Atom feed and the badges, under /p/ (beside the portal's pages).

Anonymous and cookie-free: these views never touch the session, and each answer carries Cache-Control and a
strong ETag of its bytes, so a conditional GET is a 304.
"""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from shinchoku.public import opendata
from shinchoku.public.badge import badge_svg, latest_grade
from shinchoku.public.feeds import PublicationsFeed
from shinchoku.public.published import municipality_for_code, published_years
from shinchoku.tenancy.models import Municipality

CACHE_CONTROL = "public, max-age=300"


class CodeConverter:
    regex = "[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")


def cached(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _municipality(code: str) -> Municipality:
    municipality = municipality_for_code(code)
    if municipality is None:
        raise Http404
    return municipality


@require_safe
def national_datapackage(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in opendata.national_datapackage_chunks()),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_safe
def datapackage(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality(code)
    package = opendata.datapackage(municipality, base_url=request.build_absolute_uri("/").rstrip("/"))
    body = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    return cached(request, body, "application/json; charset=utf-8")


@require_safe
def resource_csv(request: HttpRequest, code: str, resource: str) -> HttpResponse:
    if resource not in opendata.RESOURCES:
        raise Http404
    municipality = _municipality(code)
    table = opendata.rows(resource, code=code, years=published_years(municipality=municipality))
    response = cached(request, opendata.csv_bytes(resource, table), "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}_{resource}.csv"'
    return response


@require_safe
def resource_json(request: HttpRequest, code: str, resource: str) -> HttpResponse:
    if resource not in opendata.RESOURCES:
        raise Http404
    municipality = _municipality(code)
    table = list(opendata.rows(resource, code=code, years=published_years(municipality=municipality)))
    body = json.dumps(
        {"resource": resource, "license": opendata.LICENSE, "attribution": opendata.attribution(municipality), "data": table},
        ensure_ascii=False,
    ).encode("utf-8")
    return cached(request, body, "application/json; charset=utf-8")


@require_safe
def badge(request: HttpRequest, code: str, fiscal_year: int, key: str) -> HttpResponse:
    municipality = _municipality(code)
    found = latest_grade(published_years(municipality=municipality), key, up_to=fiscal_year)
    if found is None:
        raise Http404
    name, grade = found
    body = badge_svg(project=name, fiscal_year=fiscal_year, grade=grade).encode("utf-8")
    return cached(request, body, "image/svg+xml; charset=utf-8")


@require_safe
def feed(request: HttpRequest, code: str) -> HttpResponseBase:
    response = PublicationsFeed()(request, code=code)
    response["Cache-Control"] = CACHE_CONTROL
    if isinstance(response, HttpResponse):
        return cached(request, response.content, response["Content-Type"])
    return response


urlpatterns = [
    path("datapackage.json", national_datapackage, name="public_national_datapackage"),
    path("<code:code>/datapackage.json", datapackage, name="public_datapackage"),
    path("<code:code>/data/<slug:resource>.csv", resource_csv, name="public_resource_csv"),
    path("<code:code>/data/<slug:resource>.json", resource_json, name="public_resource_json"),
    path("<code:code>/feed.atom", feed, name="public_feed"),
    path("<code:code>/<int:fiscal_year>/projects/<slug:key>/badge.svg", badge, name="public_badge"),
]
