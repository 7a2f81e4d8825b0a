"""Portal fixtures: the web tests' 柏崎市 and 刈羽村, with their 全国地方公共団体コード set."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from shinchoku.tenancy.models import Municipality
from tests.web.conftest import *  # noqa: F403  (the named users and cities)

KASHIWAZAKI_CODE = "152056"
KARIWA_CODE = "155047"


@pytest.fixture
def coded(city: Municipality, other_city: Municipality) -> tuple[Municipality, Municipality]:
    with scopes_disabled():
        Municipality.objects.filter(pk=city.pk).update(code=KASHIWAZAKI_CODE)
        Municipality.objects.filter(pk=other_city.pk).update(code=KARIWA_CODE)
    return city, other_city
