"""What the header of every page shows: the signed-in user's unread notifications (one query, only when shown)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from shinchoku.cycle.selectors import notifications_unread_count


class UnreadNotifications:
    """Counted the first time the template asks, in the request's scope (the page's municipality, or all of
    the user's on pages without one), so an anonymous page or a page without the header costs nothing."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        if not self._user.is_authenticated:
            return 0
        return notifications_unread_count(user=self._user)


def notifications(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": UnreadNotifications(request.user)}
