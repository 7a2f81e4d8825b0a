"""Query counts of the public data views, pinned: a page of the API or a CSV never grows with the data."""

from __future__ import annotations

import pytest
from django.test import Client

from shinchoku.public.keys import project_key
from tests.public.conftest import KASHIWAZAKI

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (f"/p/{KASHIWAZAKI}/datapackage.json", 1),
        (f"/p/{KASHIWAZAKI}/data/indicator_values.csv", 2),
        (f"/p/{KASHIWAZAKI}/data/grades.json", 2),
        (f"/p/{KASHIWAZAKI}/feed.atom", 2),
        ("/api/v1/municipalities", 2),
        (f"/api/v1/municipalities/{KASHIWAZAKI}/projects", 2),
        (f"/api/v1/municipalities/{KASHIWAZAKI}/years", 2),
    ],
)
def test_it_reads_in_a_fixed_number_of_queries(charlies_city, django_assert_num_queries, url, queries):
    client = Client()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_it_draws_a_badge_in_two_queries(public_city, seed_document, django_assert_num_queries):
    key = project_key(seed_document["projects"][0]["name"])
    with django_assert_num_queries(2):
        assert Client().get(f"/p/{KASHIWAZAKI}/2023/projects/{key}/badge.svg").status_code == 200
