"""The municipality code: filled by the importer when the name is unique, set by the CLI with a check digit."""

from __future__ import annotations

import copy
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services.imports import year_import
from shinchoku.cycle.services.municipality_code import municipality_code_set
from shinchoku.tenancy.models import Municipality
from tests.web.conftest import KARIWA

pytestmark = pytest.mark.django_db


def test_it_fills_the_code_on_import_when_the_name_is_unique(city: Municipality) -> None:
    with scopes_disabled():
        assert Municipality.objects.get(pk=city.pk).code == "152056"


def test_it_leaves_an_ambiguous_name_blank() -> None:
    document: Any = copy.deepcopy(KARIWA)
    document["municipality"] = "府中市"
    municipality = year_import(by=None, document=document).municipality
    with scopes_disabled():
        assert Municipality.objects.get(pk=municipality.pk).code == ""


def test_it_sets_the_code_on_the_cli_with_check_digit() -> None:
    document: Any = copy.deepcopy(KARIWA)
    document["municipality"] = "府中市"
    municipality = year_import(by=None, document=document).municipality
    out = StringIO()
    call_command("set-municipality-code", "--municipality", "府中市", stdout=out)
    assert "132063" in out.getvalue()
    with pytest.raises(CommandError) as raised:
        call_command("set-municipality-code", "--municipality", "府中市", "132064")
    assert raised.value.returncode == 2 and "invalid municipality code" in str(raised.value)
    call_command("set-municipality-code", "--municipality", "府中市", "132063", stdout=StringIO())
    with scopes_disabled():
        assert Municipality.objects.get(pk=municipality.pk).code == "132063"


def test_it_refuses_a_code_held_by_another(city: Municipality, other_city: Municipality) -> None:
    with pytest.raises(CycleError, match="既に他の自治体"):
        municipality_code_set(municipality=other_city, code="152056", by=None)
    with pytest.raises(CycleError, match="正しくありません"):
        municipality_code_set(municipality=other_city, code="152057", by=None)
