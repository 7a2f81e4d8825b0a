"""Nothing unpublished leaks: a FY2024 draft's marker is absent from every CSV, JSON, API answer, feed and badge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.services import reporting_year_open
from shinchoku.cycle.services.report import report_save
from shinchoku.plans.models import Plan, ProjectReport
from shinchoku.public import opendata
from tests.public.conftest import KARIWA, KASHIWAZAKI

pytestmark = pytest.mark.django_db

MARKER = "未公表マーカー7f3a"


def _public_urls(client: Client, code: str) -> list[str]:
    urls = ["/p/datapackage.json", f"/p/{code}/datapackage.json", f"/p/{code}/feed.atom", "/api/v1/municipalities",
            f"/api/v1/municipalities/{code}", f"/api/v1/municipalities/{code}/years",
            f"/api/v1/municipalities/{code}/years/2023", f"/api/v1/municipalities/{code}/years/2024",
            f"/api/v1/municipalities/{code}/publications", "/api/v1/openapi.json", "/api/v1/docs/"]
    for resource in opendata.RESOURCES:
        urls += [f"/p/{code}/data/{resource}.csv", f"/p/{code}/data/{resource}.json"]
    for fiscal_year in (2023, 2024):
        urls.append(f"/api/v1/municipalities/{code}/projects?fiscal_year={fiscal_year}&limit=500")
    for project in client.get(f"/api/v1/municipalities/{code}/projects?limit=500").json()["items"]:
        urls.append(f"/api/v1/municipalities/{code}/projects/{project['key']}/indicators")
        for fiscal_year in (2023, 2024):
            urls.append(f"/p/{code}/{fiscal_year}/projects/{project['key']}/badge.svg")
    return urls


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 404), url
    assert not response.cookies, url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_it_shows_no_draft_text_anywhere(charlies_city, public_city):
    with scope(municipality=[public_city.pk]):
        plan = Plan.objects.get(municipality=public_city)
        year = reporting_year_open(plan=plan, fiscal_year=2024, due_date=dt.date(2025, 5, 31), by=None)
        report = ProjectReport.objects.filter(reporting_year=year).first()
        assert report is not None
        report_save(report=report, by=None, expected_version=report.version, results=[MARKER],
                    challenges=[MARKER], non_b_summary=[MARKER])
    client = Client()
    urls = _public_urls(client, KASHIWAZAKI)
    assert len(urls) > 20
    for url in urls:
        assert MARKER not in _body(client, url), url
    assert client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/years/2024").status_code == 404


def test_it_shows_charlies_city_only_under_its_own_code(charlies_city):
    client = Client()
    for url in _public_urls(client, KASHIWAZAKI):
        if url.startswith(f"/p/{KASHIWAZAKI}/") or url.startswith(f"/api/v1/municipalities/{KASHIWAZAKI}"):
            assert "刈羽村" not in _body(client, url), url
    for url in _public_urls(client, KARIWA):
        if url.startswith(f"/p/{KARIWA}/data/") or url.startswith(f"/api/v1/municipalities/{KARIWA}/projects"):
            assert "柏崎市" not in _body(client, url).replace("刈羽村の", ""), url
