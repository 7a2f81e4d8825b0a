"""The read API at /api/v1/: anonymous, cookie-free, paginated, ETags, CORS and Problem Details."""

from __future__ import annotations

import pytest
from django.test import Client

from shinchoku.public.keys import project_key
from tests.public.conftest import KARIWA, KASHIWAZAKI

pytestmark = pytest.mark.django_db


def test_it_lists_published_municipalities(charlies_city):
    response = Client().get("/api/v1/municipalities")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [m["code"] for m in body["items"]] == [KASHIWAZAKI, KARIWA]
    assert body["items"][0]["fiscal_years"] == [2023]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies


def test_it_paginates_with_limit_and_offset(charlies_city):
    body = Client().get("/api/v1/municipalities?limit=1&offset=1").json()
    assert body == {"count": 2, "limit": 1, "offset": 1, "items": [body["items"][0]]}
    assert body["items"][0]["code"] == KARIWA


def test_it_filters_projects_by_fiscal_year_pillar_and_grade(public_city):
    client = Client()
    everything = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects?limit=500").json()
    assert everything["count"] > 0
    project = everything["items"][0]
    assert project["key"] == project_key(project["name"])
    by_pillar = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects", {"pillar": project["pillar"]}).json()
    assert by_pillar["count"] and all(p["pillar"] == project["pillar"] for p in by_pillar["items"])
    grade = project["grade"]
    by_grade = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects", {"grade": grade, "limit": 500}).json()
    assert all(p["grade"] == grade for p in by_grade["items"])
    assert client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects?fiscal_year=2022").json()["count"] == 0


def test_it_serves_indicators_with_decimal_values(public_city):
    client = Client()
    projects = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects?limit=500").json()["items"]
    answers = [client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects/{p['key']}/indicators") for p in projects]
    assert all(a.status_code == 200 for a in answers)
    indicators = next(a.json() for a in answers if a.json())
    value = indicators[0]["values"][0]
    assert value["fiscal_year"] == 2023
    assert value["target"] is None or isinstance(value["target"], str)


def test_it_lists_years_and_publication_versions(public_city):
    client = Client()
    years = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/years").json()
    assert years["items"][0]["fiscal_year"] == 2023
    assert [v["version"] for v in years["items"][0]["versions"]] == [1]
    publications = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/publications").json()
    assert publications["items"][0]["latest_version"] == 1
    assert client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/years/2023").status_code == 200


def test_it_answers_errors_as_problem_details(public_city):
    client = Client()
    missing = client.get("/api/v1/municipalities/999999")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["status"] == 404 and missing.json()["title"]
    invalid = client.get("/api/v1/municipalities?limit=0")
    assert invalid.status_code == 422
    assert invalid["Content-Type"] == "application/problem+json"
    assert "limit" in invalid.json()["detail"]
    assert client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects/000000000000/indicators").status_code == 404
    year = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/years/2022")
    assert year.status_code == 404


def test_it_answers_a_conditional_get_with_304(public_city):
    client = Client()
    first = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}")
    again = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_it_answers_a_cors_preflight(public_city):
    response = Client().options("/api/v1/municipalities", HTTP_ORIGIN="https://example.org",
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in Client().get("/login/")


def test_it_serves_openapi_and_a_local_docs_page(public_city):
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/municipalities" in schema["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/municipalities/{code}/projects" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "cdn" not in html.lower()


def test_it_shows_charlies_city_only_under_its_own_code(charlies_city):
    client = Client()
    own = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/projects?limit=500").json()["items"]
    assert own and not any(p["name"].startswith("刈羽村の") for p in own)
    other = client.get(f"/api/v1/municipalities/{KARIWA}/projects?limit=500").json()["items"]
    assert other and all(p["name"].startswith("刈羽村の") for p in other)
