"""A published version 2 (a correction) is what the open data and the API show; version 1 stays listed."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from shinchoku.plans.models import Publication
from tests.public.conftest import KASHIWAZAKI

pytestmark = pytest.mark.django_db


def test_it_shows_the_corrected_value_of_version_2(public_city):
    with scopes_disabled():
        first = Publication.objects.get(reporting_year__plan__municipality=public_city)
        document = copy.deepcopy(first.document)
        document["projects"][0]["grade"] = "D"
        document["projects"][0]["non_b_summary"] = ["第2版で訂正した理由"]
        Publication.objects.create(
            reporting_year=first.reporting_year, version=2, document=document, content_hash="0" * 64,
            source=first.source, reason="誤りの訂正",
        )
    client = Client()
    grades = client.get(f"/p/{KASHIWAZAKI}/data/grades.json").json()["data"]
    corrected = next(row for row in grades if row["project"] == document["projects"][0]["name"])
    assert (corrected["grade"], corrected["publication_version"]) == ("D", 2)
    assert corrected["non_b_summary"] == "第2版で訂正した理由"
    assert "第2版で訂正した理由" in client.get(f"/p/{KASHIWAZAKI}/data/grades.csv").content.decode("utf-8-sig")
    year = client.get(f"/api/v1/municipalities/{KASHIWAZAKI}/years/2023").json()
    assert year["latest_version"] == 2
    assert [v["version"] for v in year["versions"]] == [1, 2]
    assert year["versions"][1]["reason"] == "誤りの訂正"
    feed = client.get(f"/p/{KASHIWAZAKI}/feed.atom").content.decode()
    assert "第1版" in feed and "第2版" in feed
