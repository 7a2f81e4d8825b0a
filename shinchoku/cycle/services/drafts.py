"""Drafts (案) of the progress report: asked for on the web, drawn by the background worker, drawn once per content.

A published year is served from its publication's stored files (``publication.report_file``). Any other
year has no fixed content, and drawing its PDF can take many seconds, which a web worker must not spend:
``draft_request`` takes the year's snapshot (the interchange document, as the report would say it now),
stores it in a :class:`DraftFile` and queues ``shinchoku.cycle.tasks.draft_render``; the worker calls
``draft_render``, which draws the file from that snapshot and stores it. The same content asked for again,
by anyone, in the same format gets the same row (by the snapshot's SHA-256), whether it is drawn or still
being drawn.

The ``report`` command stays synchronous (``report_file``): it is not a web worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

from shinchoku.cycle.errors import NotPermitted
from shinchoku.cycle.services._audit import _actor
from shinchoku.cycle.services.publication import content_hash
from shinchoku.documents.models import DraftFile, DraftStatus
from shinchoku.documents.render import FORMATS, NoReportData, render_document, report_document
from shinchoku.permissions import Action, can
from shinchoku.plans.models import ReportingYear
from shinchoku.plans.selectors import plan_for_fiscal_year
from shinchoku.tenancy.models import Municipality
from shinchoku.tenancy.selectors import municipality_get_by_id

logger = logging.getLogger(__name__)

# A draft still unfinished this long after it was asked for lost its worker (stopped, killed, out of memory):
# the next request queues it again. Far above the longest drawing (a report at every field's maximum).
STALE_AFTER = dt.timedelta(minutes=15)
# Drafts of older content are deleted when a new one is asked for, once nobody can still be waiting for them.
KEEP_SUPERSEDED_FOR = dt.timedelta(hours=1)

FAILED_MESSAGE = (
    "報告書（案）を作成できませんでした（{reason}）。もう一度ダウンロードすると作り直します。"
    "解決しない場合は、この画面の時刻を添えてシステム管理者に連絡してください。"
)

# The fields a status page reads: never the snapshot or the file, which can be megabytes, on each poll.
STATUS_FIELDS = (
    "reporting_year", "format", "status", "requested_at", "started_at", "finished_at", "error", "filename", "size",
)


def _year(municipality: Municipality, fiscal_year: int) -> ReportingYear:
    plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
    year = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first() if plan else None
    if year is None:
        raise NoReportData(f"{municipality.name} has no reporting year {fiscal_year}")
    return year


def _enqueue(draft: DraftFile) -> None:
    """Queue the drawing in the same transaction as the row, so neither exists without the other (the
    database backend's queue is a table of this database). An immediate backend draws right here."""
    from shinchoku.cycle.tasks import draft_render as draft_render_task

    result = draft_render_task.enqueue(municipality_id=draft.reporting_year.plan.municipality_id, draft_id=draft.pk)
    DraftFile.objects.filter(pk=draft.pk).update(task_id=str(result.id))
    draft.refresh_from_db()


def _prune(draft: DraftFile, now: dt.datetime) -> None:
    """Delete the drafts of the same year and format that older content superseded."""
    cutoff = now - KEEP_SUPERSEDED_FOR
    (
        DraftFile.objects.filter(reporting_year=draft.reporting_year, format=draft.format)
        .exclude(pk=draft.pk)
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, requested_at__lt=cutoff))
        .delete()
    )


def draft_request(*, municipality: Municipality, fiscal_year: int, format: str, by: Any) -> DraftFile:
    """The draft of the year's report in ``format`` as the year stands now: the existing one when the content
    has not changed since it was drawn (or while it is being drawn), else a new one queued for the worker.

    A failed draft, or one that lost its worker (``STALE_AFTER``), is queued again. Raises NoReportData
    (no such year, or nothing to report), NotPermitted and ValueError (an unknown format).
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if by is not None and not can(by, Action.REPORT_DOWNLOAD, municipality):
        raise NotPermitted("報告書をダウンロードする権限がありません。")
    document = report_document(municipality=municipality, fiscal_year=fiscal_year)
    digest = content_hash(document)
    actor = _actor(by)
    with scope(municipality=municipality), transaction.atomic():
        year = _year(municipality, fiscal_year)
        now = timezone.now()
        draft = DraftFile.objects.filter(reporting_year=year, format=format, content_hash=digest).first()
        if draft is None:
            try:
                with transaction.atomic():
                    draft = DraftFile.objects.create(
                        reporting_year=year, format=format, content_hash=digest, document=document,
                        requested_by=actor, requested_at=now,
                    )
            except IntegrityError:
                # Another request for the same content won the race; it queued the drawing.
                return DraftFile.objects.get(reporting_year=year, format=format, content_hash=digest)
            _prune(draft, now)
            _enqueue(draft)
        elif draft.status == DraftStatus.FAILED or (not draft.is_finished and now - draft.requested_at > STALE_AFTER):
            draft.status = DraftStatus.PENDING
            draft.error = ""
            draft.requested_by = actor
            draft.requested_at = now
            draft.started_at = draft.finished_at = None
            draft.save(update_fields=["status", "error", "requested_by", "requested_at", "started_at", "finished_at"])
            _enqueue(draft)
        return draft


def draft_get(*, municipality: Municipality, fiscal_year: int, draft_id: int, with_content: bool = False) -> DraftFile | None:
    """The draft of the municipality's year (None if there is none, or it is another year's or another
    municipality's); without the snapshot and the file unless ``with_content``."""
    with scope(municipality=municipality):
        drafts = DraftFile.objects.filter(pk=draft_id, reporting_year__fiscal_year=fiscal_year)
        if not with_content:
            drafts = drafts.only(*STATUS_FIELDS)
        return drafts.first()


def draft_render(*, municipality_id: int, draft_id: int) -> str:
    """Draw a queued draft from its snapshot and store the file (run by the worker). Returns the outcome.

    Drawing runs outside any transaction (it is the long part); the row is marked running before and
    written once after. A failure is stored as a Japanese message for the person waiting, and re-raised so
    that the task's result keeps the traceback.
    """
    municipality = municipality_get_by_id(municipality_id=municipality_id)
    if municipality is None:
        return "gone"
    with scope(municipality=municipality):
        with transaction.atomic():
            draft = DraftFile.objects.select_for_update().filter(pk=draft_id).first()
            if draft is None:
                return "gone"  # superseded and pruned while it waited
            if draft.status == DraftStatus.READY:
                return "already drawn"
            draft.status = DraftStatus.RUNNING
            draft.started_at = timezone.now()
            draft.save(update_fields=["status", "started_at"])
        try:
            data, _, filename = render_document(draft.document, draft.format, draft=True)  # type: ignore[arg-type]
        except Exception as exc:
            logger.exception("drawing draft %s (%s, %s) failed", draft_id, municipality.name, draft.format)
            DraftFile.objects.filter(pk=draft_id).update(
                status=DraftStatus.FAILED, finished_at=timezone.now(),
                error=FAILED_MESSAGE.format(reason=type(exc).__name__),
            )
            raise
        DraftFile.objects.filter(pk=draft_id).update(
            status=DraftStatus.READY, finished_at=timezone.now(), error="", content=data,
            sha256=DraftFile.digest(data), size=len(data),
            filename=filename.replace(f".{draft.format}", f"（案）.{draft.format}"),
        )
    return "drawn"
