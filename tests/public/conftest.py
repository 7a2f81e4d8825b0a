"""Fixtures of the public (open data, API) tests: the seed's 柏崎市 published under its code, and charlie's city."""

from __future__ import annotations

import copy

import pytest
from django_scopes import scopes_disabled

from shinchoku.interchange.document import Document
from shinchoku.tenancy.models import Municipality

KASHIWAZAKI = "152056"
KARIWA = "155861"


@pytest.fixture
def public_city(kashiwazaki: Municipality) -> Municipality:
    with scopes_disabled():
        Municipality.objects.filter(pk=kashiwazaki.pk).update(code=KASHIWAZAKI)
        kashiwazaki.refresh_from_db()
    return kashiwazaki


@pytest.fixture
def charlies_city(public_city: Municipality, seed_document: Document) -> Municipality:
    """刈羽村, charlie's municipality, with its own published year whose texts carry its own name."""
    from shinchoku.cycle.services.imports import year_import

    document = copy.deepcopy(seed_document)
    document["municipality"] = "刈羽村"
    document["plan"]["name"] = "刈羽村DX推進計画"
    for project in document["projects"]:
        project["name"] = "刈羽村の" + project["name"]
    municipality = year_import(by=None, document=document).municipality
    with scopes_disabled():
        Municipality.objects.filter(pk=municipality.pk).update(code=KARIWA)
        municipality.refresh_from_db()
    return municipality
