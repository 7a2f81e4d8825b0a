"""Activates the tenancy scope for every request.

Signed-in users are scoped to the municipalities they hold a role in; Django's admin (superusers only) sees
every municipality, since it is the operator's tool for setting tenants up.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_scopes import scope, scopes_disabled

from shinchoku.tenancy.models import Membership


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.path.startswith("/admin/") and user.is_authenticated and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        municipality_ids: list[int] = []
        if user.is_authenticated:
            municipality_ids = sorted(
                set(Membership.objects.with_scopes_disabled().filter(user=user).values_list("municipality_id", flat=True))
            )
        # An empty list scopes every query to nothing: anonymous users see no tenant data at all.
        with scope(municipality=municipality_ids):
            return self.get_response(request)
