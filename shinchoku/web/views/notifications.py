"""``/notifications/``: the signed-in user's notifications (all of their municipalities) and their e-mail setting."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shinchoku.cycle.models import NotificationPreference
from shinchoku.cycle.selectors import notifications_of
from shinchoku.cycle.services import notification_email_set, notifications_mark_read
from shinchoku.tenancy.models import Membership, Municipality


def _municipalities(user: Any) -> list[Municipality]:
    # The page has no municipality in its URL: the request is scoped to all of the user's.
    ids = set(Membership.objects.filter(user=user).values_list("municipality_id", flat=True))
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = notifications_of(user=request.user)
    return render(request, "web/notifications/list.html", {
        "notifications": items,
        "unread": sum(1 for n in items if n.is_unread),
        "several_municipalities": len({n.municipality_id for n in items}) > 1,
        "breadcrumbs": [("通知", None)],
    })


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [m.pk for m in _municipalities(request.user)]
    count = notifications_mark_read(user=request.user, municipality_ids=ids)
    messages.success(request, f"{count}件の通知を既読にしました。" if count else "未読の通知はありません。")
    return redirect("notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    municipalities = _municipalities(user)
    if request.method == "POST":
        for municipality in municipalities:
            notification_email_set(
                user=user, municipality=municipality, email=request.POST.get(f"email_{municipality.pk}") == "on"
            )
        messages.success(request, "通知の設定を保存しました。")
        return redirect("notification_settings")
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("municipality_id", flat=True)
    )
    return render(request, "web/notifications/settings.html", {
        "rows": [{"municipality": m, "email": m.pk not in off} for m in municipalities],
        "email": user.email,
        "breadcrumbs": [("通知", reverse("notifications")), ("メール通知の設定", None)],
    })
