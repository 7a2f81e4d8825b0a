"""Tenancy is guarded at the query layer: outside a scope, a query raises instead of returning data."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError, scope

from shinchoku.plans.models import Indicator, Project, ProjectReport
from shinchoku.tenancy.models import Department, Municipality


def test_it_refuses_unscoped_queries(kashiwazaki: Municipality) -> None:
    for model in (Project, ProjectReport, Indicator, Department):
        with pytest.raises(ScopeError):
            list(model.objects.all())


def test_it_returns_nothing_of_a_municipality_outside_the_scope(kashiwazaki: Municipality) -> None:
    other = Municipality.objects.create(name="長岡市")
    with scope(municipality=other):
        assert Project.objects.count() == 0
        assert Department.objects.count() == 0
    with scope(municipality=kashiwazaki):
        assert Project.objects.count() == 24


def test_it_scopes_an_empty_membership_list_to_nothing(kashiwazaki: Municipality) -> None:
    with scope(municipality=[]):
        assert Project.objects.count() == 0
