"""The Atom feed of a municipality's publications and the per-project SVG badge."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from shinchoku.public.keys import project_key
from tests.public.conftest import KASHIWAZAKI

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_it_serves_an_atom_feed_of_publications(public_city):
    response = Client().get(f"/p/{KASHIWAZAKI}/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["ETag"] and response["Cache-Control"].startswith("public")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert "第1版" in entries[0].findtext(f"{ATOM}title", "")
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/p/{KASHIWAZAKI}/2023/#v1")
    assert not response.cookies


def test_it_has_no_feed_for_an_unknown_code(public_city):
    assert Client().get("/p/999999/feed.atom").status_code == 404


def test_it_serves_a_badge_with_an_accessible_title(public_city, seed_document):
    project = seed_document["projects"][0]
    url = f"/p/{KASHIWAZAKI}/2023/projects/{project_key(project['name'])}/badge.svg"
    client = Client()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = ET.fromstring(response.content)
    title = svg.findtext("{http://www.w3.org/2000/svg}title", "")
    assert project["name"] in title and (project["grade"] or "—") in title
    assert svg.get("role") == "img"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert "max-age" in response["Cache-Control"]


def test_it_answers_an_unknown_project_or_year_with_404(public_city, seed_document):
    client = Client()
    assert client.get(f"/p/{KASHIWAZAKI}/2023/projects/000000000000/badge.svg").status_code == 404
    key = project_key(seed_document["projects"][0]["name"])
    assert client.get(f"/p/{KASHIWAZAKI}/2022/projects/{key}/badge.svg").status_code == 404
