"""The open data of one municipality and the national package, validated with frictionless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from frictionless import Resource, Schema, validate

from shinchoku.public import opendata
from shinchoku.public.keys import project_key
from tests.public.conftest import KARIWA, KASHIWAZAKI

pytestmark = pytest.mark.django_db


def _write_package(client: Client, code: str, tmp_path: Path) -> Path:
    package = client.get(f"/p/{code}/datapackage.json").json()
    for resource in package["resources"]:
        name = resource["path"].rsplit("/", 1)[1]
        body = client.get(f"/p/{code}/data/{name}").content
        (tmp_path / name).write_bytes(body)
        resource["path"] = name
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_serves_a_valid_data_package(public_city, tmp_path):
    client = Client()
    path = _write_package(client, KASHIWAZAKI, tmp_path)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert package["attribution"].startswith("出典：柏崎市")
    assert "公共データ利用規約（第1.0版）" in package["attribution"]
    assert [r["name"] for r in package["resources"]] == ["projects", "indicator-values", "grades", "schedules"]


@pytest.mark.parametrize("resource", list(opendata.RESOURCES))
def test_it_serves_each_csv_with_a_bom_and_japanese_header(public_city, tmp_path, resource):
    response = Client().get(f"/p/{KASHIWAZAKI}/data/{resource}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content[3:].decode("utf-8").split("\r\n", 1)[0].split(",")
    assert header == [f.name for f in opendata.RESOURCES[resource][1]]
    path = tmp_path / f"{resource}.csv"
    path.write_bytes(response.content)
    table = Resource(
        path=path.name, basepath=str(tmp_path), encoding="utf-8-sig", schema=Schema.from_descriptor(opendata.table_schema(resource))
    )
    report = validate(table)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] > 0


def test_it_keeps_values_as_decimal_strings(public_city):
    data = Client().get(f"/p/{KASHIWAZAKI}/data/indicator_values.json").json()["data"]
    assert data and all(isinstance(row["target"], (str, type(None))) for row in data)
    assert all(isinstance(row["achievement_rate"], (str, type(None))) for row in data)
    assert any(row["achievement_rate"] for row in data)
    row = data[0]
    assert row["project_key"] == project_key(row["project"])
    assert row["publication_version"] == 1


def test_it_serves_the_same_rows_as_json_and_csv(public_city):
    client = Client()
    rows = client.get(f"/p/{KASHIWAZAKI}/data/grades.json").json()["data"]
    csv_lines = client.get(f"/p/{KASHIWAZAKI}/data/grades.csv").content.decode("utf-8-sig").strip().split("\r\n")
    assert len(csv_lines) >= len(rows) + 1 and len(rows) > 0


def test_it_streams_a_valid_national_package(charlies_city, tmp_path):
    response = Client().get("/p/datapackage.json")
    assert response.streaming
    body = b"".join(response.streaming_content)
    package = json.loads(body)
    path = tmp_path / "datapackage.json"
    path.write_bytes(body)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    codes = {row["municipality_code"] for row in package["resources"][0]["data"]}
    assert codes == {KASHIWAZAKI, KARIWA}
    kariwa = [row for row in package["resources"][0]["data"] if row["municipality_code"] == KARIWA]
    assert all(row["project"].startswith("刈羽村の") for row in kariwa)


def test_it_answers_an_unknown_code_or_resource_with_404(public_city):
    client = Client()
    assert client.get("/p/999999/datapackage.json").status_code == 404
    assert client.get(f"/p/{KASHIWAZAKI}/data/secrets.csv").status_code == 404


def test_it_answers_a_conditional_get_with_304(public_city):
    client = Client()
    first = client.get(f"/p/{KASHIWAZAKI}/data/projects.csv")
    assert first["Cache-Control"].startswith("public")
    again = client.get(f"/p/{KASHIWAZAKI}/data/projects.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not first.cookies
