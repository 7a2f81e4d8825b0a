"""Fixtures of the public side (portal, open data, API): cities published under their 全国地方公共団体コード.

The portal tests use the web tests' small 柏崎市 and 刈羽村 (``coded``); the open data and API tests use the
seed's 柏崎市 (``public_city``) and charlie's 刈羽村 with a published year of its own (``charlies_city``).
"""

from __future__ import annotations

import copy

import pytest
from django_scopes import scopes_disabled

from shinchoku.interchange.document import Document
from shinchoku.tenancy.models import Municipality
from tests.web.conftest import *  # noqa: F403  (the named users and cities)

KASHIWAZAKI_CODE = KASHIWAZAKI = "152056"
KARIWA_CODE = KARIWA = "155047"


@pytest.fixture
def coded(city: Municipality, other_city: Municipality) -> tuple[Municipality, Municipality]:
    with scopes_disabled():
        Municipality.objects.filter(pk=city.pk).update(code=KASHIWAZAKI_CODE)
        Municipality.objects.filter(pk=other_city.pk).update(code=KARIWA_CODE)
    return city, other_city


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
