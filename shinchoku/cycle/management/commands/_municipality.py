"""--municipality of the user commands: the name (as in every command) or the id."""

from __future__ import annotations

from django.core.management.base import CommandError

from shinchoku.tenancy.models import Municipality
from shinchoku.tenancy.selectors import municipality_get, municipality_get_by_id

BAD_INPUT = 2


def municipality_from_option(value: str) -> Municipality:
    municipality = municipality_get(name=value)
    if municipality is None and value.isdigit():
        municipality = municipality_get_by_id(municipality_id=int(value))
    if municipality is None:
        raise CommandError(f"unknown municipality {value!r}", returncode=BAD_INPUT)
    return municipality
