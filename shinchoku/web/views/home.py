"""``/``: the municipalities the signed-in user works for (redirects when there is only one)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from shinchoku.tenancy.models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    memberships = Membership.objects.filter(user=user).select_related("municipality")
    municipalities: dict[int, dict[str, object]] = {}
    for membership in memberships.order_by("municipality__name", "role"):
        entry = municipalities.setdefault(
            membership.municipality_id, {"municipality": membership.municipality, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())  # type: ignore[attr-defined]
    if len(municipalities) == 1:
        return redirect("web:municipality", municipality_id=next(iter(municipalities)))
    return render(request, "web/home.html", {"entries": list(municipalities.values())})
