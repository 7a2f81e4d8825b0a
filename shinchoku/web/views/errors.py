"""The Japanese refusal pages: 403 (with the municipality named when the user belongs to it) and CSRF failures.

Django's own CSRF page is English and says nothing a user can act on; both pages here say what to do instead.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shinchoku.permissions import grants_in
from shinchoku.tenancy.models import Municipality


def _municipality_of(request: HttpRequest) -> Municipality | None:
    """The municipality of the URL, only when the user holds a role there (a 403 must not confirm others exist)."""
    match = getattr(request, "resolver_match", None)
    raw = match.kwargs.get("municipality_id") if match is not None else None
    if not isinstance(raw, int) or not grants_in(request.user, raw):
        return None
    # Crossing the scope on purpose: the user's own membership was just checked.
    return Municipality.objects.with_scopes_disabled().filter(pk=raw).first()  # type: ignore[attr-defined,no-any-return]


def _reason(exception: Exception | None) -> str:
    """The refusal's own message when it is one written for users (Japanese), else nothing."""
    text = str(exception or "")
    return text if any(ord(c) > 0x2FFF for c in text) else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context: dict[str, Any] = {"error_municipality": _municipality_of(request), "reason": _reason(exception)}
    return render(request, "403.html", context, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", {}, status=403)
