"""Sessions that end after an idle time (SESSION_COOKIE_AGE) without a write on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# How stale a session's expiry may get before a request renews it. Renewing on every request would cost a
# session write per page; five minutes of slack on an eight-hour idle limit costs nothing anyone notices.
RENEW_AFTER_SECONDS = 300
_KEY = "_shinchoku_renewed_at"


class SessionIdleRenewalMiddleware:
    """Marks a signed-in session modified at most every RENEW_AFTER_SECONDS, so Django saves it with a fresh
    expiry: the session lasts SESSION_COOKIE_AGE after the last activity, not after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(_KEY, 0)) >= RENEW_AFTER_SECONDS:
                session[_KEY] = now  # a change: Django saves the session and sends a renewed cookie
        return self.get_response(request)
