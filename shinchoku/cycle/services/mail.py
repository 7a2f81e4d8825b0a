"""Outgoing e-mail, sent by the background worker through the task queue (never inside a web request).

``mail_send`` queues one message; the worker's ``shinchoku.cycle.tasks.mail_deliver`` hands it to Django's
``EMAIL_BACKEND`` (``SHINCHOKU_EMAIL_BACKEND``). A refused delivery (the mail server down) is tried again
later, ``MAIL_ATTEMPTS`` times in all with a growing wait, when the queue can hold a task until a time.
django-tasks has no e-mail backend of its own, hence this small service.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)

MAIL_ATTEMPTS = 5
FIRST_RETRY_AFTER = dt.timedelta(minutes=1)


def mail_send(*, subject: str, body: str, recipients: list[str], from_email: str = "") -> str:
    """Queue a plain-text e-mail to ``recipients``; returns the task's id."""
    from shinchoku.cycle.tasks import mail_deliver

    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    result = mail_deliver.enqueue(
        subject=subject, body=body, recipients=list(recipients),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL, attempt=1,
    )
    return str(result.id)


def mail_deliver_now(*, subject: str, body: str, recipients: list[str], from_email: str, attempt: int) -> int:
    """Hand one message to the e-mail backend (run by the worker); on failure queue the next attempt, then
    re-raise so the task's result records the error."""
    from shinchoku.cycle.tasks import mail_deliver

    try:
        return send_mail(subject, body, from_email, recipients)
    except Exception:
        backend = mail_deliver.get_backend()
        if attempt < MAIL_ATTEMPTS and backend.supports_defer:
            wait = FIRST_RETRY_AFTER * 2 ** (attempt - 1)
            logger.warning("e-mail to %s failed (attempt %d of %d); trying again in %s",
                           ", ".join(recipients), attempt, MAIL_ATTEMPTS, wait)
            mail_deliver.using(run_after=timezone.now() + wait).enqueue(
                subject=subject, body=body, recipients=recipients, from_email=from_email, attempt=attempt + 1
            )
        else:
            logger.error("e-mail to %s failed (attempt %d of %d); giving up", ", ".join(recipients), attempt, MAIL_ATTEMPTS)
        raise
