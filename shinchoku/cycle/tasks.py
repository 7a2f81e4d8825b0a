"""The background tasks (django-tasks), run by the worker ``shinchoku db_worker``.

Thin on purpose: each calls one service, which holds the logic and its transactions. Arguments are JSON
(ids, not model instances), because the database backend stores them in its queue table.
"""

from __future__ import annotations

from django_tasks import task

from shinchoku.cycle.services.drafts import draft_render as _draft_render
from shinchoku.cycle.services.mail import mail_deliver_now

# Somebody is waiting on the page for a draft; a reminder e-mail can wait a little.
DRAFT_PRIORITY = 10


@task(priority=DRAFT_PRIORITY)
def draft_render(*, municipality_id: int, draft_id: int) -> str:
    return _draft_render(municipality_id=municipality_id, draft_id=draft_id)


@task()
def mail_deliver(*, subject: str, body: str, recipients: list[str], from_email: str, attempt: int = 1) -> int:
    return mail_deliver_now(subject=subject, body=body, recipients=recipients, from_email=from_email, attempt=attempt)
