"""Activates the tenancy scope for every request: the municipality of its URL, after checking membership.

As pretix does it: a URL ``/<municipality_id>/…`` is scoped to that one municipality if the signed-in user holds
a role there, and to nothing otherwise, so another city's page is the same 404 as a page that does not exist.
Pages without a municipality in their URL (the home page, the password page) are scoped to the user's own
municipalities, which is what they list. Django's admin (superusers only) sees every municipality, since it
is the operator's tool for setting tenants up.

One municipality per request, not all of the user's: a prefecture's staff holding roles in all 1,741 would
otherwise bind a 1,741-element ``IN`` list into every query of every page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from shinchoku.permissions import grants_in
from shinchoku.tenancy.models import Membership


def municipality_of_url(request: HttpRequest) -> int | None:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    value = match.kwargs.get("municipality_id")
    return value if isinstance(value, int) else None


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
            wanted = municipality_of_url(request)
            if wanted is not None:
                # The grants are cached on the user, so the view's permission checks reuse this query.
                municipality_ids = [wanted] if grants_in(user, wanted) else []
            else:
                municipality_ids = sorted(
                    set(
                        Membership.objects.with_scopes_disabled()
                        .filter(user=user)
                        .values_list("municipality_id", flat=True)
                    )
                )
        # An empty list scopes every query to nothing: anonymous users see no tenant data at all.
        with scope(municipality=municipality_ids):
            return self.get_response(request)
