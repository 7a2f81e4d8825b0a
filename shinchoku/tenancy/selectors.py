"""Reads that cross the tenancy boundary on purpose: finding the municipality a request or command is about.

Everything else runs inside ``django_scopes.scope(municipality=...)``; these are the only lookups allowed to
bypass it, because choosing the scope is what they are for.
"""

from __future__ import annotations

from shinchoku.tenancy.models import Municipality


def municipality_get(*, name: str) -> Municipality | None:
    return Municipality.objects.with_scopes_disabled().filter(name=name).first()


def municipality_get_by_id(*, municipality_id: int) -> Municipality | None:
    """For code outside any request (the background worker), which is handed a municipality's id."""
    return Municipality.objects.with_scopes_disabled().filter(pk=municipality_id).first()


def municipality_get_or_create(*, name: str) -> Municipality:
    municipality = municipality_get(name=name)
    if municipality is None:
        municipality = Municipality.objects.create(name=name)
    return municipality


def municipality_list() -> list[Municipality]:
    return list(Municipality.objects.with_scopes_disabled().order_by("name"))
