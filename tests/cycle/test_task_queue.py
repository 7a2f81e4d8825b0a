"""The task queue itself: django-tasks with django-tasks-db's database backend, and its worker ``db_worker``.

End to end on the test's database (SQLite or PostgreSQL, whichever the suite runs on): the web request
queues, nothing is drawn or sent until the worker runs (``db_worker --batch``, in this process), then the
file is served and the e-mail is out. The tests are transactional: the worker commits as in production.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from django_tasks_db.models import DBTaskResult

from shinchoku.cycle.services.mail import mail_send
from shinchoku.documents.models import DraftFile, DraftStatus
from shinchoku.plans.models import ReportingYear

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings: Any) -> Iterator[None]:
    settings.TASKS = DATABASE_TASKS
    yield


def run_worker() -> None:
    """Run every queued task that is due, then return (the worker sets its own signal handlers: put ours back)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _statuses() -> list[tuple[str, str]]:
    return [(t.task_path, t.status) for t in DBTaskResult.objects.order_by("enqueued_at")]


def test_it_draws_a_draft_in_the_worker_and_serves_it(
    database_queue: None, client: Client, year_2024: ReportingYear, alice: Any
) -> None:
    city = year_2024.plan.municipality
    client.force_login(alice)
    download = reverse("documents:report_download", args=[city.pk, 2024, "pdf"])
    status_url = client.get(download)["Location"]
    with scope(municipality=city):
        (draft,) = DraftFile.objects.all()
    assert draft.status == DraftStatus.PENDING and draft.content is None
    assert _statuses() == [("shinchoku.cycle.tasks.draft_render", "READY")]
    assert str(DBTaskResult.objects.get().id) == draft.task_id
    assert "作成の順番を待っています" in client.get(status_url).content.decode()

    run_worker()

    assert _statuses() == [("shinchoku.cycle.tasks.draft_render", "SUCCESSFUL")]
    assert DBTaskResult.objects.get().return_value == "drawn"
    body = client.get(status_url).content.decode()
    assert "作成しました。" in body
    file = client.get(reverse("documents:draft_file", args=[city.pk, 2024, draft.pk]))
    assert file.status_code == 200 and file.content.startswith(b"%PDF-")
    with scope(municipality=city):
        draft.refresh_from_db()
    assert draft.sha256 == DraftFile.digest(file.content) and draft.size == len(file.content)

    # Asked again with nothing changed: the same draft, nothing queued.
    assert client.get(download)["Location"] == status_url
    assert len(_statuses()) == 1


def test_it_keeps_the_traceback_of_a_failed_drawing_and_tells_the_page(
    database_queue: None, client: Client, year_2024: ReportingYear, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shinchoku.cycle.services import drafts

    def broken(document: Any, format: str, *, draft: bool) -> tuple[bytes, str, str]:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(drafts, "render_document", broken)
    city = year_2024.plan.municipality
    client.force_login(alice)
    status_url = client.get(reverse("documents:report_download", args=[city.pk, 2024, "html"]))["Location"]
    run_worker()
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "the disk is full" in task.traceback
    body = client.get(status_url).content.decode()
    assert "報告書（案）を作成できませんでした（RuntimeError）" in body


def test_it_requeues_a_draft_whose_worker_was_lost(
    database_queue: None, client: Client, year_2024: ReportingYear, alice: Any
) -> None:
    city = year_2024.plan.municipality
    client.force_login(alice)
    download = reverse("documents:report_download", args=[city.pk, 2024, "html"])
    client.get(download)
    with scope(municipality=city):
        DraftFile.objects.update(status=DraftStatus.RUNNING, requested_at=timezone.now() - dt.timedelta(hours=1))
    DBTaskResult.objects.update(status="RUNNING")  # its worker was killed mid-way
    client.get(download)
    assert [s for _, s in _statuses()] == ["RUNNING", "READY"]
    run_worker()
    with scope(municipality=city):
        assert DraftFile.objects.get().status == DraftStatus.READY


def test_it_sends_the_reminders_from_the_worker(
    database_queue: None, year_2024: ReportingYear, frank: Any
) -> None:
    call_command("remind", "--municipality", "柏崎市", "--today", "2025-05-26", stdout=StringIO())
    queued = len(_statuses())
    assert queued >= 1 and mail.outbox == []  # queued, not sent by the command
    run_worker()
    assert len(mail.outbox) == queued
    assert {t.status for t in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    assert any(m.to == ["frank@example.org"] and "提出期限" in m.subject for m in mail.outbox)


def test_it_tries_a_refused_e_mail_again_later(
    database_queue: None, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shinchoku.cycle.services import mail as mail_service

    def refused(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(mail_service, "send_mail", refused)
    mail_send(subject="件名", body="本文", recipients=["somu@city.example"])
    run_worker()
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and "no mail server" in first.traceback
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()  # not before its time: the batch worker left it
    monkeypatch.setattr(mail_service, "send_mail", lambda *a, **k: 1)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
